"""Named hints of notebooks 05 and 06: does each recognise its mistake, and only that mistake?"""
import numpy as np

from course.grading.hints import Case, diagnose


def hints(exercise, inputs, expected, got):
    return " ".join(diagnose(Case(inputs, expected, got), exercise))


def test_rel_error_divided_by_the_smaller_magnitude():
    """Is |a - b| / min(|a|, |b|) recognised, and the right answer not flagged?"""
    a, b = np.array([1.0, 2.0]), np.array([1.1, 2.0])
    got = hints("rel_error", dict(a=a, b=b), dict(err=1 / 11), dict(err=0.1))
    assert "smaller magnitude" in got
    assert hints("rel_error", dict(a=a, b=b), dict(err=1 / 11), dict(err=1 / 11)) == ""


def test_rel_error_without_abs():
    """Is a signed difference (which can make the worst error look like 0) recognised?"""
    a, b = np.array([1.0, 2.0]), np.array([1.1, 2.0])
    assert "wrong sign" in hints("rel_error", dict(a=a, b=b), dict(err=1 / 11), dict(err=0.0))


def test_sigmoid_layer_from_its_input():
    """Is dout (1 - x) x, the derivative taken from the input, recognised?"""
    x, dout = np.array([[1.0, -2.0]]), np.array([[1.0, 0.5]])
    out = 1 / (1 + np.exp(-x))
    expected = dict(out=out, dx=dout * (1 - out) * out)
    got = dict(out=out, dx=dout * (1 - x) * x)
    assert "*output*" in hints("Sigmoid", dict(x=x, dout=dout), expected, got)


def test_gradients_not_averaged_over_the_batch():
    """Are gradients N times too large recognised for the loss and the network, N = batch size?"""
    P, Y = np.full((4, 1), 0.5), np.array([[0.0], [1.0], [1.0], [0.0]])
    dP = 2 * (P - Y) / 4
    assert "N times too large" in hints("mse_loss", dict(P=P, Y=Y), dict(loss=0.25, dP=dP),
                                        dict(loss=0.25, dP=4 * dP))
    assert "N times" not in hints("mse_loss", dict(P=P, Y=Y), dict(loss=0.25, dP=dP),
                                  dict(loss=0.25, dP=2 * dP))
    X = np.zeros((4, 2))
    grads = dict(dW1=np.ones((2, 3)), db1=np.ones(3), dW2=np.ones((3, 1)), db2=np.ones(1), loss=0.2)
    bad = {k: (4 * v if k != "loss" else v) for k, v in grads.items()}
    assert "N times too large" in hints("network_backward", dict(X=X, Y=Y), grads, bad)


def test_training_steps_uphill_or_records_late():
    """Are growing losses and losses shifted by one step recognised, each with its own hint?"""
    want = dict(w=[1.25], losses=[4.0, 1.0, 0.25])
    uphill = hints("train", dict(lr=0.25, steps=3), want, dict(w=[7.75], losses=[4.0, 16.0, 20.25]))
    late = hints("train", dict(lr=0.25, steps=3), want, dict(w=[1.25], losses=[1.0, 0.25, 0.0625]))
    assert "downhill" in uphill and "one step ahead" not in uphill
    assert "one step ahead" in late and "downhill" not in late
