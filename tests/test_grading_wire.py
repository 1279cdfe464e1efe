"""The wire format read by the grader (course/grading/wire.py): a record is the kernel's to
write, so reading one must never cost more than the record itself."""
import json
import tracemalloc

import numpy as np
import pytest

from autograder import judge
from course.grading import wire

HOSTILE = {
    "a 2 GB void dtype": {"t": "nd", "dtype": "V2000000000", "shape": [1], "data": [0]},
    "a huge string dtype": {"t": "nd", "dtype": "<U1000000000", "shape": [1], "data": ["x"]},
    "an object dtype": {"t": "nd", "dtype": "|O", "shape": [1], "data": [0]},
    "a shape larger than its numbers": {"t": "nd", "dtype": "<f8", "shape": [10 ** 9],
                                        "data": [0.0]},
    "a shape of 10**5 axes": {"t": "nd", "dtype": "<f8", "shape": [1] * 10 ** 5, "data": [0.0]},
    "a negative size": {"t": "nd", "dtype": "<f8", "shape": [-1, -1], "data": [0.0]},
    "a scalar of a void dtype": {"t": "np", "dtype": "V2000000000", "v": 0},
    "a scalar of a datetime dtype": {"t": "np", "dtype": "<M8[s]", "v": 0},
}


@pytest.mark.parametrize("label", sorted(HOSTILE))
def test_a_hostile_array_record_is_refused_before_anything_is_allocated(label):
    """Does decoding a small record that names a huge or non-numeric array type raise
    ValueError (an unreadable record, a failed test) while allocating under 1 MB?"""
    tracemalloc.start()
    try:
        with pytest.raises(ValueError):
            wire.decode(HOSTILE[label], functions=False)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 1 << 20, (label, peak)


def test_deep_nesting_and_long_text_are_bounded():
    """Is a value nested thousands deep refused, and is an opaque value's text cut to a few
    hundred characters, whatever the kernel wrote?"""
    deep = {"t": "list", "items": []}
    for _ in range(5000):
        deep = {"t": "list", "items": [deep]}
    with pytest.raises(ValueError):
        wire.decode(deep, functions=False)
    opaque = wire.decode({"t": "opaque", "type": "T" * 10 ** 6, "text": "x" * 10 ** 6})
    assert len(repr(opaque)) <= wire.MAX_TEXT


def test_parse_records_skips_lines_nested_too_deeply_for_json():
    """Does a record line nested past Python's recursion limit get skipped, not crash the
    worker?"""
    lines = "[" * 100000 + "]" * 100000 + "\n" + json.dumps({"kind": "hidden"}) + "\n"
    assert judge.parse_records(lines) == [{"kind": "hidden"}]


@pytest.mark.parametrize("value", [
    np.arange(6, dtype=np.int16).reshape(2, 3), np.linspace(0, 1, 4, dtype=np.float32),
    np.array([1 + 2j, 3 - 1j]), np.zeros((0, 3)), np.float32(1.5), np.uint64(7), np.bool_(True),
    (1.0, [2, 3]), {"a": np.ones(2)}])
def test_every_value_encode_writes_still_decodes(value):
    """Do the bounds still let every numeric value the kernel honestly records cross
    unchanged?"""
    back = wire.decode(json.loads(json.dumps(wire.encode(value))), functions=False)
    if isinstance(value, dict):
        np.testing.assert_array_equal(back["a"], value["a"])
    elif isinstance(value, tuple):
        assert back == value
    else:
        np.testing.assert_array_equal(back, value)
        assert np.asarray(back).dtype == np.asarray(value).dtype
