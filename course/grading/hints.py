"""Recognised mistakes: each names the concept a wrong answer misses, never the fix.

A hint costs a student time when it is wrong, so every one is held to two rules:
- it speaks only of a concept its exercise is about (course.grading.topics says which outputs
  are gradients, which meet at a mul or a max gate);
- it fires only on evidence of exactly its mistake: a value that a specific wrong computation
  gives, not a resemblance. A hidden test shows a hint only if it holds on *every* failing case
  of the student's (`common`), so a coincidence on one case is not enough.

The generic mistakes apply wherever their concept does; the named ones belong to one exercise.
Instructor-side specs may add more (Exercise.mistakes in solutions/reference).
"""
from collections.abc import Callable
from dataclasses import dataclass, field, replace

import numpy as np

from ..circuits import STAGED
from ..circuits.forks import FORK_HINT, overwritten
from ..i18n import N_, _
from ..tolerance import agree
from . import topics


@dataclass(frozen=True)
class Case:
    """One failing call: what went in, what should have come out, what came out (by name)."""
    inputs: dict
    expected: dict
    got: dict
    topic: topics.Topic = field(default=topics.NONE)
    """What the exercise is about (which outputs are gradients, ...)."""

    def wrong(self):
        """Names of the outputs that do not match."""
        return [n for n in self.expected if not agree(self.got[n], self.expected[n])]


@dataclass(frozen=True)
class Mistake:
    """A recognisable wrong answer."""
    key: str
    """A stable name, e.g. "sign" or "perceptron.bias_stuck" (reports and tests use it)."""
    hint: object
    """What the student sees: the concept the mistake misses (text, or text from the case)."""
    matches: Callable[[Case], bool]
    """True when this case's wrong outputs are what this mistake gives; None when the case can
    tell neither way (e.g. a one-step run for a mistake about consecutive steps)."""
    covers: tuple = ()
    """Keys of more general mistakes this one says more precisely (they are not shown too)."""
    stage: str = None
    """The stage of the pass this mistake shows to be the first wrong one, in words: it replaces
    the stage line worked out from the outputs, which cannot see a stage the function does not
    return (08's loss layer gradient inside network_backward)."""

    def text(self, case):
        """The hint in the current language (a text hint is the English msgid of the course's
        catalog, course/locale; a callable one translates itself)."""
        return self.hint(case) if callable(self.hint) else _(self.hint)

    @classmethod
    def produces(cls, key, hint, buggy, returns, call=None, covers=()):
        """A mistake recognised by re-running a buggy implementation on the same inputs (called
        positionally, or through the exercise's `call` driver): it matches when the buggy one
        returns what the student's did, on every output in `returns`."""
        def matches(case):
            if call is not None:
                out = call(buggy, dict(case.inputs))
                values = [out[n] for n in returns]
            else:
                out = buggy(*case.inputs.values())
                values = out if len(returns) > 1 else (out,)
            if all(agree(case.expected[n], v) for n, v in zip(returns, values)):
                return None  # the bug gives the right answer here: this case cannot tell
            return bool(case.wrong()) and all(agree(case.got[n], v)
                                              for n, v in zip(returns, values))
        return cls(key, hint, matches, covers)


def _nonzero(v):
    return not agree(v, 0 * _floats(v))


def _floats(v):
    """`v` as a float array; a TypeError for what is not real numbers (a complex answer is
    evidence of no mistake a hint names: the check's own message says what it is)."""
    arr = np.asarray(v)
    if arr.dtype.kind not in "biuf":
        raise TypeError(f"not real numbers: {arr.dtype}")
    return arr.astype(float)


def _distinct(value, case, name):
    """True if `value`, what some wrong computation gives for output `name`, is not also what a
    simpler mistake gives there: 0, the upstream gradient alone, the local gradient alone (the
    right value without dout), or the right value itself. On a case where it is (an input of
    1 or 0 in a worked example), the case cannot tell these mistakes apart."""
    expected = _floats(case.expected[name])
    others = [0 * expected, expected]
    dout = case.inputs.get("dout")
    if dout is not None and np.shape(dout) in ((), expected.shape):
        others.append(_floats(dout) + 0 * expected)
        if np.all(_floats(dout) != 0):
            others.append(expected / _floats(dout))
    return not any(agree(value, o) for o in others)


