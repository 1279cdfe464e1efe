"""Pictures of notebook 04, as pure functions: numbers in, a matplotlib Figure out.

- fork_figure: at each fork wire, the gradient arriving along every branch, and their sum, drawn
  as arrows laid end to end so the sum is visibly the total length (course.circuits.forks
  measures them).
"""
from matplotlib.figure import Figure

from ..circuits.forks import branch_gradients
from ..i18n import _
from ..style import GRADIENT, INK

BRANCH, TOTAL = GRADIENT, INK


def fork_figure(circuit, inputs, wires, dout=1.0):
    """For each wire in `wires`: its branch gradients as arrows placed head to tail, one row
    each, and below them one arrow for their sum, the wire's gradient."""
    rows = [(w, branch_gradients(circuit, inputs, w, dout)) for w in wires]
    fig = Figure(figsize=(6.4, 0.9 + 0.32 * sum(len(b) + 2 for _, b in rows)))
    ax = fig.add_subplot()
    y, ticks, labels, ends = 0.0, [], [], [0.0]
    for wire, branches in rows:
        start = 0.0
        for consumer, grad in branches.items():
            _arrow(ax, start, start + grad, y, BRANCH,
                   _("via {gate}: {grad:+.3f}", gate=consumer, grad=grad))
            ticks.append(y)
            labels.append(f"{wire} → {consumer}")
            ends += [start, start + grad]
            start, y = start + grad, y - 1.0
        _arrow(ax, 0.0, start, y, TOTAL,
               _("sum = {name} = {grad:+.3f}", name=f"d{wire}", grad=start), bold=True)
        ticks.append(y)
        labels.append(f"d{wire}")
        y -= 1.6
    lo, hi = min(ends), max(ends)
    width = hi - lo or 1.0
    ax.axvline(0.0, color="grey", lw=0.8)
    ax.set(xlim=(lo - 0.05 * width, hi + 0.45 * width), ylim=(y + 0.9, 0.7), yticks=ticks,
           yticklabels=labels, xlabel=_("gradient"))
    ax.set_title(_("At a fork the gradients of the branches add up"), fontsize=10)
    fig.tight_layout()
    return fig


def _arrow(ax, x0, x1, y, color, text, bold=False):
    ax.annotate("", (x1, y), (x0, y), arrowprops=dict(arrowstyle="-|>", color=color,
                                                      lw=2.5 if bold else 1.8, shrinkA=0,
                                                      shrinkB=0))
    ax.text(max(x0, x1), y, "  " + text, va="center", fontsize=9, color=color,
            fontweight="bold" if bold else "normal")
