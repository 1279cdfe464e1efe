"""Reference implementations and hidden-test cases for assignment 04 (instructor side only).

Design of the two staged exercises:
- staged_forward(x, y) -> (f, cache) is checked on f and on the cache entries the notebook names
  (x, y, sigy, num, sigx, xpy, xpysqr, den, invden), each with a meaning fixed by the notebook.
  Extra entries, other local variable names, another order of stages, a stable sigmoid or one
  big expression for f all pass.
- staged_backward(cache, dout) -> (dx, dy) gets, in the hidden test, the cache of the *reference*
  forward pass (built by `_with_reference_cache`), never the student's: a bug in staged_forward
  costs only staged_forward's points. The student may read any named entry or recompute from
  cache["x"], cache["y"].
"""
import math
from itertools import combinations

import numpy as np

from course.circuits import STAGED
from course.circuits.bugs import BUGS_04
from course.circuits.forks import FORK_HINT, overwritten
from course.grading import Exercise, Mistake, topics
from course.grading.cache import with_cache
from course.grading.drivers import positional
from course.grading.grader import load
from course.tolerance import agree

CACHE = ("x", "y", "sigy", "num", "sigx", "xpy", "xpysqr", "den", "invden")


# The course's circuit model evaluates and differentiates STAGED and PATTERN numerically: the
# exercises must be the student's own staging.
CIRCUIT_HELPERS = ("course.circuits.model.sigmoid", "course.circuits.model.Circuit.forward",
                   "course.circuits.model.Circuit.numerical_grads")


def _sigmoid(v):
    return 1.0 / (1.0 + math.exp(-v))


# --- references -------------------------------------------------------------------------------

def staged_forward(x, y):
    sigy = _sigmoid(y)            # numerator: x + sigma(y)
    num = x + sigy
    sigx = _sigmoid(x)            # denominator: sigma(x) + (x + y)^2
    xpy = x + y
    xpysqr = xpy ** 2
    den = sigx + xpysqr
    invden = 1.0 / den
    f = num * invden
    return f, dict(x=x, y=y, sigy=sigy, num=num, sigx=sigx, xpy=xpy, xpysqr=xpysqr, den=den,
                   invden=invden)


def _contributions(cache, dout):
    """The gradient reaching x and y along each path, as lists: dx and dy are their sums."""
    c = cache
    dnum = c["invden"] * dout                 # f = num * invden
    dinvden = c["num"] * dout
    dden = -1.0 / c["den"] ** 2 * dinvden     # invden = 1/den: d/dden = -1/den^2
    dxpy = 2.0 * c["xpy"] * dden              # den = sigx + xpy^2 (add gate passes dden on)
    dsigx_dx = (1.0 - c["sigx"]) * c["sigx"] * dden
    dsigy_dy = (1.0 - c["sigy"]) * c["sigy"] * dnum
    return [dnum, dsigx_dx, dxpy], [dsigy_dy, dxpy]   # x feeds num, sigx, xpy; y feeds sigy, xpy


def staged_backward(cache, dout):
    dx_parts, dy_parts = _contributions(cache, dout)
    return sum(dx_parts), sum(dy_parts)   # a fork sums the gradients of its branches


def pattern_circuit(x, y, z, w, dout):
    xy = x * y
    m = max(z, w)
    f = 2.0 * (xy + m)
    ds = 2.0 * dout                       # f = 2 s: scales by 2
    dxy, dm = ds, ds                      # s = xy + m: distributes
    dz, dw = (dm, 0.0) if z > w else (0.0, dm)   # m = max(z, w): routes
    return f, y * dxy, x * dxy, dz, dw    # xy = x * y: swaps


def score_backward(w, x, dout):
    return dout * x, dout * w             # s = w . x: ds/dw = x, ds/dx = w


# --- recognised mistakes ----------------------------------------------------------------------

# FORK_HINT also belongs to hints.NAMED["staged_backward"], which recognises any overwritten
# branch (numerically, so visible tests show it too); this spec adds the classic form explicitly.


