"""The backward pass one gate at a time, from the output: what the live circuit's step-through
shows, as a pure function of the circuit and its inputs.

Each step is one gate: its upstream gradient (on its output wire), the local gradient of its
output with respect to each input (centred differences on that gate alone, never a backward
pass), and the product, upstream x local = downstream. Where a wire feeds several gates (a fork)
the products add up, and the step that brings the second branch shows the sum as it happens.
"""
from dataclasses import dataclass

from ..gradcheck import centred
from ..i18n import _
from .svg import number_text


@dataclass(frozen=True)
class Term:
    """One input of the step's gate: d(wire) += local x upstream."""
    wire: str
    local: float
    upstream: float
    before: float | None
    """The wire's gradient summed so far from other branches (None: this is its first)."""

    @property
    def product(self):
        return self.local * self.upstream

    @property
    def total(self):
        return self.product + (self.before or 0.0)


@dataclass(frozen=True)
class Step:
    gate: object
    terms: tuple


def local_gradient(gate, values, wire, h=1e-6):
    """d(gate's output)/d(wire) at `values`, by centred differences on this gate alone."""
    return centred(lambda v: gate.apply({**values, wire: v}), values[wire], h)


def backward_steps(circuit, values, dout=1.0):
    """The steps of the backward pass at `values` (every wire's forward value), last gate first."""
    grads, steps = {circuit.output: float(dout)}, []
    for gate in reversed(circuit.gates):
        upstream = grads.get(gate.out, 0.0)
        terms = []
        for wire in dict.fromkeys(gate.inputs):  # a gate reading one wire twice: one term
            term = Term(wire, local_gradient(gate, values, wire), upstream, grads.get(wire))
            grads[wire] = term.total
            terms.append(term)
        steps.append(Step(gate, tuple(terms)))
    return steps


def gradients_after(circuit, steps, k, dout=1.0):
    """{wire: gradient} known after the first k steps (partial sums at forks)."""
    grads = {circuit.output: float(dout)}
    for step in steps[:k]:
        for term in step.terms:
            grads[term.wire] = term.total
    return grads


def _local_name(gate, wire):
    """How the local gradient is said: the other factor of a product, 1 for a sum."""
    if gate.op == "*" and len(gate.inputs) == 2 and gate.inputs[0] != gate.inputs[1]:
        return next(w for w in gate.inputs if w != wire)
    if gate.op == "+" and len(set(gate.inputs)) == len(gate.inputs):
        return "1"
    return f"∂{gate.out}/∂{wire}"


def rule_lines(step, decimals=2):
    """The step's arithmetic, one line per input, e.g. "dq = z × df = -4.00 × 1.00 = -4.00";
    at a fork, the sum with what the other branches brought."""
    def n(v):
        return number_text(v, decimals)
    lines = []
    for t in step.terms:
        line = (f"d{t.wire} = {_local_name(step.gate, t.wire)} × d{step.gate.out} = "
                f"{n(t.local)} × {n(t.upstream)} = {n(t.product)}")
        if t.before is not None:
            line += " " + _("(fork: added to the {before} from its other branches: {total})",
                            before=n(t.before), total=n(t.total))
        lines.append(line)
    return lines


def wire_lines(circuit, steps, wire, dout=1.0, decimals=2):
    """The chain-rule arithmetic that gives `wire` its gradient: one line per gate that reads
    it (the products add up at a fork); the output's gradient is the upstream one, given."""
    if wire == circuit.output:
        return [f"d{wire} = {number_text(float(dout), decimals)} "
                + _("(the upstream gradient, given)")]
    return [line for step in steps for t in step.terms if t.wire == wire
            for line in rule_lines(Step(step.gate, (t,)), decimals)]


def step_caption(circuit, steps, k):
    """What the step-through says at step k (0: not started)."""
    if k == 0:
        return _("Backward pass: press \"step\" to run it one gate at a time from the output.")
    gate = steps[k - 1].gate
    return _("Step {k} of {n}: the {gate} gate writing {out}; upstream gradient d{out} = "
             "{up}.", k=k, n=len(steps), gate=gate.label, out=gate.out,
             up=number_text(steps[k - 1].terms[0].upstream, 2))
