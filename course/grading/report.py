"""What a student reads: the one exception a check raises (shown as a message, never as a
traceback), numbers and inputs written as a person reads them, and a widget's one-line account
of a function that failed."""
import reprlib

from ..i18n import _
from .graphdata import text


class GradingError(AssertionError):
    """A check failed; the message says which output is wrong, on which case, and why it may be.

    IPython calls `_render_traceback_` instead of printing a traceback, so neither the student
    nor the feedback HTML sees the test's source lines: only this message. `hints` holds the
    keys of the recognised mistakes the message shows (course.grading.hints); `wrong`, `stage`
    and `kind` say the same failure in words no language changes, for the instructor's class
    insight (autograder/insight.py): the wrong outputs' names, the first stage that disagrees
    (its English label) and what went wrong ("wrong value", "not written", "wrong form" or the
    name of the exception the code raised).
    """

    def __init__(self, message="", hints=(), wrong=(), stage=None, kind=None):
        super().__init__(message)
        self.hints = tuple(hints)
        self.wrong, self.stage, self.kind = tuple(wrong), stage, kind

    def _render_traceback_(self):
        return [f"\x1b[31m{_('Not yet right.')}\x1b[0m {line}" if i == 0 else line
                for i, line in enumerate(str(self).splitlines())]


_SHORT = reprlib.Repr()  # Python 3.11's takes no keywords
_SHORT.maxlevel, _SHORT.maxdict, _SHORT.maxlist, _SHORT.maxtuple = 2, 4, 4, 4
_SHORT.maxstring = _SHORT.maxother = 40


def fmt(value):
    """A number as a person reads it: 6 significant digits, no numpy repr noise."""
    if callable(value) and hasattr(value, "__name__"):
        return value.__name__
    if isinstance(value, complex) or getattr(getattr(value, "dtype", None), "kind", "") == "c":
        return _SHORT.repr(complex(value)) if getattr(value, "size", 1) == 1 else _SHORT.repr(value)
    try:
        return f"{float(value):.6g}"
    except (TypeError, ValueError):
        text = _SHORT.repr(value)  # bounded: a case may hold a recorded path of 2000 arrays
        return text if len(text) <= 60 else text[:57] + "..."


def fmt_pair(expected, got):
    """Two numbers with enough significant digits (6 at least) that a difference shows."""
    try:
        a, b = float(expected), float(got)
    except (TypeError, ValueError):
        return fmt(expected), fmt(got)
    for digits in range(6, 18):
        left, right = f"{a:.{digits}g}", f"{b:.{digits}g}"
        if left != right:
            break
    return left, right


def fmt_inputs(inputs):
    """`x=1.5, y=-2` for scalars; arrays are shown by shape, since their entries do not fit; an
    expression graph (course.grading.graphs) as the lines that build it, so `grad[5]` names v5."""
    if set(inputs) == {"leaves", "ops"}:
        return _("the graph {lines}", lines="; ".join(text(inputs)))
    parts = []
    for name, value in inputs.items():
        shape = getattr(value, "shape", None)
        if isinstance(value, dict) and value and all(hasattr(v, "shape") for v in value.values()):
            parts.append(_("{name} with keys {keys}", name=name,
                           keys=", ".join(str(k) for k in value)))
        elif shape:
            parts.append(_("{name} of shape {shape}", name=name, shape=tuple(shape)))
        else:
            parts.append(f"{name}={fmt(value)}")
    return ", ".join(parts)


def failure(fn, exc):
    """One line saying why the student's function gave nothing (shown, never raised)."""
    name = getattr(fn, "__name__", None) or _("your function")
    if isinstance(exc, NotImplementedError):
        return _("{name} is not written yet", name=name)
    return _("{name} raised {error}: {message}", name=name, error=type(exc).__name__, message=exc)
