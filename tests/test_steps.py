"""The backward pass step by step (course.circuits.steps) and the live circuit's step-through."""
import pytest

from course.circuits import STAGED, XYZ
from course.circuits.steps import backward_steps, gradients_after, rule_lines
from course.widgets import live_circuit


def test_the_mul_gate_of_the_worked_example_says_upstream_times_local():
    """At x = -2, y = 5, z = -4, is the first step the mul gate, dq = z x df = -4 x 1 = -4?"""
    steps = backward_steps(XYZ, XYZ.forward(dict(x=-2.0, y=5.0, z=-4.0)))
    assert [s.gate.out for s in steps] == ["f", "q"]
    assert rule_lines(steps[0]) == ["dq = z × df = -4.00 × 1.00 = -4.00",
                                    "dz = q × df = 3.00 × 1.00 = 3.00"]
    assert rule_lines(steps[1])[0] == "dx = 1 × dq = 1.00 × -4.00 = -4.00"


def test_the_steps_of_the_staged_circuit_sum_at_its_forks_to_the_gradient():
    """Do the steps of 04's circuit add the branches of x (three) and y (two) as they come, and
    end at the numerical gradient of every wire?"""
    inputs = dict(x=3.0, y=-4.0)
    steps = backward_steps(STAGED, STAGED.forward(inputs), dout=1.5)
    final = gradients_after(STAGED, steps, len(steps), dout=1.5)
    for wire, g in STAGED.numerical_grads(inputs, dout=1.5).items():
        assert final[wire] == pytest.approx(g, abs=1e-6), wire
    forks = [line for s in steps for line in rule_lines(s) if "fork" in line]
    assert [line.split()[0] for line in forks] == ["dx", "dx", "dy"]


def test_the_step_buttons_walk_the_live_circuit_and_narrate_each_step():
    """In the widget: does "step" mark the gate and say its rule in the live region, "step
    back" return to the whole picture, and the buttons stop at either end?"""
    w = live_circuit(XYZ, inputs=dict(x=-2.0, y=5.0, z=-4.0))
    assert w.back.disabled and not w.forth.disabled
    w.forth.click()
    assert 'class="gate current" data-wire="f"' in w.picture.value
    assert "dq = z × df = -4.00 × 1.00 = -4.00" in w.rule.value
    assert "dq = z × df = -4.00 × 1.00 = -4.00" in w.narration.value
    w.forth.click()
    assert w.forth.disabled and 'data-wire="q"' in w.picture.value
    w.back.click()
    w.back.click()
    assert w.k == 0 and w.back.disabled and "current" not in w.picture.value


def test_any_wire_explains_its_chain_rule_arithmetic():
    """Does choosing a wire of 02's live circuit show how its gradient is made, upstream x local
    (dq = z x df = -4 x 1 = -4 at the worked example), the output's as the given upstream
    gradient, 04's x as one product per branch of its fork, and nothing when none is chosen?"""
    w = live_circuit(XYZ, inputs=dict(x=-2.0, y=5.0, z=-4.0))
    explain = w.stepping.explain
    assert [v for _, v in explain.options] == ["", "f", "q", "z", "x", "y"]
    assert explain.description and explain.tooltip  # labelled for the screen reader
    explain.value = "q"
    assert "dq = z × df = -4.00 × 1.00 = -4.00" in w.stepping.explained.value
    explain.value = "f"
    assert "df = 1.00 (the upstream gradient, given)" in w.stepping.explained.value
    w.sliders["z"].value = 2.0  # follows the inputs
    explain.value = "q"
    assert "dq = z × df = 2.00 × 1.00 = 2.00" in w.stepping.explained.value
    explain.value = ""
    assert w.stepping.explained.value == ""
    staged = live_circuit(STAGED, inputs=dict(x=3.0, y=-4.0))
    staged.stepping.explain.value = "x"
    assert staged.stepping.explained.value.count("dx = ") == 3
