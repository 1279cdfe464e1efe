"""Server-side update latency of the live widgets: the time from setting a control's value to the
new picture (SVG string or PNG bytes) being ready to send to the browser. Target: < 30 ms.

    .venv/bin/python benchmarks/bench_widgets.py [--repeat N]

The widgets redraw synchronously inside the trait observer, so timing the assignment
`slider.value = v` measures exactly the update. Timings are printed, never asserted: they depend
on the machine and on what else runs on it (the load average is printed with them).
"""
import argparse
import math
import os
import statistics
import time

import numpy as np

from autograder.workspace import SOLUTIONS
from course import environment
from course.circuits import NEURON, PATTERN, STAGED, XYZ
from course.circuits.live import grouped
from course.grading.grader import load
from course.pictures.blit import png
from course.pictures.perceptron import perceptron_figure
from course.pictures.sigmoid import sigmoid_point_figure
from course.pictures.training import training_figure
from course.widgets import (
    curves_view,
    live_circuit,
    perceptron_widget,
    sigmoid_widget,
    training_view,
    value_graph_view,
)

TARGET_MS = 30.0


def xyz_backward(x, y, z, dout):
    return dout * z, dout * z, dout * (x + y)  # a correct student answer, for the comparison path


def neuron_backward(w, x, dout):
    f = 1 / (1 + math.exp(-(w[0] * x[0] + w[1] * x[1] + w[2])))
    return dout * (1 - f) * f * np.array([x[0], x[1], 1.0]), dout * (1 - f) * f * w[:2]


class XorNet:
    """A 2-4-1 sigmoid network trained on XOR: stands in for the student's network of 06."""

    def __init__(self, seed=0, lr=2.0):
        rng = np.random.default_rng(seed)
        self.W1, self.W2 = rng.normal(0, 1, (2, 4)), rng.normal(0, 1, (4, 1))
        self.X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], float)
        self.Y, self.lr = np.array([[0], [1], [1], [0]], float), lr

    def predict(self, P):
        return 1 / (1 + np.exp(-(1 / (1 + np.exp(-P @ self.W1)) @ self.W2)))

    def step(self, n):
        for _ in range(n):
            h = 1 / (1 + np.exp(-self.X @ self.W1))
            p = 1 / (1 + np.exp(-h @ self.W2))
            d2 = (p - self.Y) * p * (1 - p) / 4
            self.W1 -= self.lr * self.X.T @ (d2 @ self.W2.T * h * (1 - h))
            self.W2 -= self.lr * h.T @ d2
        return float(np.mean((p - self.Y) ** 2) / 2)


def timed(action, values):
    """Milliseconds per call of action(v), one per value, after two warm-up calls."""
    action(values[0])
    action(values[-1])
    out = []
    for v in values:
        t0 = time.perf_counter()
        action(v)
        out.append((time.perf_counter() - t0) * 1e3)
    return out


def setter(control):
    def set_value(v):
        control.value = v
    return set_value


def cases(n):
    sweep = list(np.linspace(-1.9, 2.9, n))  # distinct values, so every set is a real change
    xyz = dict(x=-2.0, y=5.0, z=-4.0)
    neuron = dict(w0=2.0, x0=-1.0, w1=-3.0, x1=-2.0, w2=-3.0)
    yield ("live_circuit XYZ (numerical only)",
           setter(live_circuit(XYZ, inputs=xyz).sliders["x"]), sweep)
    yield ("live_circuit XYZ + student backward",
           setter(live_circuit(XYZ, xyz_backward, inputs=xyz).sliders["x"]), sweep)
    yield "live_circuit PATTERN (4 inputs)", setter(live_circuit(PATTERN).sliders["x"]), sweep
    yield ("live_circuit NEURON + student backward",
           setter(live_circuit(NEURON, neuron_backward, neuron,
                               call=grouped(("w0", "w1", "w2"), ("x0", "x1"))).sliders["w0"]),
           sweep)
    yield ("live_circuit STAGED (largest, 10 wires)",
           setter(live_circuit(STAGED, inputs=dict(x=3.0, y=-4.0)).sliders["x"]), sweep)
    yield ("live_circuit STAGED, upstream gradient",
           setter(live_circuit(STAGED, inputs=dict(x=3.0, y=-4.0)).dout), sweep)
    stepper = live_circuit(STAGED, inputs=dict(x=3.0, y=-4.0))

    def step_forth_and_back(_):  # one step of the backward pass, each way
        stepper.step(+1 if stepper.k < len(stepper.steps) else -len(stepper.steps))
    yield "live_circuit STAGED, a backward step", step_forth_and_back, sweep
    yield "perceptron_widget w1", setter(perceptron_widget().controls["w1"]), sweep
    yield ("perceptron_widget dataset",
           setter(perceptron_widget().controls["dataset"]), ["OR", "XOR", "AND"] * (n // 3 + 1))
    yield "sigmoid_widget x", setter(sigmoid_widget().controls["x"]), sweep
    net = XorNet()
    view = training_view(net.step, net.predict, steps_per_tick=50, max_steps=10**9)
    yield "training_view Step (50 steps + redraw)", lambda _: view.buttons["Step"].click(), sweep
    yield "training_view redraw only", lambda _: view.redraw(), sweep
    os.environ.setdefault(environment.SOLUTIONS, str(SOLUTIONS))
    value = load("07_autograd").Value  # the instructor's reference stands in for the student's

    def pattern(x, y, z, w):
        return 2 * (x * y + (w + (z - w).relu()))
    graph = value_graph_view(value, pattern, dict(x=3.0, y=-4.0, z=2.0, w=-1.0))
    yield "value_graph_view pattern circuit, x", setter(graph.sliders["x"]), sweep
    epochs = XorNet()  # 08's network trains for minutes here: the redraw is what is timed
    curves = curves_view(lambda n: epochs.step(50 * n), lambda: (0.9, 0.85), max_epochs=10**9)
    yield "curves_view Step (an epoch + redraw)", lambda _: curves.buttons["Step"].click(), sweep
    # For comparison: what a full matplotlib redraw would cost (the widgets repaint instead).
    yield ("(full perceptron figure + PNG)",
           lambda v: png(perceptron_figure(v, 1.0, -0.5, "AND")), sweep)
    yield "(full sigmoid figure + PNG)", lambda v: png(sigmoid_point_figure(v)), sweep
    yield ("(full training figure + PNG)",
           lambda _: png(training_figure(view.steps, view.losses, net.predict)), sweep)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=30, help="updates timed per widget")
    args = parser.parse_args(argv)
    print(f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores; "
          f"{args.repeat} updates each; target < {TARGET_MS:.0f} ms\n")
    print(f"{'widget, control':44s} {'median':>8s} {'p90':>8s} {'max':>8s}  ")
    for name, action, values in cases(args.repeat):
        ms = sorted(timed(action, values[:args.repeat]))
        med, p90 = statistics.median(ms), ms[int(0.9 * (len(ms) - 1))]
        flag = "" if name.startswith("(") else ("ok" if med < TARGET_MS else "OVER")
        print(f"{name:44s} {med:7.2f}  {p90:7.2f}  {ms[-1]:7.2f}  {flag}")


if __name__ == "__main__":
    main()
