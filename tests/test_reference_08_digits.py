"""Notebook 08's loss with a guarded log: log(p + eps) is accepted for eps up to
course.tolerance.LOG_GUARD (it changes no gradient), a larger guard is not, and the message of a
wrong loss is still the reference's exact value."""
import numpy as np
import pytest

from course.grading import GradingError, grader
from course.tolerance import LOG_GUARD, Between

R = grader.load("08_digits")

CONFIDENTLY_WRONG = dict(s=np.array([[30.0, 0.0, 0.0], [1.0, 2.0, 0.5]]), y=np.array([1, 0]))
"""Example 0's right class has p = 9.4e-14: a guard of 1e-7 caps its term at 16.1 (exact: 30)."""


def _softmax_with(eps):
    class SoftmaxWithLoss(R.SoftmaxWithLoss):
        def forward(self, s, y):
            e = np.exp(s - s.max(axis=1, keepdims=True))
            self.p, self.y = e / e.sum(axis=1, keepdims=True), y
            return float(-np.mean(np.log(self.p[np.arange(len(y)), y] + eps)))
    return SoftmaxWithLoss


def _network_with(eps):
    head = _softmax_with(eps)

    def network_backward(params, X, y):
        return R.network_pass(params, X, y, head)
    return network_backward


def _judge(name, fn, todo):
    grader.judge_cases(grader.exercise("08_digits", name), name, fn, todo)


def _confident_net():
    """A digits-sized case whose scores make one example's right class p < 1e-10."""
    rng = np.random.default_rng(8)
    case = dict(W1=rng.normal(size=(4, 5)), b1=np.zeros(5), W2=rng.normal(size=(5, 3)) * 4,
                b2=np.zeros(3), X=rng.normal(size=(6, 4)) * 3)
    s = np.maximum(case["X"] @ case["W1"], 0) @ case["W2"]
    case["y"] = np.argmin(s, axis=1)  # every example confidently wrong
    p = np.exp(s - s.max(axis=1, keepdims=True))
    p /= p.sum(axis=1, keepdims=True)
    assert p[np.arange(6), case["y"]].min() < 1e-10
    return case


@pytest.mark.parametrize("eps", [1e-16, 1e-12, LOG_GUARD])
def test_a_guarded_log_up_to_the_limit_passes(eps):
    """Does a correct softmax-with-loss with log(p + eps), eps <= 1e-7 (cs231n's 1e-16, Deep
    Learning from Scratch's 1e-7), pass on a confidently wrong example and on every hidden case,
    alone and inside network_backward?"""
    _judge("SoftmaxWithLoss", _softmax_with(eps), [CONFIDENTLY_WRONG])
    _judge("network_backward", _network_with(eps), [_confident_net()])
    for student in ("guard-ada", "guard-alan", "guard-grace"):
        for name, fn in (("SoftmaxWithLoss", _softmax_with(eps)),
                         ("network_backward", _network_with(eps))):
            _judge(name, fn, grader.cases("08_digits", name, student))


@pytest.mark.parametrize("eps", [1e-5, 1e-3])
def test_a_larger_guard_fails_with_the_exact_loss_in_the_message(eps):
    """Is a guard above 1e-7 failed, with the exact loss as the expected value?"""
    exact = R.SoftmaxWithLoss().forward(CONFIDENTLY_WRONG["s"], CONFIDENTLY_WRONG["y"])
    with pytest.raises(GradingError) as err:
        _judge("SoftmaxWithLoss", _softmax_with(eps), [CONFIDENTLY_WRONG])
    assert f"loss: expected {exact:.6g}" in str(err.value)
    assert "ds" not in str(err.value).split("\n", 1)[1]  # the gradient is right


def test_between_holds_its_range_widened_by_exact():
    """Does Between accept its ends and what lies between (within EXACT), and nothing else?"""
    span = Between(16.1, 30.0)
    assert span.holds(16.1) and span.holds(np.float64(22.0)) and span.holds(30.0 * (1 + 1e-7))
    assert not span.holds(15.9) and not span.holds(30.1) and not span.holds(np.nan)
    assert not span.holds(np.array([20.0, 21.0])) and not span.holds("20")


def test_the_hand_written_backward_pass_agrees_with_the_autograd_engine():
    """Does 08's hand-written network backward pass give, on a tiny batch, the loss and every
    parameter gradient that notebook 07's engine computes from the forward expression alone?"""
    V07 = grader.load("07_autograd").Value

    class Value(V07):
        def log(self):  # (log x)' = 1/x
            out = Value(np.log(self.data), (self,), "log")

            def _backward():
                self.grad += out.grad / self.data
            out._backward = _backward
            return out

    rng = np.random.default_rng(1)
    d, h, k, n = 4, 5, 3, 3
    params = dict(W1=rng.normal(size=(d, h)), b1=rng.normal(size=h),
                  W2=rng.normal(size=(h, k)), b2=rng.normal(size=k))
    X, y = rng.normal(size=(n, d)), np.array([2, 0, 1])
    P = {name: np.vectorize(Value, otypes=[object])(a) for name, a in params.items()}
    loss = 0.0
    for x, label in zip(X, y):
        hidden = [sum((P["W1"][i, j] * x[i] for i in range(d)), P["b1"][j]).relu()
                  for j in range(h)]
        s = [sum((P["W2"][j, c] * hidden[j] for j in range(h)), P["b2"][c]) for c in range(k)]
        loss = loss + (sum(v.exp() for v in s).log() - s[label]) * (1.0 / n)
    loss.backward()
    got_loss, grads = R.network_backward(params, X, y)
    assert np.isclose(got_loss, loss.data, rtol=1e-12)
    for name, nodes in P.items():
        engine = np.vectorize(lambda v: v.grad, otypes=[float])(nodes)
        assert np.allclose(grads[name], engine, rtol=1e-10, atol=1e-12), name
