"""The circuit model: gates that read named wires and write one, evaluated forward and
differentiated by centred differences (never by a backward pass: that is the student's work).

A circuit is a list of gates in forward order; the lecture's circuits are in
course.circuits.lecture.
"""
import math
from dataclasses import dataclass

from ..gradcheck import centred


def sigmoid(v):
    """The course's one sigma of a number (hidden tests refuse it where a student writes sigma)."""
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
    "sigmoid": ("σ", lambda vs, c: sigmoid(vs[0])),
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
            grads[wire] = dout * centred(
                lambda v, wire=wire: self.forward(inputs, {wire: v})[self.output], base[wire], h)
        return grads

