"""The one gradient checker, against independent oracles with explicit tolerances."""
import numpy as np

from course.gradcheck import numerical_gradient, rel_error


def test_numerical_gradient_matches_analytic_gradient():
    """Does the centred difference of sum(sin(x) * x^2) agree with its derivative to 1e-8?"""
    x = np.linspace(-2, 2, 7).reshape(7, 1)
    grad = numerical_gradient(lambda v: float(np.sum(np.sin(v) * v ** 2)), x)
    exact = np.cos(x) * x ** 2 + 2 * x * np.sin(x)
    assert grad.shape == x.shape
    assert np.max(np.abs(grad - exact)) < 1e-8


def test_numerical_gradient_leaves_input_untouched():
    """Is the caller's array unchanged after the nudges?"""
    x = np.array([1.0, -2.0])
    numerical_gradient(lambda v: float(v @ v), x)
    assert x.tolist() == [1.0, -2.0]


def test_rel_error_is_scale_free_and_zero_safe():
    """Is rel_error 0 for equal values (even zeros) and scale-independent otherwise?"""
    assert rel_error(0.0, 0.0) == 0.0
    assert rel_error([1.0, 2.0], [1.0, 2.0]) == 0.0
    assert abs(rel_error(1.0, 1.1) - rel_error(1000.0, 1100.0)) < 1e-12
    assert abs(rel_error(3.0, -3.0) - 2.0) < 1e-12
