"""Live widgets: thin ipywidgets wrappers around the pure pictures of course.live,
course.widget_plots and course.training_view.

Each widget keeps its last picture's data as attributes (`state`, `figure`, `errors`) so tests
can set `.value` on a control and read what was redrawn, with no browser and no kernel.
Nothing here starts work on its own: the training view runs only when Start is pressed.
"""
from html import escape

import ipywidgets as widgets
import numpy as np

from . import live
from . import widget_plots as plots
from .training_view import TrainingView


def clean(v):
    # The browser snaps a slider to min + k*step in floating point (1.0 comes back as
    # 0.9999999999999996): round that noise away before showing or computing with it.
    return round(float(v), 9)


def _number(label, value, lo, hi, step=0.01):
    """A slider and a text box showing the same number; typing outside the slider widens it."""
    lo, hi = min(lo, value), max(hi, value)
    slider = widgets.FloatSlider(value=value, min=lo, max=hi, step=step, description=label,
                                 continuous_update=True, readout_format=".2f",
                                 layout=widgets.Layout(width="36em"),
                                 style={"description_width": "15em"})
    text = widgets.FloatText(value=value, step=step, layout=widgets.Layout(width="7em"))

    def typed(change):
        v = change["new"]
        if v < slider.min:
            slider.min = v
        if v > slider.max:
            slider.max = v
        if abs(v - slider.value) > 1e-9:
            slider.value = v

    def slid(change):
        text.value = clean(change["new"])

    text.observe(typed, names="value")
    slider.observe(slid, names="value")
    return slider, widgets.HBox([slider, text])


class LiveCircuit(widgets.VBox):
    """Sliders for the inputs and for dout; the circuit redrawn with values and gradients."""

    def __init__(self, circuit, backward=None, inputs=None, *, call=None, ranges=None, dout=1.0):
        self.circuit, self.backward, self.call = circuit, backward, call
        inputs, ranges = inputs or {}, ranges or {}
        self.sliders, rows = {}, []
        for wire in circuit.inputs:
            lo, hi = ranges.get(wire, (-5.0, 5.0))
            self.sliders[wire], row = _number(wire, float(inputs.get(wire, 1.0)), lo, hi)
            rows.append(row)
        self.dout, row = _number("upstream gradient df/d(out)", float(dout), -3.0, 3.0)
        rows.append(row)
        self.picture, self.message, self.table = widgets.HTML(), widgets.HTML(), widgets.HTML()
        super().__init__([*rows, self.picture, self.message, self.table])
        for slider in (*self.sliders.values(), self.dout):
            slider.observe(self.redraw, names="value")
        self.redraw()

    def redraw(self, change=None):
        values = {w: clean(s.value) for w, s in self.sliders.items()}
        self.state = live.live_state(self.circuit, values, self.backward, call=self.call,
                                     dout=clean(self.dout.value))
        self.picture.value = live.picture(self.circuit, self.state)
        color = "#cf222e" if self.state.mismatch else "#24292f"
        self.message.value = f'<span style="color:{color}">{escape(self.state.message)}</span>'
        self.table.value = live.table_html(self.state)


def live_circuit(circuit, backward=None, inputs=None, *, call=None, ranges=None, dout=1.0):
    """A live picture of `circuit`: move an input, watch every value and gradient change.

    backward: the student's backward function, by default called as
        backward(*inputs in circuit order, dout) -> gradients of the inputs in that order;
    call(backward, values, dout) -> {wire: gradient} overrides that (see course.live.grouped).
    Wires where the student's gradient differs from the numerical one are drawn in red.
    inputs: {wire: start value}; ranges: {wire: (min, max)} of the sliders.
    """
    return LiveCircuit(circuit, backward, inputs, call=call, ranges=ranges, dout=dout)


class _FigureWidget(widgets.VBox):
    """Controls above a PNG of a figure whose moving parts are repainted on every change."""

    def __init__(self, controls, fig, ax):
        self.controls, self.figure, self.ax = controls, fig, ax
        self.blit, self.moving = plots.Blit(fig), []
        self.keep = {ax.title, *ax.spines.values()}  # permanent artists, repainted not removed
        self.image, self.message = widgets.Image(format="png"), widgets.HTML()
        super().__init__([widgets.HBox(list(controls.values())), self.image, self.message])
        for control in controls.values():
            control.observe(self.redraw, names="value")
        self.redraw()

    def redraw(self, change=None):
        for artist in self.moving:
            if artist not in self.keep:
                artist.remove()
        self.moving = self.marks(**{k: c.value for k, c in self.controls.items()})
        self.image.value = self.blit.png(self.moving)