# --- generic: wherever the exercise's topic has the concept -----------------------------------
#
# Each predicate answers True (this case is evidence of the mistake), False (evidence against:
# the case's wrong outputs are not what the mistake gives) or None (the case cannot tell, e.g.
# no wrong output the mistake speaks of). A hidden test shows a hint when some failing case
# says True and none says False.

def _gradient_claim(case):
    """The wrong gradients a gradient hint may speak of; None if there are none; False if a
    wrong output is not a gradient (the answer is wrong beyond what the hint would say)."""
    wrong = case.wrong()
    gradients = [n for n in wrong if case.topic.is_gradient(n)]
    if not gradients:
        return None
    return gradients if len(gradients) == len(wrong) else False


def _sign_flipped(case):
    wrong = _gradient_claim(case)
    if not wrong:
        return wrong
    dout = case.inputs.get("dout")
    if dout is not None and all(agree(-_floats(case.expected[n]), dout) for n in wrong):
        return None  # a local gradient of -1: dropping it looks the same as a flipped sign
    if any(isinstance(v, (int, float)) and v == -1.0 for v in case.inputs.values()):
        return None  # an input of exactly -1 (03's x0): a dropped factor looks like a sign flip
    return all(agree(case.got[n], -_floats(case.expected[n])) for n in wrong)


def _exchanged_pair(case):
    """(a, b) if exactly the outputs a and b are wrong and each holds the other's value."""
    wrong = case.wrong()
    if len(wrong) != 2:
        return None
    a, b = wrong
    if agree(case.got[a], case.expected[b]) and agree(case.got[b], case.expected[a]):
        return a, b
    return None


def _exchanged(kind):
    def matches(case):
        wrong = case.wrong()
        if len(wrong) != 2:
            return False
        if case.topic.pair_kind(*wrong) != kind:
            return None  # another kind of pair: the other wording's evidence
        return _exchanged_pair(case) is not None
    return matches


def _pair_text(template):
    def text(case):
        a, b = _exchanged_pair(case) or (_("one output"), _("another"))
        return _(template, a=a, b=b, order=", ".join(case.expected))
    return text


def _upstream_ignored(case):
    dout = case.inputs.get("dout")
    if dout is None or agree(dout, 1.0 + 0 * _floats(dout)) or not _nonzero(dout):
        return None  # with dout = 1 (or 0) a case cannot show whether dout is used
    wrong = _gradient_claim(case)
    if not wrong:
        return wrong
    try:
        return all(agree(_floats(case.got[n]) * dout, case.expected[n]) for n in wrong)
    except (TypeError, ValueError):
        return False


def _misrouted(case):
    """The max gate's pair (a, b) and what went wrong there, "both" (both inputs got the
    gradient) or "neither", if that is all that is wrong; else None."""
    wrong = case.wrong()
    for a, b in case.topic.routed:
        if not set(wrong) or not set(wrong) <= {a, b}:
            continue
        ea, eb, ga, gb = (_floats(v) for v in (case.expected[a], case.expected[b],
                                               case.got[a], case.got[b]))
        g = ea if _nonzero(ea) else eb
        if agree(ga, g) and agree(gb, g):
            return a, b, "both"
        if not _nonzero(ga) and not _nonzero(gb):
            return a, b, "neither"
    return None


def _not_routed(case):
    wrong = case.wrong()
    if not any(case.topic.in_routed(n) for n in wrong):
        return None
    return _misrouted(case) is not None


def _routing_text(case):
    a, b, what = _misrouted(case) or ("", "", "both")
    pair = _("{a} and {b}", a=a, b=b) if a else _("both inputs")
    if what == "both":
        return _("{pair} both got the upstream gradient: the max gate sends it only to the input "
                 "that won the max (the larger one), and 0 to the other.", pair=pair)
    return _("neither {a} nor {b} got the upstream gradient: the max gate sends all of it to the "
             "input that won the max (the larger one), and 0 to the other.", a=a, b=b)


