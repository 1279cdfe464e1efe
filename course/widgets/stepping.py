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
        # Any wire's arithmetic on demand, from the keyboard too: the drawing is a picture, so
        # its wires are chosen by name in a labelled list rather than clicked.
        label = _("explain the gradient of wire")
        self.explain = widgets.Dropdown(options=[("—", "")], value="", description=label,
                                        tooltip=label, style={"description_width": "initial"})
        self.explained = widgets.HTML()
        self.explain.observe(lambda _: self.redraw(), names="value")
        self.buttons = widgets.VBox([widgets.HBox([self.back, self.forth, self.explain]),
                                     self.explained])
        self.rule = widgets.HTML()

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
        self._explain(circuit, dout)
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

    def _explain(self, circuit, dout):
        """The chosen wire's chain-rule arithmetic at the current values (every wire listed)."""
        wires = list(dict.fromkeys([circuit.output] if self.steps else []))
        wires += [t.wire for step in self.steps for t in step.terms if t.wire not in wires]
        options = [("—", ""), *((w, w) for w in wires)]
        if list(self.explain.options) != options:
            chosen = self.explain.value if self.explain.value in wires else ""
            self.explain.options, self.explain.value = options, chosen
        wire = self.explain.value
        lines = steps.wire_lines(circuit, self.steps, wire, dout) if wire else []
        self.explained.value = "".join(
            f'<div class="wire-rule" style="font-family:monospace">{escape(line)}</div>'
            for line in lines)
