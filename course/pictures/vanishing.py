"""The vanishing-gradient picture of notebook 06, a pure function: sizes in, a Figure out."""
import numpy as np
from matplotlib.figure import Figure

from ..i18n import _
from ..style import FALSE, MUTED, TRUE


def gradient_sizes_figure(sizes, title=None):
    """`sizes` maps a label ("sigmoid") to the gradient's size arriving at layers 1..L (course.
    vanishing.chain_gradient_sizes), on a log scale."""
    fig = Figure(figsize=(6.4, 3.6))
    ax = fig.add_subplot()
    for colour, (label, values) in zip((FALSE, TRUE) * len(sizes), sizes.items()):
        values = np.asarray(values, dtype=float)
        layers = np.arange(1, len(values) + 1)
        ax.semilogy(layers, values, "o-", color=colour, label=label)
    ax.set(xlabel=_("layer (1 = nearest the input; the loss is above the last)"),
           ylabel=_("mean |gradient| arriving"), title=title or _("the gradient on its way down"))
    ax.legend()
    fig.tight_layout()
    return fig


def plateau_figure(losses, grad_sizes, stretch, title=None):
    """The loss (left axis) and the mean |dL/dW1| (right axis, log) per training step, with the
    flat stretch `stretch` = (first, last) step shaded: a small gradient is a slow step."""
    steps = np.arange(len(losses))
    fig = Figure(figsize=(6.8, 3.6))
    ax = fig.add_subplot()
    ax.axvspan(stretch[0], stretch[1], color=MUTED, alpha=0.25,
               label=_("flat stretch, steps {first}-{last}", first=stretch[0], last=stretch[1]))
    ax.plot(steps, losses, color=TRUE, label=_("loss"))
    ax.set(xlabel=_("training step"), ylabel=_("loss"), title=title or
           _("the plateau: the loss barely moves while the gradient is small"))
    right = ax.twinx()
    right.semilogy(steps, grad_sizes, color=FALSE, label=_("mean |dL/dW1|"))
    right.set_ylabel(_("mean |dL/dW1|"))
    handles = ax.get_legend_handles_labels()[0] + right.get_legend_handles_labels()[0]
    ax.legend(handles=handles, loc="upper right")
    fig.tight_layout()
    return fig