def _halved(case):
    """Every gradient that should be nonzero is exactly half of it (the factor in front of all
    of them forgotten)."""
    wrong = _gradient_claim(case)
    if not wrong:
        return wrong
    nonzero = [n for n in case.expected if case.topic.is_gradient(n)
               and _nonzero(case.expected[n])]
    return set(nonzero) <= set(wrong) and all(
        agree(2 * _floats(case.got[n]), case.expected[n]) for n in wrong)


GENERIC = (
    Mistake("sign", N_("the sign is flipped: every wrong gradient is the negative of the right "
                       "one. Follow the signs of the local derivatives along the path back from "
                       "the output."),
            _sign_flipped),
    Mistake("exchanged.mul", _pair_text(
        N_("{a} and {b} look exchanged: a mul gate *swaps*, each factor's gradient is the upstream "
           "gradient times the *other* factor. Check which factor each one uses (and the order you "
           "return them in: {order}).")), _exchanged("mul")),
    Mistake("exchanged.max", _pair_text(
        N_("{a} and {b} look exchanged: the max gate sends the upstream gradient only to the input "
           "that won the max (the larger one), and 0 to the other, so which one gets it depends on "
           "the inputs (and the values are returned in the order {order}).")), _exchanged("max")),
    Mistake("exchanged", _pair_text(
        N_("{a} and {b} look exchanged: your {a} is the value expected of {b}, and the other way "
           "round. Return the values in the order the exercise gives: {order}.")),
        _exchanged(None)),
    Mistake("upstream", N_("the upstream gradient `dout` seems ignored: by the chain rule the "
                           "gradient on an input is the upstream gradient times the local "
                           "gradient."),
            _upstream_ignored),
    Mistake("max.routing", _routing_text, _not_routed),
)


# --- named: one exercise each -----------------------------------------------------------------

def _one(case):
    """The single output's (expected, got), or None."""
    if len(case.got) != 1:
        return None
    (name,) = case.got
    return case.expected[name], case.got[name]


def _dout(case):
    return case.inputs.get("dout", 1.0)


def _gives(formula):
    """A one-output mistake: the student's output is `formula(inputs, dout)`. A case where the
    formula gives what a simpler mistake gives cannot tell (see _distinct)."""
    def matches(case):
        pair = _one(case)
        if pair is None or not case.wrong():
            return None
        (name,) = case.got
        value = formula(case.inputs, _dout(case))
        if value is None or not _distinct(value, case, name):
            return None
        return agree(pair[1], value)
    return matches


def _exp_times_input(inputs, dout):
    return dout * np.asarray(inputs["x"], dtype=float)


def _at_gate(gate, formula):
    """`formula` on the rows of gate_backward's table that are `gate`; None on the others (a
    row of another gate says nothing about this gate's mistake)."""
    def value(inputs, dout):
        return formula(inputs, dout) if inputs.get("gate") == gate else None
    return value


def _sigmoid_from_preactivation(inputs, dout):
    x = np.asarray(inputs["x"], dtype=float)
    return dout * (1 - x) * x


def _scores(case):
    w, b, X = (case.inputs.get(k) for k in ("w", "b", "X"))
    return None if X is None or w is None else np.asarray(X, float) @ np.asarray(w, float) + b


def _labels(case):
    got = case.got.get("labels")
    try:
        return _floats(got).ravel()
    except (TypeError, ValueError):
        return None


def _labels_01(case):
    got, want = _labels(case), np.ravel(np.asarray(case.expected["labels"], dtype=float))
    return (got is not None and got.shape == want.shape and bool(case.wrong())
            and np.all(np.isin(got, (0.0, 1.0))) and agree(got, (want + 1) / 2))


def _labels_sign(case):
    got, scores = _labels(case), _scores(case)
    if scores is None or not np.any(scores == 0):
        return None  # np.sign is right wherever no score is exactly 0
    return got is not None and got.shape == scores.ravel().shape and agree(
        got, np.sign(scores).ravel())


def _labels_not_pm1(case):
    got = _labels(case)
    return got is not None and bool(case.wrong()) and not np.all(np.isin(got, (1.0, -1.0)))


def _gives_any(*formulas):
    checks = [_gives(f) for f in formulas]

    def matches(case):
        verdicts = [c(case) for c in checks]
        if any(verdicts):
            return True
        return False if False in verdicts else None
    return matches


