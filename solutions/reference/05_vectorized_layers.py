"""Reference implementations and hidden-test cases for assignment 05 (instructor side only).

Matrices come in random shapes (1 to 7 along each axis, so a transposed answer shows up as a
shape error on most cases) with entries of either sign. Layers are run through the call drivers
of course.grading.drivers, the same ones the visible tests use.
"""
import numpy as np

from course.grading import Exercise, Mistake
from course.grading.drivers import affine_layer, one_input_layer, two_input_layer

# --- references -------------------------------------------------------------------------------


def matmul_backward(W, X, dD):
    # D = W X: dW = dD X^T (shape of W), dX = W^T dD (shape of X)
    return dD @ X.T, W.T @ dD


def rel_error(a, b):
    # largest |a - b| / max(|a|, |b|) over the entries
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return float(np.max(np.abs(a - b) / np.maximum(np.abs(a), np.abs(b))))


def worst_rel_error(a, b):
    # each entry's error as course.gradcheck.rel_error has it: 0 where both are 0 (the floor)
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    errors = np.abs(a - b) / np.maximum(np.maximum(np.abs(a), np.abs(b)), 1e-12)
    index = np.unravel_index(np.argmax(errors), errors.shape)  # the first of tied worst entries
    return float(errors[index]), tuple(int(i) for i in index)


class MulLayer:
    def forward(self, x, y):
        self.x, self.y = x, y
        return x * y

    def backward(self, dout):
        return dout * self.y, dout * self.x  # out = x*y: dout/dx = y, dout/dy = x


class AddLayer:
    def forward(self, x, y):
        return x + y

    def backward(self, dout):
        return dout * 1.0, dout * 1.0  # out = x + y: both local gradients are 1


class Affine:
    def __init__(self, W, b):
        self.W, self.b = W, b

    def forward(self, x):
        self.x = x
        return x @ self.W + self.b

    def backward(self, dout):
        # out = x W + b: dW = x^T dout, db = dout summed over the batch, dx = dout W^T
        self.dW = self.x.T @ dout
        self.db = dout.sum(axis=0)
        return dout @ self.W.T


class Sigmoid:
    def forward(self, x):
        self.out = 1.0 / (1.0 + np.exp(-x))
        return self.out

    def backward(self, dout):
        return dout * (1.0 - self.out) * self.out  # d sigma/dx = (1 - sigma) sigma


# --- case generators --------------------------------------------------------------------------

def _dims(rng, k):
    return [int(v) for v in rng.integers(1, 8, size=k)]


def _matmul_inputs(rng):
    n, d, m = _dims(rng, 3)
    return dict(W=rng.normal(size=(n, d)), X=rng.normal(size=(d, m)), dD=rng.normal(size=(n, m)))


def _rel_error_inputs(rng):
    """Arrays of a random shape, no entry near 0 in both; b differs from a by a small relative
    noise, by a large one, or by a sign flip on some entries (so |a - b| matters)."""
    shape = tuple(_dims(rng, int(rng.integers(1, 3))))
    a = rng.uniform(0.05, 3.0, size=shape) * rng.choice([-1.0, 1.0], size=shape)
    kind = rng.integers(3)
    if kind == 0:
        b = a * (1 + rng.normal(scale=1e-6, size=shape))
    elif kind == 1:
        b = a * (1 + rng.normal(scale=0.3, size=shape))
    else:
        b = np.where(rng.random(shape) < 0.3, -a, a) * (1 + rng.normal(scale=0.01, size=shape))
    return dict(a=a, b=b)


def _worst_inputs(rng):
    """A gradient and its check, 1 to 3 axes of 1 to 5 entries, magnitudes from 1e-3 to 1e3 (so
    the largest |a - b| is rarely the largest relative error), agreeing to ~1e-7 except at up to
    three planted bugs of random size; often entries 0 in both (0/0, the trap the notebook
    names), sometimes 0 in one only (error exactly 1), sometimes sign flips (error exactly 2,
    ties: the first wins)."""
    shape = tuple(int(v) for v in rng.integers(1, 6, size=int(rng.integers(1, 4))))
    a = rng.uniform(1.0, 3.0, size=shape) * 10.0 ** rng.uniform(-3, 3, size=shape)
    a *= rng.choice([-1.0, 1.0], size=shape)
    b = a * (1 + rng.normal(scale=1e-7, size=shape))
    flat_a, flat_b = a.reshape(-1), b.reshape(-1)  # views: writing them writes a and b
    spots = rng.permutation(a.size)
    for i in spots[:int(rng.integers(0, 4))]:
        flat_b[i] = flat_a[i] * (1 + rng.normal(scale=10.0 ** rng.uniform(-4, 0)))
    kind = rng.random()
    if kind < 0.4:
        flat_a[spots[-2:]] = flat_b[spots[-2:]] = 0.0
    elif kind < 0.55:
        flat_a[spots[-1]] = 0.0
    elif kind < 0.75:
        flat_b[spots[-2:]] = -flat_a[spots[-2:]]
    return dict(a=a, b=b)


