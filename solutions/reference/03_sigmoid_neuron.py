"""Reference implementations and hidden-test cases for assignment 03 (instructor side only).

The neuron f(w, x) = sigma(w0 x0 + w1 x1 + w2) is split into the wires of course.circuits.NEURON:
w0x0, w1x1, s = w0x0 + w1x1, z = s + w2, nz = -z, e = exp(nz), d = 1 + e, f = 1 / d.
"""
import numpy as np

from course.circuits.bugs import BUGS_03
from course.grading import Exercise, Mistake, topics
from course.grading.grader import load

# --- references -------------------------------------------------------------------------------

def _sigmoid(x):
    e = np.exp(-np.abs(x))  # never overflows: e <= 1
    return np.where(np.asarray(x) >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


# The four one-input gates: name -> (forward, local gradient), each a function of (x, param),
# param the gate's constant (c, a) or None.
GATES = {
    "inv": (lambda x, p: 1.0 / x, lambda x, p: -1.0 / x ** 2),      # out = 1/x: -1/x^2
    "add_const": (lambda x, c: c + x, lambda x, c: 1.0),             # out = c + x: 1
    "exp": (lambda x, p: np.exp(x), lambda x, p: np.exp(x)),         # out = e^x: e^x, the output
    "scale": (lambda x, a: a * x, lambda x, a: a),                   # out = a x: a
}


def gate_backward(gate, x, param, dout):
    return dout * GATES[gate][1](x, param)  # downstream = upstream * local


def gate_forward(gate, x, param):
    return GATES[gate][0](x, param)


def neuron_forward(w, x):
    w0x0, w1x1 = w[0] * x[0], w[1] * x[1]
    s = w0x0 + w1x1
    z = s + w[2]
    nz = -z
    e = np.exp(nz)
    d = 1.0 + e
    return w0x0, w1x1, s, z, nz, e, d, 1.0 / d


def neuron_backward(w, x, dout):
    *_, nz, e, d, _ = neuron_forward(w, x)
    dd = -dout / d ** 2     # f = 1/d
    de = dd                 # d = 1 + e
    dnz = de * e            # e = exp(nz)
    dz = -dnz               # nz = -z
    dw = np.array([x[0] * dz, x[1] * dz, dz])  # z = w0 x0 + w1 x1 + w2: mul gates swap
    dx = np.array([w[0] * dz, w[1] * dz])
    return dw, dx, dd, de, dnz, dz


def sigmoid_backward(x, dout):
    s = _sigmoid(x)
    return dout * (1.0 - s) * s  # d sigma/dx = (1 - sigma) sigma, from the gate's output


def neuron_backward_grouped(w, x, dout):
    z = w[0] * x[0] + w[1] * x[1] + w[2]
    dz = sigmoid_backward(z, dout)
    return np.array([x[0] * dz, x[1] * dz, dz]), np.array([w[0] * dz, w[1] * dz])


def neuron(w, x):
    return _sigmoid(w[0] * x[0] + w[1] * x[1] + w[2])


# --- case generators --------------------------------------------------------------------------

def _value(rng, lo=0.1, hi=5.0):
    """A float of either sign with lo <= |v| <= hi (away from 0: 1/x and relative errors)."""
    return float(rng.uniform(lo, hi) * rng.choice([-1.0, 1.0]))


def _dout(rng):
    return _value(rng, 0.2, 3.0)  # never 1, so a forgotten upstream gradient shows


def _gate_inputs(rng):
    """One row of the table: a gate drawn at random, its input, its constant (None for 1/x and
    e^x) and an upstream gradient."""
    gate = str(rng.choice(sorted(GATES)))
    param = _value(rng) if gate in ("add_const", "scale") else None
    x = _value(rng, 0.3, 5.0) if gate == "inv" else _value(rng, 0.1, 3.0 if gate == "exp" else 5.0)
    return dict(gate=gate, x=x, param=param, dout=_dout(rng))


def _neuron_gates():
    """The four gates' rows at the worked neuron (w = [2, -3, -3], x = [-1, -2], dout = 1):
    1/x at d, +1 at e, e^x at nz, *(-1) at z, each with the gradient arriving from above."""
    *_, z, nz, e, d, _ = neuron_forward(EXAMPLE["w"], EXAMPLE["x"])
    dd = gate_backward("inv", d, None, 1.0)
    de = gate_backward("add_const", e, 1.0, dd)
    dnz = gate_backward("exp", nz, None, de)
    return (dict(gate="inv", x=d, param=None, dout=1.0),
            dict(gate="add_const", x=e, param=1.0, dout=dd),
            dict(gate="exp", x=nz, param=None, dout=de),
            dict(gate="scale", x=z, param=-1.0, dout=dnz))


def _neuron_inputs(rng):
    """Weights and inputs of order 1: z stays within about +-15, where every gate is finite."""
    return dict(w=rng.normal(0, 1.5, 3), x=rng.normal(0, 1.5, 2))


def _neuron_backward_inputs(rng):
    return dict(**_neuron_inputs(rng), dout=_dout(rng))


def _sigmoid_inputs(rng):
    """Random shapes; about one entry in four is huge (|x| in 50..1000): the sigmoid is saturated
    there, and past |x| = 709.78 exp(-x) or exp(x) overflows in a naive formula."""
    shape = ((int(rng.integers(1, 7)),), (int(rng.integers(1, 4)), int(rng.integers(1, 4))))[
        int(rng.integers(2))]
    x = rng.normal(0, 4, shape)
    huge = rng.random(shape) < 0.25
    x[huge] = rng.uniform(50, 1000, int(huge.sum())) * rng.choice([-1.0, 1.0], int(huge.sum()))
    return dict(x=x, dout=rng.uniform(0.2, 3.0, shape) * rng.choice([-1.0, 1.0], shape))


def _grouped_inputs(rng):
    """One case in five with weights scaled up so that |z| reaches tens or hundreds, and one in
    five with w2 chosen so that the neuron is saturated past overflow (|z| in 750..1000)."""
    case = _neuron_backward_inputs(rng)
    roll = rng.random()
    if roll < 0.2:
        case["w"] = case["w"] * 100.0
    elif roll < 0.4:
        z = _value(rng, 750.0, 1000.0)
        case["w"][2] = z - case["w"][0] * case["x"][0] - case["w"][1] * case["x"][1]
    return case


def _inv_sign_flipped(gate, x, param, dout):
    """gate_backward with +1/x^2 for the 1/x gate (the others right)."""
    return dout / x ** 2 if gate == "inv" else gate_backward(gate, x, param, dout)


def _unswapped(backward):
    """Buggy twin of a neuron backward: dw scaled by w, dx by x (the mul gates not swapped)."""
    def buggy(w, x, dout):
        dw, dx = backward(w, x, dout)[:2]
        dz = dw[2]
        return np.array([w[0] * dz, w[1] * dz, dz]), np.array([x[0] * dz, x[1] * dz])
    return buggy


EXAMPLE = dict(w=np.array([2.0, -3.0, -3.0]), x=np.array([-1.0, -2.0]))
NEURON_WIRES = ("w0x0", "w1x1", "s", "z", "nz", "e", "d", "f")

# Visible tests compare with the lecture notes' two-decimal numbers; hidden tests use the
# default tolerances (exact float64 formulas agree to ~1e-12).
EXERCISES = {
    "gate_backward": Exercise(
        title="gate backward", returns=("dx",), draw=_gate_inputs, reference=gate_backward,
        fixed=_neuron_gates(), forward=gate_forward, wrt=("x",),
        mistakes=(Mistake.produces("inv.sign",
                                   "the local gradient of 1/x is -1/x^2: mind its sign.",
                                   _inv_sign_flipped, ("dx",), covers=("sign",)),)),
    "neuron_forward": Exercise(
        title="neuron forward, gate by gate", returns=NEURON_WIRES, draw=_neuron_inputs,
        reference=neuron_forward, fixed=(EXAMPLE,)),
    "neuron_backward": Exercise(
        title="neuron backward, gate by gate", returns=("dw", "dx", "dd", "de", "dnz", "dz"),
        draw=_neuron_backward_inputs, reference=neuron_backward,
        fixed=(dict(**EXAMPLE, dout=1.0),),
        # No centred-difference oracle here: it checks every output, and dd..dz are gradients on
        # inner wires, not on inputs. The reference is exact; neuron_backward_grouped has one.
        mistakes=(
            Mistake.produces("neuron.sign",
                             "dw and dx have the wrong sign: follow the signs through the 1/x "
                             "gate (-1/d^2) and the *(-1) gate.",
                             lambda w, x, dout: tuple(-g for g in neuron_backward(w, x, dout)[:2]),
                             ("dw", "dx"), covers=("sign",)),
            Mistake.produces("neuron.unswapped", "the mul gates swap: the gradient on w0 is "
                             "scaled by x0, the one "
                             "on x0 by w0.", _unswapped(neuron_backward), ("dw", "dx")))),
    "sigmoid_backward": Exercise(
        title="sigmoid gate backward", returns=("dx",), draw=_sigmoid_inputs,
        reference=sigmoid_backward, forward=_sigmoid, wrt=("x",),
        fixed=(dict(x=np.array([0.0, 1.0, -800.0, 800.0, 30.0, -30.0]), dout=np.ones(6)),)),
    "neuron_backward_grouped": Exercise(
        title="neuron backward with one sigmoid gate", returns=("dw", "dx"),
        draw=_grouped_inputs, reference=neuron_backward_grouped,
        fixed=(dict(**EXAMPLE, dout=1.0), dict(w=np.array([2.0, -3.0, -800.0]), x=EXAMPLE["x"],
                                                dout=1.0)),
        forward=neuron, wrt=("w", "x"),
        mistakes=(Mistake.produces("grouped.unswapped", "the mul gates swap: the gradient on w0 "
                                   "is scaled by x0, "
                                   "the one on x0 by w0.", _unswapped(neuron_backward_grouped),
                                   ("dw", "dx")),)),
}


# --- find the bug: the neuron with one sigmoid gate (course.circuits.bugs) ----------------------

def fixed_backward(w0, x0, w1, x1, w2, dout):
    z = w0 * x0 + w1 * x1 + w2
    f = float(_sigmoid(z))
    dz = dout * (1.0 - f) * f                              # f = sigmoid(z), from its output
    ds, dw2 = dz, dz                                       # z = s + w2
    dw0x0, dw1x1 = ds, ds                                  # s = w0x0 + w1x1
    return dz, ds, dw2, dw0x0, dw1x1, dw0x0 * x0, dw0x0 * w0, dw1x1 * x1, dw1x1 * w1


def _fix_inputs(rng):
    """Weights and inputs of order 1 (z within about +-15); one case in five saturated past
    overflow (|z| in 750..1000, as in neuron_backward_grouped), where exp(-z) of a naive
    sigmoid overflows."""
    case = dict(w0=_value(rng, 0.2, 3.0), x0=_value(rng, 0.2, 3.0), w1=_value(rng, 0.2, 3.0),
                x1=_value(rng, 0.2, 3.0), w2=_value(rng, 0.2, 3.0), dout=_dout(rng))
    if rng.random() < 0.2:
        z = _value(rng, 750.0, 1000.0)
        case["w2"] = z - case["w0"] * case["x0"] - case["w1"] * case["x1"]
    return case


_findbug = load("02_chain_rule")
red_start = _findbug.red_start
EXERCISES["find_bug_wire"] = _findbug.wire_question(BUGS_03)
EXERCISES["fixed_backward"] = Exercise(
    title="the fixed backward pass", returns=tuple("d" + w for w in BUGS_03.order),
    draw=_fix_inputs, reference=fixed_backward,
    fixed=(dict(BUGS_03.example, dout=1.0), dict(BUGS_03.example, w2=-800.0, dout=1.0)),
    forbid=("course.circuits.model.sigmoid", "course.circuits.model.Circuit.forward",
            "course.circuits.model.Circuit.numerical_grads"),
    mistakes=(
        Mistake.produces("fix.sigmoid_input", "dz still looks like dout (1 - z) z: the sigmoid "
                         "gate's local gradient (1 - sigma) sigma is taken at its output "
                         "f = sigma(z), not at its input z.",
                         lambda *args: BUGS_03.named("neuron_backward_a")(*args)[0], ("dz",)),
        Mistake.produces("fix.chain_skipped", "dw0 and dx0 still look like dout times the other "
                         "factor: the mul gate w0 x0 multiplies the gradient arriving on its "
                         "output, dw0x0, not the circuit's dout.",
                         lambda *args: BUGS_03.named("neuron_backward_c")(*args)[5:7],
                         ("dw0", "dx0"))),
    topic=topics.of("find_bug_03_fix"))