def _unchanged(case, names):
    return all(agree(case.got[n], case.inputs[n]) for n in names)


def _moved_when_right(case):
    exp, inp = case.expected, case.inputs
    if not (agree(exp["w"], inp["w"]) and agree(exp["b"], inp["b"])):
        return None  # a mistake: this case says nothing about points classified right
    return not _unchanged(case, ("w", "b"))


def _bias_stuck(case):
    """w moved as it should, b did not move though it should have."""
    b = case.inputs["b"]
    if agree(case.expected["b"], b):
        return None  # no mistake here, or one that moves only w: nothing to say about b
    return agree(case.got["w"], case.expected["w"]) and agree(case.got["b"], b)


def _tie_not_a_mistake(case):
    """A point with score exactly 0 and label +1 (labelled -1, so a mistake) left unchanged."""
    w, b, x, y = (case.inputs[k] for k in ("w", "b", "x", "y"))
    score = float(np.dot(np.asarray(x, float), np.asarray(w, float)) + b)
    if score != 0.0 or y != 1.0:
        return None
    return _unchanged(case, ("w", "b"))


def _neuron_z(inputs):
    w, x = inputs["w"], inputs["x"]
    return w[0] * x[0] + w[1] * x[1] + w[2]


def _neuron_exp_times_input(case):
    """The e^x gate's step alone: dnz from a right de."""
    de, dnz = case.got["de"], case.got["dnz"]
    if not agree(de, case.expected["de"]) or "dnz" not in case.wrong():
        return None
    return agree(dnz, de * -_neuron_z(case.inputs))


def _neuron_negation_skipped(case):
    """The *(-1) gate's step alone: dz from a right dnz."""
    if not agree(case.got["dnz"], case.expected["dnz"]) or "dz" not in case.wrong():
        return None
    return agree(case.got["dz"], case.got["dnz"])


_SATURATED = 30.0
"""|input| beyond which a sigmoid is saturated: sigma' < 1e-13 there, while e^|x| overflows
float64 only past about 709.78, so a nan or inf in an answer at such an input can only come
from an exponential that overflowed (a nan from inf / inf, an inf from inf * 0)."""


def _overflowed(got, expected, pre):
    """True if `got` is right wherever it is finite and is nan or inf only at saturated
    pre-activations `pre`; False if it is wrong in another way; None if nothing is saturated."""
    pre = np.abs(_floats(pre))
    got, expected = _floats(got), _floats(expected)
    if not np.any(pre > _SATURATED) or got.shape != expected.shape:
        return None
    bad = ~np.isfinite(got)
    if got.shape != pre.shape:  # one pre-activation for every entry (the grouped neuron)
        pre = np.full(got.shape, float(np.max(pre)))
    return bool(bad.any() and np.all(pre[bad] > _SATURATED)
                and agree(got[~bad], expected[~bad]))


def _sigmoid_overflow(case):
    if "dx" not in case.wrong():
        return None
    return _overflowed(case.got["dx"], case.expected["dx"], case.inputs["x"])


def _grouped_overflow(case):
    wrong = case.wrong()
    if not wrong:
        return None
    z = _neuron_z(case.inputs)
    return all(_overflowed(case.got[n], case.expected[n], z) for n in wrong)


_OVERFLOW_DX = N_("dx is nan or inf where the sigmoid is saturated (|x| in the hundreds): e^-x "
                  "(or e^x) overflows to inf past about 709, and inf / inf is nan. The right "
                  "value there is 0 (to within 1e-300): write sigma' as (1 - sigma) sigma, with "
                  "sigma computed so that no exponential overflows (stable_sigmoid).")
_OVERFLOW_DZ = N_("the gradient is nan or inf where the sigmoid is saturated (|z| in the "
                  "hundreds): e^-z (or e^z) overflows to inf past about 709, and inf / inf is nan. "
                  "The right value there is 0 (to within 1e-300): write sigma' as (1 - sigma) "
                  "sigma, with sigma computed so that no exponential overflows (stable_sigmoid).")