def _dx_last_branch_only(x, y, dout):
    """The classic bug: dx = ... at the last use of x, so the earlier branches are lost."""
    parts_x, parts_y = _contributions(staged_forward(x, y)[1], dout)
    return parts_x[-1], sum(parts_y)


def _sigmoid_from_input(case):
    """sigma's local gradient taken as (1 - v) v of its input v: for x's sigmoid, y's or both.
    (In _contributions sigx and sigy appear only in their local gradients.)"""
    x, y, dout = case.inputs["x"], case.inputs["y"], case.inputs["dout"]
    cache = staged_forward(x, y)[1]
    for swap in (dict(sigx=x), dict(sigy=y), dict(sigx=x, sigy=y)):
        got = staged_backward(dict(cache, **swap), dout)
        if all(agree(case.got[n], v) for n, v in zip(("dx", "dy"), got)):
            return True
    return False


def _inverse_sign_flipped(x, y, dout):
    """1/x gate backward with +1/den^2: every path through den changes sign."""
    (dnum, dsigx_dx, dxpy), (dsigy_dy, _) = _contributions(staged_forward(x, y)[1], dout)
    return dnum - dsigx_dx - dxpy, dsigy_dy - dxpy


# --- case generators --------------------------------------------------------------------------

def _value(rng, scale=4.0):
    return float(rng.uniform(0.1, scale) * rng.choice([-1.0, 1.0]))


def _forward_inputs(rng):
    return dict(x=_value(rng, 5.0), y=_value(rng, 5.0))


def _separated(terms, margin=1e-3):
    """Every partial sum of the branch gradients is far from zero, relative to their size."""
    size = sum(abs(t) for t in terms)
    return all(abs(sum(sub)) > margin * size for k in range(1, len(terms))
               for sub in combinations(terms, k))


def _backward_inputs(rng):
    """x, y, dout where dropping any branch(es) of either fork changes dx or dy by at least
    0.1% of their size (1000 times the tolerance): a `=` for `+=` fails in every case."""
    while True:
        case = dict(x=_value(rng), y=_value(rng), dout=_value(rng, 3.0))
        parts_x, parts_y = _contributions(staged_forward(case["x"], case["y"])[1], case["dout"])
        if _separated(parts_x) and _separated(parts_y):
            return case


def _with_reference_cache(fn, inputs):
    """Call staged_backward on the cache of the reference forward pass (see module docstring)."""
    return fn(staged_forward(inputs["x"], inputs["y"])[1], inputs["dout"])


def _pattern_inputs(rng):
    """z and w at least 0.05 apart (the max gate's kink avoided), either one the larger."""
    z = _value(rng)
    w = z + rng.uniform(0.05, 3.0) * rng.choice([-1.0, 1.0])
    return dict(x=_value(rng), y=_value(rng), z=z, w=float(w), dout=_value(rng, 3.0))


def _score_inputs(rng):
    """Vectors of random length; half the cases with x scaled by 1000 (the scale effect)."""
    n = int(rng.integers(1, 8))
    w, x = rng.uniform(-3, 3, n), rng.uniform(-3, 3, n)
    if rng.random() < 0.5:
        x = 1000.0 * x
    return dict(w=w, x=x, dout=_value(rng, 3.0))


_W, _X = np.array([0.5, -1.0, 2.0]), np.array([1.0, 2.0, -0.5])

