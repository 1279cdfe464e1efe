"""The four truth-table points of AND, OR and XOR, labelled +1 (true) and -1 (false)."""
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
