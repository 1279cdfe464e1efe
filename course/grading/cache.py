"""Checking a forward pass that returns `out, cache`: the output and named entries of the cache.

A staged forward pass keeps its intermediate values in a dict for the backward pass. Only the
entries an exercise names (whose meaning the notebook fixes) are compared; a student may keep more.
"""
from .report import GradingError, fmt


def with_cache(*names):
    """A `call` driver for expect/Exercise: call(fn, inputs) -> (out, cache[names[0]], ...).

    Use with returns=("f", *names), e.g. expect(staged_forward, dict(x=3.0, y=-4.0),
    dict(f=1.5456449, sigy=0.0179862), call=with_cache("sigy")).
    """
    def call(fn, inputs):
        got = fn(*inputs.values())
        name = getattr(fn, "__name__", "the function")
        if not (isinstance(got, (tuple, list)) and len(got) == 2 and isinstance(got[1], dict)):
            raise GradingError(f"{name} should return two things, the output and the cache "
                               f"(a dict), as `return f, cache`; it returned {fmt(got)}.")
        out, cache = got
        missing = [n for n in names if n not in cache]
        if missing:
            raise GradingError(f"the cache returned by {name} has no entry "
                               f"{', '.join(repr(n) for n in missing)}: the backward pass needs "
                               f"it (keys found: {', '.join(map(repr, cache)) or 'none'}).")
        return (out, *(cache[n] for n in names))
    return call
