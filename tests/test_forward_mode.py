"""Forward mode (course.forward_mode) against two independent oracles: centred differences, and
the reverse mode of notebook 07's reference engine on the same function."""
import numpy as np

from course.forward_mode import Dual, Plain, forward_gradient
from course.gradcheck import numerical_gradient, rel_error
from course.grading import grader
from course.tolerance import NUMERIC


def _f(p):
    """Every operation of Dual, a fork on an inner node (u used twice) and numbers on both
    sides."""
    u = p[0] * p[1] + 2.0
    return (u * u - p[2]).tanh() * 3.0 + (p[0] * -1.0 + 1.5) * u


def test_forward_gradient_matches_centred_differences():
    """Is forward mode's gradient the centred difference of the same function, at random points?"""
    rng = np.random.default_rng(0)
    for _ in range(20):
        point = [float(v) for v in rng.uniform(-1.5, 1.5, size=3)]
        numeric = numerical_gradient(lambda a: _f([Plain(v) for v in a]), np.array(point))
        assert NUMERIC.agree(forward_gradient(_f, point), numeric)


def test_forward_mode_agrees_with_reverse_mode():
    """Do one pass per input of Dual and one backward() of 07's Value give the same gradient?"""
    Value = grader.load("07_autograd").Value
    point = [0.3, -1.2, 0.7]
    leaves = [Value(v) for v in point]
    _f(leaves).backward()
    assert rel_error(forward_gradient(_f, point), [v.grad for v in leaves]) < 1e-12


def test_a_dual_carries_its_value_and_one_derivative():
    """Is (3 + eps)^2 = 9 + 6 eps, and does a number mixed in carry no derivative?"""
    x = Dual(3.0, 1.0)
    y = x * x - 1.0
    assert (y.value, y.dot) == (8.0, 6.0)
    assert (2.0 * x + 1.0).dot == 2.0
