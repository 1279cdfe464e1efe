"""The live circuit: sliders for the inputs and the upstream gradient over the circuit's picture,
redrawn by course.circuits.live on every change."""
from html import escape

import ipywidgets as widgets

from ..circuits import live, steps
from ..circuits.svg import draw_circuit
from ..i18n import _
from ..style import INK, WRONG
from .controls import clean, number


class LiveCircuit(widgets.VBox):
    """Sliders for the inputs and for dout; the circuit redrawn with values and gradients."""

    def __init__(self, circuit, backward=None, inputs=None, *, call=None, ranges=None, dout=1.0):
        self.circuit, self.backward, self.call = circuit, backward, call
        inputs, ranges = inputs or {}, ranges or {}
        self.sliders, rows = {}, []
        for wire in circuit.inputs:
            lo, hi = ranges.get(wire, (-5.0, 5.0))
            self.sliders[wire], row = number(wire, float(inputs.get(wire, 1.0)), lo, hi)
            rows.append(row)
        self.dout, row = number(_("upstream gradient df/d(out)"), float(dout), -3.0, 3.0)
        rows.append(row)
        self.picture, self.message, self.table = widgets.HTML(), widgets.HTML(), widgets.HTML()
        self.narration, self.rule = widgets.HTML(), widgets.HTML()
        self.back = widgets.Button(description=_("◀ step back"), disabled=True)
        self.forth = widgets.Button(description=_("step ▶"))
        self.back.on_click(lambda _: self.step(-1))
        self.forth.on_click(lambda _: self.step(+1))
        self.k = 0
        """Steps of the backward pass shown (0: the whole picture, no step-through)."""
        super().__init__([*rows, self.picture, widgets.HBox([self.back, self.forth]), self.rule,
                          self.message, self.table, self.narration])
        for slider in (*self.sliders.values(), self.dout):
            slider.observe(self.redraw, names="value")
        self.redraw()

    def step(self, by):
        """Run the backward pass one gate further (by=+1) or one gate back (by=-1)."""
        self.k = max(0, min(len(self.steps), self.k + by))
        self.redraw()

    def redraw(self, change=None):
        values = {w: clean(s.value) for w, s in self.sliders.items()}
        dout = clean(self.dout.value)
        self.state = live.live_state(self.circuit, values, self.backward, call=self.call,
                                     dout=dout)
        self.steps = steps.backward_steps(self.circuit, self.state.values, dout)
        self.back.disabled, self.forth.disabled = self.k == 0, self.k == len(self.steps)
        caption = steps.step_caption(self.circuit, self.steps, self.k)
        if self.k:  # the step-through: the gradients known so far, the current gate marked
            lines = steps.rule_lines(self.steps[self.k - 1])
            gate = self.steps[self.k - 1].gate.out
            self.picture.value = draw_circuit(
                self.circuit, self.state.values,
                steps.gradients_after(self.circuit, self.steps, self.k, dout), current=gate)
            self.rule.value = (f'<div class="step-rule"><b>{escape(caption)}</b>' + "".join(
                f'<div class="rule" style="font-family:monospace">{escape(line)}</div>'
                for line in lines) + "</div>")
            said = " ".join([caption, *lines])
        else:
            self.picture.value = live.picture(self.circuit, self.state)
            self.rule.value = f'<div class="step-rule">{escape(caption)}</div>'
            said = live.narration(self.circuit, self.state)
        color = WRONG if self.state.mismatch else INK
        self.message.value = f'<span style="color:{color}">{escape(self.state.message)}</span>'
        self.table.value = live.table_html(self.state)
        self.narration.value = live.LIVE_REGION.format(text=escape(said))
