"""Staged passes: a forward pass that returns `out, cache` (checked on its output and named
cache entries), and a backward pass fed a cache (built from the course's own numbers).

A staged forward pass keeps its intermediate values in a dict for the backward pass. Only the
entries an exercise names (whose meaning the notebook fixes) are compared; a student may keep more.
"""
from ..i18n import _
from .report import GradingError, fmt
from .wire import dotted


def with_cache(*names):
    """A `call` driver for expect/Exercise: call(fn, inputs) -> (out, cache[names[0]], ...).

    Use with returns=("f", *names), e.g. expect(staged_forward, dict(x=3.0, y=-4.0),
    dict(f=1.5456449, sigy=0.0179862), call=with_cache("sigy")).
    """
    def call(fn, inputs):
        got = fn(*inputs.values())
        name = getattr(fn, "__name__", None) or _("the function")
        if not (isinstance(got, (tuple, list)) and len(got) == 2 and isinstance(got[1], dict)):
            raise GradingError(_("{name} should return two things, the output and the cache (a "
                                 "dict), as `return f, cache`; it returned {value}.", name=name,
                                 value=fmt(got)))
        out, cache = got
        missing = [n for n in names if n not in cache]
        if missing:
            raise GradingError(_("the cache returned by {name} has no entry {missing}: the "
                                 "backward pass needs it (keys found: {keys}).", name=name,
                                 missing=", ".join(repr(n) for n in missing),
                                 keys=", ".join(map(repr, cache)) or _("none")))
        return (out, *(cache[n] for n in names))
    # how a sandboxed kernel rebuilds this driver (course.grading.kernel)
    call.sandbox_spec = {"name": dotted(with_cache), "args": list(names)}
    return call


def circuit_cache(circuit):
    """A `call` driver for a backward pass fn(cache, dout), e.g. on course.circuits.STAGED.

    The case names the circuit's inputs and dout; fn gets as its cache every wire's forward
    value except the output's (the course's own numbers, so the check of a backward pass never
    depends on the student's forward pass).
    """
    def call(fn, inputs):
        inputs = dict(inputs)
        dout = inputs.pop("dout")
        values = circuit.forward(inputs)
        values.pop(circuit.output)
        return fn(values, dout)
    return call
