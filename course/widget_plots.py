"""The widgets' matplotlib pictures (perceptron, sigmoid) as pure functions: numbers in, Figure out.

They build `matplotlib.figure.Figure` directly (no pyplot): no global state, nothing displayed
behind the caller's back, no figure leaks when a widget redraws a thousand times.
Each picture is split into still parts (`*_axes`) and moving parts (`*_marks`, returning the
artists they add), so a widget can repaint only what moved (see Blit): a full redraw costs
40-90 ms on a small machine, a repaint about 10.
"""
import io

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from PIL import Image

from .circuits import _sigmoid  # the course's one sigma (04's hidden tests refuse it)
from .datasets import truth_table
from .plots_perceptron import _panel
from .plots_sigmoid import sigmoid_figure as sigmoid_curves

WRONG, BLUE = "#cf222e", "#0969da"
BOX = (-0.5, 1.5)  # the square around the truth-table points (as in plots_perceptron)


def png(fig, dpi="figure"):
    """PNG bytes of a whole figure, by default at its own dpi (as Blit paints it)."""
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
    """(predictions, number wrong) on the four points of AND, OR or XOR; predict(w, b, X) is the
    student's perceptron_predict of notebook 01, else the threshold rule."""
    X, y = truth_table(dataset)
    w = np.array([w1, w2], dtype=float)
    pred = _sign(X @ w + b) if predict is None else np.ravel(np.asarray(predict(w, b, X), float))
    if pred.shape != y.shape:
        raise ValueError(f"predict returned {pred.size} labels for 4 points")
    return pred, int(np.sum(pred != y))


def perceptron_axes():
    """The still part: axes laid out as plots_perceptron's panel will leave them."""
    fig = Figure(figsize=(4, 4))
    fig.subplots_adjust(left=0.19, right=0.95, bottom=0.13, top=0.9)  # tight_layout costs 60 ms
    ax = fig.add_subplot()
    ax.set(xlim=BOX, ylim=BOX, aspect="equal", xlabel="x1", ylabel="x2")
    return fig, ax


def perceptron_marks(ax, w1, w2, b, dataset="AND", predict=None):
    """Notebook 01's picture (course.plots_perceptron) of weights (w1, w2), bias b on a dataset:
    shaded half-planes, the line w.x + b = 0, the points (rimmed yellow where wrong), the count.
    Returns the artists it added."""
    X, y = truth_table(dataset)
    pred, _ = perceptron_errors(w1, w2, b, dataset, predict)
    before = set(ax.get_children())
    _panel(ax, X, y, np.array([w1, w2], float), float(b), pred, dataset)
    # the spines too: the shading is painted over the background they were part of
    return [a for a in ax.get_children() if a not in before] + [*ax.spines.values(), ax.title]


def perceptron_figure(w1, w2, b, dataset="AND", predict=None):
    """The perceptron's picture for weights (w1, w2), bias b on AND, OR or XOR."""
    fig, ax = perceptron_axes()
    perceptron_marks(ax, w1, w2, b, dataset, predict)
    return fig


def sigmoid_point(x, h=1e-5):
    """(sigma(x), d sigma/dx at x), the slope by centred differences (error ~h^2 ~ 1e-10): the
    widget shows the slope without holding the formula notebook 03 asks for."""
    return _sigmoid(x), (_sigmoid(x + h) - _sigmoid(x - h)) / (2 * h)


def sigmoid_axes(lo=-8.0, hi=8.0):
    """sigma and its derivative on [lo, hi] (notebook 03's picture): the still part."""
    t = np.linspace(lo, hi, 321)
    st, dst = np.array([sigmoid_point(v) for v in t]).T
    fig = sigmoid_curves(t, st, dst)
    return fig, fig.axes[0]


def sigmoid_marks(ax, x):
    """The point x on both curves and the local gradient's value."""
    s, ds = sigmoid_point(x)
    art = ax.plot([x, x], [s, ds], ls=":", color="grey")
    art.append(ax.scatter([x, x], [s, ds], color=[BLUE, WRONG], zorder=3))
    art.append(ax.annotate(f"{ds:.4f}", (x, ds), xytext=(8, 6), textcoords="offset points",
                           color=WRONG))
    ax.set_title(f"x = {x:.2f}: σ = {s:.4f}, local gradient dσ/dx = {ds:.4f}")
    return art + [ax.title]


def sigmoid_figure(x):
    """sigma and its derivative, the point at `x` marked on both."""
    fig, ax = sigmoid_axes(min(-8.0, x - 1), max(8.0, x + 1))
    sigmoid_marks(ax, x)
    return fig
