"""Live widgets: thin ipywidgets wrappers around the course's pure pictures.

- live_circuit (02, 03, 04): course.widgets.circuit over course.circuits.live;
- perceptron_widget (01), sigmoid_widget (03): course.widgets.figures over course.pictures;
- training_view (06): course.widgets.training over course.pictures.training;
- value_graph_view (07): course.widgets.value_graph over course.pictures.value_graph;
- curves_view (08): course.widgets.training over course.pictures.digits.

Nothing here starts work on its own: the training view runs only when Start is pressed.
Each widget's module is imported when it is first used, so a notebook that shows only SVG
widgets never pays for importing matplotlib (seconds on a busy machine).
"""
import importlib

_HOME = {"LiveCircuit": "circuit", "PerceptronWidget": "figures", "SigmoidWidget": "figures",
         "TrainingView": "training", "CurvesView": "training", "ValueGraphView": "value_graph"}
"""The module of each widget class."""


def _widget(name):
    """The widget class `name`, its module imported on first use."""
    return getattr(importlib.import_module(f".{_HOME[name]}", __name__), name)


def __getattr__(name):  # PEP 562: `from course.widgets import LiveCircuit` imports it now
    if name in _HOME:
        return _widget(name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["live_circuit", "perceptron_widget", "sigmoid_widget", "training_view",
           "value_graph_view", "curves_view", "LiveCircuit", "PerceptronWidget", "SigmoidWidget",
           "TrainingView", "ValueGraphView", "CurvesView"]


def live_circuit(circuit, backward=None, inputs=None, *, call=None, ranges=None, dout=1.0):
    """A live picture of `circuit`: move an input, watch every value and gradient change.

    backward: the student's backward function, by default called as
        backward(*inputs in circuit order, dout) -> gradients of the inputs in that order;
    call(backward, values, dout) -> {wire: gradient} overrides that
    (see course.circuits.live.grouped).
    Wires where the student's gradient differs from the numerical one are drawn as thick dashed
    wires with a cross.
    inputs: {wire: start value}; ranges: {wire: (min, max)} of the sliders.
    """
    return _widget("LiveCircuit")(circuit, backward, inputs, call=call, ranges=ranges,
                                  dout=dout)


def perceptron_widget(predict=None, **start):
    """Sliders w1, w2, b and a dataset picker (AND, OR, XOR) over the truth-table picture.

    predict(w, b, X) -> labels +1/-1 of the four points (w shape (2,), X shape (4, 2)): notebook
    01's perceptron_predict; without it (or if it fails) the rule +1 if w.x + b > 0 else -1.
    start: w1, w2, b, dataset to begin with.
    """
    return _widget("PerceptronWidget")(predict, **start)


def sigmoid_widget(backward=None, x=0.0):
    """Move x and read off sigma(x) and its local gradient; with notebook 03's
    sigmoid_backward(x, dout) it also shows the student's value beside it."""
    return _widget("SigmoidWidget")(backward, x)


def training_view(step, predict, *, steps_per_tick=50, max_steps=20000):
    """Start/Stop/Step buttons over the loss curve and the XOR decision boundary.

    step(n) runs n gradient-descent steps and returns the latest loss; predict(P) maps an (m, 2)
    array of points to m probabilities. Start trains in the background (the kernel stays free)
    until Stop, a failure, or max_steps.
    """
    return _widget("TrainingView")(step, predict, steps_per_tick=steps_per_tick,
                                   max_steps=max_steps)


def value_graph_view(value_class, build, inputs, ranges=None):
    """Move an input, watch every node's data and grad change in the graph of an expression.

    build(**leaves) -> the output Value, given one Value of `value_class` (the student's class)
    per input; inputs: {name: start value}; ranges: {name: (min, max)} of the sliders. An input
    whose grad differs from centred differences of the output is drawn as a thick dashed wire
    with a cross.
    """
    return _widget("ValueGraphView")(value_class, build, inputs, ranges)


def curves_view(step, accuracy, *, epochs_per_tick=1, max_epochs=30):
    """Start/Stop/Step buttons over the loss and the training and test accuracy per epoch.

    step(n) trains n more epochs and returns the latest loss; accuracy() returns the (training,
    test) accuracy of the network now. Start trains in the background (the kernel stays free)
    until Stop, a failure, or max_epochs.
    """
    return _widget("CurvesView")(step, accuracy, epochs_per_tick=epochs_per_tick,
                                 max_epochs=max_epochs)
