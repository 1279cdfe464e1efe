"""How big the gradient is at each layer of a deep chain: notebook 06's vanishing gradients.

The layer classes are the caller's (a student's Affine and activation layers), so this module
holds no answer: it only stacks them, runs them forward and backward, and measures.
"""
import numpy as np


def chain_gradient_sizes(affine, activation, depth=10, width=16, batch=32, seed=0):
    """Mean |gradient| arriving at the output of each of `depth` layers affine -> activation,
    listed from layer 1 (nearest the input) to layer `depth` (whose upstream gradient is 1).

    Weights are N(0, 2/width) (He's scale for ReLU), biases 0, the input N(0, 1), all from
    `seed`: the same numbers for every activation, so only the activation differs.
    """
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(batch, width))
    weights = [rng.normal(scale=np.sqrt(2.0 / width), size=(width, width)) for _ in range(depth)]
    layers = []
    for W in weights:
        layers += [affine(W, np.zeros(width)), activation()]
    out = x
    for layer in layers:
        out = layer.forward(out)
    dout, sizes = np.ones_like(out), []
    for affine_layer, act in zip(layers[-2::-2], layers[::-2]):  # from the top down
        sizes.append(float(np.mean(np.abs(dout))))
        dout = affine_layer.backward(act.backward(dout))
    return np.array(sizes[::-1])


def flat_stretch(losses, rate=1e-4):
    """(first, last) step of the longest run where the loss falls by less than `rate` per step
    while still above half its start: a plateau, not the end of training."""
    losses = np.asarray(losses, dtype=float)
    flat = (losses[:-1] - losses[1:] < rate) & (losses[:-1] > losses[0] / 2)
    best, start = (0, -1), None
    for t, f in enumerate(np.append(flat, False)):
        if f and start is None:
            start = t
        elif not f and start is not None:
            best = max(best, (start, t - 1), key=lambda run: run[1] - run[0])
            start = None
    return best


def example_pulls(backward, params, X, Y, key="W1"):
    """Each example's pull on params[key]: the gradient of its share of the mean loss, from
    `backward(params, X, Y) -> (loss, grads)` run on that example alone, divided by N. The pulls
    add up to the whole batch's gradient. Shape (N, *params[key].shape)."""
    n = len(X)
    return np.array([np.asarray(backward(params, X[i:i + 1], Y[i:i + 1])[1][key], dtype=float) / n
                     for i in range(n)])


def cancellation(pulls):
    """How much of the pulls survives their sum: sum over entries of |sum of the pulls| divided
    by the sum over entries and examples of |pull|. 1 when all pull the same way, near 0 when
    they cancel."""
    pulls = np.asarray(pulls, dtype=float)
    return float(np.abs(pulls.sum(axis=0)).sum() / np.abs(pulls).sum())