def _relu_passes_at_zero(case):
    """dx is right except where x is exactly 0, and there it is dout (the mask x >= 0)."""
    x, dout = _floats(case.inputs["x"]), _floats(case.inputs["dout"])
    zero = (x == 0) & (dout != 0)
    if not zero.any() or case.wrong() != ["dx"]:
        return None if not zero.any() else False
    got, want = _floats(case.got["dx"]), _floats(case.expected["dx"])
    if got.shape != want.shape:
        return False
    return agree(got[~zero], want[~zero]) and agree(got[zero], dout[zero])


_EXP_MAX = float(np.log(np.finfo(float).max))  # 709.78...: e^s is inf past it


def _softmax_overflow(case):
    """ds is nan or inf only in rows whose largest score is past _EXP_MAX (where e^s overflows
    unless the row's max comes off first), and right in every other row."""
    s, ds, want = (_floats(v) for v in (case.inputs["s"], case.got["ds"], case.expected["ds"]))
    if s.ndim != 2 or not np.any(s.max(axis=1) > _EXP_MAX):
        return None
    if ds.shape != want.shape or not case.wrong():
        return False
    broken = ~np.all(np.isfinite(ds), axis=1)
    return bool(broken.any() and np.all(s.max(axis=1)[broken] > _EXP_MAX)
                and agree(ds[~broken], want[~broken]))


def _grouped_from_preactivation(case):
    z, dout, x = _neuron_z(case.inputs), _dout(case), case.inputs["x"]
    dz = dout * (1 - z) * z
    value = [x[0] * dz, x[1] * dz, dz]
    if "dw" not in case.wrong() or not _distinct(value, case, "dw"):
        return None
    return agree(case.got["dw"], value)


def _sigmoid_layer_from_input(case):
    x, dx = case.inputs.get("x"), case.got.get("dx")
    if "dx" not in case.wrong() or x is None or dx is None:
        return None
    value = _sigmoid_from_preactivation(case.inputs, _dout(case))
    return agree(dx, value) if _distinct(value, case, "dx") else None


def _ratio(case, denominator):
    a, b = (np.asarray(case.inputs[k], dtype=float) for k in ("a", "b"))
    return np.abs(a - b) / denominator(np.abs(a), np.abs(b))


def _undivided(case):
    a, b = (np.asarray(case.inputs[k], dtype=float) for k in ("a", "b"))
    return float(np.max(np.abs(a - b)))


def _rel_error_min(case):
    value = float(np.max(_ratio(case, np.minimum)))
    if not case.wrong() or agree(value, _undivided(case)):
        return None  # the smaller magnitude is 1 where it matters: not dividing looks the same
    return agree(case.got["err"], value)


def _rel_error_signed(case):
    a, b = (np.asarray(case.inputs[k], dtype=float) for k in ("a", "b"))
    scale = np.maximum(np.abs(a), np.abs(b))
    values = [v for v in (float(np.max(d / scale)) for d in (a - b, b - a))
              if not agree(v, case.expected["err"])]
    if not case.wrong() or not values:
        return None  # signed or not, the worst entry gives the same error here
    return any(agree(case.got["err"], v) for v in values)


def _worst_index(case):
    """The student's index as a tuple of ints with one per axis of a, or None."""
    shape = np.shape(case.inputs["a"])
    try:
        index = tuple(int(i) for i in case.got["index"])
    except (TypeError, ValueError):
        return None
    ok = len(index) == len(shape) and all(0 <= i < n for i, n in zip(index, shape))
    return index if ok else None


def _worst_zeros(case):
    """The error is nan, or the index points at an entry 0 in both: 0/0 taken as an error."""
    a, b = (np.asarray(case.inputs[k], dtype=float) for k in ("a", "b"))
    both = (a == 0) & (b == 0)
    if not both.any() or not case.wrong():
        return None
    try:
        if np.isnan(float(case.got["err"])):
            return True
    except (TypeError, ValueError):
        return False
    index = _worst_index(case)
    return index is not None and bool(both[index]) and not agree(case.expected["err"], 0.0)


def _worst_flat(case):
    """The index is one int, the worst entry's position in the flattened array."""
    shape = np.shape(case.inputs["a"])
    got = case.got["index"]
    if np.ndim(got) != 0:
        return False
    flat = np.ravel_multi_index(tuple(int(i) for i in case.expected["index"]), shape)
    return agree(got, flat)


