"""Pictures of notebook 03, as pure functions: numbers in, an SVG or a matplotlib Figure out.

- neuron_circuit: the neuron sigma(w0 x0 + w1 x1 + w2) drawn gate by gate (course.circuits.NEURON)
  with every forward value and every gradient, the gradients by centred differences;
- sigmoid_figure: sigma and its derivative, from values the caller computed;
- sigmoid_axes / sigmoid_marks / sigmoid_point_figure: the sigmoid widget's picture, the point
  x marked on both curves.
"""
import numpy as np
from matplotlib.figure import Figure

from ..circuits import NEURON, sigmoid
from ..circuits.svg import draw_circuit
from ..gradcheck import centred
from ..i18n import _
from ..style import GRADIENT, MUTED, TRUE


def neuron_inputs(w, x):
    """The NEURON circuit's input wires from weights w (3,) and inputs x (2,)."""
    return dict(w0=float(w[0]), x0=float(x[0]), w1=float(w[1]), x1=float(x[1]), w2=float(w[2]))


def neuron_circuit(w, x, dout=1.0, title=None):
    """SVG of the neuron at (w, x): values in green above the wires, gradients in purple below."""
    inputs = neuron_inputs(w, x)
    return draw_circuit(NEURON, NEURON.forward(inputs), NEURON.numerical_grads(inputs, dout),
                        title=title or "f(w, x) = σ(w0 x0 + w1 x1 + w2)")


def sigmoid_figure(t, s, ds, marks=()):
    """σ (values `s`) and its derivative (values `ds`) against `t`; each x in `marks` is drawn
    as a dotted line with both values written next to it (looked up at the nearest t)."""
    t, s, ds = (np.asarray(a, dtype=float) for a in (t, s, ds))
    fig = Figure(figsize=(6.4, 3.4))
    ax = fig.add_subplot()
    ax.plot(t, s, color=TRUE, label="σ(x)")
    ax.plot(t, ds, color=GRADIENT, label="dσ/dx = (1 − σ(x)) σ(x)")
    for x in marks:
        i = int(np.argmin(np.abs(t - x)))
        ax.axvline(t[i], color=MUTED, ls=":")
        ax.plot([t[i], t[i]], [s[i], ds[i]], "o", color="black", ms=4)
        ax.annotate(f"σ = {s[i]:.2f}\ndσ/dx = {ds[i]:.2f}", (t[i], ds[i]), xytext=(6, 10),
                    textcoords="offset points", fontsize=9)
    ax.set(xlim=(t.min(), t.max()), ylim=(-0.05, 1.05), xlabel="x")
    ax.legend(loc="upper left")
    fig.tight_layout()
    return fig


def sigmoid_point(x, h=1e-5):
    """(sigma(x), d sigma/dx at x), the slope by centred differences (error ~h^2 ~ 1e-10): the
    widget shows the slope without holding the formula notebook 03 asks for."""
    return sigmoid(x), centred(sigmoid, x, h)


def sigmoid_axes(lo=-8.0, hi=8.0):
    """sigma and its derivative on [lo, hi] (notebook 03's picture): the still part."""
    t = np.linspace(lo, hi, 321)
    st, dst = np.array([sigmoid_point(v) for v in t]).T
    fig = sigmoid_figure(t, st, dst)
    fig.axes[0].set_title(" ")  # laid out with room for the widget's title (set per point)
    fig.tight_layout()
    return fig, fig.axes[0]


def sigmoid_marks(ax, x):
    """The point x on both curves and the local gradient's value."""
    s, ds = sigmoid_point(x)
    art = ax.plot([x, x], [s, ds], ls=":", color=MUTED)
    art.append(ax.scatter([x, x], [s, ds], color=[TRUE, GRADIENT], zorder=3))
    art.append(ax.annotate(f"{ds:.4f}", (x, ds), xytext=(8, 6), textcoords="offset points",
                           color=GRADIENT))
    ax.set_title(_("x = {x:.2f}: σ = {s:.4f}, local gradient dσ/dx = {ds:.4f}", x=x, s=s, ds=ds))
    return art + [ax.title]


def sigmoid_point_figure(x):
    """sigma and its derivative, the point at `x` marked on both."""
    fig, ax = sigmoid_axes(min(-8.0, x - 1), max(8.0, x + 1))
    sigmoid_marks(ax, x)
    return fig
