"""Compare what a student's function returned with what was expected: shape and type first.

Every problem is described in words ("dW has shape (3, 5) but should be (5, 3) ..."), so a wrong
answer never surfaces as a numpy traceback.
"""
import numbers

import numpy as np

from .report import fmt

# Captured at import, before any student cell runs.
_asarray, _isfinite, _abs, _maximum, _argmax = (
    np.asarray, np.isfinite, np.abs, np.maximum, np.argmax)

RTOL = 1e-6
"""Default relative tolerance: the references are exact formulas in float64, so a correct answer
agrees to ~1e-12; 1e-6 leaves room for a different (but correct) order of operations."""
ATOL = 1e-9
"""Default absolute floor for values that should be 0 (e.g. the max gate's losing input)."""


def unpack(got, returns, fn_name):
    """The returned outputs as a list in the order of `returns`, or a problem string."""
    if got is None:
        return None, (f"{fn_name} returned None: is a `return` statement missing? "
                      f"It should return {', '.join(returns)}.")
    if len(returns) == 1:
        if isinstance(got, tuple) and len(got) == 1:  # `return out,` -- a list may be the value
            got = got[0]
        return [got], None
    if isinstance(got, dict):
        missing = [r for r in returns if r not in got]
        if missing:
            return None, f"{fn_name} returned a dict without {', '.join(missing)}."
        return [got[r] for r in returns], None
    if not isinstance(got, (tuple, list)):
        return None, (f"{fn_name} returned one value ({fmt(got)}) but should return "
                      f"{len(returns)}: {', '.join(returns)}.")
    if len(got) != len(returns):
        return None, (f"{fn_name} returned {len(got)} values but should return "
                      f"{len(returns)}: {', '.join(returns)}.")
    return list(got), None


def _as_float_array(value):
    if isinstance(value, (bool, np.bool_)) or value is None:
        return None
    if isinstance(value, (str, bytes)):
        return None
    try:
        arr = _asarray(value, dtype=float)
    except (TypeError, ValueError):
        return None
    return arr


def problem(name, expected, got, rtol=RTOL, atol=ATOL):
    """None if `got` matches `expected`, else one sentence saying what is wrong with `name`."""
    exp = _asarray(expected, dtype=float)
    arr = _as_float_array(got)
    if arr is None:
        return f"{name} should be a number{' array' if exp.ndim else ''}, got {type(got).__name__} {fmt(got)}."
    if exp.ndim == 0 and arr.ndim != 0:
        if arr.size == 1:
            arr = arr.reshape(())
        else:
            return f"{name} should be a single number, got an array of shape {arr.shape}."
    if exp.ndim and arr.shape != exp.shape:
        hint = ""
        if arr.shape == exp.T.shape and exp.ndim == 2:
            hint = " It looks transposed: which product of the available matrices has this shape?"
        return f"{name} has shape {arr.shape} but should have shape {exp.shape}.{hint}"
    if not _isfinite(arr).all():
        return f"{name} contains nan or inf: {fmt(arr) if arr.ndim == 0 else 'see the entries'}."
    diff = _abs(arr - exp)
    bad = diff > atol + rtol * _maximum(_abs(arr), _abs(exp))
    if not bad.any():
        return None
    if exp.ndim == 0:
        return f"{name}: expected {fmt(exp)}, got {fmt(arr)}"
    idx = np.unravel_index(_argmax(_where(bad, diff)), exp.shape)
    where = ", ".join(str(int(i)) for i in idx)
    more = int(bad.sum()) - 1
    tail = f" ({more} more {'entry differs' if more == 1 else 'entries differ'})" if more else ""
    return f"{name}[{where}]: expected {fmt(exp[idx])}, got {fmt(arr[idx])}{tail}"


def _where(mask, values):
    return np.where(mask, values, -1.0)


def close(a, b, rtol=RTOL, atol=ATOL):
    """True where the two agree as `problem` would judge them (shapes must match)."""
    a = _as_float_array(a)
    b = _as_float_array(b)
    if a is None or b is None or a.shape != b.shape:
        return False
    return bool((_abs(a - b) <= atol + rtol * _maximum(_abs(a), _abs(b))).all())


def is_number(value):
    return isinstance(value, numbers.Number) and not isinstance(value, bool)
