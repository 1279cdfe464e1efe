"""Call drivers: run a layer class or a network function on one case, the same way for the
student's code and the reference."""
import numpy as np
import pytest

from course.gradcheck import numerical_gradient, rel_error
from course.grading import GradingError
from course.grading.drivers import (
    affine_layer,
    network_backward_call,
    network_forward_call,
    one_input_layer,
    train_call,
    two_input_layer,
)
from course.grading.grader import load


class Scale:
    """out = x * y with its cache on the object (as it should be)."""

    def forward(self, x, y):
        self.x, self.y = x, y
        return x * y

    def backward(self, dout):
        return dout * self.y, dout * self.x


class SharedScale(Scale):
    """The same, with the cache on the class: every object shares it."""

    def forward(self, x, y):
        SharedScale.cache = (x, y)
        return x * y

    def backward(self, dout):
        x, y = SharedScale.cache
        return dout * y, dout * x


class Square:
    def forward(self, x):
        self.x = x
        return x * x

    def backward(self, dout):
        return 2 * self.x * dout


def test_two_input_layer_returns_out_and_gradients():
    """Is a correct layer run as (out, dx, dy)?"""
    out, dx, dy = two_input_layer(Scale, dict(x=3.0, y=-2.0, dout=0.5))
    assert (out, dx, dy) == (-6.0, -1.0, 1.5)


def test_two_input_layer_explains_a_shared_cache():
    """Is a cache shared between layer objects reported as such, naming the class?"""
    with pytest.raises(GradingError, match="SharedScale: .* must keep its own cache"):
        two_input_layer(SharedScale, dict(x=3.0, y=-2.0, dout=0.5))


def test_one_input_layer_explains_a_shared_cache():
    """Does the one-input driver catch a cache kept on the class, too?"""
    class SharedSquare(Square):
        def forward(self, x):
            SharedSquare.x = x
            return x * x
    with pytest.raises(GradingError, match="its own cache"):
        one_input_layer(SharedSquare, dict(x=np.array([1.0, -2.0]), dout=np.ones(2)))
    out, dx = one_input_layer(Square, dict(x=np.array([1.0, -2.0]), dout=np.ones(2)))
    assert np.array_equal(dx, [2.0, -4.0])


def test_inputs_are_copied():
    """Can a layer that changes its input in place not change the case?"""
    class Clobber(Square):
        def forward(self, x):
            x *= 0
            return super().forward(x)
    case = dict(x=np.ones(3), dout=np.ones(3))
    one_input_layer(Clobber, case)
    assert np.array_equal(case["x"], np.ones(3))


def test_affine_layer_reports_missing_gradients_as_none():
    """Does a layer that never stores dW and db yield None for them (for the checker to explain)?"""
    class NoGrads:
        def __init__(self, W, b):
            self.W, self.b = W, b

        def forward(self, x):
            return x @ self.W + self.b

        def backward(self, dout):
            return dout @ self.W.T
    out, dx, dW, db = affine_layer(NoGrads, dict(W=np.eye(2), b=np.zeros(2), x=np.ones((3, 2)),
                                                 dout=np.ones((3, 2))))
    assert out.shape == dx.shape == (3, 2) and dW is None and db is None


def test_05_reference_layers_match_centred_differences():
    """Do the reference layers' gradients agree with centred differences to 1e-7?"""
    ref = load("05_vectorized_layers")
    rng = np.random.default_rng(3)
    x, W, b, dout = (rng.normal(size=s) for s in ((4, 3), (3, 2), (2,), (4, 2)))
    out, dx, dW, db = affine_layer(ref.Affine, dict(W=W, b=b, x=x, dout=dout))
    def f(**kw):
        layer = ref.Affine(kw.get("W", W), kw.get("b", b))
        return np.sum(dout * layer.forward(kw.get("x", x)))
    assert rel_error(numerical_gradient(lambda v: f(x=v), x), dx) < 1e-7
    assert rel_error(numerical_gradient(lambda v: f(W=v), W), dW) < 1e-7
    assert rel_error(numerical_gradient(lambda v: f(b=v), b), db) < 1e-7
    z = rng.normal(size=(3, 4))
    _, dz = one_input_layer(ref.Sigmoid, dict(x=z, dout=np.ones_like(z)))
    assert rel_error(numerical_gradient(lambda v: np.sum(ref.Sigmoid().forward(v)), z), dz) < 1e-7


def test_06_network_drivers_name_every_output():
    """Do the network drivers return P, the named gradients and the trained parameters?"""
    ref = load("06_xor_capstone")
    case = dict(**ref.init_params(3, 1), X=ref.xor_01()[0], Y=ref.xor_01()[1])
    assert network_forward_call(ref.network_forward, case).shape == (4, 1)
    grads = network_backward_call(ref.network_backward, case)
    assert set(grads) == {"loss", "dW1", "db1", "dW2", "db2"}
    assert grads["dW1"].shape == (2, 3)
    run = train_call(ref.train, dict(params=ref.init_params(3, 1), X=case["X"], Y=case["Y"],
                                     grad_fn=ref.network_backward, lr=1.0, steps=5))
    assert set(run["params"]) == {"W1", "b1", "W2", "b2"}
    assert run["losses"].shape == (5,) and np.all(np.diff(run["losses"]) < 0)


def test_train_call_takes_any_parameter_keys_and_explains_the_return_form():
    """Does the training driver hand over parameters of any keys and shapes (so a loop over
    hard-coded keys fails), and say what to return when a loop returns the wrong form?"""
    ref = load("06_xor_capstone")
    bowl = {"bowl": dict(target={"w": np.ones(3), "bias": np.zeros(())},
                         curve={"w": np.ones(3), "bias": np.ones(())})}
    case = dict(params={"w": np.zeros(3), "bias": np.array(2.0)}, X=None, Y=None, grad_fn=bowl,
                lr=0.25, steps=3)
    run = train_call(ref.train, case)
    assert np.allclose(run["params"]["w"], 0.875) and np.allclose(run["params"]["bias"], 0.25)

    def hard_coded(params, X, Y, grad_fn, lr, steps):
        for _ in range(steps):
            _, grads = grad_fn(params, X, Y)
            for k in ("W1", "b1", "W2", "b2"):
                params[k] = params[k] - lr * grads[k]
        return params, []
    with pytest.raises(KeyError):
        train_call(hard_coded, case)
    with pytest.raises(GradingError, match="return params, losses"):
        train_call(lambda params, X, Y, grad_fn, lr, steps: params, case)


def test_06_budget_learns_xor_with_margin():
    """Does the reference reach 100% on XOR within the stated budget, outputs within 0.1 of 0/1?"""
    ref = load("06_xor_capstone")
    budget = ref.XOR_BUDGET
    X, Y = ref.xor_01()
    params, losses = ref.train(ref.init_params(budget["hidden"], budget["seed"]), X, Y,
                               ref.network_backward, budget["lr"], budget["steps"])
    P = ref.network_forward(params, X)
    assert np.max(np.abs(P - Y)) < 0.1 and losses[-1] < 0.01