def _pair_inputs(rng):
    shape = tuple(_dims(rng, 2))
    return dict(x=rng.normal(size=shape), y=rng.normal(size=shape), dout=rng.normal(size=shape))


def _affine_inputs(rng):
    n, d, m = _dims(rng, 3)
    return dict(W=rng.normal(size=(d, m)), b=rng.normal(size=m), x=rng.normal(size=(n, d)),
                dout=rng.normal(size=(n, m)))


def _sigmoid_inputs(rng):
    shape = tuple(_dims(rng, 2))
    return dict(x=rng.normal(scale=3.0, size=shape), dout=rng.normal(size=shape))


_LECTURE = np.random.default_rng(510)
_LECTURE_SHAPES = dict(W=_LECTURE.normal(size=(5, 10)), X=_LECTURE.normal(size=(10, 3)),
                       dD=_LECTURE.normal(size=(5, 3)))
_ZEROS_AND_TIE = (dict(a=np.array([[1.0, 2.0, 0.0], [3.0, -4.0, 5.0]]),
                       b=np.array([[1.0, 2.2, 0.0], [3.0, 4.0, 5.0]])),
                  dict(a=np.array([1.0, -1.0, 2.0]), b=np.array([-1.0, 1.0, 2.0])),
                  dict(a=np.zeros((2, 2)), b=np.zeros((2, 2))))
_SHOPPING = (dict(x=100.0, y=2.0, dout=1.1), dict(x=200.0, y=1.1, dout=1.0))


EXERCISES = {
    "matmul_backward": Exercise(
        title="matmul backward", returns=("dW", "dX"), draw=_matmul_inputs,
        reference=matmul_backward, fixed=(_LECTURE_SHAPES,),
        # the scalar whose gradients dW and dX are: sum(dD * D) (dD is the upstream gradient)
        # (W @ dD without the transpose raises on the lecture's shapes: its message says so)
        forward=lambda W, X, dD: np.sum(dD * (W @ X)), wrt=("W", "X")),
    "rel_error": Exercise(
        title="relative error", returns=("err",), draw=_rel_error_inputs,
        reference=rel_error, cases=40,
        mistakes=(Mistake.produces(
            "rel_error.mean",
                "this looks like the mean over the entries: a gradient check must report the worst "
            "entry, so one wrong entry cannot hide among many right ones.",
            lambda a, b: float(np.mean(np.abs(a - b) / np.maximum(np.abs(a), np.abs(b)))),
            ("err",)),),
        forbid=("course.gradcheck.rel_error", "course.gradcheck.numerical_gradient",
                "course.gradcheck.centred")),
    "worst_rel_error": Exercise(
        title="worst relative error", returns=("err", "index"), draw=_worst_inputs,
        reference=worst_rel_error, fixed=_ZEROS_AND_TIE, cases=40),
    "MulLayer": Exercise(
        title="MulLayer", returns=("out", "dx", "dy"), draw=_pair_inputs,
        reference=MulLayer, call=two_input_layer, fixed=_SHOPPING),
    "AddLayer": Exercise(
        title="AddLayer", returns=("out", "dx", "dy"), draw=_pair_inputs,
        reference=AddLayer, call=two_input_layer, fixed=(dict(x=200.0, y=450.0, dout=1.1),)),
    "Affine": Exercise(
        title="Affine layer", returns=("out", "dx", "dW", "db"), draw=_affine_inputs,
        reference=Affine, call=affine_layer),
    "Sigmoid": Exercise(
        title="Sigmoid layer", returns=("out", "dx"), draw=_sigmoid_inputs,
        reference=Sigmoid, call=one_input_layer),
}
