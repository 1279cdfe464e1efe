"""The wire format between a sandboxed kernel and the grader: values as tagged JSON.

Never pickle: the grader must not run code the student's kernel wrote. `encode` turns a value
into JSON-able data and `decode` turns it back into an equal value; what cannot cross as data (a
lambda, an object a student returned) crosses as an Opaque, which equals nothing. Course-level
functions cross by their dotted name (`dotted`, `resolve`), since both sides can import them.
"""
import math
import warnings
from decimal import Decimal
from fractions import Fraction

import numpy as np

from . import guard
from .compare import Outputs
from .report import GradingError

_EXACT_KINDS = "biu"
"""numpy kinds sent exactly (booleans and integers); floats go as float64, which is what every
check compares anyway."""


class Opaque:
    """Something that could not cross as data (a lambda input, an object a student returned).
    Decoded as an instance of a class with the original's type name, printing as the original
    did and equal to nothing, so a check says what it would have said of the original."""

    def __init__(self, text=""):
        self.text = text

    def __repr__(self):
        return self.text or f"<{type(self).__name__} object>"

    def __eq__(self, other):
        return False

    __hash__ = object.__hash__


class _ArrayLike(Opaque):
    """An object the checks read as numbers (through __array__ or __float__): the numbers cross,
    with the original's type name and text."""

    def __init__(self, text, array, scalar):
        super().__init__(text)
        self._array, self._scalar = array, scalar

    def __array__(self, dtype=None, copy=None):
        return self._array if dtype is None else self._array.astype(dtype)

    def __float__(self):
        if self._scalar is None:
            raise TypeError(f"float() argument must be a number, not '{type(self).__name__}'")
        return self._scalar


def dotted(fn):
    """'module.qualname' of a course-level function or class (which the sandbox can import),
    else None."""
    module, qualname = getattr(fn, "__module__", None), getattr(fn, "__qualname__", "")
    if not module or not module.startswith("course.") or "<" in qualname:
        return None
    return f"{module}.{qualname}"


def resolve(name):
    """The course-level object a dotted name refers to (refuses anything outside `course`)."""
    if not name.startswith("course."):
        raise ValueError(f"not a course-level name: {name}")
    owner, attr = guard.resolve(name)
    return getattr(owner, attr)


def _named(base, type_name):
    name = type_name if type_name.isidentifier() else "object"
    return type(name, (base,), {})


def _text(value):
    try:
        return repr(value)[:200]
    except Exception:
        return ""


def _float(v):
    """A float as JSON: the number, or its repr when it is nan or infinite."""
    v = float(v)
    return v if math.isfinite(v) else repr(v)


def _numbers(value):
    """`value` as float numbers exactly as the checks read it (course.tolerance.as_floats), or
    None if they would not."""
    from ..tolerance import as_floats
    try:
        return as_floats(value)
    except Exception:
        return None


def _nd(array):
    kind = array.dtype.kind
    if kind == "c":
        data = [[_float(z.real), _float(z.imag)] for z in array.ravel().tolist()]
    elif kind in _EXACT_KINDS:
        data = array.ravel().tolist()
    else:
        data = [_float(v) for v in np.asarray(array, dtype=float).ravel().tolist()]
    return {"t": "nd", "dtype": array.dtype.str, "shape": list(array.shape), "data": data}


def encode(value, depth=0):
    """A JSON-able form of `value` that `decode` turns back into an equal value (or, for what
    cannot cross as data, a stand-in every check treats exactly as it treats the original)."""
    if depth > 20:
        return {"t": "opaque", "type": "object", "text": "a structure nested too deeply"}
    if value is None or type(value) in (bool, str):
        return value
    if isinstance(value, np.ndarray):
        if value.dtype.kind in _EXACT_KINDS + "fc":
            return _nd(value)
        numbers = _numbers(value)  # strings or objects that read as numbers
        return _nd(numbers) if numbers is not None else \
            {"t": "opaque", "type": type(value).__name__, "text": _text(value)}
    if isinstance(value, np.generic) and value.dtype.kind in _EXACT_KINDS + "fc":
        kind = value.dtype.kind
        v = int(value) if kind in "iu" else bool(value) if kind == "b" else \
            [_float(value.real), _float(value.imag)] if kind == "c" else _float(value)
        return {"t": "np", "dtype": value.dtype.str, "v": v}
    if type(value) is int:
        return value if abs(value) < 2 ** 53 else {"t": "bigint", "v": str(value)}
    if type(value) is float:
        return value if math.isfinite(value) else {"t": "float", "v": repr(value)}
    if type(value) is complex:
        return {"t": "complex", "v": [_float(value.real), _float(value.imag)]}
    if type(value) is Fraction:
        return {"t": "fraction", "v": [str(value.numerator), str(value.denominator)]}
    if type(value) is Decimal:
        return {"t": "decimal", "v": str(value)}
    if type(value) is tuple:
        return {"t": "tuple", "items": [encode(v, depth + 1) for v in value]}
    if type(value) is list:
        return {"t": "list", "items": [encode(v, depth + 1) for v in value]}
    if isinstance(value, dict):  # Outputs, a dict, or a dict's subclass (OrderedDict, ...)
        return {"t": "outputs" if type(value) is Outputs else "dict",
                "items": [[encode(k, depth + 1), encode(v, depth + 1)]
                          for k, v in value.items()]}
    if isinstance(value, (tuple, list)):  # a namedtuple, a list's subclass: what the checks
        # read of them (course.grading.compare takes any tuple or list by isinstance)
        return {"t": "tuple" if isinstance(value, tuple) else "list",
                "items": [encode(v, depth + 1) for v in value]}
    if callable(value) and dotted(value):
        return {"t": "fn", "name": dotted(value)}
    numbers = _numbers(value)
    if numbers is not None:  # e.g. a float subclass, a memoryview, a class with __array__
        try:
            scalar = _float(value)
        except Exception:
            scalar = None
        return {"t": "arraylike", "type": type(value).__name__, "text": _text(value),
                "nd": _nd(numbers), "float": scalar}
    return {"t": "opaque", "type": type(value).__name__, "text": _text(value)}


