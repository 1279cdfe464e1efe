"""Recognised mistakes: each names the concept a wrong answer misses, never the fix.

A Mistake matches a failing case (inputs, expected, got). The generic ones apply to every check;
the named ones belong to one exercise. Instructor-side specs may add more (solutions/reference).
"""
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from ..circuits import STAGED
from ..circuits.forks import FORK_HINT, overwritten
from ..tolerance import agree


@dataclass(frozen=True)
class Case:
    """One failing call: what went in, what should have come out, what came out (by name)."""
    inputs: dict
    expected: dict
    got: dict

    def wrong(self):
        """Names of the outputs that do not match."""
        return [n for n in self.expected if not agree(self.got[n], self.expected[n])]


@dataclass(frozen=True)
class Mistake:
    """A recognisable wrong answer."""
    hint: str
    """What the student sees: the concept the mistake misses."""
    matches: Callable[[Case], bool]
    """True when this case's wrong outputs look like this mistake."""

    @classmethod
    def produces(cls, hint, buggy, returns):
        """A mistake recognised by re-running a buggy implementation on the same inputs."""
        def matches(case):
            out = buggy(*case.inputs.values())
            out = out if len(returns) > 1 else (out,)
            return all(agree(case.got[n], v) for n, v in zip(returns, out))
        return cls(hint, matches)


def _nonzero(v):
    return not agree(v, 0 * v)


def _sign_flipped(case):
    wrong = case.wrong()
    return bool(wrong) and all(_nonzero(case.expected[n]) and agree(case.got[n], -case.expected[n])
                               for n in wrong)


def _exchanged(case):
    wrong = case.wrong()
    return any(agree(case.got[a], case.expected[b]) and agree(case.got[b], case.expected[a])
               for a in wrong for b in wrong if a < b)


def _upstream_ignored(case):
    dout = case.inputs.get("dout")
    if dout is None or agree(dout, 1.0 + 0 * dout) or not _nonzero(dout):
        return False
    wrong = case.wrong()
    return bool(wrong) and all(agree(case.got[n] * dout, case.expected[n]) for n in wrong)


def _zero_not_kept(case):
    wrong = case.wrong()
    return bool(wrong) and all(not _nonzero(case.expected[n]) for n in wrong)


GENERIC = (
    Mistake("the sign is flipped: follow the signs of the local derivatives along the path "
            "back from the output.", _sign_flipped),
    Mistake("the outputs look exchanged: which input does each local gradient depend on? "
            "(a mul gate *swaps* its inputs: each factor's gradient is scaled by the other "
            "factor).", _exchanged),
    Mistake("the upstream gradient `dout` seems ignored: by the chain rule the gradient on an "
            "input is the upstream gradient times the local gradient.", _upstream_ignored),
    Mistake("this input should get no gradient here: it does not affect the output at this "
            "point (the max gate routes the upstream gradient to the larger input only).",
            _zero_not_kept),
)


def _exp_times_input(case):
    x, dout = case.inputs.get("x"), case.inputs.get("dout", 1.0)
    return x is not None and len(case.got) == 1 and agree(next(iter(case.got.values())), dout * x)


def _sigmoid_from_preactivation(case):
    x, dout = case.inputs.get("x"), case.inputs.get("dout", 1.0)
    return (x is not None and len(case.got) == 1
            and agree(next(iter(case.got.values())), dout * (1 - x) * x))


def _labels_not_pm1(case):
    got = next(iter(case.got.values()))
    labels = [float(v) for v in getattr(got, "ravel", lambda: got)()]
    return any(v not in (1.0, -1.0) for v in labels)


def _local_gradient_x(case):
    x, dout = case.inputs.get("x"), case.inputs.get("dout", 1.0)
    return x is not None and len(case.got) == 1 and agree(next(iter(case.got.values())), dout * x)


def _constant_passed_back(case):
    c, dout = case.inputs.get("c"), case.inputs.get("dout", 1.0)
    got = next(iter(case.got.values()))
    return c is not None and len(case.got) == 1 and (agree(got, c) or agree(got, dout * c))


def _moved_when_right(case):
    w, b = case.inputs.get("w"), case.inputs.get("b")
    exp, got = case.expected, case.got
    return (w is not None and agree(exp["w"], w) and agree(exp["b"], b)
            and not (agree(got["w"], w) and agree(got["b"], b)))


def _bias_stuck(case):
    b = case.inputs.get("b")
    return b is not None and not agree(case.expected["b"], b) and agree(case.got["b"], b)


def _neuron_z(inputs):
    w, x = inputs["w"], inputs["x"]
    return w[0] * x[0] + w[1] * x[1] + w[2]


def _neuron_exp_times_input(case):
    de, dnz = case.got["de"], case.got["dnz"]
    return agree(dnz, de * -_neuron_z(case.inputs)) and not agree(dnz, case.expected["dnz"])


def _neuron_negation_skipped(case):
    return agree(case.got["dz"], case.got["dnz"]) and not agree(case.got["dz"], 0.0)


def _grouped_from_preactivation(case):
    z, dout, x = _neuron_z(case.inputs), case.inputs.get("dout", 1.0), case.inputs["x"]
    dz = dout * (1 - z) * z
    return not agree(dz, 0.0) and agree(case.got["dw"], [x[0] * dz, x[1] * dz, dz])


def _sigmoid_layer_from_input(case):
    x, dout, dx = case.inputs.get("x"), case.inputs.get("dout", 1.0), case.got.get("dx")
    return bool(case.wrong()) and x is not None and dx is not None and agree(dx, dout * (1 - x) * x)


def _ratio(case, denominator):
    a, b = (np.asarray(case.inputs[k], dtype=float) for k in ("a", "b"))
    return np.abs(a - b) / denominator(np.abs(a), np.abs(b))


