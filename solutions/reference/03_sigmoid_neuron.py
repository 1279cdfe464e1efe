"""Reference implementations and hidden-test cases for assignment 03 (instructor side only).

The neuron f(w, x) = sigma(w0 x0 + w1 x1 + w2) is split into the wires of course.circuits.NEURON:
w0x0, w1x1, s = w0x0 + w1x1, z = s + w2, nz = -z, e = exp(nz), d = 1 + e, f = 1 / d.
"""
import numpy as np

from course.grading import Exercise, Mistake

# --- references -------------------------------------------------------------------------------

def _sigmoid(x):
    e = np.exp(-np.abs(x))  # never overflows: e <= 1
    return np.where(np.asarray(x) >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def inv_backward(x, dout):
    return -dout / x ** 2  # out = 1/x: dout/dx = -1/x^2


def add_const_backward(x, c, dout):
    return dout  # out = c + x: dout/dx = 1


def exp_backward(x, dout):
    return dout * np.exp(x)  # out = e^x: dout/dx = e^x, the output itself


def scale_backward(x, a, dout):
    return dout * a  # out = a x: dout/dx = a


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


def _inv_inputs(rng):
    return dict(x=_value(rng, 0.3, 5.0), dout=_dout(rng))


def _add_const_inputs(rng):
    return dict(x=_value(rng), c=_value(rng), dout=_dout(rng))


def _exp_inputs(rng):
    return dict(x=_value(rng, 0.1, 3.0), dout=_dout(rng))


def _scale_inputs(rng):
    return dict(x=_value(rng), a=_value(rng), dout=_dout(rng))


def _neuron_inputs(rng):
    """Weights and inputs of order 1: z stays within about +-15, where every gate is finite."""
    return dict(w=rng.normal(0, 1.5, 3), x=rng.normal(0, 1.5, 2))


def _neuron_backward_inputs(rng):
    return dict(**_neuron_inputs(rng), dout=_dout(rng))


def _sigmoid_inputs(rng):
    """Random shapes; about one entry in four is huge (|x| in 50..800), where exp(-x) or exp(x)
    overflows in a naive formula."""
    shape = ((int(rng.integers(1, 7)),), (int(rng.integers(1, 4)), int(rng.integers(1, 4))))[
        int(rng.integers(2))]
    x = rng.normal(0, 4, shape)
    huge = rng.random(shape) < 0.25
    x[huge] = rng.uniform(50, 800, int(huge.sum())) * rng.choice([-1.0, 1.0], int(huge.sum()))
    return dict(x=x, dout=rng.uniform(0.2, 3.0, shape) * rng.choice([-1.0, 1.0], shape))


def _grouped_inputs(rng):
    """One case in five with weights scaled up so that |z| reaches tens or hundreds."""
    case = _neuron_backward_inputs(rng)
    if rng.random() < 0.2:
        case["w"] = case["w"] * 100.0
    return case


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
    "inv_backward": Exercise(
        title="1/x gate backward", returns=("dx",), draw=_inv_inputs, reference=inv_backward,
        forward=lambda x: 1.0 / x, wrt=("x",),
        mistakes=(Mistake.produces("inv.sign",
                                   "the local gradient of 1/x is -1/x^2: mind its sign.",
                                   lambda x, dout: dout / x ** 2, ("dx",), covers=("sign",)),)),
    "add_const_backward": Exercise(
        title="c + x gate backward", returns=("dx",), draw=_add_const_inputs,
        reference=add_const_backward, forward=lambda x, c: c + x, wrt=("x",)),
    "exp_backward": Exercise(
        title="e^x gate backward", returns=("dx",), draw=_exp_inputs, reference=exp_backward,
        forward=lambda x: np.exp(x), wrt=("x",)),
    "scale_backward": Exercise(
        title="a x gate backward", returns=("dx",), draw=_scale_inputs, reference=scale_backward,
        forward=lambda x, a: a * x, wrt=("x",)),
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
        fixed=(dict(**EXAMPLE, dout=1.0),), forward=neuron, wrt=("w", "x"),
        mistakes=(Mistake.produces("grouped.unswapped", "the mul gates swap: the gradient on w0 "
                                   "is scaled by x0, "
                                   "the one on x0 by w0.", _unswapped(neuron_backward_grouped),
                                   ("dw", "dx")),)),
}
