"""Compare what a student's function returned with what was expected: shape and type first.

Every problem is described in words ("dW has shape (3, 5) but should be (5, 3) ..."), so a wrong
answer never surfaces as a numpy traceback.
"""
import numpy as np

from ..i18n import _
from ..tolerance import EXACT, Between, as_floats
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
    if scalars:
        return _("`return {names}` (a tuple; a list also works, or a 1-d array of the {n} "
                 "numbers; a dict does not)", names=names, n=len(returns))
    return _("`return {names}` (a tuple; a list also works; a dict does not)", names=names)


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
        return None, _("{fn} returned None: is a `return` statement missing? It should return "
                       "{names}.", fn=fn_name, names=", ".join(returns))
    if isinstance(got, Outputs):
        return [got.get(r) for r in returns], None
    if len(returns) == 1:
        if isinstance(got, tuple) and len(got) == 1:  # `return out,` -- a list may be the value
            got = got[0]
        return [got], None
    if isinstance(got, dict):
        return None, _("{fn} returned a dict; return the {n} values themselves, in this order: "
                       "{form}.", fn=fn_name, n=len(returns), form=return_form(returns, scalars))
    if isinstance(got, np.ndarray):
        if scalars and got.ndim == 1 and len(got) == len(returns):
            return list(got), None
        return None, _("{fn} returned one array of shape {shape}; it should return {n} values: "
                       "{form}.", fn=fn_name, shape=got.shape, n=len(returns),
                       form=return_form(returns, scalars))
    if not isinstance(got, (tuple, list)):
        return None, _("{fn} returned one value ({value}) but should return {n}: {form}.",
                       fn=fn_name, value=fmt(got), n=len(returns),
                       form=return_form(returns, scalars))
    if len(got) != len(returns):
        return None, _("{fn} returned {count} values but should return {n}: {form}.",
                       fn=fn_name, count=len(got), n=len(returns),
                       form=return_form(returns, scalars))
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
    """Whenever a wrong output is float16 or float32, a sentence saying so: the whole difference
    if rounding explains it, else a warning that it is there beside a mistake."""
    low = _low_precision(got)
    if low is None:
        return ""
    if not _rounding_only(low, exp, arr):
        return " " + _("Your {name} is {dtype} (about {digits} significant digits) and the "
                       "reference float64 (about 15): {dtype}'s rounding alone does not explain a "
                       "difference this large, so look for a mistake too, and keep numpy's "
                       "default float64 (no np.{dtype}(...), .astype({dtype}) or dtype={dtype}).",
                       name=name, dtype=low.name, digits=np.finfo(low).precision)
    return " " + _("Your {name} is {dtype} (about {digits} significant digits) and the reference "
                   "float64 (about 15): a difference this small is what {dtype}'s rounding gives. "
                   "Keep numpy's default float64 (no np.{dtype}(...), .astype({dtype}) or "
                   "dtype={dtype}).", name=name, dtype=low.name, digits=np.finfo(low).precision)


def _dict_problem(name, expected, got, tol):
    keys = ", ".join(repr(k) for k in expected)
    if not isinstance(got, dict):
        return _("{name} should be a dict with the keys {keys}, got {type}.", name=name,
                 keys=keys, type=type(got).__name__)
    missing = [repr(k) for k in expected if k not in got]
    if missing:
        return _("{name} has no {missing}: it should have the keys {keys}.", name=name,
                 missing=", ".join(missing), keys=keys)
    extra = [repr(k) for k in got if k not in expected]
    if extra:
        return _("{name} has keys that should not be there: {extra} (keys: {keys}).", name=name,
                 extra=", ".join(extra), keys=keys)
    problems = [p for p in (problem(f"{name}[{k!r}]", expected[k], got[k], tol)
                            for k in expected) if p]
    if not problems:
        return None
    more = len(problems) - 1
    if not more:
        return problems[0]
    return problems[0] + " " + (_("(1 more key differs)") if more == 1 else
                                _("({n} more keys differ)", n=more))


def problem(name, expected, got, tol=EXACT):
    """None if `got` matches `expected` within `tol`, else one sentence saying what is wrong with
    `name`."""
    if isinstance(expected, dict):
        return _dict_problem(name, expected, got, tol)
    if isinstance(expected, Between):
        return None if expected.holds(got) else _(
            "{name}: expected a number from {lo} to {hi}, got {have}.", name=name,
            lo=fmt(expected.lo), hi=fmt(expected.hi), have=fmt(got))
    exp = _asarray(expected, dtype=float)
    arr = as_floats(got)
    if arr is None:
        if exp.ndim:
            return _("{name} should be a number array, got {type} {value}.", name=name,
                     type=type(got).__name__, value=fmt(got))
        return _("{name} should be a number, got {type} {value}.", name=name,
                 type=type(got).__name__, value=fmt(got))
    if exp.ndim == 0 and arr.ndim != 0:
        if arr.size == 1:
            arr = arr.reshape(())
        else:
            return _("{name} should be a single number, got an array of shape {shape}.",
                     name=name, shape=arr.shape)
    if exp.ndim and arr.shape != exp.shape:
        hint = ""
        if arr.shape == exp.T.shape and exp.ndim == 2:
            hint = " " + _("It looks transposed: which product of the available matrices has "
                           "this shape?")
        return _("{name} has shape {shape} but should have shape {want}.", name=name,
                 shape=arr.shape, want=exp.shape) + hint
    if not _isfinite(arr).all():
        return _("{name} contains nan or inf: {value}.", name=name,
                 value=fmt(arr) if arr.ndim == 0 else _("see the entries"))
    bad = tol.disagree(arr, exp)
    if not bad.any():
        return None
    note = _dtype_note(name, got, exp, arr)
    if exp.ndim == 0:
        want, have = fmt_pair(exp, arr)
        return _("{name}: expected {want}, got {have}.", name=name, want=want, have=have) + note
    idx = np.unravel_index(_argmax(_where(bad, _abs(arr - exp), -1.0)), exp.shape)
    where = ", ".join(str(int(i)) for i in idx)
    more = int(bad.sum()) - 1
    tail = "" if not more else " " + (_("(1 more entry differs)") if more == 1 else
                                      _("({n} more entries differ)", n=more))
    want, have = fmt_pair(exp[idx], arr[idx])
    return _("{name}: expected {want}, got {have}{tail}.", name=f"{name}[{where}]", want=want,
             have=have, tail=tail) + note