def _rel_error_min(case):
    return bool(case.wrong()) and agree(case.got["err"], float(np.max(_ratio(case, np.minimum))))


def _rel_error_signed(case):
    a, b = (np.asarray(case.inputs[k], dtype=float) for k in ("a", "b"))
    scale = np.maximum(np.abs(a), np.abs(b))
    return bool(case.wrong()) and any(agree(case.got["err"], float(np.max(d / scale)))
                                      for d in (a - b, b - a))


def _batch_size(case):
    batch = case.inputs.get("X", case.inputs.get("P"))
    return None if batch is None else len(batch)


def _not_averaged(case):
    n, wrong = _batch_size(case), case.wrong()
    return bool(n and n > 1 and wrong) and all(
        n_.startswith("d") and agree(case.got[n_], n * np.asarray(case.expected[n_]))
        for n_ in wrong)


def _losses(case, which):
    return np.ravel(np.asarray(getattr(case, which)["losses"], dtype=float))


def _loss_grows(case):
    got, want = _losses(case, "got"), _losses(case, "expected")
    return bool(case.wrong()) and got.size > 1 and got[-1] > got[0] and want[-1] < want[0]


def _loss_after_update(case):
    got, want = _losses(case, "got"), _losses(case, "expected")
    return bool(case.wrong()) and got.size == want.size > 1 and agree(got[:-1], want[1:])


# Measured on the STAGED circuit by centred differences: explains the answer, never computes it.
_fork_overwritten = overwritten(STAGED, {"dx": "x", "dy": "y"})


def _halved(case):
    wrong = case.wrong()
    return bool(wrong) and all(agree(2 * case.got[n], case.expected[n]) for n in wrong)


NAMED = {
    "exp_backward": (Mistake(
        "the local gradient of e^x is e^x itself: the gate's *output*, not its input.",
        _exp_times_input),),
    "sigmoid_backward": (Mistake(
        "(1 - sigma) * sigma is written in terms of the gate's *output* sigma(x), not its "
        "input x.", _sigmoid_from_preactivation),),
    "perceptron_predict": (Mistake(
        "every label must be +1 or -1, a score of exactly 0 included (not 1/0, and not the 0 "
        "that np.sign gives at 0).", _labels_not_pm1),),
    "xor_network": (Mistake(
        "every label must be +1 or -1 (true/false are +1/-1 in this course, not 1/0).",
        _labels_not_pm1),),
    "scale_backward": (Mistake(
        "this looks like dout * x: for a*x with the constant a, the local gradient with respect "
        "to x does not depend on x.", _local_gradient_x),),
    "add_const_backward": (Mistake(
        "the constant c shifts the output of c + x but does not change how it responds to a "
        "nudge of x.", _constant_passed_back),),
    "perceptron_update": (
        Mistake("the point was already classified right, yet w or b changed: the perceptron "
                "learns only from its mistakes.", _moved_when_right),
        Mistake("the bias did not move on a mistake: it is a weight on a constant input 1.",
                _bias_stuck)),
    "neuron_backward": (
        Mistake("dnz looks like de * nz: the e^x gate's local gradient is its output, not its "
                "input.", _neuron_exp_times_input),
        Mistake("dz equals dnz: the *(-1) gate multiplies the gradient passing through it by -1.",
                _neuron_negation_skipped)),
    "neuron_backward_grouped": (Mistake(
        "the sigmoid gate's gradient looks like (1 - z) z: (1 - sigma) sigma is a function of "
        "the gate's output sigma(z).", _grouped_from_preactivation),),
    "Sigmoid": (Mistake(
        "dx looks like (1 - x) x: the sigmoid's local gradient (1 - sigma) sigma is written in "
        "terms of the layer's *output*, so forward must keep it for backward.",
        _sigmoid_layer_from_input),),
    "rel_error": (
        Mistake("the error is divided by the smaller magnitude: the course's relative error "
                "divides by the larger one, max(|a|, |b|).", _rel_error_min),
        Mistake("a difference of the wrong sign seems to count as small: the error of an entry "
                "is the size of a - b, whatever its sign.", _rel_error_signed)),
    "mse_loss": (Mistake(
        "the gradients look N times too large (N = the batch size): the loss is a mean over the "
        "N examples, so each example gets 1/N of the gradient.", _not_averaged),),
    "network_backward": (Mistake(
        "the gradients look N times too large (N = the batch size): the loss is a mean over the "
        "N examples, so each example gets 1/N of the gradient.", _not_averaged),),
    "train": (
        Mistake("the loss grows from step to step: a gradient-descent step goes *against* the "
                "gradient, downhill.", _loss_grows),
        Mistake("your losses are one step ahead: record each step's loss before that step's "
                "update.", _loss_after_update)),
    "staged_backward": (Mistake(FORK_HINT, _fork_overwritten),),
    "pattern_circuit": (Mistake(
        "these gradients are half what they should be: the last gate multiplies by 2, so its "
        "local gradient is 2 and every gradient behind it carries that factor.", _halved),),
}


# Exercises whose outputs are not gradients: the generic gradient hints would mislead there.
NOT_GRADIENTS = {"perceptron_predict", "perceptron_update", "train_perceptron", "xor_network"}


def diagnose(case, exercise=None, extra=()):
    """Hints of every mistake this case looks like (named ones first, then generic)."""
    found = []
    generic = () if exercise in NOT_GRADIENTS else GENERIC
    for mistake in (*extra, *NAMED.get(exercise, ()), *generic):
        try:
            if mistake.matches(case) and mistake.hint not in found:
                found.append(mistake.hint)
        except Exception:  # a hint is a courtesy: it must never break a check
            continue
    return found
