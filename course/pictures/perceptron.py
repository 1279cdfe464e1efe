"""Pictures of notebook 01, as pure functions: numbers in, a matplotlib Figure out (no pyplot).

- timeline_figure: 1943 -> 1986, from logical neurons to learning the hidden layer;
- decision_figure: the truth-table points and the line w.x + b = 0, one panel per dataset;
- errors_figure: mistakes per training epoch, one panel per dataset;
- perceptron_axes / perceptron_marks: the perceptron widget's picture, still and moving parts.
"""
import numpy as np
from matplotlib.colors import ListedColormap
from matplotlib.figure import Figure

from ..datasets import truth_table
from ..i18n import N_, _
from ..style import BOX, FALSE, INK, PALE_FALSE, PALE_TRUE, RIM, TRUE

SIDES = ListedColormap([PALE_FALSE, PALE_TRUE])  # score <= 0, score > 0

HISTORY = (
    # (year, who, what happened, what the notebook has you do with it)
    (1943, "McCulloch & Pitts", N_("neurons as logical switches;\nno learning"),
     N_("threshold units")),
    (1958, "Rosenblatt", N_("the perceptron learns\nits weights from data"),
     N_("Ex. 1-3: predict, update, train")),
    (1969, "Minsky & Papert", N_("one layer cannot\ncompute XOR"),
     N_("watch XOR fail;\nwritten question")),
    (1970, "Linnainmaa", N_("reverse-mode\ndifferentiation"),
     N_("02-07: the same,\nby hand")),
    (1974, "Werbos", N_("proposes it for\nneural networks"),
     N_("05-08: train\nnetworks")),
    (1986, "Rumelhart, Hinton\n& Williams", N_("learning the hidden\nlayer by backpropagation"),
     N_("Ex. 4: two layers\ncompute XOR")),
)


def timeline_figure(events=HISTORY):
    """A horizontal time axis with one labelled marker per (year, who, what, you_do) event."""
    years = [e[0] for e in events]
    lo, hi = min(years) - 5, max(years) + 5
    fig = Figure(figsize=(13, 3.6))
    ax = fig.add_axes((0.02, 0.02, 0.96, 0.96))
    ax.set(xlim=(lo, hi), ylim=(-1.6, 1.6))
    ax.axis("off")
    ax.annotate("", (hi, 0), (lo, 0), arrowprops=dict(arrowstyle="->", color=INK, lw=1.5))
    for i, (year, who, what, you_do) in enumerate(events):
        up = 1 if i % 2 == 0 else -1  # alternate above/below so neighbours never overlap
        ax.plot([year], [0], "o", color=TRUE, ms=9, zorder=3)
        ax.plot([year, year], [0, 0.35 * up], color=INK, lw=1)
        ax.text(year, -0.18 * up, str(year), ha="center", va="top" if up > 0 else "bottom",
                fontsize=11, fontweight="bold")
        ax.text(year, 0.42 * up, f"{who}\n{_(what)}", ha="center",
                va="bottom" if up > 0 else "top", fontsize=8)
        ax.text(year, (1.45 if up > 0 else -1.45), _("you: {task}", task=_(you_do)), ha="center",
                va="top" if up > 0 else "bottom", fontsize=7.5, color=TRUE, style="italic")
    return fig


def _line(ax, w, b, lo, hi):
    """Draw w[0] x1 + w[1] x2 + b = 0 across the box; nothing if w = 0 (no line exists)."""
    if w[1] != 0:  # x2 = -(w1 x1 + b) / w2
        ax.plot([lo, hi], [-(w[0] * lo + b) / w[1], -(w[0] * hi + b) / w[1]], color=INK, lw=2)
    elif w[0] != 0:  # vertical: x1 = -b / w1
        ax.plot([-b / w[0]] * 2, [lo, hi], color=INK, lw=2)