def _batch_size(case):
    batch = next((case.inputs[k] for k in ("X", "P", "s") if k in case.inputs), None)
    return None if batch is None else len(batch)


def _not_averaged(case):
    n = _batch_size(case)
    if not n or n < 2:
        return None
    wrong = _gradient_claim(case)
    if not wrong:
        return wrong
    if all(np.ptp(np.abs(_floats(case.expected[g]))) == 0 for g in wrong):
        return None  # every entry of one size: a factor N looks like many other mistakes
    return all(agree(case.got[g], n * _floats(case.expected[g])) for g in wrong)


def _losses(case, which):
    return np.ravel(np.asarray(getattr(case, which)["losses"], dtype=float))


def _loss_after_update(case):
    got, want = _losses(case, "got"), _losses(case, "expected")
    if got.size == want.size == 1:
        return None  # one step: nothing to be one step ahead of
    return bool(case.wrong()) and got.size == want.size and agree(got[:-1], want[1:])


# Measured on the STAGED circuit by centred differences: explains the answer, never computes it.
_fork_overwritten = overwritten(STAGED, {"dx": "x", "dy": "y"})

def _network_backward_map(inputs):
    """The linear map ds -> (dW1, db1, dW2, db2) of correct layers of the two-layer classifier
    (Affine, ReLU, Affine) at these inputs, as a matrix: one column per entry of ds, the loss
    layer's gradient (N x C)."""
    X, W1, b1, W2 = (np.asarray(inputs[k], dtype=float) for k in ("X", "W1", "b1", "W2"))
    z = X @ W1 + b1
    h, mask = np.maximum(z, 0.0), z > 0
    n, c = len(X), W2.shape[1]
    columns = []
    for k in range(n * c):
        ds = np.zeros((n, c))
        ds.flat[k] = 1.0
        dz = (ds @ W2.T) * mask
        columns.append(np.concatenate([(X.T @ dz).ravel(), dz.sum(0), (h.T @ ds).ravel(),
                                       ds.sum(0)]))
    return np.array(columns).T


def _true_ds(inputs):
    X, W1, b1, W2, b2 = (np.asarray(inputs[k], dtype=float) for k in PARAM_KEYS)
    y = np.asarray(inputs["y"], dtype=int)
    s = np.maximum(X @ W1 + b1, 0.0) @ W2 + b2
    e = np.exp(s - s.max(axis=1, keepdims=True))
    p = e / e.sum(axis=1, keepdims=True)
    p[np.arange(len(y)), y] -= 1.0
    return p / len(y)


PARAM_KEYS = ("X", "W1", "b1", "W2", "b2")


def _loss_layer_wrong(case):
    """True when the network's gradients are exactly what correct layers give from a wrong loss
    gradient ds (the loss layer's backward is the bug, not the layers): they solve the layers'
    equations for one ds, and it is not the right one. None when a case has too few outputs to
    pin ds down (any answer would solve them) or is not a classifier's (06's has no labels y)."""
    if "y" not in case.inputs or not {"dW1", "db1", "dW2", "db2"} & set(case.wrong()):
        return None
    got = np.concatenate([np.ravel(_floats(case.got[k])) for k in ("dW1", "db1", "dW2", "db2")])
    layers = _network_backward_map(case.inputs)
    if got.size != layers.shape[0] or np.linalg.matrix_rank(layers) >= got.size:
        return None
    ds, *_ = np.linalg.lstsq(layers, got, rcond=None)
    if not agree(layers @ ds, got):
        return False  # no loss gradient gives these: a layer itself is wrong
    return not agree(ds, _true_ds(case.inputs).ravel())


_LOSS_LAYER = N_("these gradients are exactly what correct layers compute from a wrong gradient "
                 "of the loss with respect to the scores, ds = dL/dscores, which should be (p - t) "
                 "/ N: fix the loss layer's backward (SoftmaxWithLoss.backward, or your own ds), "
                 "not the layers after it.")
_LOSS_LAYER_STAGE = N_("First to disagree, in the order the backward pass computes them: the loss "
                       "layer's gradient ds = dL/dscores (SoftmaxWithLoss.backward). Before it, "
                       "the loss: right. Fix it first: what comes after it is computed from it.")

