"""Forks: branch gradients measured numerically, and the hint for a fork overwritten (= for +=)."""
import pytest

from course.circuits import PATTERN, STAGED
from course.circuits.forks import FORK_HINT, branch_gradients, overwritten, partial_sums
from course.grading import Case
from course.grading.hints import diagnose

EXAMPLE = dict(x=3.0, y=-4.0)


def test_branches_sum_to_the_gradient_of_a_fork():
    """Do x's three branches and y's two add up to their numerical gradients (dout = -2)?"""
    total = STAGED.numerical_grads(EXAMPLE, dout=-2.0)
    for wire, n in (("x", 3), ("y", 2)):
        branches = branch_gradients(STAGED, EXAMPLE, wire, dout=-2.0)
        assert len(branches) == n
        assert sum(branches.values()) == pytest.approx(total[wire], rel=1e-7)


def test_branch_values_match_the_lecture_example():
    """Does x get invden = 0.512 through num and 1.583 through xpy (and -8 in PATTERN)?"""
    branches = branch_gradients(STAGED, EXAMPLE, "x")
    assert branches["num"] == pytest.approx(0.5121444, abs=1e-6)
    assert branches["xpy"] == pytest.approx(1.5831869, abs=1e-6)
    assert branch_gradients(PATTERN, dict(x=3.0, y=-4.0, z=2.0, w=-1.0), "x") == {
        "xy": pytest.approx(-8.0)}


def test_partial_sums_are_the_proper_subsets():
    """Are the partial sums of three terms the six sums of one or two of them?"""
    assert sorted(partial_sums([1, 10, 100])) == [1, 10, 11, 100, 101, 110]


def _case(got, cache=True):
    inputs = dict(cache=STAGED.forward(EXAMPLE), dout=1.0) if cache else dict(**EXAMPLE, dout=1.0)
    return Case(inputs, dict(dx=2.0595698, dy=1.5922328), got)


def test_overwritten_fork_is_recognised_in_both_input_forms():
    """Is a dx (or dy) that kept only some branches recognised, with a cache or with x, y?"""
    match = overwritten(STAGED, {"dx": "x", "dy": "y"})
    only_num = branch_gradients(STAGED, EXAMPLE, "x")["num"]
    assert match(_case(dict(dx=only_num, dy=1.5922328)))
    assert match(_case(dict(dx=only_num, dy=1.5922328), cache=False))
    only_sigy = branch_gradients(STAGED, EXAMPLE, "y")["sigy"]
    assert match(_case(dict(dx=2.0595698, dy=only_sigy)))
    assert not match(_case(dict(dx=2.0595698, dy=1.5922328)))      # right: nothing to explain
    assert not match(_case(dict(dx=-2.0595698, dy=1.5922328)))     # a sign error is no fork


def test_named_hints_show_in_visible_tests():
    """Do the fork hint (staged_backward) and the factor-2 hint (pattern_circuit) come up?"""
    only_num = branch_gradients(STAGED, EXAMPLE, "x")["num"]
    assert FORK_HINT in diagnose(_case(dict(dx=only_num, dy=1.5922328)), "staged_backward")
    halved = Case(dict(x=3.0, y=-4.0, z=2.0, w=-1.0, dout=1.0),
                  dict(f=-20.0, dx=-8.0, dy=6.0, dz=2.0, dw=0.0),
                  dict(f=-20.0, dx=-4.0, dy=3.0, dz=1.0, dw=0.0))
    assert any("multiplies by 2" in h for h in diagnose(halved, "pattern_circuit"))
