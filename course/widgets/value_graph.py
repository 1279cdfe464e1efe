"""The live Value graph (notebook 07): a slider per input over the graph of an expression built
with the student's Value class, redrawn by course.pictures.value_graph on every change."""
from html import escape

import ipywidgets as widgets

from ..circuits import live
from ..pictures.value_graph import live_graph
from ..style import INK, WRONG
from .controls import clean, number
from .stepping import StepThrough


class ValueGraphView(widgets.VBox):
    """Sliders for the inputs; the expression's graph with every node's data and grad."""

    def __init__(self, value_class, build, inputs, ranges=None):
        self.value_class, self.build, ranges = value_class, build, ranges or {}
        self.sliders, rows = {}, []
        for name, start in inputs.items():
            lo, hi = ranges.get(name, (-4.0, 4.0))
            self.sliders[name], row = number(name, float(start), lo, hi)
            rows.append(row)
        self.picture, self.message, self.narration = widgets.HTML(), widgets.HTML(), widgets.HTML()
        self.stepping = StepThrough(self.redraw)
        super().__init__([*rows, self.picture, self.stepping.buttons, self.stepping.rule,
                          self.message, self.narration])
        for slider in self.sliders.values():
            slider.observe(self.redraw, names="value")
        self.redraw()

    def redraw(self, change=None):
        values = {k: clean(s.value) for k, s in self.sliders.items()}
        self.state = live_graph(self.value_class, self.build, values)
        shown = self.stepping.show(self.state.shape, self.state.values)
        self.picture.value = shown[0] if shown else self.state.svg
        color = WRONG if self.state.mismatch or not self.state.svg else INK
        self.message.value = f'<span style="color:{color}">{escape(self.state.message)}</span>'
        said = self.state.message
        if self.state.grads:
            said += " " + live.input_gradients(self.state.grads)
        self.narration.value = live.LIVE_REGION.format(text=escape(shown[1] if shown else said))
