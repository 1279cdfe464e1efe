"""When two numbers agree: the course's one comparison rule and the tolerances it is used with.

Everything that compares numbers imports this module: the checker's verdicts (visible and hidden
tests, the grader's judging outside the kernel), the live circuit's dashed (wrong) wires, the
sigmoid widget's tick, the layer drivers' own-cache check and the recognised-mistake hints. So a
widget and the grader can never disagree about the same two numbers.

The rule is symmetric: a and b agree where |a - b| <= atol + rtol * max(|a|, |b|).
nan and inf agree with nothing (not even themselves), unless `same_nan` says otherwise.
"""
from dataclasses import dataclass

import numpy as np

# Captured at import, before any student cell runs: a patched numpy cannot change a verdict.
_asarray, _abs, _maximum, _isnan, _isfinite = (
    np.asarray, np.abs, np.maximum, np.isnan, np.isfinite)


def as_floats(value):
    """`value` as a float array, or None if it is not real numbers (None, bool, text, complex
    numbers, objects)."""
    if value is None or isinstance(value, (bool, np.bool_, str, bytes, complex,
                                           np.complexfloating)):
        return None
    if isinstance(value, np.ndarray) and value.dtype.kind == "c":
        return None
    try:
        return _asarray(value, dtype=float)
    except (TypeError, ValueError):
        return None


@dataclass(frozen=True)
class Tolerance:
    """How far apart two numbers may be and still agree."""
    rtol: float
    """Relative part, scaled by the larger magnitude of the two."""
    atol: float
    """Absolute floor, for values that should be exactly 0."""

    def disagree(self, a, b, same_nan=False):
        """Boolean (array): True where a and b do not agree. Both must be numbers."""
        a, b = _asarray(a, dtype=float), _asarray(b, dtype=float)
        with np.errstate(invalid="ignore", over="ignore"):
            close = _abs(a - b) <= self.atol + self.rtol * _maximum(_abs(a), _abs(b))
        bad = ~(close & _isfinite(a) & _isfinite(b))
        return bad & ~(_isnan(a) & _isnan(b)) if same_nan else bad

    def agree(self, a, b, same_nan=False):
        """True if a and b are numbers (or arrays of one shape) that agree everywhere; or dicts
        with the same keys whose values agree. A `Between` agrees with the numbers it holds."""
        if isinstance(a, Between) or isinstance(b, Between):
            return (b if isinstance(b, Between) else a).holds(a if isinstance(b, Between) else b)
        if isinstance(a, dict) or isinstance(b, dict):
            return (isinstance(a, dict) and isinstance(b, dict) and a.keys() == b.keys()
                    and all(self.agree(a[k], b[k], same_nan) for k in a))
        a, b = as_floats(a), as_floats(b)
        if a is None or b is None or a.shape != b.shape:
            return False
        return not self.disagree(a, b, same_nan).any()


EXACT = Tolerance(rtol=1e-6, atol=1e-9)
"""Against the instructor's reference, an exact formula in float64: a correct answer agrees to
~1e-12, so 1e-6 leaves room for another (correct) order of operations and nothing else."""

NUMERIC = Tolerance(rtol=1e-4, atol=1e-6)
"""Against centred differences (h = 1e-6 in float64): truncation O(h^2) and rounding O(1e-16/h)
leave ~1e-9 absolute error on values of order 1, so 1e-4 never fails a correct gradient while
any real mistake (a wrong term, sign or factor) is far above it."""

BRANCH = Tolerance(rtol=1e-5, atol=1e-7)
"""A student's gradient against a partial sum of branch gradients measured by centred
differences (the fork hint): tight enough that only an exact partial sum matches."""

REPEAT = Tolerance(rtol=1e-9, atol=1e-12)
"""The same computation done twice (a layer run alone and beside another object of its class;
a point on a replayed gradient-descent path): only rounding may differ."""


LOG_GUARD = 1e-7
"""The largest guard of a guarded log, log(p + eps), that a cross-entropy loss may use: Deep
Learning from Scratch writes 1e-7, cs231n's solutions 1e-16. A guard changes no gradient
(dL/ds = (p - t) / N is computed from p), only the loss: example i's term by
log(1 + eps / p_i), which is far below EXACT unless p_i is tiny (a confidently wrong example:
p_i = 1e-12 with eps = 1e-7 caps its term at -log(1e-7) = 16.1 instead of 27.6). So the loss is
accepted anywhere from the exact loss down to the loss with this guard (`Between`)."""


@dataclass(frozen=True)
class Between:
    """An accepted range [lo, hi] for one number, each end widened by EXACT: a value whose right
    forms differ by more than rounding (a loss with or without a guarded log, LOG_GUARD)."""
    lo: float
    hi: float

    def holds(self, value):
        """True if `value` is one finite number within the range."""
        v = as_floats(value)
        if v is None or v.size != 1 or not _isfinite(v).all():
            return False
        v = float(v.reshape(()))
        slack = EXACT.atol + EXACT.rtol * max(abs(self.lo), abs(self.hi), abs(v))
        return self.lo - slack <= v <= self.hi + slack


def agree(a, b, tol=EXACT):
    """True if a and b agree within `tol` (EXACT by default)."""
    return tol.agree(a, b)
