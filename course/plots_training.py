"""Pictures of notebook 06, as pure functions: numbers (or a predict function) in, a matplotlib
Figure out (no pyplot).

- loss_axes: the loss against the gradient-descent step;
- boundary_axes: where a model says XOR is true, its p = 0.5 boundary and the four XOR points;
- training_summary_figure: both side by side;
- then_and_now_figure: a single line (1969) beside the trained network (1986) on XOR.
"""
import numpy as np
from matplotlib.colors import ListedColormap
from matplotlib.figure import Figure

from .datasets import xor_01

TRUE, FALSE, LINE = "#0969da", "#bc4c00", "#24292f"
TRUE_BG, FALSE_BG = "#dbeafe", "#fde7d4"
BOX = (-0.5, 1.5)  # the square around the four XOR points


def probability_grid(predict, n=61):
    """(g1, g2, p): predict's outputs on an n x n grid over BOX, p reshaped to the grid."""
    g1, g2 = np.meshgrid(np.linspace(*BOX, n), np.linspace(*BOX, n))
    p = np.asarray(predict(np.column_stack([g1.ravel(), g2.ravel()])), dtype=float)
    if p.size != g1.size:
        raise ValueError(f"predict returned {p.size} values for {g1.size} points")
    return g1, g2, p.reshape(g1.shape)


def accuracy(predict):
    """Fraction of the four XOR points that predict (p > 0.5 means true) gets right."""
    X, Y = xor_01()
    p = np.asarray(predict(X), dtype=float).reshape(Y.shape)
    return float(np.mean((p > 0.5) == (Y > 0.5)))


def _points(ax):
    X, Y = xor_01()
    for (x1, x2), label in zip(X, Y.ravel()):
        ax.scatter([x1], [x2], s=150, marker="o" if label > 0 else "s", zorder=3,
                   color=TRUE if label > 0 else FALSE, edgecolors="k")
    ax.set(xlim=BOX, ylim=BOX, xlabel="x1", ylabel="x2", aspect="equal")


def boundary_axes(ax, predict, title=None):
    """Shade p > 0.5 blue and p < 0.5 orange, draw the p = 0.5 curve and the XOR points
    (circles: XOR true, squares: false)."""
    g1, g2, p = probability_grid(predict)
    ax.imshow(p > 0.5, extent=(*BOX, *BOX), origin="lower", vmin=0, vmax=1, zorder=0,
              cmap=ListedColormap([FALSE_BG, TRUE_BG]), interpolation="bilinear")
    if p.min() < 0.5 < p.max():
        ax.contour(g1, g2, p, levels=[0.5], colors=LINE, linewidths=2)
    _points(ax)
    ax.set_title(title or f"{accuracy(predict):.0%} of XOR right")
    return ax


def loss_axes(ax, losses):
    """The loss per step, on a log scale when it is positive (it falls by orders of magnitude)."""
    losses = np.asarray(losses, dtype=float).ravel()
    steps = np.arange(1, losses.size + 1)
    ax.plot(steps, losses, color=TRUE)
    if losses.size and np.all(losses > 0):
        ax.set_yscale("log")
    ax.set(xlabel="step", ylabel="loss")
    last = f"{losses[-1]:.3g}" if losses.size else "none yet"
    ax.set_title(f"loss after {losses.size} steps: {last}")
    return ax


def training_summary_figure(losses, predict):
    """Left: the loss curve. Right: the decision boundary of `predict` around the XOR points."""
    fig = Figure(figsize=(9, 3.8))
    fig.subplots_adjust(left=0.08, right=0.97, bottom=0.14, top=0.88, wspace=0.3)
    ax_loss, ax_xor = fig.subplots(1, 2)
    loss_axes(ax_loss, losses)
    boundary_axes(ax_xor, predict)
    return fig


def then_and_now_figure(predict, line=(1.0, 1.0, -0.5)):
    """Left: the half-planes of one line w1 x1 + w2 x2 + b = 0 (a perceptron; 1969: no line gets
    all four XOR points right). Right: the trained two-layer network's boundary (1986)."""
    w1, w2, b = line
    fig = Figure(figsize=(9, 4.2))
    fig.subplots_adjust(left=0.08, right=0.97, bottom=0.12, top=0.86, wspace=0.3)
    ax_line, ax_net = fig.subplots(1, 2)
    # a steep sigmoid of the line's score: p > 0.5 exactly on its positive side, drawn smoothly
    perceptron = lambda P: 1.0 / (1.0 + np.exp(-20.0 * (P @ np.array([w1, w2]) + b)))
    boundary_axes(ax_line, perceptron,
                  f"1969, one line: {accuracy(perceptron):.0%} of XOR right")
    boundary_axes(ax_net, predict, f"1986, a hidden layer: {accuracy(predict):.0%} right")
    return fig
