"""The perceptron and sigmoid widgets: sliders over a matplotlib picture of course.pictures."""
from html import escape

import ipywidgets as widgets
import numpy as np

from ..grading.report import failure
from ..i18n import N_, _
from ..pictures import perceptron, sigmoid
from ..tolerance import NUMERIC
from .controls import FigureWidget, slider


class PerceptronWidget(FigureWidget):
    """w1, w2, b and a dataset: the four points, the decision line and the misclassified ones."""

    LEGEND = N_("circle: true (+1), square: false (−1); a thick yellow rim: classified wrong. "
                "Blue side: w·x + b > 0.")

    def __init__(self, predict=None, *, w1=1.0, w2=1.0, b=-0.5, dataset="AND"):
        self.predict = predict
        super().__init__(dict(
            w1=slider("w1", w1, -3, 3), w2=slider("w2", w2, -3, 3), b=slider("b", b, -3, 3),
            dataset=widgets.Dropdown(options=["AND", "OR", "XOR"], value=dataset,
                                     tooltip=_("truth table"),
                                     layout=widgets.Layout(width="7em"))),
            *perceptron.perceptron_axes())

    def marks(self, w1, w2, b, dataset):
        self.message.value = _(self.LEGEND)
        try:  # the student's predict, called once per picture
            pred, self.errors = perceptron.perceptron_errors(w1, w2, b, dataset, self.predict)
        except Exception as exc:  # a student's bug is shown, never raised into the widget
            self.message.value = _("{problem}: showing the threshold rule instead.",
                                   problem=escape(failure(self.predict, exc))) \
                + " " + _(self.LEGEND)
            pred, self.errors = perceptron.perceptron_errors(w1, w2, b, dataset)
        return perceptron.perceptron_marks(self.ax, w1, w2, b, dataset, pred)


class SigmoidWidget(FigureWidget):
    """An input slider; sigma and its derivative with the current point marked."""

    def __init__(self, backward=None, x=0.0):
        self.backward = backward
        super().__init__(dict(x=slider("x", x, -8, 8)), *sigmoid.sigmoid_axes(-8.0, 8.0))

    def marks(self, x):
        self.point = s, ds = sigmoid.sigmoid_point(x)
        text = _("σ({x:.2f}) = {s:.4f}; local gradient dσ/dx = {ds:.4f} (centred differences)",
                 x=x, s=s, ds=ds)
        yours = "" if self.backward is None else "<br>" + escape(self._yours(x, ds))
        self.message.value = text + yours
        return sigmoid.sigmoid_marks(self.ax, x)

    def _yours(self, x, ds):
        """The student's backward(x, dout=1) beside the numerical slope."""
        name = getattr(self.backward, "__name__", None) or _("your function")
        try:
            got = self.backward(x, 1.0)
            if got is None:
                return _("{name} returned None (is a `return` missing?)", name=name)
            got = float(np.ravel(got)[0])
        except Exception as exc:  # shown, never raised into the widget
            return failure(self.backward, exc) + "."
        ok = NUMERIC.agree(got, ds)
        return _("your {call} = {got:.6g}: ", call=f"{name}({x:.2f}, 1)", got=got) + (
            _("agrees ✓") if ok else _("differs ✗"))
