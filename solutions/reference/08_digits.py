"""Reference implementations and hidden-test cases for assignment 08 (instructor side only).

The network: scores = relu(X W1 + b1) W2 + b2, loss = softmax cross-entropy with integer labels.
Each exercise is checked on its own: the layers through the call drivers of
course.grading.drivers (as in 05), network_backward against this reference and centred
differences of this reference's loss, and sgd with a correct gradient function given as data
(drivers.BatchBowl: exact at any parameters, different for every batch), so no network code
crosses to a sandboxed kernel and a bug in one exercise costs no points in another.
"""

import numpy as np

from course.datasets import digits_split
from course.grading import Exercise
from course.grading.compare import Outputs
from course.grading.drivers import (
    PARAMS,
    classifier_backward_call,
    loss_layer,
    sgd_call,
)
from course.grading.grader import load
from course.tolerance import LOG_GUARD, Between

# --- references -------------------------------------------------------------------------------

# The affine layer is notebook 05's and the ReLU layer notebook 06's, as the notebook builds the
# network from the student's own (pasted, graded where they were written).
Affine = load("05_vectorized_layers").Affine
Relu = load("06_xor_capstone").Relu


class SoftmaxWithLoss:
    def forward(self, s, y):
        e = np.exp(s - s.max(axis=1, keepdims=True))  # the same p, and no exp of a large score
        self.p, self.y = e / e.sum(axis=1, keepdims=True), y
        return float(-np.mean(np.log(self.p[np.arange(len(y)), y])))

    def backward(self, dout=1.0):
        t = np.zeros_like(self.p)
        t[np.arange(len(self.y)), self.y] = 1.0  # one-hot targets
        return dout * (self.p - t) / len(self.y)  # dL/ds = (p - t) / N


def network_backward(params, X, y):
    return network_pass(params, X, y, SoftmaxWithLoss)


def network_pass(params, X, y, loss_layer):
    """network_backward over the loss layer class `loss_layer` (the tests swap in other ones)."""
    layers = [Affine(params["W1"], params["b1"]), Relu(), Affine(params["W2"], params["b2"])]
    s = X
    for layer in layers:
        s = layer.forward(s)
    head = loss_layer()
    loss = head.forward(s, y)
    grad = head.backward()
    for layer in reversed(layers):
        grad = layer.backward(grad)
    first, second = layers[0], layers[2]
    return loss, dict(W1=first.dW, b1=first.db, W2=second.dW, b2=second.db)


def sgd(params, X, y, grad_fn, lr, epochs, batch_size, seed):
    rng = np.random.default_rng(seed)
    losses = []
    for _ in range(epochs):
        order = rng.permutation(len(X))  # a new order each epoch, images and labels together
        for start in range(0, len(X), batch_size):
            batch = order[start:start + batch_size]
            loss, grads = grad_fn(params, X[batch], y[batch])
            losses.append(loss)
            params = {k: params[k] - lr * grads[k] for k in params}
    return params, np.array(losses)


# --- the notebook's budget, measured ----------------------------------------------------------

def init_params(hidden=64, seed=0):
    # the notebook's initialisation: He-scaled normal weights, zero biases
    rng = np.random.default_rng(seed)
    return dict(W1=rng.normal(scale=np.sqrt(2 / 64), size=(64, hidden)), b1=np.zeros(hidden),
                W2=rng.normal(scale=np.sqrt(2 / hidden), size=(hidden, 10)), b2=np.zeros(10))


def predict(params, X):
    return np.argmax(np.maximum(X @ params["W1"] + params["b1"], 0) @ params["W2"]
                     + params["b2"], axis=1)


# 64 hidden units, seed 0, lr 0.3, 10 epochs of batches of 32: 97.2% test accuracy in ~0.25 s.
BUDGET = dict(hidden=64, seed=0, lr=0.3, epochs=10, batch_size=32)


# --- case generators --------------------------------------------------------------------------

def _dims(rng, k, low=1, high=7):
    return [int(v) for v in rng.integers(low, high, size=k)]


def _scores_inputs(rng):
    """Scores of N = 1..6 rows and C = 2..10 classes; a third of the time each row is shifted by
    a large positive amount (800..1000), where e^s overflows unless the row max comes off first."""
    n, c = int(rng.integers(1, 7)), int(rng.integers(2, 11))
    s = rng.normal(scale=2.0, size=(n, c))
    if rng.random() < 1 / 3:
        s = s + rng.uniform(800.0, 1000.0, size=(n, 1))
    return dict(s=s, y=rng.integers(0, c, size=n))


def _network_params(rng, d, h, c, scale=1.0):
    return dict(W1=rng.normal(scale=scale, size=(d, h)), b1=rng.normal(scale=scale, size=h),
                W2=rng.normal(scale=scale, size=(h, c)), b2=rng.normal(scale=scale, size=c))


def _away_from_kinks(rng, draw):
    """Redraw until no hidden pre-activation is within 1e-3 of 0 (the ReLU's kink, where centred
    differences cannot be trusted)."""
    while True:
        case = draw(rng)
        if np.min(np.abs(case["X"] @ case["W1"] + case["b1"])) > 1e-3:
            return case


def _network_inputs(rng):
    def draw(rng):
        n, d, h, c = _dims(rng, 4)
        return dict(**_network_params(rng, d, h, max(c, 2)), X=rng.normal(size=(n, d)),
                    y=rng.integers(0, max(c, 2), size=n))
    return _away_from_kinks(rng, draw)


