"""Run a student's function on cases and explain the first failure. Used by visible and hidden tests."""
import contextlib
import importlib
import io
import warnings

from .compare import ATOL, RTOL, problem, unpack
from .drivers import positional
from .hints import Case, diagnose
from .report import GradingError, fmt_inputs


@contextlib.contextmanager
def _quiet():
    """Warnings and stderr from the student's code are not failures (nbgrader zeroes a test cell
    that writes to stderr): collect them instead, and say so only if the check fails."""
    sink = io.StringIO()
    with warnings.catch_warnings(record=True) as caught, contextlib.redirect_stderr(sink):
        warnings.simplefilter("always")
        yield caught


@contextlib.contextmanager
def _forbidden(paths, title):
    """Temporarily replace helpers the exercise asks the student to write themselves."""
    saved = []
    for path in paths:
        owner, attr = _resolve(path)
        saved.append((owner, attr, owner.__dict__[attr]))

        def refuse(*args, _path=path, **kwargs):
            raise GradingError(f"{title}: this exercise asks you to write it yourself, "
                               f"so `{_path}` cannot be used inside it.")
        setattr(owner, attr, refuse)
    try:
        yield
    finally:
        for module, attr, original in saved:
            setattr(module, attr, original)


def _resolve(path):
    """(object owning the attribute, attribute name) for a dotted path: a module's function,
    or a class's method (e.g. "course.circuits.Circuit.numerical_grads")."""
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


def _name(fn):
    return getattr(fn, "__name__", None) or type(fn).__name__


def run_case(fn, inputs, expected, *, title, exercise=None, call=None, rtol=RTOL, atol=ATOL,
             mistakes=(), forbid=(), label=""):
    """Check one case; raise GradingError naming the wrong output(s) and likely mistakes."""
    returns = tuple(expected)
    call = call or positional
    where = f"{title}{label} at {fmt_inputs(inputs)}"
    with _forbidden(forbid, title), _quiet() as caught:
        try:
            got = call(fn, dict(inputs))
        except NotImplementedError:
            raise GradingError(f"{title}: not written yet ({_name(fn)} still raises "
                               "NotImplementedError).") from None
        except GradingError:
            raise
        except Exception as exc:
            raise GradingError(f"{where}: {_name(fn)} raised {type(exc).__name__}: {exc}") from None
    values, why = unpack(got, returns, _name(fn))
    if why:
        raise GradingError(f"{where}: {why}")
    got = dict(zip(returns, values))
    problems = [p for p in (problem(n, expected[n], got[n], rtol, atol) for n in returns) if p]
    if not problems:
        return
    lines = [f"{where}:"] + [f"    {p}" for p in problems]
    hints = diagnose(Case(dict(inputs), dict(expected), got), exercise, mistakes)
    lines += [f"  Hint: {h}" for h in hints]
    if caught:
        lines.append(f"  (Your code also raised a warning: {caught[0].message})")
    raise GradingError("\n".join(lines))


def expect(fn, inputs, expected, *, title=None, exercise=None, **options):
    """Visible-test form: check `fn` on one worked example, e.g.

    expect(mul_backward, dict(x=4.0, y=-3.0, dout=1.0), dict(dx=-3.0, dy=4.0))

    Under the grading pipeline the call and its result are also recorded, so the grader repeats
    this comparison outside the kernel (course.grading.record).
    """
    from . import record
    title_, exercise_ = title or _name(fn), exercise or _name(fn)
    if record.recording():
        entry = {"kind": "visible", "fn": _name(fn), "title": title_, "exercise": exercise_,
                 "inputs": record.encode(dict(inputs)), "expected": record.encode(dict(expected)),
                 "rtol": options.get("rtol", RTOL), "atol": options.get("atol", ATOL)}
        entry["result"] = record.outcome(options.get("call") or positional, fn, inputs,
                                         options.get("forbid", ()), title_)
        record.write(entry)
        options = {**options, "call": record.replay(entry["result"]), "forbid": ()}
    run_case(fn, inputs, expected, title=title_, exercise=exercise_, **options)
    print(f"{title_}: correct at {fmt_inputs(inputs)}.")
