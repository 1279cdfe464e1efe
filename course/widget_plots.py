"""The course's matplotlib pictures, as pure functions: numbers in, a Figure out.

They build `matplotlib.figure.Figure` directly (no pyplot): no global state, nothing displayed
behind the caller's back, no figure leaks when a widget redraws a thousand times.
Each picture is split into still parts (`*_axes`) and moving parts (`*_marks`, returning the
artists they add), so a widget can repaint only what moved (see Blit): a full redraw costs
40-90 ms on a small machine, a repaint about 10.
"""
import io
import math

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from PIL import Image

from .datasets import truth_table

RIGHT, WRONG, BLUE, TRUE_BG, FALSE_BG = "#1a7f37", "#cf222e", "#0969da", "#dbeafe", "#fde7d4"
BOX = (-0.5, 1.5)  # the square around the four truth-table points


def png(fig, dpi=72):
    """PNG bytes of a whole figure."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, pil_kwargs={"compress_level": 1})
    return buf.getvalue()


class Blit:
    """Draw a figure's still parts once; each update restores them and paints the moving artists.
    Create it before adding moving artists, so they are not baked into the background."""

    def __init__(self, fig):
        self.fig, self.canvas = fig, FigureCanvasAgg(fig)
        self.canvas.draw()
        self.background = self.canvas.copy_from_bbox(fig.bbox)

    def png(self, artists):
        self.canvas.restore_region(self.background)
        for artist in artists:
            self.fig.draw_artist(artist)
        image = Image.frombuffer("RGBA", self.canvas.get_width_height(),
                                 self.canvas.buffer_rgba(), "raw", "RGBA", 0, 1)
        buf = io.BytesIO()
        image.save(buf, "png", compress_level=1)  # fast; these pictures are small anyway
        return buf.getvalue()


def _sign(score):
    # The perceptron's threshold: +1 where w.x + b > 0, else -1.
    return np.where(score > 0, 1.0, -1.0)


def perceptron_errors(w1, w2, b, dataset, predict=None):
    """(predictions, number misclassified) of the four points of AND, OR or XOR."""
    X, y = truth_table(dataset)
    w = np.array([w1, w2], dtype=float)
    pred = _sign(X @ w + b) if predict is None else np.ravel(np.asarray(predict(X, w, b), float))
    if pred.shape != y.shape:
        raise ValueError(f"predict returned {pred.size} labels for 4 points")
    return pred, int(np.sum(pred != y))


def perceptron_axes():
    fig = Figure(figsize=(4, 4))
    fig.subplots_adjust(left=0.19, right=0.95, bottom=0.13, top=0.9)  # tight_layout costs 60 ms
    ax = fig.add_subplot()
    ax.set(xlim=BOX, ylim=BOX, xlabel="x1", ylabel="x2", aspect="equal")
    return fig, ax


def perceptron_marks(ax, w1, w2, b, dataset="AND", predict=None):
    """The half-planes called +1 (blue) and -1 (orange), the line w1*x1 + w2*x2 + b = 0, the four
    points (green: right, red: misclassified) and the error count in the title."""
    X, y = truth_table(dataset)
    pred, errors = perceptron_errors(w1, w2, b, dataset, predict)
    grid = np.linspace(*BOX, 81)
    g1, g2 = np.meshgrid(grid, grid)
    side = (w1 * g1 + w2 * g2 + b > 0).astype(float)
    art = [ax.imshow(side, extent=(*BOX, *BOX), origin="lower", vmin=0, vmax=1, zorder=0,
                     cmap=_two_colours(), interpolation="nearest"), *ax.spines.values()]
    lo, hi = BOX
    if w2 != 0:  # x2 = -(w1 x1 + b) / w2
        art += ax.plot([lo, hi], [-(w1 * lo + b) / w2, -(w1 * hi + b) / w2], "k", lw=2)
    elif w1 != 0:  # vertical: x1 = -b / w1
        art += ax.plot([-b / w1] * 2, [lo, hi], "k", lw=2)
    for (x1, x2), label, guess in zip(X, y, pred):
        art.append(ax.scatter([x1], [x2], s=160, marker="o" if label > 0 else "s", zorder=3,
                              color=RIGHT if guess == label else WRONG, edgecolors="k"))
        art.append(ax.annotate(f"{label:+.0f}", (x1, x2), xytext=(10, 8),
                               textcoords="offset points"))
    ax.set_title(f"{dataset}: {errors} of 4 misclassified")
    return art + [ax.title]


def _two_colours():
    from matplotlib.colors import ListedColormap
    return ListedColormap([FALSE_BG, TRUE_BG])


def perceptron_figure(w1, w2, b, dataset="AND", predict=None):
    """The perceptron's picture for weights (w1, w2), bias b on AND, OR or XOR."""
    fig, ax = perceptron_axes()
    perceptron_marks(ax, w1, w2, b, dataset, predict)
    return fig


def sigmoid_point(x):
    """(sigma(x), local gradient (1 - sigma) sigma) at x."""
    s = 1.0 / (1.0 + math.exp(-x)) if x >= 0 else math.exp(x) / (1.0 + math.exp(x))
    return s, (1.0 - s) * s


def sigmoid_axes(lo=-8.0, hi=8.0):
    """sigma and (1 - sigma) sigma on [lo, hi]: the still part of the sigmoid picture."""
    t = np.linspace(lo, hi, 321)
    st = np.exp(-np.logaddexp(0.0, -t))  # sigma(t) without overflow
    fig = Figure(figsize=(6, 3.4))
    fig.subplots_adjust(left=0.08, right=0.97, bottom=0.15, top=0.9)
    ax = fig.add_subplot()
    ax.plot(t, st, color=BLUE, label="σ(x)")
    ax.plot(t, (1 - st) * st, color=WRONG, label="(1 − σ(x)) σ(x)")
    ax.set(xlim=(lo, hi), ylim=(-0.05, 1.05), xlabel="x")
    ax.legend(loc="center left")
    return fig, ax


def sigmoid_marks(ax, x):
    """The point x on both curves and the local gradient's value."""
    s, ds = sigmoid_point(x)
    art = ax.plot([x, x], [s, ds], ls=":", color="grey")
    art.append(ax.scatter([x, x], [s, ds], color=[BLUE, WRONG], zorder=3))
    art.append(ax.annotate(f"{ds:.4f}", (x, ds), xytext=(8, 6), textcoords="offset points",
                           color=WRONG))
    ax.set_title(f"x = {x:.2f}: σ = {s:.4f}, local gradient (1 − σ)σ = {ds:.4f}")
    return art + [ax.title]


def sigmoid_figure(x):
    """sigma and its derivative (1 - sigma) sigma, the point at `x` marked on both."""
    fig, ax = sigmoid_axes(min(-8.0, x - 1), max(8.0, x + 1))
    sigmoid_marks(ax, x)
    return fig
