"""The (out, cache) driver: a staged forward pass checked on its output and named cache entries."""
import pytest

from course.grading import GradingError, expect
from course.grading.cache import with_cache


def halve(x):
    half = x / 2
    return half * 3, dict(x=x, half=half, extra="kept")


def test_named_entries_are_checked_and_extra_ones_ignored(capsys):
    """Does a right output with the right named entries pass, whatever else the cache holds?"""
    expect(halve, dict(x=4.0), dict(out=6.0, half=2.0), call=with_cache("half"))
    assert "correct at x=4" in capsys.readouterr().out


def test_wrong_cache_entry_is_named():
    """Is a wrong cached value reported by its name, with expected and got?"""
    with pytest.raises(GradingError, match="half: expected 3, got 2"):
        expect(halve, dict(x=4.0), dict(out=6.0, half=3.0), call=with_cache("half"))


def test_missing_entry_and_wrong_shape_are_explained():
    """Does a missing cache entry, or a result that is not (out, cache), get a plain message?"""
    with pytest.raises(GradingError, match="no entry 'third'"):
        expect(halve, dict(x=4.0), dict(out=6.0, third=1.0), call=with_cache("third"))
    with pytest.raises(GradingError, match="two things, the output and the cache"):
        expect(lambda x: x, dict(x=4.0), dict(out=4.0, half=2.0), call=with_cache("half"))


def test_circuit_cache_hands_the_wires_but_not_the_output(capsys):
    """Does a backward pass get every wire's forward value except f, and dout, by name?"""
    from course.circuits import STAGED
    from course.grading.cache import circuit_cache
    seen = []

    def backward(cache, dout):
        seen.append(cache)
        return dout * cache["invden"], dout * cache["sigy"]
    expect(backward, dict(x=3.0, y=-4.0, dout=2.0), dict(a=1.02428890, b=0.0359724199),
           call=circuit_cache(STAGED))
    assert set(seen[0]) == {"x", "y", "sigy", "num", "sigx", "xpy", "xpysqr", "den", "invden"}
    assert "correct at x=3, y=-4, dout=2" in capsys.readouterr().out
