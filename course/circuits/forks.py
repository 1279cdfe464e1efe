"""Forks: a wire that feeds several gates gets the sum of the gradients of its branches.

Branch gradients are measured numerically (centred differences in which only one consumer gate
sees the nudged value), never by a backward pass, so they can check and explain a student's.
"""
from itertools import combinations

from ..gradcheck import centred
from ..i18n import N_
from ..tolerance import BRANCH

FORK_HINT = N_("x and y are each used by more than one stage: at such a fork the gradients from "
               "every branch add up (multivariable chain rule), so each new contribution must be "
               "added to the gradient accumulated so far (+=), not replace it (=).")


def _output_with(circuit, inputs, wire, consumer, value):
    """The circuit's output when only gate `consumer` reads `value` on `wire`."""
    values = {w: float(inputs[w]) for w in circuit.inputs}
    for gate in circuit.gates:
        seen = dict(values, **{wire: value}) if gate.out == consumer else values
        values[gate.out] = gate.apply(seen)
    return values[circuit.output]


def branch_gradients(circuit, inputs, wire, dout=1.0, h=1e-6):
    """{consumer gate's output wire: d(output)/d(wire) along that branch only, times dout}.

    The values sum to the wire's gradient (multivariable chain rule).
    """
    base = circuit.forward(inputs)[wire]
    return {g.out: dout * centred(lambda v, g=g: _output_with(circuit, inputs, wire, g.out, v),
                                  base, h)
            for g in circuit.consumers(wire)}


def partial_sums(terms):
    """Sums over every nonempty proper subset of `terms`: what a fork gives if some branches
    are overwritten instead of added."""
    terms = list(terms)
    return [sum(sub) for k in range(1, len(terms)) for sub in combinations(terms, k)]


def overwritten(circuit, grads_of):
    """A hint predicate: every wrong gradient of the case is a partial sum of its branches.

    grads_of: {output name: input wire}, e.g. {"dx": "x", "dy": "y"}. The case's inputs hold the
    circuit's inputs directly, or in a dict under "cache", and "dout".
    """
    def matches(case):
        source = case.inputs.get("cache", case.inputs)
        inputs = {w: source[w] for w in circuit.inputs}
        dout = case.inputs.get("dout", 1.0)
        wrong = case.wrong()

        def partial(name):
            branches = branch_gradients(circuit, inputs, grads_of[name], dout).values()
            return any(BRANCH.agree(case.got[name], s)
                       for s in partial_sums(branches))
        return bool(wrong) and all(n in grads_of and partial(n) for n in wrong)
    return matches