def _slider(label, value, lo, hi, step=0.01):
    return widgets.FloatSlider(value=value, min=lo, max=hi, step=step, description=label,
                               continuous_update=True, layout=widgets.Layout(width="16em"),
                               style={"description_width": "2em"})


class PerceptronWidget(_FigureWidget):
    """w1, w2, b and a dataset: the four points, the decision line and the misclassified ones."""

    LEGEND = ("circle: true (+1), square: false (−1); a thick yellow rim: classified wrong. "
              "Blue side: w·x + b > 0.")

    def __init__(self, predict=None, *, w1=1.0, w2=1.0, b=-0.5, dataset="AND"):
        self.predict = predict
        super().__init__(dict(
            w1=_slider("w1", w1, -3, 3), w2=_slider("w2", w2, -3, 3), b=_slider("b", b, -3, 3),
            dataset=widgets.Dropdown(options=["AND", "OR", "XOR"], value=dataset,
                                     layout=widgets.Layout(width="7em"))),
            *plots.perceptron_axes())

    def marks(self, w1, w2, b, dataset):
        predict, self.message.value = self.predict, self.LEGEND
        if predict is not None:
            try:
                plots.perceptron_errors(w1, w2, b, dataset, predict)
            except Exception as exc:  # a student's bug is shown, never raised into the widget
                self.message.value = (f"{escape(live.failure(predict, exc))}: showing the "
                                      "threshold rule instead. " + self.LEGEND)
                predict = None
        self.errors = plots.perceptron_errors(w1, w2, b, dataset, predict)[1]
        return plots.perceptron_marks(self.ax, w1, w2, b, dataset, predict)


def perceptron_widget(predict=None, **start):
    """Sliders w1, w2, b and a dataset picker (AND, OR, XOR) over the truth-table picture.

    predict(w, b, X) -> labels +1/-1 of the four points (w shape (2,), X shape (4, 2)): notebook
    01's perceptron_predict; without it (or if it fails) the rule +1 if w.x + b > 0 else -1.
    start: w1, w2, b, dataset to begin with.
    """
    return PerceptronWidget(predict, **start)


def _name(fn):
    return getattr(fn, "__name__", "your function")


class SigmoidWidget(_FigureWidget):
    """An input slider; sigma and its derivative with the current point marked."""

    def __init__(self, backward=None, x=0.0):
        self.backward = backward
        super().__init__(dict(x=_slider("x", x, -8, 8)), *plots.sigmoid_axes(-8.0, 8.0))

    def marks(self, x):
        self.point = s, ds = plots.sigmoid_point(x)
        text = f"σ({x:.2f}) = {s:.4f}; local gradient dσ/dx = {ds:.4f} (centred differences)"
        yours = "" if self.backward is None else "<br>" + escape(self._yours(x, ds))
        self.message.value = text + yours
        return plots.sigmoid_marks(self.ax, x)

    def _yours(self, x, ds):
        """The student's backward(x, dout=1) beside the numerical slope."""
        name = _name(self.backward)
        try:
            got = self.backward(x, 1.0)
            if got is None:
                return f"{name} returned None (is a `return` missing?)"
            got = float(np.ravel(got)[0])
        except Exception as exc:  # shown, never raised into the widget
            return live.failure(self.backward, exc) + "."
        ok = abs(got - ds) <= live.ATOL + live.RTOL * abs(ds)
        return f"your {name}({x:.2f}, 1) = {got:.6g}: " + ("agrees ✓" if ok else "differs ✗")


def sigmoid_widget(backward=None, x=0.0):
    """Move x and read off sigma(x) and its local gradient; with notebook 03's
    sigmoid_backward(x, dout) it also shows the student's value beside it."""
    return SigmoidWidget(backward, x)


def training_view(step, predict, *, steps_per_tick=50, max_steps=20000):
    """Start/Stop/Step buttons over the loss curve and the XOR decision boundary.

    step(n) runs n gradient-descent steps and returns the latest loss; predict(P) maps an (m, 2)
    array of points to m probabilities. Start trains in the background (the kernel stays free)
    until Stop, a failure, or max_steps.
    """
    return TrainingView(step, predict, steps_per_tick=steps_per_tick, max_steps=max_steps)
