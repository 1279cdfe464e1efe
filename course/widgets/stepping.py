"""The step-through control of the live circuit (02, 03, 04) and the value graph (07): "step"
and "step back" buttons over course.circuits.steps, the current step's rule written out."""
from html import escape

import ipywidgets as widgets

from ..circuits import steps
from ..circuits.svg import draw_circuit
from ..i18n import _


class StepThrough:
    """The buttons and the rule of a step-through; `redraw` is the widget's, called on a step."""

    def __init__(self, redraw):
        self.k, self.steps, self.redraw = 0, [], redraw
        """Steps of the backward pass shown (0: the whole picture, no step-through)."""
        self.back = widgets.Button(description=_("◀ step back"), disabled=True)
        self.forth = widgets.Button(description=_("step ▶"))
        self.back.on_click(lambda _: self.step(-1))
        self.forth.on_click(lambda _: self.step(+1))
        self.buttons, self.rule = widgets.HBox([self.back, self.forth]), widgets.HTML()

    def step(self, by):
        """Run the backward pass one gate further (by=+1) or one gate back (by=-1)."""
        self.k = max(0, min(len(self.steps), self.k + by))
        self.redraw()

    def show(self, circuit, values, dout=1.0):
        """Recompute the steps at `values`; returns (picture, words) of the current step, or
        None at step 0 (the widget draws its whole picture). A graph whose ops the course cannot
        evaluate has no steps: the buttons stay disabled."""
        try:
            self.steps = steps.backward_steps(circuit, values, dout) if circuit else []
        except (KeyError, ValueError, OverflowError, ZeroDivisionError):
            self.steps = []
        self.k = min(self.k, len(self.steps))
        self.back.disabled, self.forth.disabled = self.k == 0, self.k == len(self.steps)
        caption = steps.step_caption(circuit, self.steps, self.k)
        if not self.k:
            self.rule.value = (f'<div class="step-rule">{escape(caption)}</div>'
                               if self.steps else "")
            return None
        lines = steps.rule_lines(self.steps[self.k - 1])
        self.rule.value = (f'<div class="step-rule"><b>{escape(caption)}</b>' + "".join(
            f'<div class="rule" style="font-family:monospace">{escape(line)}</div>'
            for line in lines) + "</div>")
        picture = draw_circuit(circuit, values,
                               steps.gradients_after(circuit, self.steps, self.k, dout),
                               current=self.steps[self.k - 1].gate.out)
        return picture, " ".join([caption, *lines])
