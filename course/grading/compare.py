"""Compare what a student's function returned with what was expected: shape and type first.

Every problem is described in words ("dW has shape (3, 5) but should be (5, 3) ..."), so a wrong
answer never surfaces as a numpy traceback.
"""
import numpy as np

from ..tolerance import EXACT, as_floats
from .report import fmt

# Captured at import, before any student cell runs.
_asarray, _isfinite, _abs, _argmax, _where = (
    np.asarray, np.isfinite, np.abs, np.argmax, np.where)


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


def problem(name, expected, got, tol=EXACT):
    """None if `got` matches `expected` within `tol`, else one sentence saying what is wrong with
    `name`."""
    exp = _asarray(expected, dtype=float)
    arr = as_floats(got)
    if arr is None:
        kind = "a number array" if exp.ndim else "a number"
        return f"{name} should be {kind}, got {type(got).__name__} {fmt(got)}."
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
    bad = tol.disagree(arr, exp)
    if not bad.any():
        return None
    if exp.ndim == 0:
        return f"{name}: expected {fmt(exp)}, got {fmt(arr)}"
    idx = np.unravel_index(_argmax(_where(bad, _abs(arr - exp), -1.0)), exp.shape)
    where = ", ".join(str(int(i)) for i in idx)
    more = int(bad.sum()) - 1
    tail = f" ({more} more {'entry differs' if more == 1 else 'entries differ'})" if more else ""
    return f"{name}[{where}]: expected {fmt(exp[idx])}, got {fmt(arr[idx])}{tail}"
