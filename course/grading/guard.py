"""What surrounds every call of a student's function in a check: warnings and stderr collected
rather than failing the cell, and helpers the exercise asks the student to write refused.

A helper is refused by its code: while the check runs, any call into the code of a forbidden
function raises GradingError, whatever name it is reached by (the name the setup cell imported,
an alias taken earlier, a bound method kept in a variable, a function rebuilt from its code).
"""
import contextlib
import importlib
import io
import sys
import warnings

from .report import GradingError


@contextlib.contextmanager
def quiet():
    """Warnings and stderr from the student's code are not failures (nbgrader zeroes a test cell
    that writes to stderr): collect them instead, and say so only if the check fails."""
    sink = io.StringIO()
    with warnings.catch_warnings(record=True) as caught, contextlib.redirect_stderr(sink):
        warnings.simplefilter("always")
        yield caught


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


def _code(path):
    owner, attr = resolve(path)
    target = getattr(owner, attr)
    code = getattr(getattr(target, "__func__", target), "__code__", None)
    if code is None:
        raise ValueError(f"{path} is not a Python function: it cannot be forbidden")
    return code


@contextlib.contextmanager
def forbidden(paths, title):
    """Refuse, while the block runs, every call into the code of the functions at `paths`."""
    if not paths:
        yield
        return
    codes = {_code(path): path for path in paths}
    previous = sys.getprofile()

    def watch(frame, event, arg):
        if event == "call" and frame.f_code in codes:
            raise GradingError(f"{title}: this exercise asks you to write it yourself, so "
                               f"`{codes[frame.f_code]}` cannot be used inside it.")
    sys.setprofile(watch)
    try:
        yield
    finally:
        sys.setprofile(previous)
