"""The live circuit's pure logic (course.circuits.live), without widgets: values, gradients and
mismatches."""
import math

import numpy as np
import pytest

from course.circuits import NEURON, STAGED, XYZ
from course.circuits.live import grouped, live_state, picture, table_html
from tests.svg_labels import flagged, numbers

SEED = dict(x=-2.0, y=5.0, z=-4.0)


def xyz_backward(x, y, z, dout):
    # f = (x + y) z: df/dz = x + y, df/dx = df/dy = z (test-side oracle, not course code)
    return dout * z, dout * z, dout * (x + y)


def test_seed_values_and_numerical_gradients():
    """Does the (x+y)z circuit at the lecture's inputs show q=3, f=-12 and gradients -4, -4, 3?"""
    state = live_state(XYZ, SEED)
    svg = picture(XYZ, state)
    assert numbers(svg, "value") == {"x": -2.0, "y": 5.0, "z": -4.0, "q": 3.0, "f": -12.0}
    grads = numbers(svg, "grad")
    assert (grads["x"], grads["y"], grads["z"], grads["q"], grads["f"]) == (-4, -4, 3, -4, 1)
    assert state.student == {} and not flagged(svg)
    assert "Numerical" in state.message


def test_a_correct_backward_agrees_everywhere():
    """Is a correct backward drawn without any mismatch, and said to agree?"""
    state = live_state(XYZ, dict(x=1.5, y=-0.25, z=2.0), xyz_backward, dout=-3.0)
    assert state.mismatch == ()
    assert state.student == pytest.approx({"x": -6.0, "y": -6.0, "z": -3.75})
    assert "agrees" in state.message
    assert 'class="ok"' in table_html(state)


def test_a_wrong_backward_is_flagged_on_its_wrong_wires_only():
    """Are exactly the wires with a wrong gradient marked, with both numbers in the table?"""
    def half_wrong(x, y, z, dout):
        dx, dy, dz = xyz_backward(x, y, z, dout)
        return -dx, dy, dz + 1e-3  # x: sign flipped; z: off by a little more than the tolerance
    state = live_state(XYZ, SEED, half_wrong)
    assert state.mismatch == ("x", "z")
    assert flagged(picture(XYZ, state)) == {"x", "z"}
    table = table_html(state)
    assert table.count('class="mismatch"') == 2 and "-4" in table and "4" in table
    assert "dx, dz" in state.message


@pytest.mark.parametrize("backward, words", [
    (None, "no backward given"),
    (lambda x, y, z, dout: (_ for _ in ()).throw(NotImplementedError()), "not written yet"),
    (lambda x, y, z, dout: None, "returned None"),
    (lambda x, y, z, dout: 1 / 0, "ZeroDivisionError: division by zero"),
    (lambda x, y, z, dout: (1.0, 2.0), "returned 2 gradient(s), expected 3"),
    (lambda x, y, z, dout: ("a", 1.0, 1.0), "not a number"),
    (lambda x, y, z, dout: (np.ones(3), 1.0, 1.0), "array of shape (3,) for dx, not a number"),
])
def test_unwritten_or_broken_backward_shows_numerical_and_says_why(backward, words):
    """Does a missing or failing backward leave the numerical gradients up, with the reason?"""
    state = live_state(XYZ, SEED, backward)
    assert words in state.message and state.message.count("\n") == 0
    assert state.student == {} and state.mismatch == ()
    assert numbers(picture(XYZ, state), "grad")["z"] == 3.0


def test_gradients_as_one_element_arrays_are_read_as_numbers():
    """Are np.float64 and shape-(1,) answers taken as the numbers they hold, silently?"""
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # numpy's array-to-float deprecation would fail here
        state = live_state(XYZ, SEED, lambda x, y, z, dout: (
            np.float64(dout * z), np.array([dout * z]), np.array([[dout * (x + y)]])))
    assert state.student == {"x": -4.0, "y": -4.0, "z": 3.0} and state.mismatch == ()


