"""Notebook 04's scale effect as a pure function: loss curves in, a matplotlib Figure out.

Each curve is the loss per gradient-descent step of one run (course.descent); a run that
diverged ends in inf or nan, drawn as a cross at its last finite loss with the step it overflowed.
"""
import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from ..i18n import N_, _
from ..style import FALSE, GRADIENT, INK, TRUE, VALUE

_COLOURS = (TRUE, GRADIENT, FALSE, VALUE, INK)

TITLE = N_("The same training, data scaled by 1000")


def loss_curves_figure(curves, title=TITLE):
    """`curves`: (label, losses) pairs, drawn on one log-scale axis; a label gains
    ", overflow at step k" when its run's losses end in inf or nan."""
    fig = Figure(figsize=(7.5, 4))
    fig.subplots_adjust(left=0.11, right=0.97, bottom=0.13, top=0.9)
    ax = fig.subplots()
    # the loss's exponent on a linear axis, labelled as powers of 10: matplotlib's log axis
    # overflows computing its limits and ticks near 1e308, where a diverged run's last loss lies
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"1e{v:g}"))
    for (label, losses), colour, dash in zip(curves, _COLOURS * 2, ("-", "-", "--", ":") * 3):
        losses = np.asarray(losses, dtype=float).ravel()
        finite = np.isfinite(losses)
        last = int(np.argmin(finite)) if not finite.all() else losses.size
        steps = np.arange(1, last + 1)
        if last < losses.size:
            label = _("{label}, overflow at step {step}", label=label, step=last + 1)
        with np.errstate(divide="ignore"):  # a loss of exactly 0 sits at -inf, off the axis
            exponents = np.log10(losses[:last])
        ax.plot(steps, exponents, dash, color=colour, lw=2, label=label)
        if last < losses.size and last:
            ax.plot([last], [exponents[-1]], "x", color=colour, ms=10, mew=2.5)
    ax.set(xlabel=_("step"), ylabel=_("loss (log scale)"), title=_(title))
    ax.legend(loc="upper left", fontsize=9, frameon=False)
    return fig