_PARAM_SETS = (PARAMS, ("w",), ("w", "b"), ("W1", "b1", "W2", "b2", "W3", "b3"),
               ("kernel", "bias", "scale"))


def _any_params(rng):
    """A parameter dict the loop must not assume anything about (as in 06)."""
    keys = _PARAM_SETS[int(rng.integers(len(_PARAM_SETS)))]
    shapes = ((), (int(rng.integers(1, 5)),), (int(rng.integers(1, 4)), int(rng.integers(1, 4))))
    return {k: rng.normal(size=shapes[int(rng.integers(3))]) for k in keys}


def _bowl(rng, params, shift=0.3):
    return {"batch_bowl": dict(
        target={k: rng.normal(size=np.shape(v)) for k, v in params.items()},
        curve={k: rng.uniform(0.2, 1.0, size=np.shape(v)) for k, v in params.items()},
        shift={k: rng.normal(scale=shift, size=np.shape(v)) for k, v in params.items()})}


def _sgd_inputs(rng):
    """Short runs on a bowl that moves with the batch (drivers.BatchBowl): 1 to 12 examples,
    batches of 1 to N + 2 (a last, smaller batch most of the time), 1 to 3 epochs. The
    parameters are the network's own half the time, else any keys and shapes. The learning
    rate keeps every step a contraction (lr * 2 * curve < 1)."""
    n = int(rng.integers(1, 13))
    X, y = rng.normal(size=(n, int(rng.integers(1, 4)))), rng.integers(0, 4, size=n)
    if rng.random() < 0.5:
        params = _network_params(rng, *_dims(rng, 3))
    else:
        params = _any_params(rng)
    return dict(params=params, X=X, y=y, grad_fn=_bowl(rng, params),
                lr=float(rng.uniform(0.05, 0.45)), epochs=int(rng.integers(1, 4)),
                batch_size=int(rng.integers(1, n + 3)), seed=int(rng.integers(0, 1000)))


# --- fixed cases: the notebook's worked examples and real digits ------------------------------

_TINY = dict(s=np.array([[2.0, 1.0, 0.1], [0.5, 2.5, 0.3]]), y=np.array([0, 2]))
_LARGE = dict(s=np.array([[1000.0, 1001.0, 1002.0], [900.0, 902.0, 899.0]]), y=np.array([2, 0]))

_X_TRAIN, _Y_TRAIN = digits_split()[:2]
_FIXED = np.random.default_rng(808)
_DIGITS_NET = _away_from_kinks(_FIXED, lambda rng: dict(
    **_network_params(rng, 64, 4, 10, scale=0.3), X=_X_TRAIN[:5], y=_Y_TRAIN[:5]))
_NET_PARAMS = _network_params(_FIXED, 64, 8, 10, scale=0.3)
_DIGITS_SGD = dict(params=_NET_PARAMS, X=_X_TRAIN[:40], y=_Y_TRAIN[:40],
                   grad_fn=_bowl(_FIXED, _NET_PARAMS, shift=0.01), lr=0.2, epochs=2,
                   batch_size=16, seed=0)


def _guarded(call, reference, scores):
    """Exercise.also for a loss: the reference's outputs with the loss accepted from the exact
    value down to that of log(p + LOG_GUARD) (course.tolerance.LOG_GUARD: a guarded log changes
    no gradient). `scores(inputs)` gives the scores s and labels y the loss is taken on."""
    def also(inputs):
        out = call(reference, dict(inputs))
        s, y = scores(inputs)
        e = np.exp(s - s.max(axis=1, keepdims=True))
        p = (e / e.sum(axis=1, keepdims=True))[np.arange(len(y)), y]
        return [Outputs(out, loss=Between(float(-np.mean(np.log(p + LOG_GUARD))), out["loss"]))]
    return also


def _net_scores(inputs):
    hidden = np.maximum(inputs["X"] @ inputs["W1"] + inputs["b1"], 0.0)
    return hidden @ inputs["W2"] + inputs["b2"], np.asarray(inputs["y"])


def _loss_of(W1, b1, W2, b2, X, y):
    # the forward pass alone (centred differences call it thousands of times per student)
    return SoftmaxWithLoss().forward(np.maximum(X @ W1 + b1, 0.0) @ W2 + b2, y)


EXERCISES = {
    "SoftmaxWithLoss": Exercise(
        title="softmax with cross-entropy", returns=("ds", "loss"), draw=_scores_inputs,
        reference=SoftmaxWithLoss, call=loss_layer, fixed=(_TINY, _LARGE),
        also=_guarded(loss_layer, SoftmaxWithLoss, lambda c: (c["s"], np.asarray(c["y"]))),
        forward=lambda s, y: SoftmaxWithLoss().forward(s, y), wrt=("s",)),
    "network_backward": Exercise(
        title="network backward pass", returns=("dW1", "db1", "dW2", "db2", "loss"),
        draw=_network_inputs, reference=network_backward, call=classifier_backward_call,
        fixed=(_DIGITS_NET,), forward=_loss_of, wrt=PARAMS,
        also=_guarded(classifier_backward_call, network_backward, _net_scores)),
    "sgd": Exercise(
        title="mini-batch SGD", returns=("params", "losses"), draw=_sgd_inputs,
        reference=sgd, call=sgd_call, fixed=(_DIGITS_SGD,), cases=20),
}