_NOT_AVERAGED = (N_("the gradients look N times too large (N = the batch size): the loss is a mean "
                    "over the N examples, so each example gets 1/N of the gradient."))

NAMED = {
    "gate_backward": (
        Mistake("exp.input", N_("on the e^x gate: its local gradient is e^x itself, the gate's "
                                "*output*, not its input."),
                _gives(_at_gate("exp", _exp_times_input))),
        Mistake("scale.input", N_("on the a x gate: this looks like dout * x, but with the "
                                  "constant a the local gradient with respect to x does not "
                                  "depend on x."),
                _gives(_at_gate("scale", _exp_times_input))),
        Mistake("add_const.constant", N_("on the c + x gate: the constant c shifts the output "
                                         "but does not change how it responds to a nudge of x."),
                _gives_any(_at_gate("add_const", lambda i, d: i["param"]),
                           _at_gate("add_const", lambda i, d: d * i["param"])))),
    "sigmoid_backward": (Mistake(
        "sigmoid.input", N_("(1 - sigma) sigma is written in terms of the gate's *output* "
                            "sigma(x), not its input x."), _gives(_sigmoid_from_preactivation)),
        Mistake("sigmoid.overflow", _OVERFLOW_DX, _sigmoid_overflow)),
    "perceptron_predict": (
        Mistake("labels.01", N_("the labels look like 1/0: in this course true and false are +1 "
                                "and -1, so every label must be +1 or -1."),
                             _labels_01, ("labels.pm1",)),
        Mistake("labels.sign", N_("np.sign gives 0 for a score of exactly 0, but every label must "
                                  "be +1 or -1 (a score of 0 is labelled -1)."), _labels_sign,
                ("labels.pm1",)),
        Mistake("labels.pm1", N_("every label must be +1 or -1."), _labels_not_pm1)),
    "xor_network": (
        Mistake("labels.01", N_("the labels look like 1/0: in this course true and false are +1 "
                                "and -1, so every label must be +1 or -1."),
                             _labels_01, ("labels.pm1",)),
        Mistake("labels.pm1", N_("every label must be +1 or -1."), _labels_not_pm1)),
    "perceptron_update": (
        Mistake("perceptron.moved_when_right", N_("the point was already classified right, yet w "
                                                  "or b changed: the perceptron learns only from "
                                                  "its mistakes."), _moved_when_right),
        Mistake("perceptron.bias_stuck", N_("w moved, but the bias did not: on a mistake the bias "
                                            "moves too, as a weight on a constant input 1."),
                                         _bias_stuck),
        Mistake("perceptron.tie", N_("this point's score w.x + b is exactly 0, so the perceptron "
                                     "labels it -1; with y = +1 that is a mistake, and w and b "
                                     "must move."),
                _tie_not_a_mistake)),
    "neuron_backward": (
        Mistake("neuron.exp_input", N_("dnz looks like de * nz: the e^x gate's local gradient is "
                                       "its output e, not its input."), _neuron_exp_times_input),
        Mistake("neuron.negation", N_("dz equals dnz: the *(-1) gate multiplies the gradient "
                                      "passing through it by -1."),
                                   _neuron_negation_skipped, ("neuron.sign", "sign"))),
    "neuron_backward_grouped": (Mistake(
        "grouped.preactivation", N_("the sigmoid gate's gradient looks like (1 - z) z: (1 - sigma) "
                                    "sigma is a function of the gate's output sigma(z)."),
        _grouped_from_preactivation),
        Mistake("grouped.overflow", _OVERFLOW_DZ, _grouped_overflow)),
    "Sigmoid": (Mistake(
        "sigmoid_layer.input", N_("dx looks like (1 - x) x: the sigmoid's local gradient (1 - "
                                  "sigma) sigma is written in terms of the layer's *output*, so "
                                  "forward must keep it for backward."),
                               _sigmoid_layer_from_input),),
    "rel_error": (
        Mistake("rel_error.min", N_("the error is divided by the smaller magnitude: the course's "
                                    "relative error divides by the larger one, max(|a|, |b|)."),
                                 _rel_error_min),
        Mistake("rel_error.signed", N_("a difference of the wrong sign seems to count as small: "
                                       "the error of an entry is the size of a - b, whatever its "
                                       "sign."), _rel_error_signed)),
    "worst_rel_error": (
        Mistake("worst.zeros", N_("an entry where a and b are both 0 gives 0/0 = nan, and a nan "
                                  "wins np.max and np.argmax. Both 0 is perfect agreement: that "
                                  "entry's error is 0 (course.gradcheck.rel_error keeps a floor "
                                  "of 1e-12 under max(|a|, |b|))."), _worst_zeros),
        Mistake("worst.flat_index", N_("the index looks like a position in the flattened array: "
                                       "the index of an entry of an n-d array is a tuple of n "
                                       "ints, one per axis."), _worst_flat)),
    "mse_loss": (Mistake("batch.not_averaged", _NOT_AVERAGED, _not_averaged),),
    "network_backward": (
        Mistake("network.loss_layer", _LOSS_LAYER, _loss_layer_wrong, stage=_LOSS_LAYER_STAGE),
        Mistake("batch.not_averaged", _NOT_AVERAGED, _not_averaged)),
    "Relu": (Mistake(
        "relu.at_zero", N_("dx passes the gradient where x is exactly 0: at the ReLU's kink the "
                           "course takes the gradient 0, so the mask is x > 0, not x >= 0."),
        _relu_passes_at_zero),),
    "SoftmaxWithLoss": (
        Mistake("batch.not_averaged", _NOT_AVERAGED, _not_averaged),
        Mistake("softmax.overflow", N_("nan or inf in the rows whose scores are large (some above "
                                       "709): e^s overflows to inf there, and inf / inf is nan. "
                                       "Subtract each row's largest score before e^s: p does not "
                                       "change, and no exponent is above 0."),
                _softmax_overflow)),
    "train": (Mistake(
        "train.late_loss", N_("your losses are one step ahead: record each step's loss before that "
                              "step's update."), _loss_after_update),),
    "staged_backward": (Mistake("fork.overwritten", FORK_HINT, _fork_overwritten),),
    "pattern_circuit": (Mistake(
        "pattern.halved", N_("these gradients are half what they should be: the last gate "
                             "multiplies by 2, so its local gradient is 2 and every gradient "
                             "behind it carries that factor."), _halved),),
}


