"""The data sets of the notebooks: the four truth-table points of AND, OR and XOR, labelled +1
(true) and -1 (false); the 8x8 handwritten digits of notebook 08."""
from pathlib import Path

import numpy as np

POINTS = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])

GATES = {
    "AND": np.array([-1.0, -1.0, -1.0, 1.0]),
    "OR": np.array([-1.0, 1.0, 1.0, 1.0]),
    "XOR": np.array([-1.0, 1.0, 1.0, -1.0]),
}


def truth_table(name):
    """(X, y): X the four points, shape (4, 2); y their labels in {-1, +1}, shape (4,)."""
    return POINTS.copy(), GATES[name.upper()].copy()


def xor_01():
    """XOR with 0/1 targets of shape (4, 1), for the sigmoid network of notebook 06."""
    return POINTS.copy(), (GATES["XOR"] > 0).astype(float).reshape(4, 1)


_DIGITS = Path(__file__).with_name("data") / "digits.npz"

DIGITS_SPLIT = dict(test=360, seed=0)
"""The fixed split of notebook 08: 360 test images drawn by a permutation with seed 0, the other
1,437 for training."""


def digits():
    """(images, labels) of the 1,797 handwritten digits: images uint8 of shape (1797, 8, 8) with
    values 0..16, labels uint8 0..9 (source and licence: course/data/README.md)."""
    with np.load(_DIGITS) as data:
        return data["images"].copy(), data["labels"].copy()


def digits_split(test=DIGITS_SPLIT["test"], seed=DIGITS_SPLIT["seed"]):
    """(X_train, y_train, X_test, y_test): each image a row of 64 pixels scaled to [0, 1] (/16),
    labels as ints; the last `test` images of a permutation drawn with `seed` are the test set."""
    images, labels = digits()
    X, y = images.reshape(len(images), 64) / 16.0, labels.astype(int)
    order = np.random.default_rng(seed).permutation(len(X))
    train, held_out = order[:-test], order[-test:]
    return X[train], y[train], X[held_out], y[held_out]
