"""Call drivers: run a layer class or a network function on one case, the same way for the
student's code and the reference."""
import numpy as np
import pytest

from course.gradcheck import numerical_gradient, rel_error
from course.grading import GradingError
from course.grading.drivers import (
    BatchBowl,
    affine_layer,
    classifier_backward_call,
    loss_layer,
    network_backward_call,
    network_forward_call,
    one_input_layer,
    sgd_call,
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


def test_batch_bowl_is_exact_and_moves_with_the_batch():
    """Is BatchBowl's gradient its loss's centred differences, and does its loss change with the
    batch, and with images paired with other labels?"""
    rng = np.random.default_rng(3)
    bowl = BatchBowl(target={"w": rng.normal(size=(2, 3))}, curve={"w": np.full((2, 3), 0.5)},
                     shift={"w": rng.normal(size=(2, 3))})
    X, y, w = rng.normal(size=(5, 4)), np.array([0, 1, 2, 3, 1]), rng.normal(size=(2, 3))
    loss, grads = bowl({"w": w}, X, y)
    numeric = numerical_gradient(lambda v: bowl({"w": v}, X, y)[0], w)
    assert rel_error(numeric, grads["w"]) < 1e-7
    assert bowl({"w": w}, X[:3], y[:3])[0] != loss
    assert bowl({"w": w}, X, y[::-1])[0] != loss


def _08():
    return load("08_digits")


def test_08_drivers_read_labels_as_ints_and_name_every_output():
    """Do the 08 drivers pass integer labels, and return the loss with ds, the named gradients,
    and the trained parameters with one loss per batch?"""
    ref = _08()
    out = loss_layer(ref.SoftmaxWithLoss, dict(s=np.zeros((2, 3)), y=[0, 2]))
    assert np.isclose(out["loss"], np.log(3)) and out["ds"].shape == (2, 3)
    case = dict(**ref.init_params(5, 1), X=np.ones((3, 64)), y=[1, 2, 3])
    grads = classifier_backward_call(ref.network_backward, case)
    assert set(grads) == {"loss", "dW1", "db1", "dW2", "db2"} and grads["dW1"].shape == (64, 5)
    run = sgd_call(ref.sgd, dict(params={"w": np.zeros(2)}, X=np.ones((7, 1)), y=np.arange(7),
                                 grad_fn={"batch_bowl": dict(
                                     target={"w": np.ones(2)}, curve={"w": np.ones(2)},
                                     shift={"w": np.ones(2)})},
                                 lr=0.1, epochs=2, batch_size=3, seed=0))
    assert set(run["params"]) == {"w"} and run["losses"].shape == (6,)  # batches 3, 3, 1


def test_08_layers_match_centred_differences():
    """Do the 08 reference layers agree with centred differences, at large scores too?"""
    ref = _08()
    rng = np.random.default_rng(8)
    x, dout = rng.normal(size=(4, 5)), rng.normal(size=(4, 5))
    relu = ref.Relu()
    relu.forward(x)
    numeric = numerical_gradient(lambda v: np.sum(dout * ref.Relu().forward(v)), x)
    assert rel_error(numeric, relu.backward(dout)) < 1e-7
    for shift in (0.0, 1000.0):
        s, y = rng.normal(size=(3, 4)) + shift, np.array([0, 3, 1])
        head = ref.SoftmaxWithLoss()
        assert np.isfinite(head.forward(s, y))
        numeric = numerical_gradient(lambda v, y=y: ref.SoftmaxWithLoss().forward(v, y), s)
        assert rel_error(numeric, head.backward()) < 1e-5


def test_08_budget_reads_digits_well_and_fast():
    """Does the reference reach at least 95% test accuracy within the stated budget, in under
    10 s?"""
    import time

    from course.datasets import digits_split
    ref = _08()
    budget = ref.BUDGET
    X_train, y_train, X_test, y_test = digits_split()
    started = time.perf_counter()
    params, losses = ref.sgd(ref.init_params(budget["hidden"], budget["seed"]), X_train, y_train,
                             ref.network_backward, budget["lr"], budget["epochs"],
                             budget["batch_size"], budget["seed"])
    assert time.perf_counter() - started < 10
    assert np.mean(ref.predict(params, X_test) == y_test) >= 0.95
    assert len(losses) == budget["epochs"] * 45  # ceil(1437 / 32) batches per epoch
