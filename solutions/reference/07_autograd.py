"""Reference implementations and hidden-test cases for assignment 07 (instructor side only).

The engine is micrograd's (Karpathy, engine.py): a scalar Value keeps data, grad, the Values it
was computed from (_prev) and a local backward rule (_backward). The hidden tests of the engine
build random expression graphs (course.grading.graphs) with the student's class: random depth,
forks (a node used twice, `a + a` among them), numbers mixed in, every operation; they compare
every node's data and grad, intermediate nodes included. Inputs stay where every rule is defined:
no relu at 0, no division by a number near 0, no negative base under a fractional power.
"""
import math
import random

import numpy as np

from course.grading import Exercise, Mistake
from course.grading.graphs import NODE_ARG, value_graph

# --- references -------------------------------------------------------------------------------


class Value:
    """A scalar that remembers how it was computed, and can backpropagate through it."""

    def __init__(self, data, _prev=(), _op=""):
        self.data = float(data)
        self.grad = 0.0
        self._prev = tuple(_prev)
        self._op = _op
        self._backward = lambda: None

    def __repr__(self):
        return f"Value(data={self.data:.6g}, grad={self.grad:.6g})"

    def __add__(self, other):  # out = self + other: both local gradients are 1
        other = other if isinstance(other, Value) else type(self)(other)
        out = type(self)(self.data + other.data, (self, other), "+")

        def _backward():
            self.grad += out.grad
            other.grad += out.grad
        out._backward = _backward
        return out

    def __mul__(self, other):  # out = self * other: each gets the other's value
        other = other if isinstance(other, Value) else type(self)(other)
        out = type(self)(self.data * other.data, (self, other), "*")

        def _backward():
            self.grad += other.data * out.grad
            other.grad += self.data * out.grad
        out._backward = _backward
        return out

    def __pow__(self, n):  # out = self ** n (n a number): n self^(n-1)
        out = type(self)(self.data ** n, (self,), f"**{n:g}")

        def _backward():
            self.grad += n * self.data ** (n - 1) * out.grad
        out._backward = _backward
        return out

    def exp(self):  # (e^x)' = e^x, the output itself
        out = type(self)(math.exp(self.data), (self,), "exp")

        def _backward():
            self.grad += out.data * out.grad
        out._backward = _backward
        return out

    def tanh(self):  # tanh'(x) = 1 - tanh(x)^2, from the output
        out = type(self)(math.tanh(self.data), (self,), "tanh")

        def _backward():
            self.grad += (1 - out.data ** 2) * out.grad
        out._backward = _backward
        return out

    def relu(self):  # relu'(x) = 1 for x > 0, else 0
        out = type(self)(self.data if self.data > 0 else 0.0, (self,), "relu")

        def _backward():
            self.grad += (self.data > 0) * out.grad
        out._backward = _backward
        return out

    def backward(self):
        """Visit the graph in reverse topological order from grad 1 at this node."""
        order, seen = [], set()

        def visit(v):
            if id(v) not in seen:
                seen.add(id(v))
                for p in v._prev:
                    visit(p)
                order.append(v)
        visit(self)
        self.grad = 1.0
        for v in reversed(order):
            v._backward()

    def __neg__(self):  # -self
        return self * -1

    def __radd__(self, other):  # other + self
        return self + other

    def __sub__(self, other):  # self - other
        return self + (-other)

    def __rsub__(self, other):  # other - self
        return other + (-self)

    def __rmul__(self, other):  # other * self
        return self * other

    def __truediv__(self, other):  # self / other
        return self * other ** -1

    def __rtruediv__(self, other):  # other / self
        return other * self ** -1


def _sigmoid(v):
    return 1 / (1 + (-v).exp())


def circuit_autograd(x, y, z):
    # f = (x + y) z, by the engine
    x, y, z = Value(x), Value(y), Value(z)
    f = (x + y) * z
    f.backward()
    return x.grad, y.grad, z.grad


