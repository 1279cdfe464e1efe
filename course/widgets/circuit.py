"""The live circuit: sliders for the inputs and the upstream gradient over the circuit's picture,
redrawn by course.circuits.live on every change."""
from html import escape

import ipywidgets as widgets

from ..circuits import live
from ..i18n import _
from ..style import INK, WRONG
from .controls import clean, number
from .stepping import StepThrough


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
        self.narration, self.stepping = widgets.HTML(), StepThrough(self.redraw)
        self.back, self.forth, self.rule = (self.stepping.back, self.stepping.forth,
                                            self.stepping.rule)
        super().__init__([*rows, self.picture, self.stepping.buttons, self.rule, self.message,
                          self.table, self.narration])
        for slider in (*self.sliders.values(), self.dout):
            slider.observe(self.redraw, names="value")
        self.redraw()

    @property
    def k(self):
        """Steps of the backward pass shown (0: the whole picture)."""
        return self.stepping.k

    @property
    def steps(self):
        return self.stepping.steps

    def step(self, by):
        self.stepping.step(by)

    def redraw(self, change=None):
        values = {w: clean(s.value) for w, s in self.sliders.items()}
        dout = clean(self.dout.value)
        self.state = live.live_state(self.circuit, values, self.backward, call=self.call,
                                     dout=dout)
        shown = self.stepping.show(self.circuit, self.state.values, dout)
        if shown:  # the step-through: the gradients known so far, the current gate marked
            self.picture.value, said = shown
        else:
            self.picture.value = live.picture(self.circuit, self.state)
            said = live.narration(self.circuit, self.state)
        color = WRONG if self.state.mismatch else INK
        self.message.value = f'<span style="color:{color}">{escape(self.state.message)}</span>'
        self.table.value = live.table_html(self.state)
        self.narration.value = live.LIVE_REGION.format(text=escape(said))
