"""Circuits of gates: the course's small computational graphs, evaluated and differentiated by
centred differences (never by a backward pass: that is the student's work).

A circuit is a list of gates in forward order; each gate reads named wires and writes one.
"""
import math
from dataclasses import dataclass


def _sigmoid(v):
    # Stable for large |v|: exp is only ever taken of a non-positive number.
    if v >= 0:
        return 1.0 / (1.0 + math.exp(-v))
    e = math.exp(v)
    return e / (1.0 + e)


OPS = {
    # op: (label drawn in the node, function of the input values and the constant)
    "+": ("+", lambda vs, c: sum(vs)),
    "*": ("×", lambda vs, c: math.prod(vs)),
    "max": ("max", lambda vs, c: max(vs)),
    "exp": ("exp", lambda vs, c: math.exp(vs[0])),
    "1/x": ("1/x", lambda vs, c: 1.0 / vs[0]),
    "sigmoid": ("σ", lambda vs, c: _sigmoid(vs[0])),
    "square": ("x²", lambda vs, c: vs[0] ** 2),
    "+c": (None, lambda vs, c: c + vs[0]),
    "*c": (None, lambda vs, c: c * vs[0]),
}


@dataclass(frozen=True)
class Gate:
    """out = op(*inputs), with `const` for the one-input gates "+c" and "*c"."""
    op: str
    inputs: tuple
    out: str
    const: float = 0.0

    @property
    def label(self):
        text = OPS[self.op][0]
        if text is None:
            sign = "+" if self.op == "+c" else "×"
            text = f"{sign}{self.const:g}"
        return text

    def apply(self, values):
        return float(OPS[self.op][1]([values[w] for w in self.inputs], self.const))


@dataclass(frozen=True)
class Circuit:
    """Named inputs, then gates in forward order; the last gate's wire is the output."""
    name: str
    inputs: tuple
    gates: tuple
    place: tuple = ()
    """Optional ((wire, column, row), ...) for the drawing, where the automatic layout crowds."""

    @property
    def output(self):
        return self.gates[-1].out

    @property
    def wires(self):
        return (*self.inputs, *(g.out for g in self.gates))

    def consumers(self, wire):
        return [g for g in self.gates if wire in g.inputs]

    def forward(self, inputs, fixed=None):
        """Every wire's value. `fixed` pins wires to given values (used to nudge one wire)."""
        fixed = fixed or {}
        values = {w: float(fixed.get(w, inputs[w])) for w in self.inputs}
        for gate in self.gates:
            values[gate.out] = float(fixed[gate.out]) if gate.out in fixed else gate.apply(values)
        return values

    def numerical_grads(self, inputs, dout=1.0, h=1e-6):
        """d(output)/d(wire) for every wire, times dout, by centred differences on that wire."""
        base = self.forward(inputs)
        grads = {}
        for wire in self.wires:
            up = self.forward(inputs, {wire: base[wire] + h})[self.output]
            down = self.forward(inputs, {wire: base[wire] - h})[self.output]
            grads[wire] = dout * (up - down) / (2 * h)
        return grads


def _chain(name, inputs, *specs, place=()):
    return Circuit(name, tuple(inputs), tuple(Gate(*s) for s in specs), tuple(place))


# The circuits of the lecture notes, by notebook.
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
