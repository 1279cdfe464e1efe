"""Notebook 04's scale effect: gradient descent on a linear score (course.descent), and its
picture (course.pictures.scale), run without Jupyter."""
import numpy as np
from matplotlib.figure import Figure

from course.datasets import truth_table
from course.descent import least_squares_path
from course.pictures.scale import loss_curves_figure


def _score_backward(w, x, dout):
    """s = w . x: ds/dw = x, ds/dx = w (an independent oracle for this test)."""
    return dout * x, dout * w


def _or_data():
    X, y = truth_table("OR")
    return np.column_stack([X, np.ones(len(X))]), y


def test_raw_data_converges_to_the_least_squares_loss():
    """On OR with a bias input, does lr = 0.1 bring the loss from 1 down towards its minimum
    1/4 (the best a line can do on the four +-1 labels), every step lower?"""
    X, y = _or_data()
    losses = least_squares_path(X, y, 0.1, 200, _score_backward)
    best = np.mean((X @ np.linalg.lstsq(X, y, rcond=None)[0] - y) ** 2)
    assert losses[0] == 1.0 and np.isclose(best, 0.25)
    assert np.all(np.diff(losses) < 0) and losses[-1] - best < 1e-3


def test_data_scaled_by_1000_overflows_with_the_same_and_a_1000_times_smaller_rate():
    """With every input times 1000, do lr and lr / 1000 both blow the loss up to overflow?"""
    X, y = _or_data()
    fast = least_squares_path(1000 * X, y, 0.1, 80, _score_backward)
    slow = least_squares_path(1000 * X, y, 0.1 / 1000, 80, _score_backward)
    for losses in (fast, slow):
        assert not np.isfinite(losses[-1]) and np.all(np.isfinite(losses[:-1]))
        assert np.all(np.diff(losses[:-1]) > 0)
    assert fast.size < slow.size < 80


def test_a_rate_1000_squared_times_smaller_recovers_the_raw_curve():
    """Scores are w . (1000 x): from w = 0, does lr / 1000^2 give the raw run's losses exactly
    (the weights are the raw ones / 1000 at every step)?"""
    X, y = _or_data()
    raw = least_squares_path(X, y, 0.1, 60, _score_backward)
    scaled = least_squares_path(1000 * X, y, 0.1 / 1000 ** 2, 60, _score_backward)
    assert np.allclose(scaled, raw, rtol=1e-9, atol=0)


def test_loss_curves_figure_marks_where_a_run_overflowed():
    """Is each run a line of log10(loss), a diverged one labelled with its overflow step and
    crossed at its last finite loss?"""
    curves = [("calm", [1.0, 0.5, 0.25]), ("wild", [1.0, 1e10, 1e200, np.inf])]
    fig = loss_curves_figure(curves)
    assert isinstance(fig, Figure)
    ax = fig.axes[0]
    assert ax.yaxis.get_major_formatter()(200.0, 0) == "1e200"
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels == ["calm", "wild, overflow at step 4"]
    lines = ax.get_lines()
    assert np.allclose(lines[0].get_ydata(), np.log10([1.0, 0.5, 0.25]))
    assert np.allclose(lines[1].get_ydata(), [0.0, 10.0, 200.0])
    assert lines[2].get_marker() == "x" and list(lines[2].get_xdata()) == [3]


def test_loss_curves_figure_takes_a_run_that_overflowed_at_once():
    """Does a run whose first loss is already inf draw without error (and no cross)?"""
    fig = loss_curves_figure([("at once", [np.inf])])
    labels = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert labels == ["at once, overflow at step 1"] and len(fig.axes[0].get_lines()) == 1
