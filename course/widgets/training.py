"""The training views: Start/Stop/Step buttons over a picture of training so far. TrainingView
is notebook 06's (XOR: the loss and the decision boundary, course.pictures.training); CurvesView
is notebook 08's (digits: loss and accuracy per epoch, course.pictures.digits).

Start never blocks the kernel: inside Jupyter it trains in an asyncio task on the kernel's own
event loop, handing control back between ticks (so Stop and other cells still run). Every run is
bounded by max_steps, and nothing runs until a button (or `start()`) is pressed, so executing the
notebook without a browser (nbclient, nbgrader) never waits for anything.
"""
import asyncio
import math
import time
from html import escape

import ipywidgets as widgets

from ..grading.report import failure
from ..i18n import _
from ..pictures.digits import CurvesPicture
from ..pictures.training import TrainingPicture
from .controls import PngPicture


class TrainingView(widgets.VBox):
    """step(n) -> latest loss trains the student's network; predict(P) -> probabilities."""

    def __init__(self, step, predict, *, steps_per_tick=50, max_steps=20000, pause=0.02,
                 frame=0.25, picture=None):
        self.step_fn, self.predict = step, predict
        self.steps_per_tick, self.max_steps = steps_per_tick, max_steps
        self.pause, self.frame = pause, frame  # seconds between ticks, between pictures
        self.steps, self.losses = [], []
        self.running, self.task = False, None
        self.picture = picture or TrainingPicture()
        labels = {"Start": _("Start"), "Stop": _("Stop"), "Step": _("Step")}
        self.buttons = {name: widgets.Button(description=label) for name, label in labels.items()}
        self.buttons["Start"].on_click(lambda _: self.start())
        self.buttons["Stop"].on_click(lambda _: self.stop())
        self.buttons["Step"].on_click(lambda _: self.tick() and self.redraw())
        self.image, self.status = PngPicture(), widgets.HTML()
        super().__init__([widgets.HBox(list(self.buttons.values())), self.image, self.status])
        self.redraw()

    @property
    def done(self):
        return self.steps[-1] if self.steps else 0

    def tick(self):
        """Run one tick of gradient descent; True if training may go on."""
        n = min(self.steps_per_tick, self.max_steps - self.done)
        if n <= 0:
            self.status.value = _("Reached max_steps = {n}.", n=self.max_steps)
            return False
        try:
            loss = float(self.step_fn(n))
        except Exception as exc:  # the student's bug stops training and is shown, not raised
            self.status.value = _("{problem}: training stopped.",
                                  problem=escape(failure(self.step_fn, exc)))
            return False
        if not math.isfinite(loss):  # kept out of the history: it cannot be plotted
            self.status.value = _("The loss became {loss} at step {step}: stopped.", loss=loss,
                                  step=self.done + n)
            return False
        self.steps.append(self.done + n)
        self.losses.append(loss)
        self.status.value = _("step {step}: loss {loss:.6g}", step=self.done, loss=loss)
        return True

    @property
    def figure(self):
        return self.picture.fig

    def redraw(self):
        try:
            self.image.show(self.picture.png(self.steps, self.losses, self.predict),
                            self.picture.fig)
        except Exception as exc:  # the student's predict failed: say so, keep the old picture
            problem = escape(failure(self.predict, exc))
            self.status.value = _("{problem}: no decision boundary to draw.", problem=problem)

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
        shown = 0.0
        try:
            while self.running and self.tick():
                if time.monotonic() - shown >= self.frame:  # a picture costs more than a tick
                    self.redraw()
                    shown = time.monotonic()
                await asyncio.sleep(self.pause)  # the kernel handles clicks and cells here
        finally:
            self.running = False
            self.redraw()

    def stop(self):
        """Stop after the current tick."""
        self.running = False


class CurvesView(TrainingView):
    """step(n) -> latest loss trains the student's network n more epochs; accuracy() -> (training,
    test) accuracy now, recorded after each tick and drawn beside the loss."""

    def __init__(self, step, accuracy, *, epochs_per_tick=1, max_epochs=30, pause=0.02):
        self.accuracy, self.accuracies = accuracy, []
        super().__init__(step, None, steps_per_tick=epochs_per_tick, max_steps=max_epochs,
                         pause=pause, frame=0.0, picture=CurvesPicture())

    def tick(self):
        if not super().tick():
            return False
        try:
            self.accuracies.append(tuple(float(a) for a in self.accuracy()))
        except Exception as exc:  # the student's predict failed: stop, and say why
            self.steps.pop()
            self.losses.pop()
            self.status.value = _("{problem}: training stopped.",
                                  problem=escape(failure(self.accuracy, exc)))
            return False
        return True

    def redraw(self):
        self.image.show(self.picture.png(self.steps, self.losses, self.accuracies),
                        self.picture.fig)
