"""Numerical gradients and relative error: the one gradient checker of the course.

Used by the widgets, the visible and hidden tests, and the project's own tests.
(Notebooks 02 and 05 ask students to write their own versions; their hidden tests make sure
the student's function does not just call these.)
"""
import numpy as np

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


def numerical_gradient(f, x, h=1e-5):
    """Centred differences of the scalar function f at array x: (f(x+h) - f(x-h)) / 2h per entry.

    x is not modified. The truncation error is O(h^2), the rounding error O(eps/h).
    """
    x = np.array(x, dtype=float)
    grad = np.zeros_like(x)
    it = np.nditer(x, flags=["multi_index"])
    for _ in it:
        i = it.multi_index
        old = x[i]
        x[i] = old + h
        up = float(f(x))
        x[i] = old - h
        down = float(f(x))
        x[i] = old
        grad[i] = (up - down) / (2 * h)
    return grad
