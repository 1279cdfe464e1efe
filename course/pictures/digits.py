"""Pictures of notebook 08, as pure functions: arrays in, a matplotlib Figure out (no pyplot).

- digit_grid_figure: digits with their labels, predictions beside them, mistakes framed in red;
- confusion_matrix / confusion_figure: which digit is taken for which;
- weights_figure: each hidden unit's 64 input weights drawn as an 8x8 image;
- curves_figure / CurvesPicture: loss and accuracy per epoch, the live training view's picture
  (axes drawn once; each tick repaints the lines, as course.pictures.blit explains).
"""
import numpy as np
from matplotlib.colors import LinearSegmentedColormap
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from ..i18n import N_, _
from ..style import FALSE, INK, TRUE, WRONG
from .blit import Blit


def _images(images):
    images = np.asarray(images, dtype=float)
    return images.reshape(len(images), 8, 8)


def _tiles(images, cols, gap=1):
    """The 8x8 images laid out in rows of `cols` on one canvas, `gap` blank pixels (nan) apart:
    one imshow for the whole grid (dozens of axes would take seconds to draw)."""
    rows = max(1, -(-len(images) // cols))
    canvas = np.full((rows * (8 + gap) - gap, cols * (8 + gap) - gap), np.nan)
    for k, image in enumerate(images):
        r, c = divmod(k, cols)
        canvas[r * (8 + gap):r * (8 + gap) + 8, c * (8 + gap):c * (8 + gap) + 8] = image
    return canvas


def _corner(k, cols, gap):
    r, c = divmod(k, cols)
    return c * (8 + gap) - 0.5, r * (8 + gap) - 0.5  # (x, y) of the image's top-left pixel edge


def digit_grid_figure(images, labels, predicted=None, cols=10, title=None):
    """The images (rows of 64 pixels or 8x8 arrays) in a grid, each with its label above it; with
    `predicted`, the prediction above it and, where it differs from the label, "prediction
    (true label)" in red with a red frame around the image."""
    images, labels = _images(images), np.asarray(labels).ravel()
    gap = 4  # room for the text above each image (and above the first row)
    tiles = _tiles(images, cols, gap)
    canvas = np.vstack([np.full((gap, tiles.shape[1]), np.nan), tiles])
    rows = -(-len(images) // cols)
    fig = Figure(figsize=(cols * 0.75, rows * 1.0 + (0.3 if title else 0)))
    ax = fig.add_axes((0.01, 0.01, 0.98, 0.98 - (0.3 / (rows + 0.3) if title else 0)))
    ax.imshow(canvas, cmap="gray_r", vmin=0, vmax=np.nanmax(canvas) or 1,
              extent=(-0.5, canvas.shape[1] - 0.5, tiles.shape[0] - 0.5, -gap - 0.5))
    ax.set_axis_off()
    for k in range(len(images)):
        x, y = _corner(k, cols, gap)
        text, colour = f"{labels[k]}", INK
        if predicted is not None:
            guess = int(np.ravel(predicted)[k])
            text = f"{guess}" if guess == labels[k] else \
                _("{guess} (true {label})", guess=guess, label=labels[k])
            if guess != labels[k]:
                colour = WRONG
                ax.add_patch(Rectangle((x, y), 8, 8, fill=False, edgecolor=WRONG, linewidth=2))
        ax.text(x + 4, y - 0.6, text, ha="center", va="bottom", fontsize=8, color=colour)
    if title:
        fig.suptitle(_(title), fontsize=10)
    return fig


def confusion_matrix(labels, predicted, classes=10):
    """counts[i, j]: how many images of digit i were predicted as j (rows sum to each class)."""
    counts = np.zeros((classes, classes), dtype=int)
    np.add.at(counts, (np.asarray(labels, dtype=int).ravel(),
                       np.asarray(predicted, dtype=int).ravel()), 1)
    return counts


def confusion_figure(labels, predicted, classes=10):
    """The confusion matrix as a grid of counts: right answers on the diagonal, every mistake
    off it (in red)."""
    counts = confusion_matrix(labels, predicted, classes)
    fig = Figure(figsize=(5.2, 4.6))
    ax = fig.subplots()
    ax.imshow(counts, cmap="Blues", vmin=0, vmax=max(1, counts.max()))
    for i in range(classes):
        for j in range(classes):
            if counts[i, j]:
                colour = "white" if i == j and counts[i, j] > counts.max() / 2 else (
                    INK if i == j else WRONG)
                ax.text(j, i, str(counts[i, j]), ha="center", va="center", fontsize=8,
                        color=colour, fontweight="normal" if i == j else "bold")
    ax.set(xticks=range(classes), yticks=range(classes), xlabel=_("predicted"),
           ylabel=_("true digit"))
    right = int(np.trace(counts))
    ax.set_title(_("{right} of {total} right ({share:.1%})", right=right, total=counts.sum(),
                   share=right / max(1, counts.sum())))
    fig.subplots_adjust(left=0.12, right=0.98, bottom=0.11, top=0.92)
    return fig


WEIGHTS_TITLE = N_("first layer: each hidden unit's weights as an 8x8 image")


def weights_figure(W1, cols=8, title=WEIGHTS_TITLE):
    """Each column of W1 (64, H) as an 8x8 image, positive weights blue, negative orange, on one
    symmetric scale: the pattern of pixels each hidden unit responds to."""
    W1 = np.asarray(W1, dtype=float)
    canvas = _tiles(W1.T.reshape(-1, 8, 8), cols)
    rows = canvas.shape[0] // 9 + 1
    fig = Figure(figsize=(cols * 0.7, rows * 0.7 + 0.4))
    ax = fig.add_axes((0.01, 0.01, 0.98, 0.98 - 0.4 / (rows * 0.7 + 0.4)))
    scale = float(np.max(np.abs(W1))) or 1.0
    ax.imshow(canvas, cmap=LinearSegmentedColormap.from_list("weights", [FALSE, "white", TRUE]),
              vmin=-scale, vmax=scale)
    ax.set_axis_off()
    fig.suptitle(_(title), fontsize=10)
    return fig


def curves_axes(ax_loss, ax_acc, epochs, losses, accuracies):
    """Left: the loss against the epoch. Right: training and test accuracy against the epoch
    (`accuracies` a list of (train, test) pairs, one per epoch). Returns the three lines."""
    ax_loss.set(xlabel=_("epoch"), ylabel=_("loss"))
    ax_acc.set(xlabel=_("epoch"), ylabel=_("accuracy"), ylim=(0, 1.02))
    (loss,) = ax_loss.plot([], [], color=TRUE, marker="o", markersize=3)
    (train,) = ax_acc.plot([], [], color=TRUE, marker="o", markersize=3, label=_("training"))
    (test,) = ax_acc.plot([], [], color=FALSE, marker="o", markersize=3, label=_("test"))
    ax_acc.legend(loc="lower right")
    lines = loss, train, test
    curves_marks(lines, epochs, losses, accuracies)
    return lines


def curves_marks(lines, epochs, losses, accuracies):
    """Set the three lines and both titles to this history; returns the artists that moved."""
    loss, train, test = lines
    ax_loss, ax_acc = loss.axes, train.axes
    epochs, losses = list(epochs), [float(v) for v in losses]
    acc = np.asarray(accuracies, dtype=float).reshape(-1, 2)
    loss.set_data(epochs, losses)
    train.set_data(epochs[:len(acc)], acc[:, 0])
    test.set_data(epochs[:len(acc)], acc[:, 1])
    ax_loss.set_title(_("loss {loss:.4g}", loss=losses[-1]) if losses else _("not trained yet"))
    ax_acc.set_title(_("test accuracy {acc:.1%}", acc=acc[-1, 1]) if len(acc)
                     else _("not trained yet"))
    return [*lines, ax_loss.title, ax_acc.title]


class CurvesPicture:
    """The live training view's picture: png(epochs, losses, accuracies). The axes are drawn
    once (Blit) with room to grow: the epoch axis doubles and the loss axis refits only when the
    history leaves them; each tick repaints the three lines and the titles."""

    def __init__(self, first_epochs=30):
        self.fig = Figure(figsize=(9, 3.6))
        self.fig.subplots_adjust(left=0.08, right=0.97, bottom=0.15, top=0.88, wspace=0.3)
        self.ax_loss, self.ax_acc = self.fig.subplots(1, 2)
        self.lines = curves_axes(self.ax_loss, self.ax_acc, [], [], [])
        self.xmax, self.ymax, self.blit = first_epochs, None, None

    def _fits(self, epochs, losses):
        return self.blit is not None and (not epochs or epochs[-1] <= self.xmax) and (
            not losses or (self.ymax is not None and 0 <= min(losses) and max(losses) <= self.ymax))

    def _layout(self, epochs, losses):
        while epochs and epochs[-1] > self.xmax:
            self.xmax *= 2
        for ax in (self.ax_loss, self.ax_acc):
            ax.set_xlim(0, self.xmax + 1)
        if losses:  # from 0 (or the lowest loss, if negative) to 1.5x the highest so far
            self.ymax = 1.5 * max(max(losses), 1e-12)
            self.ax_loss.set_ylim(min(0.0, min(losses)), self.ymax)
        curves_marks(self.lines, [], [], [])  # the background holds no moving artist
        for title in (self.ax_loss.title, self.ax_acc.title):
            title.set_text("")
        self.blit = Blit(self.fig)

    def draw(self, epochs, losses, accuracies):
        """Set the moving artists to this history; returns them (laying out again if needed)."""
        epochs, losses = list(epochs), [float(v) for v in losses]
        if not self._fits(epochs, losses):
            self._layout(epochs, losses)
        return curves_marks(self.lines, epochs, losses, accuracies)

    def png(self, epochs, losses, accuracies):
        moving = self.draw(epochs, losses, accuracies)
        return self.blit.png(moving)


def curves_figure(epochs, losses, accuracies):
    """The loss and the accuracies per epoch side by side (see curves_axes)."""
    picture = CurvesPicture(first_epochs=max([30, *epochs]))
    picture.draw(epochs, losses, accuracies)
    return picture.fig
