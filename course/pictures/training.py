"""Pictures of notebook 06, as pure functions: numbers (or a predict function) in, a matplotlib
Figure out (no pyplot).

- loss_axes: the loss against the gradient-descent step;
- boundary_axes: where a model says XOR is true, its p = 0.5 boundary and the four XOR points;
- training_summary_figure: both side by side;
- then_and_now_figure: a single line (1969) beside the trained network (1986) on XOR;
- TrainingPicture / training_figure: the live training view's picture (loss and boundary),
  repainting only what moves (course.pictures.blit): a full redraw of two axes costs ~70-120 ms
  on a small machine; the still parts are laid out again only when the loss leaves its axes.
"""
import math

import numpy as np
from matplotlib.colors import ListedColormap
from matplotlib.figure import Figure
from matplotlib.ticker import FormatStrFormatter, NullLocator

from ..datasets import xor_01
from ..i18n import _
from ..style import BOX, FALSE, INK, PALE_FALSE, PALE_TRUE, TRUE
from .blit import Blit


def probability_grid(predict, n=61):
    """(g1, g2, p): predict's outputs on an n x n grid over BOX, p reshaped to the grid."""
    g1, g2 = np.meshgrid(np.linspace(*BOX, n), np.linspace(*BOX, n))
    p = np.asarray(predict(np.column_stack([g1.ravel(), g2.ravel()])), dtype=float)
    if p.size != g1.size:
        raise ValueError(_("predict returned {n} values for {points} points", n=p.size,
                           points=g1.size))
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
              cmap=ListedColormap([PALE_FALSE, PALE_TRUE]), interpolation="bilinear")
    if p.min() < 0.5 < p.max():
        ax.contour(g1, g2, p, levels=[0.5], colors=INK, linewidths=2)
    _points(ax)
    ax.set_title(title or _("{share:.0%} of XOR right", share=accuracy(predict)))
    return ax


def loss_axes(ax, losses):
    """The loss per step, on a log scale when it is positive (it falls by orders of magnitude)."""
    losses = np.asarray(losses, dtype=float).ravel()
    steps = np.arange(1, losses.size + 1)
    ax.plot(steps, losses, color=TRUE)
    if losses.size and np.all(losses > 0):
        ax.set_yscale("log")
    ax.set(xlabel=_("step"), ylabel=_("loss"))
    last = f"{losses[-1]:.3g}" if losses.size else _("none yet")
    ax.set_title(_("loss after {n} steps: {last}", n=losses.size, last=last))
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
                  _("1969, one line: {share:.0%} of XOR right", share=accuracy(perceptron)))
    boundary_axes(ax_net, predict, _("1986, a hidden layer: {share:.0%} right",
                                     share=accuracy(predict)))
    return fig


class TrainingPicture:
    """One figure, redrawn for each (steps, losses, predict)."""

    def __init__(self, first_steps=1000):
        self.fig = Figure(figsize=(8, 3.6))
        self.fig.subplots_adjust(left=0.1, right=0.97, bottom=0.14, top=0.9, wspace=0.3)
        self.ax_loss, self.ax_xor = self.fig.subplots(1, 2)
        self.ax_loss.set(xlabel=_("step"), ylabel=_("loss"))
        self.ax_xor.set(xlim=BOX, ylim=BOX, xlabel="x1", ylabel="x2", aspect="equal")
        (self.line,) = self.ax_loss.plot([], [], color=TRUE)
        self.xmax, self.ylim, self.blit, self.added = first_steps, None, None, []

    def _fits(self, steps, losses):
        lo, hi = self.ylim or (math.inf, -math.inf)
        return self.blit is not None and (not losses or (
            steps[-1] <= self.xmax and lo <= min(losses) and max(losses) <= hi))

    def _layout(self, steps, losses):
        """Limits with room to grow (x doubles, y spans 3x beyond the data), then the still
        background drawn once, with no moving artist in it."""
        while steps and steps[-1] > self.xmax:
            self.xmax *= 2
        self.ax_loss.set_xlim(0, self.xmax)
        if losses and min(losses) > 0:  # log scale: the loss falls by orders of magnitude
            self.ylim = (min(losses) / 3, max(losses) * 3)
            self.ax_loss.set_yscale("log")
            self.ax_loss.yaxis.set_minor_locator(NullLocator())  # plain labels: mathtext is slow
            self.ax_loss.yaxis.set_major_formatter(FormatStrFormatter("%g"))
        elif losses:
            pad = 0.1 * (max(losses) - min(losses)) + 1e-3
            self.ylim = (min(losses) - pad, max(losses) + pad)
            self.ax_loss.set_yscale("linear")
        if self.ylim:
            self.ax_loss.set_ylim(*self.ylim)
        self._remove_added()
        self.line.set_data([], [])
        self.ax_loss.set_title("")
        self.ax_xor.set_title("")
        self.blit = Blit(self.fig)

    def _remove_added(self):
        for artist in self.added:
            artist.remove()
        self.added = []

    def draw(self, steps, losses, predict):
        """Set the moving artists to this state (laying the axes out again if the loss left
        them); returns the artists to paint."""
        steps, losses = list(steps), [float(v) for v in losses]
        if not self._fits(steps, losses):
            self._layout(steps, losses)
        self._remove_added()
        self.line.set_data(steps, losses)
        last = _("loss {loss:.4g}", loss=losses[-1]) if losses else _("not trained yet")
        self.ax_loss.set_title(_("step {step}: {last}", step=steps[-1] if steps else 0,
                                 last=last))
        before = set(self.ax_xor.get_children())
        boundary_axes(self.ax_xor, predict)
        self.added = [a for a in self.ax_xor.get_children() if a not in before]
        return [*self.added, *self.ax_xor.spines.values(), self.line,
                self.ax_loss.title, self.ax_xor.title]

    def png(self, steps, losses, predict):
        """PNG bytes of the picture for this state."""
        moving = self.draw(steps, losses, predict)  # may lay out again: a new self.blit
        return self.blit.png(moving)


def training_figure(steps, losses, predict):
    """Left: the loss after each tick against the gradient-descent step. Right: where predict
    says XOR is true (blue) or false (orange), its p = 0.5 boundary and the four XOR points."""
    picture = TrainingPicture()
    picture.draw(steps, losses, predict)
    return picture.fig
