"""Compare what a student's function returned with what was expected: shape and type first.

Every problem is described in words ("dW has shape (3, 5) but should be (5, 3) ..."), so a wrong
answer never surfaces as a numpy traceback.
"""
import numpy as np

from ..tolerance import EXACT, as_floats
from .report import fmt, fmt_pair

# Captured at import, before any student cell runs.
_asarray, _isfinite, _abs, _argmax, _where = (
    np.asarray, np.isfinite, np.abs, np.argmax, np.where)


class Outputs(dict):
    """The named outputs a call driver (course.grading.drivers) gives back: read by name.
    A plain dict a student's function returns is not one (see `unpack`)."""


def return_form(returns, scalars):
    """How a function returns several values, in words."""
    names = ", ".join(returns)
    also = f", or a 1-d array of the {len(returns)} numbers" if scalars else ""
    return f"`return {names}` (a tuple; a list also works{also}; a dict does not)"


def unpack(got, returns, fn_name, expected=None):
    """The returned outputs as a list in the order of `returns`, or a problem string.

    The rule for several outputs, the same in every exercise: a tuple or a list of them in the
    order given; when every output is a single number, also a 1-d array of those numbers; never
    a dict (the names are the exercise's, the order is the contract). `expected` (by name) tells
    whether every output is a single number.
    """
    scalars = expected is not None and all(not isinstance(v, dict) and _asarray(v).ndim == 0
                                           for v in expected.values())
    if got is None:
        return None, (f"{fn_name} returned None: is a `return` statement missing? "
                      f"It should return {', '.join(returns)}.")
    if isinstance(got, Outputs):
        return [got.get(r) for r in returns], None
    if len(returns) == 1:
        if isinstance(got, tuple) and len(got) == 1:  # `return out,` -- a list may be the value
            got = got[0]
        return [got], None
    if isinstance(got, dict):
        return None, (f"{fn_name} returned a dict; return the {len(returns)} values themselves, "
                      f"in this order: {return_form(returns, scalars)}.")
    if isinstance(got, np.ndarray):
        if scalars and got.ndim == 1 and len(got) == len(returns):
            return list(got), None
        return None, (f"{fn_name} returned one array of shape {got.shape}; it should return "
                      f"{len(returns)} values: {return_form(returns, scalars)}.")
    if not isinstance(got, (tuple, list)):
        return None, (f"{fn_name} returned one value ({fmt(got)}) but should return "
                      f"{len(returns)}: {return_form(returns, scalars)}.")
    if len(got) != len(returns):
        return None, (f"{fn_name} returned {len(got)} values but should return "
                      f"{len(returns)}: {return_form(returns, scalars)}.")
    return list(got), None


def _low_precision(value):
    """The float dtype of a numpy result coarser than float64 (float16, float32), else None."""
    dtype = getattr(value, "dtype", None)
    if isinstance(dtype, np.dtype) and dtype.kind == "f" and dtype.itemsize < 8:
        return dtype
    return None


def _rounding_only(dtype, exp, arr):
    """True if `arr` is within a few roundings of `dtype` of `exp` everywhere."""
    info = np.finfo(dtype)
    scale = np.maximum(_abs(exp), _abs(arr))
    return bool(np.all(_abs(arr - exp) <= 256 * float(info.eps) * scale + float(info.tiny)))


def _dtype_note(name, got, exp, arr):
    low = _low_precision(got)
    if low is None or not _rounding_only(low, exp, arr):
        return ""
    return (f" Your {name} is {low.name} (about {np.finfo(low).precision} significant digits) "
            f"and the reference float64 (about 15): a difference this small is what {low.name}'s "
            f"rounding gives. Keep numpy's default float64 (no np.{low.name}(...), "
            f".astype({low.name}) or dtype={low.name}).")


def _dict_problem(name, expected, got, tol):
    keys = ", ".join(repr(k) for k in expected)
    if not isinstance(got, dict):
        return f"{name} should be a dict with the keys {keys}, got {type(got).__name__}."
    missing = [repr(k) for k in expected if k not in got]
    if missing:
        return f"{name} has no {', '.join(missing)}: it should have the keys {keys}."
    extra = [repr(k) for k in got if k not in expected]
    if extra:
        return f"{name} has keys that should not be there: {', '.join(extra)} (keys: {keys})."
    problems = [p for p in (problem(f"{name}[{k!r}]", expected[k], got[k], tol)
                            for k in expected) if p]
    if not problems:
        return None
    more = len(problems) - 1
    return problems[0] + (f" ({more} more {'key differs' if more == 1 else 'keys differ'})"
                          if more else "")


def problem(name, expected, got, tol=EXACT):
    """None if `got` matches `expected` within `tol`, else one sentence saying what is wrong with
    `name`."""
    if isinstance(expected, dict):
        return _dict_problem(name, expected, got, tol)
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
    note = _dtype_note(name, got, exp, arr)
    if exp.ndim == 0:
        want, have = fmt_pair(exp, arr)
        return f"{name}: expected {want}, got {have}.{note}"
    idx = np.unravel_index(_argmax(_where(bad, _abs(arr - exp), -1.0)), exp.shape)
    where = ", ".join(str(int(i)) for i in idx)
    more = int(bad.sum()) - 1
    tail = f" ({more} more {'entry differs' if more == 1 else 'entries differ'})" if more else ""
    want, have = fmt_pair(exp[idx], arr[idx])
    return f"{name}[{where}]: expected {want}, got {have}{tail}.{note}"
