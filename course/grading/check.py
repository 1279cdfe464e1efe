"""Run a student's function on cases and explain the first failure. Used by visible and hidden
tests, in the kernel and in the grader alike."""
from ..tolerance import EXACT, Tolerance
from . import kernel
from .compare import problem, unpack
from .drivers import positional
from .guard import forbidden, quiet
from .hints import Case, diagnose
from .report import GradingError, fmt_inputs


def _name(fn):
    return getattr(fn, "__name__", None) or type(fn).__name__


def run_case(fn, inputs, expected, *, title, exercise=None, call=None, tol=EXACT, mistakes=(),
             forbid=(), label=""):
    """Check one case; raise GradingError naming the wrong output(s) and likely mistakes."""
    returns = tuple(expected)
    call = call or positional

    def where():  # only on a failure: a case's inputs can be large
        return f"{title}{label} at {fmt_inputs(inputs)}"
    with forbidden(forbid, title), quiet() as caught:
        try:
            got = call(fn, dict(inputs))
        except NotImplementedError:
            raise GradingError(f"{title}: not written yet ({_name(fn)} still raises "
                               "NotImplementedError).") from None
        except GradingError:
            raise
        except Exception as exc:
            raise GradingError(f"{where()}: {_name(fn)} raised {type(exc).__name__}: "
                               f"{exc}") from None
    values, why = unpack(got, returns, _name(fn))
    if why:
        raise GradingError(f"{where()}: {why}")
    got = dict(zip(returns, values))
    problems = [p for p in (problem(n, expected[n], got[n], tol) for n in returns) if p]
    if not problems:
        return
    lines = [f"{where()}:"] + [f"    {p}" for p in problems]
    hints = diagnose(Case(dict(inputs), dict(expected), got), exercise, mistakes)
    lines += [f"  Hint: {h}" for h in hints]
    if caught:
        lines.append(f"  (Your code also raised a warning: {caught[0].message})")
    raise GradingError("\n".join(lines))


def expect(fn, inputs, expected, *, title=None, exercise=None, rtol=EXACT.rtol,
           atol=EXACT.atol, **options):
    """Visible-test form: check `fn` on one worked example, e.g.

    expect(mul_backward, dict(x=4.0, y=-3.0, dout=1.0), dict(dx=-3.0, dy=4.0))

    Under the grading pipeline the call and its result are also recorded, so the grader repeats
    this comparison outside the kernel (course.grading.kernel).
    """
    title, exercise = title or _name(fn), exercise or _name(fn)
    options["tol"] = Tolerance(rtol, atol)
    if kernel.recording():
        replayed = kernel.record_visible(fn, inputs, expected, title, exercise, options)
        options = {**options, "call": replayed, "forbid": ()}
    run_case(fn, inputs, expected, title=title, exercise=exercise, **options)
    print(f"{title}: correct at {fmt_inputs(inputs)}.")
