"""Call drivers: how a check runs a student's layer class or network function on one case.

Each driver takes the object under test (a class or a function) and one case's inputs, and
returns the outputs to compare. The same driver runs the student's code and the instructor's
reference, in visible and hidden tests alike. Inputs are copied first, so code that changes an
array in place cannot change the case.
"""
import numpy as np

from ..i18n import _
from ..tolerance import REPEAT
from .compare import Outputs, return_form, unpack
from .report import GradingError


def positional(fn, case):
    """fn(*inputs in order): the plain call, by name (for a sandboxed kernel's case file)."""
    return fn(*case.values())


def _copy(value):
    return np.array(value, dtype=float) if isinstance(value, (np.ndarray, list)) else value


def _same(a, b):
    try:
        return all(not REPEAT.disagree(u, v, same_nan=True).any() for u, v in zip(a, b))
    except (TypeError, ValueError):
        return True  # not comparable: the checker reports what is wrong with the outputs


def _own_cache(layer_class, alone, interleaved):
    """Raise unless a layer's gradients are the same whether or not another object of its class
    ran forward between its forward and backward."""
    if not _same(alone, interleaved):
        name = getattr(layer_class, "__name__", "layer")
        raise GradingError(_(
            "{name}: backward gives different gradients when another {name} object runs forward "
            "between this one's forward and backward. Each layer object must keep its own cache "
            "(on self): a network holds several layers of one class at once.", name=name))


def _backward_values(layer_class, grads, names):
    """What a layer's backward returned, as a tuple of its `names` (or a GradingError saying
    what form is expected)."""
    if isinstance(grads, (tuple, list)):
        return tuple(grads)
    if len(names) > 1 and isinstance(grads, np.ndarray) and grads.ndim == 1 \
            and len(grads) == len(names):
        return tuple(grads)
    if len(names) > 1 and isinstance(grads, dict):
        name = getattr(layer_class, "__name__", "layer")
        raise GradingError(_("{name}.backward returned a dict; return the gradients themselves: "
                             "{form}.", name=name, form=return_form(names, scalars=True)))
    return (grads,)


def two_input_layer(layer_class, case):
    """(out, dx, dy) of a layer with forward(x, y) and backward(dout) -> (dx, dy).

    The layer is run twice: alone, and with a second object of its class running forward on
    other numbers in between. Both must give the same gradients (every layer object keeps its own
    cache; a chain of layers holds several at once).
    """
    def fresh():
        return (_copy(case[k]) for k in ("x", "y", "dout"))
    x, y, dout = fresh()
    solo = layer_class()
    solo.forward(x, y)
    alone = _backward_values(layer_class, solo.backward(dout), ("dx", "dy"))
    x, y, dout = fresh()
    layer, other = layer_class(), layer_class()
    out = layer.forward(x, y)
    other.forward(_copy(case["y"]) * 0.5 - 1.0, _copy(case["x"]) + 2.0)
    grads = _backward_values(layer_class, layer.backward(dout), ("dx", "dy"))
    _own_cache(layer_class, alone, grads)
    return (out, *grads)


def one_input_layer(layer_class, case):
    """(out, dx) of a layer with forward(x) and backward(dout) -> dx, built with no arguments.
    As above, run alone and with a second layer object running forward in between."""
    solo = layer_class()
    solo.forward(_copy(case["x"]))
    alone = solo.backward(_copy(case["dout"]))
    layer, other = layer_class(), layer_class()
    out = layer.forward(_copy(case["x"]))
    other.forward(-2.0 * _copy(case["x"]) + 0.5)
    dx = layer.backward(_copy(case["dout"]))
    _own_cache(layer_class, (alone,), (dx,))
    return out, dx


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


def _pair(result, fn, names):
    """The two values a network function returned, or a GradingError saying what to return."""
    values, why = unpack(result, names, getattr(fn, "__name__", None) or _("your function"))
    if why:
        raise GradingError(why)
    return values


def network_backward_call(fn, case):
    """fn(params, X, Y) -> (loss, grads dict keyed like params), as named outputs."""
    return _loss_and_grads(fn, fn(params_of(case), _copy(case["X"]), _copy(case["Y"])))


def _labels(value):
    """Class labels as the ints they are (the other inputs are copied as floats)."""
    return np.array(value, dtype=int)


def classifier_backward_call(fn, case):
    """fn(params, X, y) -> (loss, grads dict keyed like params), y integer class labels (08)."""
    return _loss_and_grads(fn, fn(params_of(case), _copy(case["X"]), _labels(case["y"])))


def loss_layer(layer_class, case):
    """(loss, ds) of a loss layer: forward(s, y) -> loss, backward() -> ds (the end of the
    backward pass, so no upstream gradient is passed). As above, run alone and with a second
    layer object running forward in between."""
    solo = layer_class()
    solo.forward(_copy(case["s"]), _labels(case["y"]))
    alone = solo.backward()
    layer, other = layer_class(), layer_class()
    loss = layer.forward(_copy(case["s"]), _labels(case["y"]))
    other.forward(0.5 * _copy(case["s"]) - 1.0, _labels(case["y"])[::-1].copy())
    ds = layer.backward()
    _own_cache(layer_class, (alone,), (ds,))
    return Outputs(loss=loss, ds=ds)


