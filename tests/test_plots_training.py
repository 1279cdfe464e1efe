"""The XOR training pictures of notebook 06, drawn without Jupyter."""
import io

import numpy as np
import pytest
from matplotlib.figure import Figure
from PIL import Image

from course.datasets import xor_01
from course.pictures.blit import Blit
from course.pictures.training import (
    accuracy,
    probability_grid,
    then_and_now_figure,
    training_summary_figure,
)


def xor_truth(P):
    """A perfect XOR model: p = 1 exactly where one input is above 0.5 and the other below."""
    P = np.asarray(P)
    return ((P[:, 0] > 0.5) != (P[:, 1] > 0.5)).astype(float)


def test_probability_grid_covers_the_box():
    """Is predict evaluated on an n x n grid, returned in grid shape?"""
    g1, g2, p = probability_grid(xor_truth, n=11)
    assert g1.shape == g2.shape == p.shape == (11, 11)
    assert p[0, 0] == 0 and p[-1, -1] == 0 and p[0, -1] == 1


def test_probability_grid_rejects_wrong_sizes():
    """Does a predict that returns the wrong number of values raise a clear error?"""
    with pytest.raises(ValueError, match="values for"):
        probability_grid(lambda P: np.zeros(3))


def test_accuracy_of_perfect_and_constant_models():
    """Is the perfect model 100% right and a model that always says true 50% right?"""
    assert accuracy(xor_truth) == 1.0
    assert accuracy(lambda P: np.ones(len(P))) == 0.5


def test_no_line_gets_all_of_xor_right():
    """Over many random lines, is the best accuracy on XOR 75% (Minsky and Papert, 1969)?"""
    rng = np.random.default_rng(0)
    best = 0.0
    for w1, w2, b in rng.normal(size=(2000, 3)):
        line = np.array([w1, w2]), b
        best = max(best, accuracy(lambda P, line=line: (P @ line[0] + line[1] > 0).astype(float)))
    assert best == 0.75


def test_training_summary_shows_loss_and_boundary():
    """Are there two panels, a log-scale loss curve titled with its step count, and a boundary?"""
    losses = np.geomspace(0.3, 1e-3, 50)
    fig = training_summary_figure(losses, xor_truth)
    assert isinstance(fig, Figure) and len(fig.axes) == 2
    ax_loss, ax_xor = fig.axes
    assert ax_loss.get_yscale() == "log" and "50 steps" in ax_loss.get_title()
    assert np.allclose(ax_loss.lines[0].get_ydata(), losses)
    assert ax_xor.get_title() == "100% of XOR right"
    assert len(ax_xor.collections) >= 4  # the four points (plus the p = 0.5 contour)


def test_training_summary_before_training():
    """Does an empty loss history still draw, with a linear axis and 'none yet'?"""
    fig = training_summary_figure([], lambda P: np.full(len(P), 0.5))
    assert "none yet" in fig.axes[0].get_title() and fig.axes[0].get_yscale() == "linear"


def test_then_and_now_contrasts_a_line_with_the_network():
    """Does the left panel's line get 75% of XOR and the right panel's model 100%?"""
    fig = then_and_now_figure(xor_truth)
    left, right = (ax.get_title() for ax in fig.axes)
    assert "1969" in left and "75%" in left
    assert "1986" in right and "100%" in right
    X, Y = xor_01()
    assert np.array_equal(xor_truth(X), Y.ravel())


def test_blit_png_is_the_canvas_pixel_for_pixel():
    """Does the blitting widgets' own PNG encoder give back exactly the canvas's pixels?"""
    fig = Figure(figsize=(3, 2))
    ax = fig.subplots()
    (line,) = ax.plot([0, 1, 2], [1, 0, 1], color="red")
    blit = Blit(fig)
    data = blit.png([line])
    decoded = np.asarray(Image.open(io.BytesIO(data)).convert("RGBA"))
    canvas = np.asarray(blit.canvas.buffer_rgba())
    assert decoded.shape == canvas.shape == (200, 300, 4)
    assert np.array_equal(decoded, canvas)
