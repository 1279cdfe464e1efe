"""Call drivers: how a check runs a student's layer class or network function on one case.

Each driver takes the object under test (a class or a function) and one case's inputs, and
returns the outputs to compare. The same driver runs the student's code and the instructor's
reference, in visible and hidden tests alike. Inputs are copied first, so code that changes an
array in place cannot change the case.
"""
import numpy as np


def _copy(value):
    return np.array(value, dtype=float) if isinstance(value, (np.ndarray, list)) else value


def two_input_layer(layer_class, case):
    """(out, dx, dy) of a layer with forward(x, y) and backward(dout) -> (dx, dy).

    A second layer of the same class runs forward on other numbers in between: every layer
    object must keep its own cache (a chain of layers holds several of them at once).
    """
    x, y, dout = (_copy(case[k]) for k in ("x", "y", "dout"))
    layer, other = layer_class(), layer_class()
    out = layer.forward(x, y)
    other.forward(_copy(case["y"]) * 0.5 - 1.0, _copy(case["x"]) + 2.0)
    grads = layer.backward(dout)
    return (out, *grads) if isinstance(grads, (tuple, list)) else (out, grads)


def one_input_layer(layer_class, case):
    """(out, dx) of a layer with forward(x) and backward(dout) -> dx, built with no arguments.
    As above, a second layer object runs forward in between."""
    x, dout = _copy(case["x"]), _copy(case["dout"])
    layer, other = layer_class(), layer_class()
    out = layer.forward(x)
    other.forward(-2.0 * _copy(case["x"]) + 0.5)
    return out, layer.backward(dout)


def affine_layer(layer_class, case):
    """(out, dx, dW, db) of Affine(W, b): forward(x), backward(dout) -> dx, storing .dW and .db."""
    layer = layer_class(_copy(case["W"]), _copy(case["b"]))
    out = layer.forward(_copy(case["x"]))
    dx = layer.backward(_copy(case["dout"]))
    return out, dx, getattr(layer, "dW", None), getattr(layer, "db", None)


PARAMS = ("W1", "b1", "W2", "b2")
"""The two-layer network's parameters, in the order cases list them."""


def params_of(case):
    """The parameter dict a network function takes, copied from a case's W1, b1, W2, b2."""
    return {k: _copy(case[k]) for k in PARAMS}


def network_forward_call(fn, case):
    """fn(params, X) -> P."""
    return fn(params_of(case), _copy(case["X"]))


def network_backward_call(fn, case):
    """fn(params, X, Y) -> (loss, grads dict keyed like params), as a dict of named outputs."""
    result = fn(params_of(case), _copy(case["X"]), _copy(case["Y"]))
    if not isinstance(result, (tuple, list)) or len(result) != 2:
        return result  # the checker explains what is wrong with it
    loss, grads = result
    if not isinstance(grads, dict):
        return dict(loss=loss, **{f"d{k}": grads for k in PARAMS})
    return dict(loss=loss, **{f"d{k}": grads.get(k) for k in PARAMS})


def train_call(fn, case, accuracy=None):
    """fn(params, X, Y, grad_fn, lr, steps) -> (params, losses), as a dict of named outputs:
    the trained parameters, the losses and (with `accuracy(params, X, Y)`) the accuracy."""
    params = params_of(case)
    result = fn(params, _copy(case["X"]), _copy(case["Y"]), case["grad_fn"], case["lr"],
                case["steps"])
    if not isinstance(result, (tuple, list)) or len(result) != 2:
        return result
    trained, losses = result
    if not isinstance(trained, dict):
        return dict(losses=losses, **{k: trained for k in PARAMS})
    out = dict(losses=np.asarray(losses, dtype=float).ravel(), **{k: trained.get(k) for k in PARAMS})
    if accuracy is not None:
        try:
            out["accuracy"] = accuracy(trained, case["X"], case["Y"])
        except Exception:  # parameters of the wrong shape: reported above, not as a crash here
            out["accuracy"] = float("nan")
    return out
