"""The picture of the XOR training view (notebook 06): the loss against the step, and the decision
boundary of the network (course.plots_training.boundary_axes) around the four XOR points.

`training_figure` is the pure function. The view keeps one TrainingPicture and repaints only
what moves (course.widget_plots.Blit): a full redraw of two axes costs ~70-120 ms on a small
machine. The still parts (axes, ticks) are laid out again only when the loss leaves its axes.
"""
import math

from matplotlib.figure import Figure
from matplotlib.ticker import FormatStrFormatter, NullLocator

from .plots_training import BOX, TRUE, boundary_axes
from .widget_plots import Blit


class TrainingPicture:
    """One figure, redrawn for each (steps, losses, predict)."""

    def __init__(self, first_steps=1000):
        self.fig = Figure(figsize=(8, 3.6))
        self.fig.subplots_adjust(left=0.1, right=0.97, bottom=0.14, top=0.9, wspace=0.3)
        self.ax_loss, self.ax_xor = self.fig.subplots(1, 2)
        self.ax_loss.set(xlabel="step", ylabel="loss")
        self.ax_xor.set(xlim=BOX, ylim=BOX, xlabel="x1", ylabel="x2", aspect="equal")
        (self.line,) = self.ax_loss.plot([], [], color=TRUE)
        self.xmax, self.ylim, self.blit, self.added = first_steps, None, None, []

    def _fits(self, steps, losses):
        lo, hi = self.ylim or (math.inf, -math.inf)
        return self.blit is not None and (not losses or (
            steps[-1] <= self.xmax and lo <= min(losses) and max(losses) <= hi))

    def _layout(self, steps, losses):
        """Limits with room to grow (x doubles, y spans 3x beyond the data), then the still
        background drawn once, with no moving artist in it."""
        while steps and steps[-1] > self.xmax:
            self.xmax *= 2
        self.ax_loss.set_xlim(0, self.xmax)
        if losses and min(losses) > 0:  # log scale: the loss falls by orders of magnitude
            self.ylim = (min(losses) / 3, max(losses) * 3)
            self.ax_loss.set_yscale("log")
            self.ax_loss.yaxis.set_minor_locator(NullLocator())  # plain labels: mathtext is slow
            self.ax_loss.yaxis.set_major_formatter(FormatStrFormatter("%g"))
        elif losses:
            pad = 0.1 * (max(losses) - min(losses)) + 1e-3
            self.ylim = (min(losses) - pad, max(losses) + pad)
            self.ax_loss.set_yscale("linear")
        if self.ylim:
            self.ax_loss.set_ylim(*self.ylim)
        self._remove_added()
        self.line.set_data([], [])
        self.ax_loss.set_title("")
        self.ax_xor.set_title("")
        self.blit = Blit(self.fig)

    def _remove_added(self):
        for artist in self.added:
            artist.remove()
        self.added = []

    def draw(self, steps, losses, predict):
        """Set the moving artists to this state (laying the axes out again if the loss left
        them); returns the artists to paint."""
        steps, losses = list(steps), [float(v) for v in losses]
        if not self._fits(steps, losses):
            self._layout(steps, losses)
        self._remove_added()
        self.line.set_data(steps, losses)
        last = f"loss {losses[-1]:.4g}" if losses else "not trained yet"
        self.ax_loss.set_title(f"step {steps[-1] if steps else 0}: {last}")
        before = set(self.ax_xor.get_children())
        boundary_axes(self.ax_xor, predict)
        self.added = [a for a in self.ax_xor.get_children() if a not in before]
        return [*self.added, *self.ax_xor.spines.values(), self.line,
                self.ax_loss.title, self.ax_xor.title]

    def png(self, steps, losses, predict):
        """PNG bytes of the picture for this state."""
        moving = self.draw(steps, losses, predict)  # may lay out again: a new self.blit
        return self.blit.png(moving)


def training_figure(steps, losses, predict):
    """Left: the loss after each tick against the gradient-descent step. Right: where predict
    says XOR is true (blue) or false (orange), its p = 0.5 boundary and the four XOR points."""
    picture = TrainingPicture()
    picture.draw(steps, losses, predict)
    return picture.fig