def _loss_and_grads(fn, result):
    loss, grads = _pair(result, fn, ("loss", "grads"))
    if not isinstance(grads, dict):
        raise GradingError(_("{fn} returned grads as {type}: grads should be a dict with the "
                             "keys of params ({keys}).",
                             fn=getattr(fn, "__name__", None) or _("your function"),
                             type=type(grads).__name__, keys=", ".join(PARAMS)))
    return Outputs(loss=loss, **{f"d{k}": grads.get(k) for k in PARAMS})


class Bowl:
    """A gradient function for training checks that needs no network: the quadratic bowl
    L = sum over k of sum(curve[k] * (params[k] - target[k])^2), minimal at `target`."""

    def __init__(self, target, curve):
        self.target = {k: np.asarray(v, dtype=float) for k, v in target.items()}
        self.curve = {k: np.asarray(v, dtype=float) for k, v in curve.items()}

    def __call__(self, params, X, Y):
        diff = {k: np.asarray(params[k], dtype=float) - self.target[k] for k in self.target}
        loss = float(sum(np.sum(self.curve[k] * d ** 2) for k, d in diff.items()))
        return loss, {k: 2.0 * self.curve[k] * d for k, d in diff.items()}


class Path:
    """A gradient function that replays a recorded run of gradient descent: at parameters on the
    recorded path it returns that step's loss and gradients (a correct loop stays on the path; one
    that leaves it is wrong whatever it gets back, so it gets the nearest step's)."""

    def __init__(self, params, losses, grads):
        self.keys = sorted(params[0])
        self.points = np.array([self._flat(p) for p in params])
        self.losses, self.grads = [float(v) for v in losses], grads
        self.calls = 0

    def _flat(self, params):
        return np.concatenate([np.asarray(params[k], dtype=float).ravel() for k in self.keys])

    def __call__(self, params, X, Y):
        try:
            here = self._flat(params)
        except (KeyError, ValueError, TypeError):
            here = None
        k = min(self.calls, len(self.points) - 1)
        if here is not None and here.shape == self.points[k].shape and \
                not REPEAT.agree(here, self.points[k]):
            k = int(np.argmin(np.sum((self.points - here) ** 2, axis=1)))
        self.calls += 1
        return self.losses[k], {key: np.array(v, dtype=float) for key, v in self.grads[k].items()}


class BatchBowl(Bowl):
    """A Bowl whose minimum moves with the mini-batch (X, y) it is given: to target + shift * m,
    m the batch's mean of (sum of a row of X) * (its label + 1). Its gradient is exact at any
    parameters and any batch, and differs for another batch, or for rows paired with other
    labels: a mini-batch loop is compared step by step, shuffling and batching included."""

    def __init__(self, target, curve, shift):
        super().__init__(target, curve)
        self.shift = {k: np.asarray(v, dtype=float) for k, v in shift.items()}

    def __call__(self, params, X, y):
        X, y = np.asarray(X, dtype=float), np.asarray(y, dtype=float)
        m = float(np.mean(X.reshape(len(X), -1).sum(axis=1) * (y + 1.0)))
        moved = {k: self.target[k] + self.shift[k] * m for k in self.target}
        diff = {k: np.asarray(params[k], dtype=float) - moved[k] for k in moved}
        loss = float(sum(np.sum(self.curve[k] * d ** 2) for k, d in diff.items()))
        return loss, {k: 2.0 * self.curve[k] * d for k, d in diff.items()}


def grad_function(spec):
    """The gradient function a training case names: a callable as it is, or as data
    {"bowl": {"target": ..., "curve": ...}}, {"batch_bowl": {..., "shift": ...}} or
    {"path": {"params", "losses", "grads"}}."""
    if callable(spec):
        return spec
    if "bowl" in spec:
        return Bowl(**spec["bowl"])
    if "batch_bowl" in spec:
        return BatchBowl(**spec["batch_bowl"])
    return Path(**spec["path"])


def train_call(fn, case):
    """fn(params, X, Y, grad_fn, lr, steps) -> (params, losses), as named outputs. The case's
    parameters are a dict of any keys and shapes under "params"; its grad_fn may be a function
    or data (see grad_function)."""
    params = {k: _copy(v) for k, v in case["params"].items()}
    return _trained(fn, fn(params, _copy(case["X"]), _copy(case["Y"]),
                           grad_function(case["grad_fn"]), case["lr"], case["steps"]))


def sgd_call(fn, case):
    """fn(params, X, y, grad_fn, lr, epochs, batch_size, seed) -> (params, losses), as named
    outputs (08's mini-batch loop; y integer labels). Parameters and grad_fn as in train_call."""
    params = {k: _copy(v) for k, v in case["params"].items()}
    return _trained(fn, fn(params, _copy(case["X"]), _labels(case["y"]),
                           grad_function(case["grad_fn"]), case["lr"], case["epochs"],
                           case["batch_size"], case["seed"]))


def _trained(fn, result):
    trained, losses = _pair(result, fn, ("params", "losses"))
    try:
        losses = np.asarray(losses, dtype=float).ravel()
    except (TypeError, ValueError):
        pass  # the checker says what is wrong with them
    return Outputs(params=trained, losses=losses)
