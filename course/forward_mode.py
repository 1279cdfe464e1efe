"""Forward-mode automatic differentiation with dual numbers, for notebook 07's contrast with
reverse mode.

A dual number carries a value and its derivative along one chosen direction (`dot`); every
operation applies the chain rule forward, so one pass gives the derivative of the output with
respect to ONE input. The whole gradient of a function of n inputs takes n passes, where reverse
mode (the notebook's Value) takes one backward pass. Nothing is kept for later: forward mode needs
no memory for intermediates, reverse mode keeps every node of the graph until backward() is done.
"""
import math


class Dual:
    """value + dot * eps with eps^2 = 0: each operation computes its value and its derivative."""

    def __init__(self, value, dot=0.0):
        self.value, self.dot = float(value), float(dot)

    def __add__(self, other):  # (u + v)' = u' + v'
        other = other if isinstance(other, Dual) else Dual(other)
        return Dual(self.value + other.value, self.dot + other.dot)

    def __mul__(self, other):  # (u v)' = u' v + u v'
        other = other if isinstance(other, Dual) else Dual(other)
        return Dual(self.value * other.value, self.dot * other.value + self.value * other.dot)

    __radd__, __rmul__ = __add__, __mul__

    def __sub__(self, other):  # u - v = u + (-1) v
        return self + other * -1

    def tanh(self):  # tanh' = 1 - tanh^2
        t = math.tanh(self.value)
        return Dual(t, (1 - t * t) * self.dot)


class Plain(float):
    """A plain float with tanh, so that one scalar function, written with +, -, * and tanh, runs
    on plain numbers (centred differences), Duals and the notebook's Values alike."""

    def __add__(self, other):
        return Plain(float(self) + other)

    def __mul__(self, other):
        return Plain(float(self) * other)

    __radd__, __rmul__ = __add__, __mul__

    def __sub__(self, other):
        return Plain(float(self) - other)

    def tanh(self):
        return Plain(math.tanh(self))


def forward_gradient(f, point):
    """The gradient of f (a function of a list of numbers) at `point`, by forward mode: one pass
    per input, with that input's dot set to 1 and every other input's to 0."""
    return [f([Dual(v, float(j == i)) for j, v in enumerate(point)]).dot
            for i in range(len(point))]