def neuron_autograd(w, x):
    # f = sigma(w0 x0 + w1 x1 + w2), by the engine
    w, x = [Value(v) for v in w], [Value(v) for v in x]
    f = _sigmoid(w[0] * x[0] + w[1] * x[1] + w[2])
    f.backward()
    return [v.grad for v in w], [v.grad for v in x]


def staged_autograd(x, y):
    # f = (x + sigma(y)) / (sigma(x) + (x + y)^2), by the engine
    x, y = Value(x), Value(y)
    f = (x + _sigmoid(y)) / (_sigmoid(x) + (x + y) ** 2)
    f.backward()
    return x.grad, y.grad


def pattern_autograd(x, y, z, w):
    # f = 2 (x y + max(z, w)), with max(z, w) = w + relu(z - w)
    x, y, z, w = Value(x), Value(y), Value(z), Value(w)
    f = 2 * (x * y + (w + (z - w).relu()))
    f.backward()
    return x.grad, y.grad, z.grad, w.grad


# --- the network of section 4: the notebook's given classes, on the reference engine ---------


class Neuron:
    def __init__(self, n_in, rng, nonlinear=True):
        self.w = [Value(rng.gauss(0, 1)) for _ in range(n_in)]
        self.b = Value(0.0)
        self.nonlinear = nonlinear

    def __call__(self, x):
        z = sum((wi * xi for wi, xi in zip(self.w, x)), self.b)
        return z.tanh() if self.nonlinear else z

    def parameters(self):
        return self.w + [self.b]


class Layer:
    def __init__(self, n_in, n_out, rng, nonlinear=True):
        self.neurons = [Neuron(n_in, rng, nonlinear) for _ in range(n_out)]

    def __call__(self, x):
        return [neuron(x) for neuron in self.neurons]

    def parameters(self):
        return [p for neuron in self.neurons for p in neuron.parameters()]


class MLP:
    def __init__(self, n_in, sizes, seed=0):
        rng = random.Random(seed)
        ins = [n_in] + sizes[:-1]
        self.layers = [Layer(a, b, rng, nonlinear=k < len(sizes) - 1)
                       for k, (a, b) in enumerate(zip(ins, sizes))]

    def __call__(self, x):
        for layer in self.layers:
            x = layer(x)
        return x[0] if len(x) == 1 else x

    def parameters(self):
        return [p for layer in self.layers for p in layer.parameters()]

    def zero_grad(self):
        for p in self.parameters():
            p.grad = 0.0


X_XOR = [[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]]
Y_XOR = [0.0, 1.0, 1.0, 0.0]


def xor_loss(model):
    return sum(((model(x) - y) ** 2 for x, y in zip(X_XOR, Y_XOR)), Value(0.0)) * 0.25


def train_xor(hidden, seed, steps, lr):
    # each step: zero the grads, forward (the loss), backward, a step against the gradient;
    # a step's loss is recorded before its update
    model = MLP(2, [hidden, 1], seed=seed)
    losses = []
    for _ in range(steps):
        loss = xor_loss(model)
        model.zero_grad()
        loss.backward()
        for p in model.parameters():
            p.data -= lr * p.grad
        losses.append(loss.data)
    return losses


# --- forward functions (plain numbers) for the centred-difference oracle ---------------------

def _sig(v):
    return 1.0 / (1.0 + np.exp(-v))


def _neuron_forward(w, x):
    return _sig(w[0] * x[0] + w[1] * x[1] + w[2])


def _staged_forward(x, y):
    return (x + _sig(y)) / (_sig(x) + (x + y) ** 2)


def _pattern_forward(x, y, z, w):
    return 2.0 * (x * y + max(z, w))


# --- random graphs ----------------------------------------------------------------------------

_PLAIN = {
    "add": lambda a, b: a + b, "mul": lambda a, b: a * b, "sub": lambda a, b: a - b,
    "div": lambda a, b: a / b, "add_num": lambda a, c: a + c, "radd": lambda a, c: c + a,
    "mul_num": lambda a, c: a * c, "rmul": lambda a, c: c * a, "sub_num": lambda a, c: a - c,
    "rsub": lambda a, c: c - a, "div_num": lambda a, c: a / c, "rdiv": lambda a, c: c / a,
    "pow": lambda a, c: a ** c, "neg": lambda a, _: -a, "exp": lambda a, _: math.exp(a),
    "tanh": lambda a, _: math.tanh(a), "relu": lambda a, _: max(a, 0.0)}
