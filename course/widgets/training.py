"""The XOR training view of notebook 06: Start/Stop/Step buttons over course.pictures.training.

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
from ..pictures.training import TrainingPicture


class TrainingView(widgets.VBox):
    """step(n) -> latest loss trains the student's network; predict(P) -> probabilities."""

    def __init__(self, step, predict, *, steps_per_tick=50, max_steps=20000, pause=0.02,
                 frame=0.25):
        self.step_fn, self.predict = step, predict
        self.steps_per_tick, self.max_steps = steps_per_tick, max_steps
        self.pause, self.frame = pause, frame  # seconds between ticks, between pictures
        self.steps, self.losses = [], []
        self.running, self.task, self.picture = False, None, TrainingPicture()
        self.buttons = {name: widgets.Button(description=name)
                        for name in ("Start", "Stop", "Step")}
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
            self.status.value = escape(failure(self.step_fn, exc)) + ": training stopped."
            return False
        if not math.isfinite(loss):  # kept out of the history: it cannot be plotted
            self.status.value = f"The loss became {loss} at step {self.done + n}: stopped."
            return False
        self.steps.append(self.done + n)
        self.losses.append(loss)
        self.status.value = f"step {self.done}: loss {loss:.6g}"
        return True

    @property
    def figure(self):
        return self.picture.fig

    def redraw(self):
        try:
            self.image.value = self.picture.png(self.steps, self.losses, self.predict)
        except Exception as exc:  # the student's predict failed: say so, keep the old picture
            problem = escape(failure(self.predict, exc))
            self.status.value = f"{problem}: no decision boundary to draw."

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
