"""Pictures of notebook 01, drawn without Jupyter."""
import numpy as np
from matplotlib.figure import Figure

from course.datasets import truth_table
from course.pictures.perceptron import HISTORY, decision_figure, errors_figure, timeline_figure


def _texts(fig):
    return [t.get_text() for ax in fig.axes for t in ax.texts]


def test_timeline_has_every_year_of_the_story():
    """Does the timeline show 1943, 1958, 1969, 1970, 1974 and 1986, each with who and what?"""
    fig = timeline_figure()
    texts = _texts(fig)
    assert isinstance(fig, Figure)
    for year, who, _, _ in HISTORY:
        assert str(year) in texts
        assert any(who in t for t in texts)
    assert [e[0] for e in HISTORY] == [1943, 1958, 1969, 1970, 1974, 1986]


def test_decision_figure_counts_misclassified_points():
    """Does each panel's title count the points whose prediction disagrees with the label?"""
    X, y = truth_table("XOR")
    pred = np.array([-1.0, 1.0, 1.0, 1.0])  # one wrong: (1, 1)
    fig = decision_figure([("XOR", X, y, [1.0, 1.0], -0.5, pred),
                           ("AND", *truth_table("AND"), [0.0, 0.0], 0.0, -np.ones(4))])
    assert [ax.get_title() for ax in fig.axes] == ["XOR: 1 of 4 wrong", "AND: 1 of 4 wrong"]


def test_decision_line_passes_through_the_boundary():
    """Is the drawn line the set w.x + b = 0 (here x1 + x2 = 1.5)?"""
    X, y = truth_table("AND")
    fig = decision_figure([("AND", X, y, [1.0, 1.0], -1.5, y)])
    (line,) = fig.axes[0].get_lines()
    xs, ys = line.get_data()
    assert np.allclose(np.asarray(xs) + np.asarray(ys), 1.5)


def test_vertical_line_when_w2_is_zero():
    """With w2 = 0 is the line vertical at x1 = -b / w1?"""
    X, y = truth_table("OR")
    fig = decision_figure([("OR", X, y, [2.0, 0.0], -1.0, y)])
    (line,) = fig.axes[0].get_lines()
    assert np.allclose(line.get_xdata(), 0.5)


def test_errors_figure_one_bar_per_epoch_and_says_when_it_converged():
    """Does every epoch get a bar of its height, and does the title say when mistakes stopped?"""
    fig = errors_figure({"AND": [1, 3, 0, 0], "XOR": [2, 3, 4, 4]})
    and_ax, xor_ax = fig.axes
    assert [p.get_height() for p in and_ax.patches] == [1, 3, 0, 0]
    assert and_ax.get_title() == "AND: no mistakes from epoch 3"
    assert xor_ax.get_title() == "XOR: a mistake in every epoch"
