"""The wire format between a sandboxed kernel and the grader: values as tagged JSON.

Never pickle: the grader must not run code the student's kernel wrote. `encode` turns a value
into JSON-able data and `decode` turns it back into an equal value; what cannot cross as data (a
lambda, an object a student returned) crosses as an Opaque, which equals nothing. Course-level
functions cross by their dotted name (`dotted`, `resolve`), since both sides can import them.
"""
import math
import warnings

import numpy as np

from . import guard
from .report import GradingError

_NUMERIC_KINDS = "biuf"


class Opaque:
    """Something that could not cross as data (a lambda input, an object a student returned).
    It prints as what it was and equals nothing, so a check reports it as a wrong type."""

    def __init__(self, type_name, text=""):
        self.type_name, self.text = type_name, text

    def __repr__(self):
        return self.text or f"<{self.type_name} object>"

    def __eq__(self, other):
        return False

    __hash__ = object.__hash__


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


def encode(value, depth=0):
    """A JSON-able form of `value` that `decode` turns back into an equal value."""
    if depth > 20:
        return {"t": "opaque", "type": "deep structure", "text": "a structure nested too deeply"}
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return value if abs(value) < 2 ** 53 else {"t": "bigint", "v": str(value)}
    if isinstance(value, float):
        return value if math.isfinite(value) else {"t": "float", "v": repr(value)}
    if isinstance(value, np.ndarray):
        if value.dtype.kind not in _NUMERIC_KINDS + "c":
            return {"t": "opaque", "type": f"array of {value.dtype}", "text": ""}
        flat = np.asarray(value, dtype=complex if value.dtype.kind == "c" else float).ravel()
        data = [[float(z.real), float(z.imag)] for z in flat] if value.dtype.kind == "c" else \
            [v if math.isfinite(v) else repr(v) for v in flat.tolist()]
        return {"t": "nd", "dtype": value.dtype.str, "shape": list(value.shape), "data": data}
    if isinstance(value, np.generic) and value.dtype.kind in _NUMERIC_KINDS:
        return {"t": "np", "dtype": value.dtype.str, "v": encode(value.item())}
    if isinstance(value, tuple) and type(value) is tuple:
        return {"t": "tuple", "items": [encode(v, depth + 1) for v in value]}
    if isinstance(value, list) and type(value) is list:
        return {"t": "list", "items": [encode(v, depth + 1) for v in value]}
    if isinstance(value, dict) and type(value) is dict:
        return {"t": "dict", "items": [[encode(k, depth + 1), encode(v, depth + 1)]
                                       for k, v in value.items()]}
    if callable(value) and dotted(value):
        return {"t": "fn", "name": dotted(value)}
    try:
        text = repr(value)[:200]
    except Exception:
        text = ""
    return {"t": "opaque", "type": type(value).__name__, "text": text}


def _number(v):
    return float(v) if isinstance(v, str) else v


def decode(value, functions=True):
    """The value `encode` described. Course-level functions are imported only if `functions`."""
    if not isinstance(value, dict):
        if isinstance(value, list):  # not produced by encode: treat as opaque data
            return Opaque("list", "an unreadable list")
        return value
    tag = value.get("t")
    if tag == "nd":
        shape = tuple(int(n) for n in value["shape"])
        dtype = np.dtype(value["dtype"])
        if dtype.kind == "c":
            flat = np.array([complex(a, b) for a, b in value["data"]], dtype=dtype)
        else:
            flat = np.array([_number(v) for v in value["data"]], dtype=float).astype(dtype)
        return flat.reshape(shape)
    if tag == "np":
        return np.dtype(value["dtype"]).type(decode(value["v"]))
    if tag == "float":
        return float(value["v"])
    if tag == "bigint":
        return int(value["v"])
    if tag == "tuple":
        return tuple(decode(v, functions) for v in value["items"])
    if tag == "list":
        return [decode(v, functions) for v in value["items"]]
    if tag == "dict":
        return {_key(decode(k, functions)): decode(v, functions) for k, v in value["items"]}
    if tag == "fn":
        return resolve(value["name"]) if functions else Opaque("function", value["name"])
    if tag == "opaque":
        return Opaque(str(value.get("type", "object")), str(value.get("text", "")))
    return Opaque("object", "an unreadable value")


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


def replay(result, finish=None):
    """A `call` that gives back what the kernel recorded for one case (or raises what it raised)."""
    def call(fn, inputs):
        if "value" in result:
            if result.get("warning"):
                warnings.warn(result["warning"], RuntimeWarning, stacklevel=2)
            got = decode(result["value"], functions=False)
            return finish(inputs, got) if finish else got
        if "grading_error" in result:
            raise GradingError(str(result["grading_error"]))
        kind = str(result.get("raised", "Exception"))
        if kind == "NotImplementedError":
            raise NotImplementedError
        raised = type(kind if kind.isidentifier() else "Exception", (Exception,), {})
        raise raised(str(result.get("message", "")))
    return call