def candidates(exercise=None, extra=()):
    """Every mistake that may be recognised in `exercise`: the instructor's, the named, the
    generic ones (each generic one checks the exercise's topic itself)."""
    return (*extra, *NAMED.get(exercise, ()), *GENERIC)


def recognise(case, exercise=None, extra=()):
    """The mistakes this case is evidence of, in order, without repeats. A case built without
    a topic gets its exercise's (course.grading.topics)."""
    return [m for m, verdict in _verdicts(case, exercise, extra) if verdict is True]


def _verdicts(case, exercise, extra):
    """(mistake, True / False / None) for every candidate of the exercise, once per key."""
    if case.topic is topics.NONE:
        case = replace(case, topic=topics.of(exercise))
    out, seen = [], set()
    for mistake in candidates(exercise, extra):
        if mistake.key in seen:
            continue
        seen.add(mistake.key)
        try:
            verdict = mistake.matches(case)
        except Exception:  # a hint is a courtesy: it must never break a check
            verdict = False
        out.append((mistake, None if verdict is None else bool(verdict)))
    return out


def shown(mistakes):
    """The hints a student reads of the recognised `mistakes`: a precise one stands in for the
    general ones it covers."""
    covered = {k for m in mistakes for k in m.covers}
    return [m for m in mistakes if m.key not in covered]


def common(cases, exercise=None, extra=()):
    """The mistakes a student's failing `cases` are evidence of: every case that can tell says
    so, and at least one can."""
    support, against = {}, set()
    for case in cases:
        for mistake, verdict in _verdicts(case, exercise, extra):
            if verdict is False:
                against.add(mistake.key)
            elif verdict:
                support.setdefault(mistake.key, mistake)
    return [m for k, m in support.items() if k not in against]


def diagnose(case, exercise=None, extra=()):
    """Hints of every mistake this case looks like (named ones first, then generic)."""
    return [m.text(case) for m in shown(recognise(case, exercise, extra))]