EXERCISES = {
    "staged_forward": Exercise(
        title="staged forward pass", returns=("f", *CACHE), draw=_forward_inputs,
        reference=staged_forward, call=with_cache(*CACHE),
        fixed=(dict(x=3.0, y=-4.0),),
        # course.circuits evaluates the STAGED circuit with its own sigmoid: not to be used here.
        forbid=CIRCUIT_HELPERS),
    "staged_backward": Exercise(
        title="staged backward pass", returns=("dx", "dy"), draw=_backward_inputs,
        reference=staged_backward,
        call=_with_reference_cache, fixed=(dict(x=3.0, y=-4.0, dout=1.0),),
        # sandboxed, the kernel gets the reference cache as data and calls fn(cache, dout)
        prepare=lambda c: dict(cache=staged_forward(c["x"], c["y"])[1], dout=c["dout"]),
        kernel_call=positional,
        forward=lambda x, y: staged_forward(x, y)[0], wrt=("x", "y"),
        mistakes=(Mistake.produces("fork.last_branch", FORK_HINT, _dx_last_branch_only, ("dx",
                                                                                         "dy"),
                                   covers=("fork.overwritten",)),
                  Mistake("staged.sigmoid_input",
                          "(1 - sigma) sigma is written in terms of the sigmoid gate's *output* "
                          "(sigx, sigy), not its input.", _sigmoid_from_input),
                  Mistake.produces("staged.inv_sign", "the local gradient of 1/v is -1/v^2: "
                                   "mind the sign.",
                                   _inverse_sign_flipped, ("dx", "dy"), covers=("sign",))),
        forbid=CIRCUIT_HELPERS),
    "pattern_circuit": Exercise(
        title="pattern circuit", returns=("f", "dx", "dy", "dz", "dw"), draw=_pattern_inputs,
        reference=pattern_circuit, cases=40,
        fixed=(dict(x=3.0, y=-4.0, z=2.0, w=-1.0, dout=1.0),),
        # PATTERN.numerical_grads would answer this exercise by centred differences.
        forbid=CIRCUIT_HELPERS),
    "score_backward": Exercise(
        title="score backward", returns=("dw", "dx"), draw=_score_inputs,
        reference=score_backward, fixed=(dict(w=_W, x=_X, dout=1.0),
                                         dict(w=_W, x=1000.0 * _X, dout=1.0)),
        forward=lambda w, x: float(w @ x), wrt=("w", "x")),
}


# --- find the bug: notebook 04's staged circuit (course.circuits.bugs) ----------------------------

def fixed_backward(x, y, dout):
    sigy, sigx = _sigmoid(y), _sigmoid(x)
    num, xpy = x + sigy, x + y
    den = sigx + xpy ** 2
    dnum, dinvden = dout / den, dout * num                 # f = num * invden
    dden = -dinvden / den ** 2                             # invden = 1 / den
    dsigx, dxpysqr = dden, dden                            # den = sigx + xpysqr
    dxpy = 2.0 * xpy * dxpysqr                             # xpysqr = xpy ** 2
    dsigy = dnum                                           # num = x + sigy
    dx = dxpy + (1.0 - sigx) * sigx * dsigx + dnum         # x feeds xpy, sigx and num
    dy = dxpy + (1.0 - sigy) * sigy * dsigy                # y feeds xpy and sigy
    return dnum, dinvden, dden, dsigx, dxpysqr, dxpy, dsigy, dx, dy


# 02's machinery: the answer key (where the dashed wires start) and the wire question.
_findbug = load("02_chain_rule")
red_start = _findbug.red_start


def _fix_inputs(rng):
    """A third of the cases with both inputs negative, a third with x + y within 0.5 of 0 (the
    square gate's local gradient small, of either sign), the rest anywhere in |x|, |y| <= 4."""
    kind = int(rng.integers(3))
    x, y = _value(rng), _value(rng)
    if kind == 0:
        x, y = -abs(x), -abs(y)
    elif kind == 1:
        y = -x + float(rng.uniform(0.05, 0.5) * rng.choice([-1.0, 1.0]))
    return dict(x=x, y=y, dout=_value(rng, 3.0))


EXERCISES["find_bug_wire"] = _findbug.wire_question(BUGS_04)
EXERCISES["fixed_backward"] = Exercise(
    title="the fixed backward pass",
    returns=tuple("d" + w for w in BUGS_04.order),
    draw=_fix_inputs, reference=fixed_backward, fixed=(dict(BUGS_04.example, dout=1.0),),
    mistakes=(Mistake("fork.overwritten", FORK_HINT,
                      overwritten(STAGED, {"dx": "x", "dy": "y"})),),
    forbid=CIRCUIT_HELPERS, topic=topics.of("find_bug_04_fix"))
