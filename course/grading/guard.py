"""What surrounds every call of a student's function in a check: warnings and stderr collected
rather than failing the cell, and helpers the exercise asks the student to write refused.

A helper is refused by its code: while the check runs, any call into the code of a forbidden
function raises GradingError, whatever name it is reached by (the name the setup cell imported,
an alias taken earlier, a bound method kept in a variable, a function rebuilt from its code, a
thread the student starts), and a refusal the student's code catches, or a profile hook it
switches off, still fails the call (`forbidden`). This is a courtesy that explains the rule in
the notebook: code in the same interpreter can undo it. Under `backprop-grade grade` the verdict
is taken in the bare room (autograder/bareroom.py), where the helpers' code does not exist and
`refuse` stands in for each of them.
"""
import contextlib
import importlib
import io
import sys
import threading
import warnings

from ..i18n import _
from .report import GradingError


@contextlib.contextmanager
def quiet():
    """Warnings and stderr from the student's code are not failures (nbgrader zeroes a test cell
    that writes to stderr): collect them instead, and say so only if the check fails."""
    sink = io.StringIO()
    with warnings.catch_warnings(record=True) as caught, contextlib.redirect_stderr(sink):
        warnings.simplefilter("always")
        yield caught


def refuse(path):
    """What a helper the exercise asks the student to write does in the grader's bare room
    (autograder/bareroom.py), where its code has been taken out: refuse, in words."""
    raise GradingError(_("`{path}` cannot be used while this exercise is graded: the exercise "
                         "asks you to write it yourself.", path=path))


def resolve(path):
    """(object owning the attribute, attribute name) for a dotted path: a module's function,
    or a class's method (e.g. "course.circuits.model.Circuit.numerical_grads")."""
    parts = path.split(".")
    for cut in range(len(parts) - 1, 0, -1):
        try:
            owner = importlib.import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        for name in parts[cut:-1]:
            owner = getattr(owner, name)
        return owner, parts[-1]
    raise ValueError(f"cannot resolve {path}")


def _function(path):
    owner, attr = resolve(path)
    target = getattr(owner, attr)
    function = getattr(target, "__func__", target)
    if getattr(function, "__code__", None) is None:
        raise ValueError(f"{path} is not a Python function: it cannot be forbidden")
    return function


def _refusing_code(message):
    """A code object that raises GradingError(message) whatever it is called with, and needs no
    name of its own module (it runs with the globals of the function it is swapped into)."""
    source = ("def refused(*args, **kwargs):\n"
              "    raise __import__('course.grading.report', fromlist=['GradingError'])"
              f".GradingError({message!r})\n")
    namespace = {}
    exec(compile(source, "<forbidden>", "exec"), namespace)
    return namespace["refused"].__code__


_SETPROFILE_CODE = threading.setprofile.__code__
"""threading.setprofile is Python code (the hook threads start with); sys.setprofile is C."""


class forbidden:
    """While the block runs, refuse every use of the functions at `paths`, by three locks that
    each cover what another could miss:

    - the functions' own code is swapped for code that refuses, so every name, alias, bound
      method or partial that leads to the function object refuses;
    - a profile hook (this thread's, and any thread the student starts) refuses any call into
      the original code, so a function rebuilt from it (or from a reloaded module) refuses too;
    - a refusal the student's code caught, or a profile hook it changed, still fails the call
      when the block ends: catching the GradingError, or switching the hook off, gains nothing.
    """

    def __init__(self, paths, title):
        self.title = title
        self.functions = {path: _function(path) for path in paths or ()}

    def _message(self, path):
        return _("{title}: this exercise asks you to write it yourself, so `{path}` cannot be "
                 "used inside it.", title=self.title, path=path)

    def __enter__(self):
        if not self.functions:
            return self
        self.used = []
        self.codes = {f.__code__: path for path, f in self.functions.items()}
        self.swapped = []
        refusing = {}
        for path, function in self.functions.items():
            if function.__code__.co_freevars:
                continue  # a closure's code cannot be swapped; the profile hook still refuses
            code = refusing[path] = _refusing_code(self._message(path))
            self.swapped.append((function, function.__code__))
            function.__code__ = code
        self.refusing = {code: path for path, code in refusing.items()}

        def watch(frame, event, arg):
            if event == "call":
                path = self.codes.get(frame.f_code) or self.refusing.get(frame.f_code)
                if path:
                    self.used.append(path)
                    raise GradingError(self._message(path))
            profiler = (event == "call" and frame.f_code is _SETPROFILE_CODE
                        or event == "c_call" and arg is sys.setprofile)
            caller = frame.f_back if event == "call" else frame
            if profiler and (caller is None or caller.f_code is not _EXIT_CODE):
                self.used.append("sys.setprofile")
                raise GradingError(_("{title}: the profiler cannot be changed inside a checked "
                                     "function.", title=self.title))
        self.watch = watch
        self.previous = sys.getprofile(), threading.getprofile()
        threading.setprofile(watch)
        sys.setprofile(watch)
        return self

    def __exit__(self, kind, error, traceback):
        if not self.functions:
            return False
        intact = sys.getprofile() is self.watch
        sys.setprofile(self.previous[0])
        threading.setprofile(self.previous[1])
        for function, code in self.swapped:
            function.__code__ = code
        if self.used:
            path = next((p for p in self.used if p in self.functions), self.used[0])
            message = (self._message(path) if path in self.functions else
                       _("{title}: the profiler cannot be changed inside a checked function.",
                         title=self.title))
            raise GradingError(message) from None
        if not intact:
            raise GradingError(_("{title}: your function changed the profiler (sys.setprofile) "
                                 "while it was checked; leave it alone.", title=self.title)) \
                from None
        return False


_EXIT_CODE = forbidden.__exit__.__code__
"""The one place a watched block may set the profiler: restoring it."""
