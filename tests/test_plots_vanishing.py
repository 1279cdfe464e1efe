"""Vanishing gradients of notebook 06: the measurement on a chain of layers, and its picture."""
import numpy as np
from matplotlib.figure import Figure

from course.datasets import xor_01
from course.grading.grader import load
from course.pictures.vanishing import (
    gradient_sizes_figure,
    plateau_figure,
    pulls_figure,
    pulls_text,
)
from course.vanishing import cancellation, chain_gradient_sizes, example_pulls, flat_stretch

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


_R06 = load("06_xor_capstone")


def _xor_params(seed=0):
    rng = np.random.default_rng(seed)
    return dict(W1=rng.normal(size=(2, 4)), b1=np.zeros(4), W2=rng.normal(size=(4, 1)),
                b2=np.zeros(1))


def test_the_examples_pulls_add_up_to_the_gradient():
    """Do the four XOR examples' pulls on W1 add up to the whole batch's dL/dW1, and does (0, 0),
    whose inputs are 0, pull on nothing?"""
    X, Y = xor_01()
    params = _xor_params()
    pulls = example_pulls(_R06.network_backward, params, X, Y)
    assert pulls.shape == (4, 2, 4)
    assert np.allclose(pulls.sum(axis=0), _R06.network_backward(params, X, Y)[1]["W1"])
    assert not pulls[0].any()


def test_cancellation_is_one_when_all_agree_and_zero_when_they_cancel():
    """Is the kept share 1 for pulls in one direction and 0 for two opposite pulls?"""
    pull = np.array([[1.0, -2.0], [0.5, 3.0]])
    assert cancellation([pull, 2 * pull]) == 1.0
    assert cancellation([pull, -pull]) == 0.0


def test_the_plateau_is_cancellation_near_the_symmetric_start():
    """On notebook 06's run (seed 0, lr 2), do the pulls keep under 10% at step 100, on the
    plateau, and over 25% at step 368, during the fall?"""
    X, Y = xor_01()
    kept = {k: cancellation(example_pulls(_R06.network_backward, _R06.train(
        _xor_params(), X, Y, _R06.network_backward, 2.0, k)[0], X, Y)) for k in (100, 368)}
    assert kept[100] < 0.10 < 0.25 < kept[368]


def test_pulls_figure_has_a_panel_per_step_and_a_text_alternative():
    """Does the figure draw one panel per step, titled with the kept share, and does its text
    alternative say the same in words?"""
    rng = np.random.default_rng(1)
    by_step = {100: rng.normal(size=(4, 2, 4)), 368: rng.normal(size=(4, 2, 4))}
    fig = pulls_figure(by_step, ["a", "b", "c", "d"])
    assert isinstance(fig, Figure) and len(fig.axes) == 2
    for ax, (step, pulls) in zip(fig.axes, by_step.items()):
        assert ax.get_title() == f"step {step}: the sum keeps {cancellation(pulls):.0%}"
        assert len(ax.patches) == 4 * 8 + 8  # four pulls and the sum, per entry
    text = pulls_text(by_step)
    assert f"At step 368 the sum of the examples' pulls on W1 is {cancellation(by_step[368]):.0%}" \
        in text
