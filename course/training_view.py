"""The XOR training view of notebook 06: Start/Stop/Step buttons over a pure training_figure.

Start never blocks the kernel: inside Jupyter it trains in an asyncio task on the kernel's own
event loop, handing control back between ticks (so Stop and other cells still run). Every run is
bounded by max_steps, and nothing runs until a button (or `start()`) is pressed, so executing the
notebook without a browser (nbclient, nbgrader) never waits for anything.
"""
import asyncio
import math

import ipywidgets as widgets
from matplotlib.figure import Figure

from .plots_training import TRUE, boundary_axes
from .widget_plots import png


def training_figure(steps, losses, predict):
    """Left: the loss after each tick against the gradient-descent step. Right: where predict
    says XOR is true (blue) or false (orange), its p = 0.5 boundary and the four XOR points."""
    fig = Figure(figsize=(8, 3.6))
    fig.subplots_adjust(left=0.08, right=0.97, bottom=0.14, top=0.9, wspace=0.3)
    ax_loss, ax_xor = fig.subplots(1, 2)
    if len(steps):
        ax_loss.plot(steps, losses, color=TRUE)
        if min(losses) > 0:
            ax_loss.set_yscale("log")  # the loss falls by orders of magnitude
    ax_loss.set(xlabel="step", ylabel="loss")
    last = f"loss {losses[-1]:.4g}" if len(losses) else "not trained yet"
    ax_loss.set_title(f"step {steps[-1] if len(steps) else 0}: {last}")
    boundary_axes(ax_xor, predict)
    return fig


class TrainingView(widgets.VBox):
    """step(n) -> latest loss trains the student's network; predict(P) -> probabilities."""

    def __init__(self, step, predict, *, steps_per_tick=50, max_steps=20000, pause=0.02):
        self.step_fn, self.predict = step, predict
        self.steps_per_tick, self.max_steps, self.pause = steps_per_tick, max_steps, pause
        self.steps, self.losses = [], []
        self.running, self.task = False, None
        self.buttons = {name: widgets.Button(description=name) for name in ("Start", "Stop", "Step")}
        self.buttons["Start"].on_click(lambda _: self.start())
        self.buttons["Stop"].on_click(lambda _: self.stop())
        self.buttons["Step"].on_click(lambda _: self.tick() and self.redraw())
        self.image, self.status = widgets.Image(format="png"), widgets.HTML()
        super().__init__([widgets.HBox(list(self.buttons.values())), self.image, self.status])
        self.redraw()

    @property
    def done(self):
        return self.steps[-1] if self.steps else 0

    def tick(self):
        """Run one tick of gradient descent; True if training may go on."""
        n = min(self.steps_per_tick, self.max_steps - self.done)
        if n <= 0:
            self.status.value = f"Reached max_steps = {self.max_steps}."
            return False
        try:
            loss = float(self.step_fn(n))
        except Exception as exc:  # the student's bug stops training and is shown, not raised
            self.status.value = f"step raised {type(exc).__name__}: {exc}"
            return False
        self.steps.append(self.done + n)
        self.losses.append(loss)
        if not math.isfinite(loss):
            self.status.value = f"The loss became {loss} at step {self.done}: stopped."
            return False
        self.status.value = f"step {self.done}: loss {loss:.6g}"
        return True

    def redraw(self):
        try:
            self.figure = training_figure(self.steps, self.losses, self.predict)
        except Exception as exc:
            self.status.value = f"predict raised {type(exc).__name__}: {exc}"
            return
        self.image.value = png(self.figure)

    def start(self):
        """Train until Stop or max_steps: as a task if an event loop runs (Jupyter), else here."""
        if self.running:
            return
        self.running = True
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # a plain script: a bounded loop, one picture at the end
            while self.running and self.tick():
                pass
            self.running = False
            self.redraw()
            return
        self.task = loop.create_task(self._run())

    async def _run(self):
        try:
            while self.running and self.tick():
                self.redraw()
                await asyncio.sleep(self.pause)  # the kernel handles clicks and cells here
        finally:
            self.running = False
            self.redraw()

    def stop(self):
        """Stop after the current tick."""
        self.running = False
