"""Vanishing gradients of notebook 06: the measurement on a chain of layers, and its picture."""
import numpy as np
from matplotlib.figure import Figure

from course.grading.grader import load
from course.pictures.vanishing import gradient_sizes_figure, plateau_figure
from course.vanishing import chain_gradient_sizes, flat_stretch

# the instructor's reference layers of notebook 05 (the course package holds no answer)
_Affine, _Sigmoid = load("05_vectorized_layers").Affine, load("05_vectorized_layers").Sigmoid


class _Identity:
    def forward(self, x):
        return x

    def backward(self, dout):
        return dout


def test_top_layer_receives_the_upstream_gradient_of_ones():
    """Is the size at the last layer exactly 1, and one size given per layer?"""
    sizes = chain_gradient_sizes(_Affine, _Sigmoid, depth=10)
    assert sizes.shape == (10,) and sizes[-1] == 1.0


def test_sigmoid_chain_passes_far_less_than_the_same_chain_without_sigmoids():
    """Through six sigmoid gates (sigma' <= 1/4 each), does layer 1 get under 4^-6 * 4 of what
    the same weights pass without them?"""
    sig = chain_gradient_sizes(_Affine, _Sigmoid, depth=7, width=8, batch=4)
    lin = chain_gradient_sizes(_Affine, _Identity, depth=7, width=8, batch=4)
    assert sig[0] < 4.0 ** -6 * 4 * lin[0]


def test_same_seed_gives_the_same_sizes():
    """Does the same seed give the same measurement (so two activations meet the same weights)?"""
    assert np.array_equal(chain_gradient_sizes(_Affine, _Sigmoid, seed=3),
                          chain_gradient_sizes(_Affine, _Sigmoid, seed=3))


def test_gradient_sizes_figure_draws_one_log_curve_per_activation():
    """Is each activation one curve over layers 1..L on a log axis, labelled by its name?"""
    sizes = {"sigmoid": [1e-5, 1e-3, 1.0], "ReLU": [0.9, 1.2, 1.0]}
    fig = gradient_sizes_figure(sizes)
    assert isinstance(fig, Figure)
    ax = fig.axes[0]
    assert ax.get_yscale() == "log"
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["sigmoid", "ReLU"]
    assert [list(line.get_xdata()) for line in ax.lines] == [[1, 2, 3], [1, 2, 3]]


def test_flat_stretch_finds_the_plateau_not_the_converged_end():
    """Is the flat run the one while the loss is still high, not the slow end of training?"""
    losses = np.concatenate([np.linspace(0.34, 0.25, 6), np.full(100, 0.25) - 1e-6 * np.arange(100),
                             np.linspace(0.25, 0.01, 50), np.full(300, 0.01)])
    assert flat_stretch(losses) == (5, 105)


def test_plateau_figure_shades_the_stretch_beside_loss_and_gradient():
    """Are the loss and the gradient size drawn, the gradient on a log axis, the stretch named?"""
    fig = plateau_figure([0.3, 0.25, 0.25, 0.1], [1e-2, 1e-4, 1e-4, 1e-2], (1, 2))
    left, right = fig.axes
    assert right.get_yscale() == "log" and len(left.lines) == len(right.lines) == 1
    assert "flat stretch, steps 1-2" in [t.get_text() for t in left.get_legend().get_texts()]
