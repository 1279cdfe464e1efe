"""Pictures of notebook 03, drawn without Jupyter."""
import re

import numpy as np
from matplotlib.figure import Figure

from course.pictures.sigmoid import neuron_circuit, neuron_inputs, sigmoid_figure

W, X = [2.0, -3.0, -3.0], [-1.0, -2.0]


def _labels(svg, cls):
    return {m.group(1): m.group(2) for m in
            re.finditer(rf'class="{cls}" data-wire="([^"]+)">([^<]+)<', svg)}


def test_neuron_inputs_name_the_circuit_wires():
    """Are w and x spread onto the wires w0, x0, w1, x1, w2?"""
    assert neuron_inputs(W, X) == dict(w0=2.0, x0=-1.0, w1=-3.0, x1=-2.0, w2=-3.0)


def test_neuron_circuit_shows_the_lecture_values():
    """Does the circuit show the notes' forward values -2, 6, 4, 1, -1, 0.37, 1.37, 0.73?"""
    values = _labels(neuron_circuit(W, X), "value")
    assert [values[w] for w in ("w0x0", "w1x1", "s", "z", "nz", "e", "d", "f")] == [
        "-2.00", "6.00", "4.00", "1.00", "-1.00", "0.37", "1.37", "0.73"]


def test_neuron_circuit_shows_the_lecture_gradients():
    """Does it show the gradients -0.53, -0.53, -0.20, 0.20 and dw, dx of the notes?"""
    grads = _labels(neuron_circuit(W, X), "grad")
    assert [grads[w] for w in ("d", "e", "nz", "z")] == ["-0.53", "-0.53", "-0.20", "0.20"]
    assert [grads[w] for w in ("w0", "w1", "w2", "x0", "x1")] == [
        "-0.20", "-0.39", "0.20", "0.39", "-0.59"]


def test_sigmoid_figure_plots_the_given_curves_and_marks():
    """Are both curves drawn from the values given, and is the marked point annotated?"""
    t = np.linspace(-8, 8, 161)
    s = 1 / (1 + np.exp(-t))
    fig = sigmoid_figure(t, s, (1 - s) * s, marks=[1.0])
    assert isinstance(fig, Figure)
    (ax,) = fig.axes
    curve, slope = ax.get_lines()[:2]
    assert np.allclose(curve.get_ydata(), s) and np.allclose(slope.get_ydata(), (1 - s) * s)
    assert ax.texts[0].get_text() == "σ = 0.73\ndσ/dx = 0.20"
