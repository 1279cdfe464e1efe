"""The digit pictures of notebook 08, drawn without Jupyter."""
import numpy as np
from matplotlib.figure import Figure

from course.datasets import digits, digits_split
from course.pictures.blit import png
from course.pictures.digits import (
    confusion_figure,
    confusion_matrix,
    curves_figure,
    digit_grid_figure,
    weights_figure,
)
from course.style import WRONG
from course.widgets import curves_view


def test_the_data_set_is_the_uci_digits():
    """1,797 images of 8x8 pixels in 0..16, ten classes of about 180, split 1,437 / 360?"""
    images, labels = digits()
    assert images.shape == (1797, 8, 8) and images.dtype == np.uint8 and images.max() == 16
    assert sorted(set(labels.tolist())) == list(range(10))
    assert np.all(np.abs(np.bincount(labels) - 180) < 10)
    X_train, y_train, X_test, y_test = digits_split()
    assert X_train.shape == (1437, 64) and X_test.shape == (360, 64) and X_train.max() == 1.0
    assert np.array_equal(digits_split()[3], y_test)  # the split is fixed


def test_confusion_matrix_counts_each_pair():
    """Does counts[i, j] count the images of digit i predicted as j?"""
    counts = confusion_matrix([0, 0, 1, 2, 2], [0, 1, 1, 2, 0], classes=3)
    assert counts.tolist() == [[1, 1, 0], [0, 1, 0], [1, 0, 1]]


def test_confusion_figure_says_how_many_are_right():
    """Does the title give the count and fraction right, the diagonal's sum?"""
    fig = confusion_figure([0, 0, 1, 2, 2], [0, 1, 1, 2, 0], classes=3)
    assert isinstance(fig, Figure) and fig.axes[0].get_title() == "3 of 5 right (60.0%)"


def test_digit_grid_marks_only_the_mistakes():
    """Is a wrong prediction written with the true label, in red and framed, a right one plainly?"""
    X, y = digits_split()[:2]
    guesses = y[:12].copy()
    guesses[3] = (y[3] + 1) % 10
    ax = digit_grid_figure(X[:12], y[:12], guesses, cols=6).axes[0]
    texts = [t.get_text() for t in ax.texts]
    assert texts[3] == f"{guesses[3]} (true {y[3]})" and texts[0] == str(y[0])
    assert [k for k, t in enumerate(ax.texts) if t.get_color() == WRONG] == [3]
    assert len(ax.patches) == 1 and ax.patches[0].get_xy() == (3 * 12 - 0.5, -0.5)


def test_digit_grid_without_predictions_shows_labels():
    """Without predictions, is every image labelled, nothing red, the images on one canvas?"""
    X, y = digits_split()[:2]
    ax = digit_grid_figure(X[:7], y[:7], cols=5).axes[0]
    assert [t.get_text() for t in ax.texts] == [str(v) for v in y[:7]] and not ax.patches
    canvas = ax.images[0].get_array()
    assert canvas.shape == (4 + 2 * 12 - 4, 5 * 12 - 4)  # a row of text above each row of images
    assert np.array_equal(canvas[4:12, :8], X[0].reshape(8, 8))


def test_weights_figure_draws_one_image_per_hidden_unit():
    """Is each column of W1 an 8x8 tile, on one scale symmetric around 0?"""
    W1 = np.random.default_rng(0).normal(size=(64, 10))
    image = weights_figure(W1, cols=4).axes[0].images[0]
    canvas = image.get_array()
    assert canvas.shape == (3 * 9 - 1, 4 * 9 - 1)
    assert np.array_equal(canvas[9:17, 9:17], W1[:, 5].reshape(8, 8))
    lo, hi = image.get_clim()
    assert lo == -hi == -np.max(np.abs(W1))


def test_curves_figure_before_and_after_training():
    """Are the loss and both accuracies drawn per epoch, and is an empty history fine?"""
    fig = curves_figure([1, 2, 3], [0.9, 0.4, 0.2], [(0.8, 0.75), (0.9, 0.88), (0.95, 0.93)])
    ax_loss, ax_acc = fig.axes
    assert len(ax_loss.lines) == 1 and len(ax_acc.lines) == 2
    assert ax_acc.get_title() == "test accuracy 93.0%"
    empty = curves_figure([], [], [])
    assert empty.axes[0].get_title() == "not trained yet"
    assert png(empty).startswith(b"\x89PNG")


def test_curves_view_trains_only_when_asked_and_records_accuracy():
    """Does the view train nothing until Start, then one accuracy per tick up to max_epochs,
    and stop with the student's error shown if accuracy() fails?"""
    done = []

    def step(n):
        done.append(n)
        return 1.0 / len(done)
    view = curves_view(step, lambda: (0.5, 0.4), max_epochs=3)
    assert done == [] and bytes(view.image.png).startswith(b"\x89PNG")
    view.start()
    assert view.steps == [1, 2, 3] and view.accuracies == [(0.5, 0.4)] * 3

    def broken():
        raise ValueError("no predictions yet")
    view = curves_view(step, broken, max_epochs=3)
    view.start()
    assert view.steps == [] and "no predictions yet" in view.status.value