_ENGINE_OPS = ("add", "mul", "add_num", "radd", "mul_num", "rmul")
_ALL_OPS = tuple(_PLAIN)
_POWERS = (2, 3, -1, -2, 0.5, 1.5, -0.5)


def _number(rng):
    return float(np.round(rng.uniform(0.3, 3.0) * rng.choice([-1.0, 1.0]), 2))


def _defined(op, a, arg, b):
    """True where op's rule is defined and tame at these values (b: node arg's value)."""
    if op == "div":
        return abs(b) > 0.3
    if op == "rdiv":
        return abs(a) > 0.3
    if op == "pow":
        return (abs(a) > 0.3 and (float(arg).is_integer() or a > 0.3)
                and abs(a) ** arg < 30.0)
    if op == "exp":
        return a < 3.0
    if op == "relu":
        return abs(a) > 0.05
    return True


def _graph(rng, ops, size):
    """Leaves and `size` random ops: operands favour recent nodes (depth) and reuse old ones
    (forks); a fork a + a or a * a is always among them. Then the nodes nobody used are summed
    into the output, so every node's gradient is its effect on the output."""
    leaves = [_number(rng) for _ in range(int(rng.integers(1, 4)))]
    values, steps, used = list(leaves), [], set()
    fork_at = int(rng.integers(size))
    while len(steps) < size:
        n = len(values)
        i = int(n - 1 - min(rng.geometric(0.45) - 1, n - 1))
        op = ("add", "mul")[int(rng.integers(2))] if len(steps) == fork_at else \
            ops[int(rng.integers(len(ops)))]
        if len(steps) == fork_at:
            arg = i
        elif op in NODE_ARG:
            arg = int(rng.integers(n))
        elif op == "pow":
            arg = _POWERS[int(rng.integers(len(_POWERS)))]
        elif op in ("neg", "exp", "tanh", "relu"):
            arg = None
        else:
            arg = _number(rng)
        b = values[arg] if op in NODE_ARG else None
        if not _defined(op, values[i], arg, b):
            continue
        out = _PLAIN[op](values[i], b if op in NODE_ARG else arg)
        if not abs(out) < 30.0:
            continue
        steps.append([op, i, arg])
        values.append(out)
        used |= {i, arg} if op in NODE_ARG else {i}
    loose = [k for k in range(len(values) - 1) if k not in used]
    for k in loose:
        steps.append(["add", len(values) - 1, k])
        values.append(values[-1] + values[k])
    return dict(leaves=leaves, ops=steps)


def _engine_inputs(rng):
    return _graph(rng, _ENGINE_OPS, int(rng.integers(2, 13)))


def _operation_inputs(rng):
    return _graph(rng, _ALL_OPS, int(rng.integers(3, 21)))


# Exercise 2's hidden tests, one per family of operations, so that one wrong rule costs its own
# point and not the exercise's: graphs of + and * (forks included) and the family's operations,
# redrawn until the family occurs at least twice.
_FAMILIES = {"arithmetic": ("neg", "sub", "rsub", "sub_num", "div", "div_num", "rdiv"),
             "pow": ("pow",), "exp": ("exp",), "tanh": ("tanh",), "relu": ("relu",)}