def test_dout_scales_every_gradient():
    """Does an upstream gradient of 2 double every gradient, the student's and the numerical?"""
    one = live_state(XYZ, SEED, xyz_backward)
    two = live_state(XYZ, SEED, xyz_backward, dout=2.0)
    for wire in XYZ.wires:
        assert two.shown[wire] == pytest.approx(2 * one.shown[wire], rel=1e-6)
    assert two.mismatch == ()


def test_neuron_with_grouped_arrays_matches_the_lecture():
    """Does a backward taking arrays w, x work through grouped(), giving the lecture's gradients?"""
    def neuron_backward(w, x, dout):
        f = 1 / (1 + math.exp(-(w[0] * x[0] + w[1] * x[1] + w[2])))
        local = (1 - f) * f  # d sigma / d input
        return dout * local * np.array([x[0], x[1], 1.0]), dout * local * w[:2]
    inputs = dict(w0=2.0, x0=-1.0, w1=-3.0, x1=-2.0, w2=-3.0)
    state = live_state(NEURON, inputs, neuron_backward,
                       call=grouped(("w0", "w1", "w2"), ("x0", "x1")))
    assert state.mismatch == ()
    expected = dict(w0=-0.1966119, w1=-0.3932239, w2=0.1966119, x0=0.3932239, x1=-0.5898358)
    assert state.student == pytest.approx(expected, abs=1e-7)
    assert state.values["f"] == pytest.approx(0.7310586, abs=1e-7)


def test_staged_circuit_numbers_match_the_lecture():
    """Does the staged circuit at x=3, y=-4 draw f=1.55, df/dx=2.06, df/dy=1.59?"""
    state = live_state(STAGED, dict(x=3.0, y=-4.0))
    assert state.values["f"] == pytest.approx(1.5456449, abs=1e-7)
    assert state.numerical["x"] == pytest.approx(2.0595698, abs=1e-6)
    assert state.numerical["y"] == pytest.approx(1.5922328, abs=1e-6)
    svg = picture(STAGED, state)
    assert numbers(svg, "value")["f"] == 1.55
    assert (numbers(svg, "grad")["x"], numbers(svg, "grad")["y"]) == (2.06, 1.59)


def test_gate_by_gate_neuron_checks_the_inner_wires_too():
    """With then=(...), are the inner gradients (dd, de, dnz, dz) compared, so a bug inside the
    chain is flagged on the wire where it starts?"""
    def gate_by_gate(w, x, dout, bug=False):
        z = w[0] * x[0] + w[1] * x[1] + w[2]
        e = math.exp(-z)
        d = 1 + e
        dd = -dout / d ** 2            # f = 1/d
        de = dd                        # d = 1 + e
        dnz = de * e * (-1 if bug else 1)  # e = exp(nz); the bug flips the sign here
        dz = -dnz                      # nz = -z
        return np.array([x[0], x[1], 1.0]) * dz, np.array(w[:2]) * dz, dd, de, dnz, dz
    inputs = dict(w0=2.0, x0=-1.0, w1=-3.0, x1=-2.0, w2=-3.0)
    call = grouped(("w0", "w1", "w2"), ("x0", "x1"), then=("d", "e", "nz", "z"))
    good = live_state(NEURON, inputs, gate_by_gate, call=call)
    assert good.mismatch == () and len(good.student) == 9
    assert good.student["nz"] == pytest.approx(-0.1966119, abs=1e-7)
    bad = live_state(NEURON, inputs, lambda w, x, dout: gate_by_gate(w, x, dout, bug=True),
                     call=call)
    assert bad.mismatch == ("w0", "x0", "w1", "x1", "w2", "z", "nz")
    wrong_count = live_state(NEURON, inputs, lambda w, x, dout: (1, 2), call=call)
    assert "returned 2 values, expected 6" in wrong_count.message
