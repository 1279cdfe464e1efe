"""Reference implementations and hidden-test cases for assignment 01 (instructor side only).

The perceptron's rule, fixed by the notebook: label +1 where w.x + b > 0, and -1 where
w.x + b <= 0 (a score of exactly 0 is -1). Training starts from w = 0, b = 0 and visits the
points in the order given, so it is deterministic and every answer can be compared exactly.
"""
import numpy as np

from course.datasets import POINTS, truth_table
from course.grading import Exercise, Mistake

# --- references -------------------------------------------------------------------------------

def perceptron_predict(w, b, X):
    return np.where(X @ w + b > 0, 1.0, -1.0)  # strictly positive score fires


def perceptron_update(w, b, x, y, lr):
    if (1.0 if x @ w + b > 0 else -1.0) == y:
        return w, b  # classified right: no change
    return w + lr * y * x, b + lr * y  # a mistake moves the line towards x's side


def train_perceptron(X, y, epochs, lr):
    w, b, errors = np.zeros(X.shape[1]), 0.0, []
    for _ in range(epochs):
        mistakes = 0
        for xi, yi in zip(X, y):
            new_w, new_b = perceptron_update(w, b, xi, yi, lr)
            mistakes += int(new_b != b or np.any(new_w != w))
            w, b = new_w, new_b
        errors.append(mistakes)
    return w, b, errors


def xor_network(X):
    step = lambda s: np.where(s > 0, 1.0, -1.0)  # noqa: E731
    h_or = step(X @ np.array([1.0, 1.0]) - 0.5)     # x1 OR x2
    h_nand = step(X @ np.array([-1.0, -1.0]) + 1.5)  # NOT (x1 AND x2)
    return step(h_or + h_nand - 1.0)                 # both: AND of the hidden units (+-1 inputs)


# --- case generators --------------------------------------------------------------------------

def _predict_inputs(rng):
    """Random sizes and weights; a score of exactly 0 has probability 0 here (ties are fixed
    cases)."""
    n, d = int(rng.integers(2, 9)), int(rng.integers(1, 5))  # n > 1: see _xor_inputs
    return dict(w=rng.normal(0, 2, d), b=float(rng.normal()), X=rng.normal(0, 2, (n, d)))


def _update_inputs(rng):
    """Six cases in ten are mistakes (y opposite the score's side), the rest are already right."""
    d = int(rng.integers(1, 5))
    w, b, x = rng.normal(0, 2, d), float(rng.normal()), rng.normal(0, 2, d)
    side = 1.0 if x @ w + b > 0 else -1.0
    y = -side if rng.random() < 0.6 else side
    return dict(w=w, b=b, x=x, y=float(y), lr=float(rng.uniform(0.1, 2.0)))


def _train_inputs(rng):
    """Half the sets separable by a random line, half with random labels (usually not)."""
    n, d = int(rng.integers(4, 11)), int(rng.integers(2, 4))
    X = rng.normal(0, 1.5, (n, d))
    if rng.random() < 0.5:
        y = np.where(X @ rng.normal(size=d) + rng.normal(0, 0.5) > 0, 1.0, -1.0)
    else:
        y = rng.choice([-1.0, 1.0], n)
    return dict(X=X, y=y, epochs=int(rng.integers(3, 16)), lr=float(rng.uniform(0.1, 2.0)))


def _xor_inputs(rng):
    """Truth-table rows in a random order, with repeats. At least two rows: the checker unwraps a
    one-element list, so a correct answer returning a Python list would fail at n = 1."""
    return dict(X=POINTS[rng.integers(0, 4, int(rng.integers(2, 9)))])


def _gate(name, epochs, lr):
    X, y = truth_table(name)
    return dict(X=X, y=y, epochs=epochs, lr=lr)


def _train_margin_rule(X, y, epochs, lr):
    """train_perceptron with the update test y (w.x + b) <= 0: a score of exactly 0 is then a
    mistake whatever the label, though the perceptron labels it -1 (right when y = -1)."""
    w, b, errors = np.zeros(X.shape[1]), 0.0, []
    for _ in range(epochs):
        mistakes = 0
        for xi, yi in zip(X, y):
            if yi * (xi @ w + b) <= 0:
                w, b, mistakes = w + lr * yi * xi, b + lr * yi, mistakes + 1
        errors.append(mistakes)
    return w, b, errors


TIES = (  # scores of exactly 0 are labelled -1
    dict(w=np.array([1.0, -1.0]), b=0.0, X=np.array([[1.0, 1.0], [2.0, 1.0], [0.0, 3.0]])),
    dict(w=np.zeros(2), b=0.0, X=POINTS.copy()),
)

EXERCISES = {
    "perceptron_predict": Exercise(
        title="perceptron prediction", returns=("labels",), draw=_predict_inputs,
        reference=perceptron_predict, fixed=TIES,
        # The perceptron widget's fallback rule is the same threshold: not usable here.
        forbid=("course.pictures.perceptron._sign", "course.pictures.perceptron.perceptron_errors"),
        mistakes=(
            Mistake.produces("labels.tie", "a score of exactly 0 is labelled -1: the unit "
                             "fires only when w.x + b is strictly positive.",
                             lambda w, b, X: np.where(X @ w + b >= 0, 1.0, -1.0), ("labels",)),)),
    "perceptron_update": Exercise(
        title="perceptron learning rule", returns=("w", "b"), draw=_update_inputs,
        reference=perceptron_update,
        fixed=(dict(w=np.zeros(2), b=0.0, x=np.array([1.0, 1.0]), y=-1.0, lr=1.0),
               dict(w=np.zeros(2), b=0.0, x=np.array([1.0, 1.0]), y=1.0, lr=1.0))),
    # (its hints live in course.grading.hints.NAMED, so visible tests show them too)
    "train_perceptron": Exercise(
        title="perceptron training", returns=("w", "b", "errors"), draw=_train_inputs,
        reference=train_perceptron, cases=20,
        fixed=(_gate("AND", 10, 1.0), _gate("OR", 10, 1.0), _gate("XOR", 10, 1.0),
               _gate("AND", 8, 0.5), _gate("XOR", 25, 0.3)),
        # every run starts at w = 0, b = 0, where the first point's score is exactly 0
        mistakes=(Mistake.produces(
            "train.tie", "a score of exactly 0 is labelled -1, so a point with label -1 and "
            "score 0 is classified right and must not move w and b: the test "
            "y (w.x + b) <= 0 counts it as a mistake.", _train_margin_rule,
            ("w", "b", "errors")),)),
    "xor_network": Exercise(
        title="two-layer XOR network", returns=("labels",), draw=_xor_inputs,
        reference=xor_network, cases=10, fixed=(dict(X=POINTS.copy()),)),
}
