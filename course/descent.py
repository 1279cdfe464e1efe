"""Gradient descent on a linear score, for notebook 04's scale effect.

The score of example i is s_i = w . x_i, one mul gate per weight followed by adds, so the gradient
on w is assembled from a score's backward pass (the student's `score_backward(w, x, dout)`,
which returns dw, dx). The loss is the squared error L = mean((s_i - y_i)^2), whose gradient on
s_i is 2 (s_i - y_i) / N.
"""
import numpy as np


def least_squares_path(X, y, lr, steps, score_backward):
    """The losses of `steps` gradient-descent steps from w = 0, each recorded before its update;
    shorter if the loss overflows (its last entry is then inf or nan: the run has diverged)."""
    X, y = np.asarray(X, dtype=float), np.asarray(y, dtype=float)
    w = np.zeros(X.shape[1])
    losses = []
    with np.errstate(over="ignore", invalid="ignore"):
        for _ in range(steps):
            s = X @ w
            losses.append(float(np.mean((s - y) ** 2)))
            if not np.isfinite(losses[-1]):
                break
            ds = 2.0 * (s - y) / len(y)             # L = mean((s - y)^2)
            dw = sum(np.asarray(score_backward(w, x, d)[0], dtype=float) for x, d in zip(X, ds))
            w = w - lr * dw
    return np.array(losses)