def _family_inputs(family):
    ops = _ENGINE_OPS + _FAMILIES[family] * (7 // len(_FAMILIES[family]))

    def draw(rng):
        while True:
            case = _graph(rng, ops, int(rng.integers(4, 16)))
            if sum(op in _FAMILIES[family] for op, _, _ in case["ops"]) >= 2:
                return case
    return draw


def _circuit_inputs(rng):
    return dict(x=_number(rng), y=_number(rng), z=_number(rng))


def _neuron_inputs(rng):
    return dict(w=rng.normal(scale=1.5, size=3), x=rng.normal(scale=1.5, size=2))


def _staged_inputs(rng):
    return dict(x=float(rng.uniform(-4, 4)), y=float(rng.uniform(-4, 4)))


def _pattern_inputs(rng):
    x, y, z = (float(rng.uniform(-4, 4)) for _ in range(3))
    w = z + float(rng.uniform(0.1, 3.0) * rng.choice([-1.0, 1.0]))  # no tie: max has no kink
    return dict(x=x, y=y, z=z, w=w)


def _train_xor_inputs(rng):
    return dict(hidden=int(rng.integers(2, 6)), seed=int(rng.integers(1000)),
                steps=int(rng.integers(4, 25)), lr=float(np.round(rng.uniform(0.05, 0.3), 3)))


# --- recognised mistakes -------------------------------------------------------------------

class _Overwrites(Value):
    """The engine with `=` for `+=` in the + and * rules: a fork keeps only its last branch."""

    def __add__(self, other):
        other = other if isinstance(other, Value) else type(self)(other)
        out = type(self)(self.data + other.data, (self, other), "+")

        def _backward():
            self.grad = out.grad
            other.grad = out.grad
        out._backward = _backward
        return out

    def __mul__(self, other):
        other = other if isinstance(other, Value) else type(self)(other)
        out = type(self)(self.data * other.data, (self, other), "*")

        def _backward():
            self.grad = other.data * out.grad
            other.grad = self.data * out.grad
        out._backward = _backward
        return out


class _TanhOfInput(Value):
    """The engine with tanh'(x) taken as 1 - x^2 of the input x."""

    def tanh(self):
        out = type(self)(math.tanh(self.data), (self,), "tanh")

        def _backward():
            self.grad += (1 - self.data ** 2) * out.grad
        out._backward = _backward
        return out


class _NoVisitedSet(Value):
    """The engine whose depth-first sort has no visited set: a node reached along two paths
    enters the order twice, and its rule runs twice (a fork on an inner node, c = 2a and
    L = c + c, gives dL/da = 8 instead of 4). A fork on a leaf (b = a + a) hides it: a leaf has
    no rule."""

    def backward(self):
        order = []

        def visit(v):
            for p in v._prev:
                visit(p)
            order.append(v)
        visit(self)
        self.grad = 1.0
        for v in reversed(order):
            v._backward()


_REVISIT_HINT = ("some gradients are too large, as if a node's backward rule ran more than "
                 "once: a node used twice (c in L = c + c) is reached along two paths, so "
                 "backward() must remember the nodes it has visited and put each into the "
                 "topological order once (a visited set), then run each rule once.")

_FORK_HINT = ("some gradients look overwritten where they should add up: a Value used twice "
              "(a fork, like b = a + a) gets a contribution from each use, so each backward "
              "rule must add (+=) to its inputs' grads, not set them.")


def _graph_mistake(key, hint, buggy):
    return Mistake.produces(key, hint, buggy, ("grad",), call=value_graph)


def _train_xor_with(zero_grad=True, sign=-1.0, late=False):
    """The reference loop with one mistake: no zero_grad, a step along the gradient, or each
    loss recorded after its update."""
    def train(hidden, seed, steps, lr):
        model = MLP(2, [hidden, 1], seed=seed)
        losses = []
        for _ in range(steps):
            loss = xor_loss(model)
            if zero_grad:
                model.zero_grad()
            loss.backward()
            for p in model.parameters():
                p.data += sign * lr * p.grad
            losses.append(xor_loss(model).data if late else loss.data)
        return losses
    return train


_NO_ZERO_GRAD_HINT = ("from the third step on your losses go astray, as if the gradients of "
                      "earlier steps were still there: backward() adds to every grad, so each "
                      "step must start with model.zero_grad(), before loss.backward().")


_TANH_MISTAKE = _graph_mistake(
    "autograd.tanh_input", "the tanh rule looks like 1 - x^2 of its input x: "
    "tanh'(x) = 1 - tanh(x)^2 is written in terms of the node's *output*.", _TanhOfInput)


def _family(family):
    """The fields of an operation family's hidden test but its title (and its mistakes)."""
    return dict(returns=("data", "grad"), draw=_family_inputs(family), reference=Value,
                call=value_graph, cases=20)


EXERCISES = {
    "Value": Exercise(
        title="Value with + and * and backward()", returns=("data", "grad"),
        draw=_engine_inputs, reference=Value, call=value_graph, cases=30,
        fixed=(dict(leaves=[3.0], ops=[["add", 0, 0]]),
               dict(leaves=[3.0], ops=[["rmul", 0, 2.0], ["add", 1, 1]]),
               dict(leaves=[-2.0, 5.0, -4.0], ops=[["add", 0, 1], ["mul", 3, 2]])),
        mistakes=(_graph_mistake("autograd.overwritten", _FORK_HINT, _Overwrites),
                  _graph_mistake("autograd.revisits", _REVISIT_HINT, _NoVisitedSet))),
    "operations": Exercise(
        title="Value operations (-, /, **, exp, tanh, relu)", returns=("data", "grad"),
        draw=_operation_inputs, reference=Value, call=value_graph, cases=40,
        mistakes=(_TANH_MISTAKE,)),
    "operations_arithmetic": Exercise(title="Value: - and / (numbers on either side)",
                                      **_family("arithmetic")),
    "operations_pow": Exercise(title="Value: powers (**)", **_family("pow")),
    "operations_exp": Exercise(title="Value: exp", **_family("exp")),
    "operations_tanh": Exercise(title="Value: tanh", **_family("tanh"), mistakes=(_TANH_MISTAKE,)),
    "operations_relu": Exercise(title="Value: relu", **_family("relu")),
    "circuit_autograd": Exercise(
        title="(x + y) z by the engine", returns=("dx", "dy", "dz"), draw=_circuit_inputs,
        reference=circuit_autograd, fixed=(dict(x=-2.0, y=5.0, z=-4.0),),
        forward=lambda x, y, z: (x + y) * z, wrt=("x", "y", "z")),
    "neuron_autograd": Exercise(
        title="the sigmoid neuron by the engine", returns=("dw", "dx"), draw=_neuron_inputs,
        reference=neuron_autograd,
        fixed=(dict(w=np.array([2.0, -3.0, -3.0]), x=np.array([-1.0, -2.0])),),
        forward=_neuron_forward, wrt=("w", "x")),
    "staged_autograd": Exercise(
        title="f(x, y) of notebook 04 by the engine", returns=("dx", "dy"), draw=_staged_inputs,
        reference=staged_autograd, fixed=(dict(x=3.0, y=-4.0),),
        forward=_staged_forward, wrt=("x", "y")),
    "pattern_autograd": Exercise(
        title="2 (x y + max(z, w)) by the engine", returns=("dx", "dy", "dz", "dw"),
        draw=_pattern_inputs, reference=pattern_autograd,
        fixed=(dict(x=3.0, y=-4.0, z=2.0, w=-1.0),),
        forward=_pattern_forward, wrt=("x", "y", "z", "w")),
    "train_xor": Exercise(
        title="XOR training loop on the engine", returns=("losses",), draw=_train_xor_inputs,
        reference=train_xor, fixed=(dict(hidden=4, seed=2, steps=6, lr=0.1),), cases=10,
        mistakes=(
            Mistake.produces("autograd.no_zero_grad", _NO_ZERO_GRAD_HINT,
                             _train_xor_with(zero_grad=False), ("losses",)),
            Mistake.produces(
                "train.uphill", "every step went uphill: a gradient-descent step goes *against* "
                "the gradient, theta - lr * gradient.", _train_xor_with(sign=1.0), ("losses",)),
            Mistake.produces(
                "train.late_loss", "your losses are one step ahead: record each step's loss "
                "before that step's update.", _train_xor_with(late=True), ("losses",)))),
}
