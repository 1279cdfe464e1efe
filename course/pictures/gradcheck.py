"""The gradient check's picture of notebook 05, a pure function: errors in, a Figure out.

step_error_figure: the relative error of a centred difference against the step h, log-log, one
curve per float type, each curve's floor (its smallest error) marked, and the practitioner's
bands (course.gradcheck.BANDS) as faint lines.
"""
import numpy as np
from matplotlib.figure import Figure

from ..gradcheck import BANDS
from ..i18n import _
from ..style import FALSE, MUTED, TRUE

_COLOURS = (TRUE, FALSE)


def floor_of(steps, errors):
    """(h, error) where `errors` is smallest: the bottom of the U."""
    errors = np.asarray(errors, dtype=float)
    i = int(np.nanargmin(errors))
    return float(np.asarray(steps)[i]), float(errors[i])


def step_error_figure(steps, curves, title=None):
    """`curves` maps a label ("float64") to the relative errors at `steps` (course.gradcheck.
    step_errors). Large h on the left, as the eye reads "shrinking h": truncation falls like h^2,
    then rounding grows like eps/h."""
    steps = np.asarray(steps, dtype=float)
    fig = Figure(figsize=(6.8, 4.0))
    ax = fig.add_subplot()
    for threshold, words in BANDS[:-1]:
        ax.axhline(threshold, color=MUTED, lw=0.8, ls="--")
        # a band's words up to its colon: "uncomfortable", not "uncomfortable: look for a bug"
        ax.annotate(_("{threshold:.0e}: above it, {words}", threshold=threshold,
                      words=_(words).split(":")[0]), (steps.max(), threshold), xytext=(-4, 2),
                    textcoords="offset points", ha="right", fontsize=7, color=MUTED)
    for colour, (label, errors) in zip(_COLOURS * len(curves), curves.items()):
        shown = np.clip(np.asarray(errors, dtype=float), 1e-17, None)  # an exact 0 has no log
        ax.loglog(steps, shown, "o-", ms=3, color=colour, label=label)
        h, err = floor_of(steps, errors)
        ax.plot([h], [max(err, 1e-17)], "v", ms=11, color=colour)
        ax.annotate(_("floor {err:.1e} at h = {h:.0e}", err=err, h=h), (h, max(err, 1e-17)),
                    xytext=(0, -16), textcoords="offset points", ha="center", fontsize=8,
                    color=colour)
    ax.set(xlabel=_("step h"), ylabel=_("relative error"),
           xlim=(steps.max() * 2, steps.min() / 2),
           title=title or _("centred difference: truncation (left of the floor) vs "
                            "rounding (right)"))
    ax.legend(loc="lower left")
    fig.tight_layout()
    return fig