def _panel(ax, X, y, w, b, pred, title, box=BOX):
    lo, hi = box
    grid = np.linspace(lo, hi, 81)
    g1, g2 = np.meshgrid(grid, grid)
    ax.imshow(w[0] * g1 + w[1] * g2 + b > 0, extent=(lo, hi, lo, hi), origin="lower",
              cmap=SIDES, vmin=0, vmax=1, interpolation="nearest")  # pale blue: score > 0
    _line(ax, w, b, lo, hi)
    for (x1, x2), label, guess in zip(X, y, pred):
        ax.scatter([x1], [x2], s=140, marker="o" if label > 0 else "s", zorder=3,
                   color=TRUE if label > 0 else FALSE,
                   edgecolors=INK if guess == label else RIM,
                   linewidths=1 if guess == label else 3)
    wrong = int(np.sum(pred != y))
    ax.set(xlim=box, ylim=box, aspect="equal", xlabel="x1", ylabel="x2",
           title=_("{title}: {wrong} of {n} wrong", title=title, wrong=wrong, n=len(y)))


def decision_figure(panels):
    """One panel per (title, X, y, w, b, pred): the points (circle +1, square -1; a thick yellow
    rim where the prediction `pred` is wrong), the side where w.x + b > 0 shaded blue, the line."""
    fig = Figure(figsize=(3.6 * len(panels), 3.8))
    axes = fig.subplots(1, len(panels), squeeze=False)[0]
    for ax, (title, X, y, w, b, pred) in zip(axes, panels):
        X, y, w, pred = (np.asarray(a, float) for a in (X, y, w, pred))
        _panel(ax, X, y, w, float(b), np.ravel(pred), title)
    # tight_layout is slow
    fig.subplots_adjust(left=0.08, right=0.98, bottom=0.14, top=0.9, wspace=0.35)
    return fig


def errors_figure(errors):
    """One bar chart per dataset of mistakes made during each epoch; {title: counts}."""
    fig = Figure(figsize=(3.6 * len(errors), 3.0))
    axes = fig.subplots(1, len(errors), squeeze=False, sharey=True)[0]
    for ax, (title, counts) in zip(axes, errors.items()):
        epochs = np.arange(1, len(counts) + 1)
        ax.bar(epochs, counts, color=[FALSE if c else TRUE for c in counts])
        done = next((e for e, c in zip(epochs, counts) if c == 0), None)
        ax.set(title=f"{title}: " + (_("no mistakes from epoch {epoch}", epoch=done) if done else
                                     _("a mistake in every epoch")), xlabel=_("epoch"),
               xticks=epochs)
    axes[0].set_ylabel(_("mistakes in the epoch"))
    fig.subplots_adjust(left=0.06, right=0.98, bottom=0.17, top=0.88, wspace=0.12)
    return fig


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
        raise ValueError(_("predict returned {n} labels for 4 points", n=pred.size))
    return pred, int(np.sum(pred != y))


def perceptron_axes():
    """The still part: axes laid out as _panel will leave them."""
    fig = Figure(figsize=(4, 4))
    fig.subplots_adjust(left=0.19, right=0.95, bottom=0.13, top=0.9)  # tight_layout costs 60 ms
    ax = fig.add_subplot()
    ax.set(xlim=BOX, ylim=BOX, aspect="equal", xlabel="x1", ylabel="x2")
    return fig, ax


def perceptron_marks(ax, w1, w2, b, dataset="AND", pred=None):
    """Notebook 01's picture of weights (w1, w2), bias b on a dataset: shaded half-planes, the
    line w.x + b = 0, the points (rimmed yellow where `pred`, the predicted labels, is wrong;
    default: the threshold rule) and the count. Returns the artists it added."""
    X, y = truth_table(dataset)
    if pred is None:
        pred, _ = perceptron_errors(w1, w2, b, dataset)
    before = set(ax.get_children())
    _panel(ax, X, y, np.array([w1, w2], float), float(b), pred, dataset)
    # the spines too: the shading is painted over the background they were part of
    return [a for a in ax.get_children() if a not in before] + [*ax.spines.values(), ax.title]


def perceptron_figure(w1, w2, b, dataset="AND", predict=None):
    """The perceptron's picture for weights (w1, w2), bias b on AND, OR or XOR."""
    fig, ax = perceptron_axes()
    perceptron_marks(ax, w1, w2, b, dataset, perceptron_errors(w1, w2, b, dataset, predict)[0])
    return fig
