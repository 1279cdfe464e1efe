"""The pictures of notebook 06's plateau and vanishing gradients, pure functions: numbers in, a
Figure (or its text alternative, for screen readers) out."""
import numpy as np
from matplotlib.figure import Figure

from ..i18n import _
from ..style import FALSE, INK, MUTED, RIM, TRUE
from ..vanishing import cancellation


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


PULL_COLOURS = (TRUE, FALSE, RIM, MUTED)
"""One colour per example of the pulls (XOR's four points, in order)."""


def pulls_figure(pulls_by_step, examples, title=None):
    """One panel per training step of `pulls_by_step` (step -> pulls, shape (N, rows, cols), from
    course.vanishing.example_pulls): for each entry of W1, every example's pull as a thin bar
    (one colour per example, labelled by `examples`) and their sum as a wide black outline."""
    steps = list(pulls_by_step)
    fig = Figure(figsize=(4.2 * len(steps), 3.8))
    axes = fig.subplots(1, len(steps), squeeze=False)[0]
    for ax, step in zip(axes, steps):
        pulls = np.asarray(pulls_by_step[step], dtype=float)
        flat = pulls.reshape(len(pulls), -1)
        entries = np.arange(flat.shape[1])
        width = 0.8 / len(flat)
        for i, (pull, name) in enumerate(zip(flat, examples)):
            ax.bar(entries - 0.4 + width * (i + 0.5), pull, width,
                   color=PULL_COLOURS[i % len(PULL_COLOURS)], label=name)
        ax.bar(entries, flat.sum(axis=0), 0.9, fill=False, edgecolor=INK, linewidth=1.5,
               label=_("their sum (the gradient)"))
        ax.axhline(0, color=INK, linewidth=0.5)
        rows, cols = pulls.shape[1:]
        ax.set_xticks(entries, [f"{r},{c}" for r in range(rows) for c in range(cols)],
                      fontsize=8)
        ax.set(xlabel=_("entry of W1"), title=_(
            "step {step}: the sum keeps {kept:.0%}", step=step, kept=cancellation(pulls)))
    axes[0].set_ylabel(_("pull on W1"))
    fig.legend(*axes[0].get_legend_handles_labels(), loc="upper center", ncol=len(flat) + 1,
               fontsize=8)
    if title:
        fig.suptitle(title, y=0.02, va="bottom")
    fig.tight_layout(rect=(0, 0.05 if title else 0, 1, 0.9))
    return fig


def pulls_text(pulls_by_step):
    """The text alternative of `pulls_figure`: per step, how much of the pulls their sum keeps."""
    return " ".join(_("At step {step} the sum of the examples' pulls on W1 is {kept:.0%} of the "
                      "sum of their sizes.", step=step, kept=cancellation(pulls))
                    for step, pulls in pulls_by_step.items())
