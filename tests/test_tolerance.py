"""One rule for when two numbers agree (course.tolerance): do the widgets and the grader reach
the same verdict on the same numbers, everywhere on a grid of near misses?"""
import itertools

import numpy as np
import pytest

from course.circuits import XYZ
from course.circuits.live import live_state
from course.grading.compare import problem
from course.tolerance import EXACT, NUMERIC, REPEAT, Tolerance, agree
from course.widgets import sigmoid_widget

RELATIVE = [0.0, 1e-9, 1e-6, 5e-5, 9.9e-5, 1.01e-4, 2e-4, 1e-3, 0.5, -1.0, -2.0]
ABSOLUTE = [0.0, 1e-7, 9e-7, 1.1e-6, 1e-5]
SCALES = [1e-4, 1.0, 1e3]


def _grader_passes(expected, got):
    return problem("d", expected, got, NUMERIC) is None


@pytest.mark.parametrize("scale", SCALES)
def test_live_circuit_marks_exactly_the_wires_the_grader_fails(scale):
    """Is a wire drawn red exactly when the grader, comparing the same gradient with the same
    centred difference, would fail it?"""
    inputs = dict(x=-2.0, y=5.0, z=-4.0)
    checked = 0
    for rel, ab in itertools.product(RELATIVE, ABSOLUTE):
        def backward(x, y, z, dout, rel=rel, ab=ab):
            grads = XYZ.numerical_grads(dict(x=x, y=y, z=z), dout)
            return tuple(grads[w] * (1 + rel) + ab for w in "xyz")
        state = live_state(XYZ, inputs, backward, dout=scale)
        for wire in "xyz":
            red = wire in state.mismatch
            assert red != _grader_passes(state.numerical[wire], state.student[wire]), \
                (scale, rel, ab, wire)
            checked += 1
    assert checked == len(RELATIVE) * len(ABSOLUTE) * 3


def test_sigmoid_widget_ticks_exactly_what_the_grader_passes():
    """Does the sigmoid widget say "agrees" exactly when the grader would pass the value?"""
    for rel, ab in itertools.product(RELATIVE, ABSOLUTE):
        def backward(x, dout, rel=rel, ab=ab):
            s = 1 / (1 + np.exp(-x))
            return dout * (1 - s) * s * (1 + rel) + ab
        widget = sigmoid_widget(backward, x=0.7)
        _, ds = widget.point
        expected = _grader_passes(ds, backward(0.7, 1.0))
        assert ("agrees" in widget.message.value) == expected, (rel, ab)


def test_the_rule_is_symmetric_and_never_agrees_with_nan():
    """Is agree(a, b) the same as agree(b, a), and does nan or inf agree with nothing?"""
    values = [0.0, 1e-12, 1e-7, 1.0, 1.0 + 1e-5, -1.0, 1e6, np.nan, np.inf, -np.inf]
    for tol in (EXACT, NUMERIC, REPEAT):
        for a, b in itertools.product(values, values):
            assert tol.agree(a, b) == tol.agree(b, a)
            if not (np.isfinite(a) and np.isfinite(b)):
                assert not tol.agree(a, b)


def test_arrays_agree_only_with_the_same_shape_and_numbers():
    """Do arrays of another shape, text, None and booleans never agree with numbers?"""
    assert agree([1.0, 2.0], np.array([1.0, 2.0 + 1e-12]))
    assert not agree([1.0, 2.0], [[1.0, 2.0]])
    assert not agree("1.0", 1.0) and not agree(None, 0.0) and not agree(True, 1.0)
    assert Tolerance(0.0, 0.5).agree(1.0, 1.4) and not Tolerance(0.0, 0.5).agree(1.0, 1.6)
