"""Numerical gradients and relative error: the one gradient checker of the course.

Used by the widgets, the visible and hidden tests, and the project's own tests.
(Notebooks 02 and 05 ask students to write their own versions; their hidden tests make sure
the student's function does not just call these.)
"""
import numpy as np

from .i18n import N_, _

# Captured at import, before any student cell runs, so a patched numpy cannot fool the checker.
_abs, _maximum, _asarray = np.abs, np.maximum, np.asarray


def rel_error(a, b, floor=1e-12):
    """Largest elementwise relative error |a - b| / max(|a|, |b|), as a float.

    `floor` keeps the ratio finite where both are zero (then the error is 0).
    For correct float64 gradients expect about 1e-7 or smaller.
    """
    a = _asarray(a, dtype=float)
    b = _asarray(b, dtype=float)
    denom = _maximum(_maximum(_abs(a), _abs(b)), floor)
    return float((_abs(a - b) / denom).max(initial=0.0))


def centred(f, x, h=1e-5):
    """(f(x + h) - f(x - h)) / 2h: the slope of the function f at the number x by centred
    differences. The one place the course computes one: every gradient check, widget and
    picture calls it. Notebook 02 asks students to write it, so its exercises forbid it (and
    with it everything that reaches it). The truncation error is O(h^2), the rounding error
    O(eps/h)."""
    return (f(x + h) - f(x - h)) / (2 * h)


def numerical_gradient(f, x, h=1e-5):
    """Centred differences of the scalar function f at array x, entry by entry (`centred`).
    x is not modified."""
    x = np.array(x, dtype=float)
    grad = np.zeros_like(x)
    it = np.nditer(x, flags=["multi_index"])
    for _entry in it:
        i = it.multi_index
        old = x[i]
        grad[i] = centred(lambda v, i=i: _with_entry(f, x, i, v), old, h)
        x[i] = old
    return grad


def _with_entry(f, x, i, value):
    """f(x) as a float with x[i] set to `value` (left so)."""
    x[i] = value
    return float(f(x))


# The practitioner's reading of a relative error (the cs231n notes' bands), worst first: the
# first threshold the error exceeds names its band.
BANDS = ((1e-2, N_("probably wrong")),
         (1e-4, N_("uncomfortable: look for a bug")),
         (1e-7, N_("fine only where the function has a kink (ReLU at 0, max at a tie)")),
         (0.0, N_("good")))


def band(err):
    """The band of BANDS a relative error falls in: above 1e-2, 1e-4, 1e-7, or at most 1e-7,
    in the course's language. nan (a 0/0 somewhere) is read as the worst band: it proves
    nothing."""
    err = float(err)
    for threshold, words in BANDS:
        if not err <= threshold:  # nan fails every comparison, so it lands in the first band
            return _(words)
    return _(BANDS[-1][1])


def step_errors(f, df, x, steps, dtype=np.float64):
    """For each h in `steps`: the relative error (the worst over the points `x`) of the centred
    difference (f(x+h) - f(x-h)) / 2h against the exact derivative df(x), with x, h and f's
    arithmetic in `dtype` (f must keep its argument's dtype, as numpy's ufuncs do).

    Truncation makes the error ~h^2 for large h; rounding, ~eps/h for small h (eps the dtype's
    machine epsilon): on a log-log plot, a U whose floor sits near h ~ eps^(1/3).
    """
    exact = df(np.asarray(x, dtype=float))
    x = np.asarray(x, dtype=dtype)
    out = []
    with np.errstate(all="ignore"):
        for h in steps:
            h = dtype(h)
            out.append(rel_error((f(x + h) - f(x - h)) / (dtype(2) * h), exact))
    return np.array(out)
