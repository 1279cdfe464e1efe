"""The circuits of the lecture notes, by notebook (each drawn, evaluated and differentiated by
course.circuits.model)."""
from .model import Circuit, Gate


def _chain(name, inputs, *specs, place=()):
    return Circuit(name, tuple(inputs), tuple(Gate(*s) for s in specs), tuple(place))


XYZ = _chain("(x + y) z", "xyz", ("+", ("x", "y"), "q"), ("*", ("q", "z"), "f"))
NEURON = _chain(
    "sigmoid neuron", ("w0", "x0", "w1", "x1", "w2"),
    ("*", ("w0", "x0"), "w0x0"), ("*", ("w1", "x1"), "w1x1"), ("+", ("w0x0", "w1x1"), "s"),
    ("+", ("s", "w2"), "z"), ("*c", ("z",), "nz", -1.0), ("exp", ("nz",), "e"),
    ("+c", ("e",), "d", 1.0), ("1/x", ("d",), "f"))
PATTERN = _chain(
    "2 (x y + max(z, w))", "xyzw",
    ("*", ("x", "y"), "xy"), ("max", ("z", "w"), "m"), ("+", ("xy", "m"), "s"),
    ("*c", ("s",), "f", 2.0))
STAGED = _chain(
    "(x + σ(y)) / (σ(x) + (x + y)²)", "xy",
    ("sigmoid", ("y",), "sigy"), ("+", ("x", "sigy"), "num"), ("sigmoid", ("x",), "sigx"),
    ("+", ("x", "y"), "xpy"), ("square", ("xpy",), "xpysqr"), ("+", ("sigx", "xpysqr"), "den"),
    ("1/x", ("den",), "invden"), ("*", ("num", "invden"), "f"),
    place=(("x", 0, 1), ("y", 0, 3.6), ("sigx", 1, 0), ("xpy", 1, 2.1), ("sigy", 1, 4.2),
           ("xpysqr", 2, 2.1), ("num", 2, 3.6), ("den", 3, 1), ("invden", 4, 1), ("f", 5, 2.2)))
