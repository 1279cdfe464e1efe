"""Reference implementations and hidden-test cases for assignment 06 (instructor side only).

The network: P = sigmoid(sigmoid(X W1 + b1) W2 + b2), loss = mean((P - Y)^2).
Each exercise is checked on its own: network_backward against this reference and against centred
differences of this reference's loss; train with this reference's network_backward as grad_fn, so
a bug in the student's gradients cannot cost points in the training loop, and the other way round.
"""

import numpy as np

from course.datasets import xor_01
from course.grading import Exercise, Mistake
from course.grading.drivers import (
    PARAMS,
    network_backward_call,
    network_forward_call,
    one_input_layer,
    train_call,
)
from course.grading.grader import load

# --- references -------------------------------------------------------------------------------


# The network is built from notebook 05's layers, as the notebook builds it from the student's.
_layers = load("05_vectorized_layers")
Affine, Sigmoid = _layers.Affine, _layers.Sigmoid


def init_params(hidden=4, seed=0):
    # the notebook's initialisation: N(0, 1) weights, zero biases
    rng = np.random.default_rng(seed)
    return dict(W1=rng.normal(size=(2, hidden)), b1=np.zeros(hidden),
                W2=rng.normal(size=(hidden, 1)), b2=np.zeros(1))


def network_forward(params, X):
    h = Sigmoid().forward(Affine(params["W1"], params["b1"]).forward(X))
    return Sigmoid().forward(Affine(params["W2"], params["b2"]).forward(h))


def mse_loss(P, Y):
    n = P.shape[0]
    return float(np.sum((P - Y) ** 2) / n), 2.0 * (P - Y) / n  # d/dP of mean (P - Y)^2


def network_backward(params, X, Y):
    layers = [Affine(params["W1"], params["b1"]), Sigmoid(),
              Affine(params["W2"], params["b2"]), Sigmoid()]
    P = X
    for layer in layers:
        P = layer.forward(P)
    loss, grad = mse_loss(P, Y)
    for layer in reversed(layers):
        grad = layer.backward(grad)
    first, second = layers[0], layers[2]
    return loss, dict(W1=first.dW, b1=first.db, W2=second.dW, b2=second.db)


class Relu:
    def forward(self, x):
        self.mask = x > 0  # the notebook's convention at the kink: relu'(0) = 0
        return np.where(self.mask, x, 0.0)

    def backward(self, dout):
        return dout * self.mask  # out = max(0, x): local gradient 1 where x > 0, else 0


def train(params, X, Y, grad_fn, lr, steps):
    losses = []
    for _ in range(steps):
        loss, grads = grad_fn(params, X, Y)
        losses.append(loss)
        params = {k: params[k] - lr * grads[k] for k in params}  # a step downhill
    return params, np.array(losses)


# --- case generators --------------------------------------------------------------------------

def _params(rng, hidden, scale=1.0):
    return dict(W1=rng.normal(scale=scale, size=(2, hidden)), b1=rng.normal(size=hidden),
                W2=rng.normal(scale=scale, size=(hidden, 1)), b2=rng.normal(size=1))


def _batch(rng):
    """XOR itself half the time, else 1 to 6 random points with random 0/1 targets."""
    if rng.random() < 0.5:
        return xor_01()
    n = int(rng.integers(1, 7))
    return rng.normal(scale=1.5, size=(n, 2)), rng.integers(0, 2, size=(n, 1)).astype(float)


def _forward_inputs(rng):
    X, _ = _batch(rng)
    return dict(**_params(rng, int(rng.integers(1, 7)), scale=2.0), X=X)


def _loss_inputs(rng):
    n = int(rng.integers(1, 7))
    return dict(P=rng.uniform(0.01, 0.99, size=(n, 1)),
                Y=rng.integers(0, 2, size=(n, 1)).astype(float))


def _backward_inputs(rng):
    X, Y = _batch(rng)
    return dict(**_params(rng, int(rng.integers(1, 7))), X=X, Y=Y)


_PARAM_SETS = (PARAMS, ("w",), ("w", "b"), ("W1", "b1", "W2", "b2", "W3", "b3"),
               ("kernel", "bias", "scale"))


def _relu_inputs(rng):
    """1 to 3 axes of either sign; a fifth of the entries exactly 0, the kink, where the
    notebook's stated convention (relu'(0) = 0) decides."""
    shape = tuple(int(v) for v in rng.integers(1, 6, size=int(rng.integers(1, 4))))
    x = rng.normal(scale=2.0, size=shape)
    x[rng.random(shape) < 0.2] = 0.0
    return dict(x=x, dout=rng.normal(size=shape))


_RELU_EXAMPLE = dict(x=np.array([[-1.0, 0.0, 2.0]]), dout=np.array([[5.0, 6.0, 7.0]]))


def _any_params(rng):
    """A parameter dict the loop must not assume anything about: one of several key sets (the
    network's own, a toy model's "w", three layers' ...), each entry of a random shape, 0-d
    arrays included."""
    keys = _PARAM_SETS[int(rng.integers(len(_PARAM_SETS)))]
    shapes = ((), (int(rng.integers(1, 5)),), (int(rng.integers(1, 4)), int(rng.integers(1, 4))))
    return {k: rng.normal(size=shapes[int(rng.integers(3))]) for k in keys}