def _number(v):
    return float(v) if isinstance(v, str) else v


MAX_DIMENSIONS = 32
"""numpy's own limit on an array's axes."""
MAX_TEXT = 200
"""Characters kept of what an opaque value printed as."""


def _dtype(name):
    """The dtype a record names, if it is one `encode` writes (booleans, integers, floats,
    complex numbers of at most 16 bytes); anything else (a 2 GB void type, strings, objects)
    is refused before anything is allocated."""
    dtype = np.dtype(str(name)[:8])
    if dtype.kind not in _EXACT_KINDS + "fc" or dtype.itemsize > 16:
        raise ValueError(f"not a numeric dtype: {name!r}"[:80])
    return dtype


def _shape(value):
    """The shape of an "nd" record, which must account for exactly the numbers it carries: the
    array decoded is never larger than the record read (which the grader bounds)."""
    shape = value["shape"]
    if not isinstance(shape, list) or len(shape) > MAX_DIMENSIONS or not all(
            type(n) is int and n >= 0 for n in shape):
        raise ValueError("an array's shape is not a list of sizes")
    if not isinstance(value["data"], list) or math.prod(shape) != len(value["data"]):
        raise ValueError("an array's shape does not match its numbers")
    return tuple(shape)


def decode(value, functions=True, depth=0):
    """The value `encode` described. Course-level functions are imported only if `functions`.
    A record is the kernel's to write: it is read with bounded dtypes, shapes and nesting."""
    if depth > 40:
        raise ValueError("a value nested too deeply")
    if not isinstance(value, dict):
        if isinstance(value, list):  # not produced by encode: treat as opaque data
            return _named(Opaque, "list")("an unreadable list")
        return value
    tag = value.get("t")
    if tag == "nd":
        shape, dtype = _shape(value), _dtype(value["dtype"])
        if dtype.kind == "c":
            flat = np.array([complex(_number(a), _number(b)) for a, b in value["data"]],
                            dtype=dtype)
        elif dtype.kind in _EXACT_KINDS:
            flat = np.array(value["data"], dtype=dtype)
        else:
            flat = np.array([_number(v) for v in value["data"]], dtype=float).astype(dtype)
        return flat.reshape(shape)
    if tag == "np":
        dtype, v = _dtype(value["dtype"]), value["v"]
        if dtype.kind == "c":
            return dtype.type(complex(_number(v[0]), _number(v[1])))
        return dtype.type(_number(v))
    if tag == "float":
        return float(value["v"])
    if tag == "bigint":
        return int(value["v"])
    if tag == "complex":
        return complex(_number(value["v"][0]), _number(value["v"][1]))
    if tag == "fraction":
        return Fraction(int(value["v"][0]), int(value["v"][1]))
    if tag == "decimal":
        return Decimal(str(value["v"]))
    if tag == "tuple":
        return tuple(decode(v, functions, depth + 1) for v in value["items"])
    if tag == "list":
        return [decode(v, functions, depth + 1) for v in value["items"]]
    if tag in ("dict", "outputs"):
        items = {_key(decode(k, functions, depth + 1)): decode(v, functions, depth + 1)
                 for k, v in value["items"]}
        return items if tag == "dict" else Outputs(items)
    if tag == "fn":
        if functions:
            return resolve(value["name"])
        return _named(Opaque, "function")(str(value["name"])[:MAX_TEXT])
    if tag == "arraylike":
        scalar = value.get("float")
        return _named(_ArrayLike, str(value.get("type", "object"))[:MAX_TEXT])(
            str(value.get("text", ""))[:MAX_TEXT], decode(value["nd"], depth=depth + 1),
            None if scalar is None else float(scalar))
    if tag == "opaque":
        return _named(Opaque, str(value.get("type", "object"))[:MAX_TEXT])(
            str(value.get("text", ""))[:MAX_TEXT])
    return _named(Opaque, "object")("an unreadable value")


def _key(k):
    try:
        hash(k)
        return k
    except TypeError:
        return repr(k)


# --- what the grader reads back -----------------------------------------------------------

class Named:
    """Stands for the student's function in messages (the judge has only its name)."""

    def __init__(self, name):
        self.__name__ = str(name)[:100] or "your function"


def replay(result):
    """A `call` that gives back what the kernel recorded for one case (or raises what it raised)."""
    def call(fn, inputs):
        if "value" in result:
            if result.get("warning"):
                warnings.warn(result["warning"], RuntimeWarning, stacklevel=2)
            return decode(result["value"], functions=False)
        if "grading_error" in result:
            raise GradingError(str(result["grading_error"]))
        kind = str(result.get("raised", "Exception"))
        if kind == "NotImplementedError":
            raise NotImplementedError
        raised = type(kind if kind.isidentifier() else "Exception", (Exception,), {})
        raise raised(str(result.get("message", "")))
    return call
