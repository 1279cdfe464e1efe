"""The gradient check's U of notebook 05 and its bands, drawn and computed without Jupyter."""
import numpy as np
from matplotlib.figure import Figure

from course.gradcheck import BANDS, band, step_errors
from course.pictures.gradcheck import floor_of, step_error_figure

STEPS = np.logspace(-1, -13, 25)
XS = np.linspace(-3, 3, 13)


def _sigmoid(x):
    return 1 / (1 + np.exp(-x))


def _dsigmoid(x):
    return _sigmoid(x) * (1 - _sigmoid(x))


def test_float64_error_is_a_u_with_its_floor_near_the_cube_root_of_eps():
    """Does the float64 error fall like h^2, bottom out near h ~ 1e-5, then grow again?"""
    errors = step_errors(_sigmoid, _dsigmoid, XS, STEPS)
    h, floor = floor_of(STEPS, errors)
    assert 1e-7 <= h <= 1e-3 and floor < 1e-9
    assert 80 < errors[0] / errors[2] < 120  # h 10x smaller: error 100x smaller (truncation)
    assert errors[-1] > 1e3 * floor  # h = 1e-13: rounding dominates


def test_float32_floor_is_far_higher_and_at_a_larger_step():
    """Is float32's floor above 1e-6 (eps 1.2e-7) and at a step at least 100 times larger?"""
    e64 = step_errors(_sigmoid, _dsigmoid, XS, STEPS)
    e32 = step_errors(_sigmoid, _dsigmoid, XS, STEPS, dtype=np.float32)
    (h64, f64), (h32, f32) = floor_of(STEPS, e64), floor_of(STEPS, e32)
    assert f32 > 1e-6 and f32 > 1e3 * f64 and h32 >= 100 * h64
    assert e32[-1] == 1.0  # x + 1e-13 == x in float32: the difference is exactly 0


def test_bands_follow_the_practitioners_thresholds():
    """Are 0.5, 1e-3, 1e-5 and 1e-9 read as the four bands, worst first, and nan as the worst?"""
    assert [band(e) for e in (0.5, 1e-3, 1e-5, 1e-9)] == [w for _, w in BANDS]
    assert band(float("nan")) == BANDS[0][1] and band(1e-2) == BANDS[1][1]


def test_step_error_figure_draws_each_curve_and_marks_its_floor():
    """Is there one curve per float type on log-log axes, with each floor's value written?"""
    curves = {"float64": step_errors(_sigmoid, _dsigmoid, XS, STEPS),
              "float32": step_errors(_sigmoid, _dsigmoid, XS, STEPS, dtype=np.float32)}
    fig = step_error_figure(STEPS, curves)
    assert isinstance(fig, Figure)
    ax = fig.axes[0]
    assert ax.get_xscale() == ax.get_yscale() == "log"
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["float64", "float32"]
    notes = [t.get_text() for t in ax.texts]
    for errors in curves.values():
        h, floor = floor_of(STEPS, errors)
        assert f"floor {floor:.1e} at h = {h:.0e}" in notes