def _train_inputs(rng):
    """Short runs on a quadratic bowl (course.grading.drivers.Bowl): its gradient is exact at any
    parameters, so a loop that leaves the right path is compared at every step that follows.
    The parameters are a dict of any keys and shapes (half the time the network's own). The
    learning rate keeps every step a contraction (lr * 2 * curve < 1)."""
    X, Y = _batch(rng)
    params = _params(rng, int(rng.integers(1, 6))) if rng.random() < 0.5 else _any_params(rng)
    target = {k: rng.normal(size=np.shape(v)) for k, v in params.items()}
    curve = {k: rng.uniform(0.2, 1.0, size=np.shape(v)) for k, v in params.items()}
    return dict(params=params, X=X, Y=Y, grad_fn={"bowl": dict(target=target, curve=curve)},
                lr=float(rng.uniform(0.05, 0.45)), steps=int(rng.integers(1, 26)))


def _path(params, X, Y, lr, steps):
    """The reference's run of gradient descent with the reference gradients, as data that a
    sandboxed kernel replays (course.grading.drivers.Path): no network code crosses over."""
    points, losses, grads = [], [], []
    for _ in range(steps):
        loss, g = network_backward(params, X, Y)
        points.append(params)
        losses.append(loss)
        grads.append(g)
        params = {k: params[k] - lr * g[k] for k in params}
    return dict(params=points, losses=losses, grads=grads)


def _loss_of(W1, b1, W2, b2, X, Y):
    return mse_loss(network_forward(dict(W1=W1, b1=b1, W2=W2, b2=b2), X), Y)[0]


# The stated budget: hidden size 4, seed 0, learning rate 2, 2000 steps. The reference reaches
# 100% accuracy after about 350 steps and ends with outputs within 0.03 of the targets.
XOR_BUDGET = dict(hidden=4, seed=0, lr=2.0, steps=2000)
_XOR_START = init_params(XOR_BUDGET["hidden"], XOR_BUDGET["seed"])
_XOR_PATH = _path(_XOR_START, *xor_01(), XOR_BUDGET["lr"], XOR_BUDGET["steps"])
_XOR_RUN = dict(params=_XOR_START, X=xor_01()[0], Y=xor_01()[1], grad_fn={"path": _XOR_PATH},
                lr=XOR_BUDGET["lr"], steps=XOR_BUDGET["steps"])
_HAND_BUILT = dict(W1=np.array([[20.0, -20.0], [20.0, -20.0]]), b1=np.array([-10.0, 30.0]),
                   W2=np.array([[20.0], [20.0]]), b2=np.array([-30.0]), X=xor_01()[0])


def _uphill(params, X, Y, grad_fn, lr, steps):
    """The training loop with each step taken along the gradient instead of against it."""
    return train(params, X, Y, grad_fn, -lr, steps)


def _no_output_sigmoid(W1, b1, W2, b2, X):
    h = 1.0 / (1.0 + np.exp(-(X @ W1 + b1)))
    return h @ W2 + b2


def _preactivation_backward(W1, b1, W2, b2, X, Y):
    """network_backward with the hidden sigmoid's derivative taken from its input (a mistake)."""
    Z1 = X @ W1 + b1
    H = 1.0 / (1.0 + np.exp(-Z1))
    P = 1.0 / (1.0 + np.exp(-(H @ W2 + b2)))
    loss, dP = mse_loss(P, Y)
    dZ2 = dP * (1 - P) * P
    dZ1 = (dZ2 @ W2.T) * (1 - Z1) * Z1
    return X.T @ dZ1, dZ1.sum(axis=0), H.T @ dZ2, dZ2.sum(axis=0), loss


EXERCISES = {
    "network_forward": Exercise(
        title="network forward pass", returns=("P",), draw=_forward_inputs,
        reference=network_forward, call=network_forward_call, fixed=(_HAND_BUILT,),
        mistakes=(Mistake.produces(
            "network.no_output_sigmoid",
                "P looks like the output layer's scores before its sigmoid: the network's output "
            "is a probability, between 0 and 1.", _no_output_sigmoid, ("P",)),)),
    "mse_loss": Exercise(
        title="mean squared error", returns=("loss", "dP"), draw=_loss_inputs,
        reference=mse_loss, cases=30,
        mistakes=(Mistake.produces(
            "mse.no_two",
                "dP looks like the gradient of (P - Y)^2 / N without the 2 (the derivative of a "
            "square): d/dP of (P - Y)^2 is 2 (P - Y).",
            lambda P, Y: (float(np.mean((P - Y) ** 2)), (P - Y) / len(P)), ("loss", "dP")),)),
    "network_backward": Exercise(
        title="network backward pass", returns=("dW1", "db1", "dW2", "db2", "loss"),
        draw=_backward_inputs, reference=network_backward, call=network_backward_call,
        forward=_loss_of, wrt=PARAMS,
        mistakes=(Mistake.produces(
            "network.preactivation",
                "the hidden layer's gradients look like sigmoid'(z) computed as (1 - z) z from the "
            "pre-activation z: (1 - sigma) sigma is written in terms of the sigmoid's *output*.",
            _preactivation_backward, ("dW1", "db1", "dW2", "db2", "loss")),)),
    "Relu": Exercise(
        title="ReLU layer", returns=("out", "dx"), draw=_relu_inputs, reference=Relu,
        # the kink at 0 is named by course.grading.hints (relu.at_zero), as for 08's Relu
        call=one_input_layer, fixed=(_RELU_EXAMPLE,)),
    "train": Exercise(
        title="training loop", returns=("params", "losses"), draw=_train_inputs,
        reference=train, call=train_call, fixed=(_XOR_RUN,),
        # After 2000 steps of the XOR budget, parameters updated in another (correct) order of
        # operations agree to ~1e-12, and equal the reference's parameters (which classify all
        # four points right): EXACT's 1e-6 relative leaves room, any real mistake is far off.
        cases=12,
        mistakes=(Mistake.produces(
            "train.uphill", "every step went uphill: a gradient-descent step goes *against* the "
            "gradient, theta - lr * gradient.", _uphill, ("losses",), call=train_call),)),
}
