"""Simulated answers for assignment 07: typical bugs and differently written correct answers.

The engine is one class written over two answer cells, and the worked examples run on it: a bug
in a rule that a later exercise uses loses that exercise's points too (a wrong mul rule makes every
worked example wrong). Each bug names every test it must fail, and no other; the comments say why
a later exercise does or does not see it.
"""
from autograder.submissions import alt, bug

ENGINE = ("value_engine_visible", "value_engine_hidden")
OPS_VISIBLE = ("value_operations_visible",)
ARITHMETIC, POW, EXP, TANH, RELU = (f"value_{f}_hidden" for f in ("arithmetic", "pow", "exp",
                                                                   "tanh", "relu"))
OPS = OPS_VISIBLE + (ARITHMETIC, POW, EXP, TANH, RELU)
WORKED = ("worked_examples_visible", "worked_examples_hidden")
TRAIN = ("train_xor_visible", "train_xor_hidden")

_ENGINE = '''
class Value:
    def __init__(self, data, _prev=(), _op=""):
        self.data = float(data)
        self.grad = 0.0
        self._prev = tuple(_prev)
        self._op = _op
        self._backward = lambda: None

    def __repr__(self):
        return f"Value(data={self.data:.6g}, grad={self.grad:.6g})"

    def __add__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        out = Value(self.data + other.data, (self, other), "+")

        def _backward():
            self.grad += out.grad
            other.grad += out.grad
        out._backward = _backward
        return out

    def __mul__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        out = Value(self.data * other.data, (self, other), "*")

        def _backward():
            self.grad += other.data * out.grad
            other.grad += self.data * out.grad
        out._backward = _backward
        return out

    def __radd__(self, other):
        return self + other

    def __rmul__(self, other):
        return self * other

    def backward(self):
        order, seen = [], set()

        def visit(v):
            if v not in seen:
                seen.add(v)
                for p in v._prev:
                    visit(p)
                order.append(v)
        visit(self)
        self.grad = 1.0
        for v in reversed(order):
            v._backward()
'''


def _engine(*changes):
    """The instructor's engine with each (old, new) text replaced (each must occur)."""
    source = _ENGINE
    for old, new in changes:
        assert old in source, old
        source = source.replace(old, new)
    return source


_OPERATIONS = '''
class Value(Value):
    def __neg__(self):
        return self * -1

    def __sub__(self, other):
        return self + (-other)

    def __rsub__(self, other):
        return other + (-self)

    def __truediv__(self, other):
        return self * other ** -1

    def __rtruediv__(self, other):
        return other * self ** -1

    def __pow__(self, n):
        out = Value(self.data ** n, (self,), f"**{n:g}")

        def _backward():
            self.grad += n * self.data ** (n - 1) * out.grad
        out._backward = _backward
        return out

    def exp(self):
        out = Value(math.exp(self.data), (self,), "exp")

        def _backward():
            self.grad += out.data * out.grad
        out._backward = _backward
        return out

    def tanh(self):
        out = Value(math.tanh(self.data), (self,), "tanh")

        def _backward():
            self.grad += (1 - out.data ** 2) * out.grad
        out._backward = _backward
        return out

    def relu(self):
        out = Value(self.data if self.data > 0 else 0.0, (self,), "relu")

        def _backward():
            self.grad += (self.data > 0) * out.grad
        out._backward = _backward
        return out
'''


def _operations(old, new):
    assert old in _OPERATIONS, old
    return _OPERATIONS.replace(old, new)


_WORKED = '''
def circuit_autograd(x, y, z):
    x, y, z = Value(x), Value(y), Value(z)
    f = (x + y) * z
    f.backward()
    return x.grad, y.grad, z.grad


def neuron_autograd(w, x):
    w = [Value(v) for v in w]
    x = [Value(v) for v in x]
    z = w[0] * x[0] + w[1] * x[1] + w[2]
    f = 1 / (1 + (-z).exp())
    f.backward()
    return [v.grad for v in w], [v.grad for v in x]


def staged_autograd(x, y):
    x, y = Value(x), Value(y)
    sig_x = 1 / (1 + (-x).exp())
    sig_y = 1 / (1 + (-y).exp())
    f = (x + sig_y) / (sig_x + (x + y) ** 2)
    f.backward()
    return x.grad, y.grad


def pattern_autograd(x, y, z, w):
    x, y, z, w = Value(x), Value(y), Value(z), Value(w)
    f = 2 * (x * y + (w + (z - w).relu()))
    f.backward()
    return x.grad, y.grad, z.grad, w.grad
'''


_TRAIN = '''
def train_xor(hidden, seed, steps, lr):
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
'''


def _train(old, new):
    assert old in _TRAIN, old
    return _TRAIN.replace(old, new)


def _worked(old, new):
    assert old in _WORKED, old
    return _WORKED.replace(old, new)


VARIANTS = {
    # Exercise 1: the engine
    "engine_rules_overwrite": bug(
        "value_engine_answer", ENGINE + OPS + WORKED + TRAIN, "`=` instead of `+=` in the + and * rules",
        # every graph with a fork is wrong, and f(x, y) of notebook 04 uses x three times
        _engine(("self.grad += out.grad\n            other.grad += out.grad",
                 "self.grad = out.grad\n            other.grad = out.grad"),
                ("self.grad += other.data * out.grad\n            other.grad += self.data",
                 "self.grad = other.data * out.grad\n            other.grad = self.data")),
        hints=("autograd.overwritten",)),
    "engine_mul_not_swapped": bug(
        "value_engine_answer", ENGINE + OPS + WORKED + TRAIN, "mul rule not swapped (each factor's own "
        "value)", _engine(("self.grad += other.data * out.grad\n            other.grad += "
                           "self.data * out.grad",
                           "self.grad += self.data * out.grad\n            other.grad += "
                           "other.data * out.grad"))),
    "engine_no_topological_order": bug(
        "value_engine_answer", ENGINE + OPS[1:],
        "backward() walks the graph depth-first, applying each rule when it reaches the node",
        # right on trees and where only leaves fork (the operations' visible graphs, all four
        # worked examples and the training loop's network), wrong when an intermediate node is used twice: its rule runs before
        # all its gradient has arrived, then again (the engine's visible c = 2a, L = c + c gives
        # dL/da = 8, not 4)
        _engine(('''        order, seen = [], set()

        def visit(v):
            if v not in seen:
                seen.add(v)
                for p in v._prev:
                    visit(p)
                order.append(v)
        visit(self)
        self.grad = 1.0
        for v in reversed(order):
            v._backward()''', '''        self.grad = 1.0
        todo = [self]
        while todo:
            v = todo.pop()
            v._backward()
            todo.extend(v._prev)''')), hints=("autograd.revisits",)),
    "engine_topo_no_visited_set": bug(
        "value_engine_answer", ENGINE + OPS[1:],
        "topological sort without a visited set",
        # a node reached along two paths enters the order twice and runs its rule twice; on
        # trees and forks of leaves only (b = a + a) it is right, so only an inner fork shows it
        _engine(("order, seen = [], set()", "order = []"),
                ("""            if v not in seen:
                seen.add(v)
                for p in v._prev:
                    visit(p)
                order.append(v)""", """            for p in v._prev:
                visit(p)
            order.append(v)""")), hints=("autograd.revisits",)),
    "engine_no_seed": bug(
        "value_engine_answer", ENGINE + OPS + WORKED + TRAIN, "forgets to set the output's grad to 1",
        _engine(("        self.grad = 1.0\n", ""))),
    "engine_iterative_topo": alt("value_engine_answer", "iterative topological sort with a stack",
        _engine(('''        order, seen = [], set()

        def visit(v):
            if v not in seen:
                seen.add(v)
                for p in v._prev:
                    visit(p)
                order.append(v)
        visit(self)''', '''        order, seen, stack = [], set(), [(self, False)]
        while stack:
            v, done = stack.pop()
            if done:
                order.append(v)
            elif id(v) not in seen:
                seen.add(id(v))
                stack.append((v, True))
                stack.extend((p, False) for p in v._prev)'''))),
    "engine_counting_users": alt(
        "value_engine_answer", "Kahn's order (a node runs once all its users have), local "
                               "derivatives named", '''
class Value:
    def __init__(self, data, _prev=(), _op=""):
        self.data = float(data)
        self.grad = 0.0
        self._prev = tuple(_prev)
        self._op = _op
        self._backward = lambda: None

    def __repr__(self):
        return f"Value({self.data}, grad={self.grad})"

    @staticmethod
    def _wrap(v):
        return v if isinstance(v, Value) else Value(v)

    def __add__(self, other):
        other = Value._wrap(other)
        out = Value(self.data + other.data, [self, other], "+")

        def _backward():
            for v in (self, other):
                v.grad = v.grad + 1.0 * out.grad
        out._backward = _backward
        return out

    def __mul__(self, other):
        other = Value._wrap(other)
        out = Value(other.data * self.data, [self, other], "*")

        def _backward():
            d_self, d_other = other.data, self.data   # the mul gate swaps
            self.grad += d_self * out.grad
            other.grad += d_other * out.grad
        out._backward = _backward
        return out

    def __radd__(self, other):
        return Value._wrap(other) + self

    def __rmul__(self, other):
        return Value._wrap(other) * self

    def backward(self):
        users, todo, nodes = {}, [self], {}
        while todo:
            v = todo.pop()
            if id(v) in nodes:
                continue
            nodes[id(v)] = v
            for p in v._prev:
                users[id(p)] = users.get(id(p), 0) + 1
                todo.append(p)
        self.grad = 1
        ready = [self]
        while ready:
            v = ready.pop()
            v._backward()
            for p in v._prev:
                users[id(p)] -= 1
                if users[id(p)] == 0:
                    ready.append(p)
'''),
    # Exercise 2: more operations
    "ops_tanh_of_input": bug(
        "value_operations_answer", OPS_VISIBLE + (TANH,) + TRAIN, "tanh' as 1 - x^2 of the input x",
        # no worked example uses tanh; the network of the training loop does
        _operations("(1 - out.data ** 2)", "(1 - self.data ** 2)"),
        hints=("autograd.tanh_input",)),
    "ops_exp_of_input": bug(
        "value_operations_answer", OPS_VISIBLE + (EXP,) + WORKED, "exp rule multiplies by the input",
        # every sigmoid of the worked examples goes through exp
        _operations("self.grad += out.data * out.grad", "self.grad += self.data * out.grad")),
    "ops_relu_no_upstream": bug(
        "value_operations_answer", OPS_VISIBLE + (RELU,) + WORKED, "relu rule forgets out.grad (the upstream "
        "gradient)",
        # the pattern circuit's max is built from relu, under a factor 2
        _operations("self.grad += (self.data > 0) * out.grad", "self.grad += (self.data > 0)")),
    "ops_pow_without_n": bug(
        "value_operations_answer", OPS_VISIBLE + (ARITHMETIC, POW) + WORKED + TRAIN, "power rule without the factor n",
        # 1 / u is u ** -1: without n = -1 the neuron's gradients are exactly negated
        _operations("self.grad += n * self.data ** (n - 1) * out.grad",
                    "self.grad += self.data ** (n - 1) * out.grad"), hints=("sign",)),
    "ops_own_rules": alt("value_operations_answer", "own rules for -, / and neg, no composition", '''
class Value(Value):
    def __neg__(self):
        out = Value(-self.data, (self,), "neg")

        def _backward():
            self.grad -= out.grad
        out._backward = _backward
        return out

    def __sub__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        out = Value(self.data - other.data, (self, other), "-")

        def _backward():
            self.grad += out.grad
            other.grad -= out.grad
        out._backward = _backward
        return out

    def __rsub__(self, other):
        return Value(other) - self

    def __truediv__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        out = Value(self.data / other.data, (self, other), "/")

        def _backward():
            self.grad += out.grad / other.data
            other.grad += -self.data / other.data ** 2 * out.grad
        out._backward = _backward
        return out

    def __rtruediv__(self, other):
        return Value(other) / self

    def __pow__(self, n):
        out = Value(math.pow(self.data, n), (self,), f"**{n}")

        def _backward():
            self.grad += n * math.pow(self.data, n - 1) * out.grad
        out._backward = _backward
        return out

    def exp(self):
        e = math.exp(self.data)
        out = Value(e, (self,), "exp")

        def _backward():
            self.grad += e * out.grad
        out._backward = _backward
        return out

    def tanh(self):
        t = math.tanh(self.data)
        out = Value(t, (self,), "tanh")

        def _backward():
            self.grad += (1 - t * t) * out.grad
        out._backward = _backward
        return out

    def relu(self):
        out = Value(max(self.data, 0.0), (self,), "relu")

        def _backward():
            if self.data > 0:
                self.grad += out.grad
        out._backward = _backward
        return out
'''),
    "ops_tanh_from_exp": alt(
        "value_operations_answer", "tanh from exp, relu by a float mask, sub via negation",
        _operations('''    def tanh(self):
        out = Value(math.tanh(self.data), (self,), "tanh")

        def _backward():
            self.grad += (1 - out.data ** 2) * out.grad
        out._backward = _backward
        return out''', '''    def tanh(self):
        e2 = (2 * self).exp()
        return (e2 - 1) / (e2 + 1)''').replace(
            "self.grad += (self.data > 0) * out.grad",
            "self.grad += float(out.data > 0) * out.grad").replace(
            "return other + (-self)", "return -self + other")),
    # Exercise 3: the worked examples
    "worked_neuron_sigma_sign": bug(
        "worked_examples_answer", WORKED, "sigma(z) as 1 / (1 + e^z)",
        # sigma(-z) instead of sigma(z): every gradient is exactly the negative of the right one
        _worked("f = 1 / (1 + (-z).exp())", "f = 1 / (1 + z.exp())"), hints=("sign",)),
    "worked_staged_fork_cut": bug(
        "worked_examples_answer", WORKED, "sigma(x) from a fresh Value: x's fork is cut",
        _worked("sig_x = 1 / (1 + (-x).exp())", "sig_x = 1 / (1 + (-Value(x.data)).exp())")),
    "worked_max_without_w": bug(
        "worked_examples_answer", WORKED, "max(z, w) as relu(z - w), without + w",
        _worked("(w + (z - w).relu())", "(z - w).relu()")),
    "worked_circuit_data": bug(
        "worked_examples_answer", WORKED, "returns the data, not the grads",
        _worked("return x.grad, y.grad, z.grad\n", "return x.data, y.data, z.data\n")),
    "worked_helpers_and_arrays": alt(
        "worked_examples_answer", "a sigmoid helper, sum() of the products, numpy arrays", '''
def sigmoid(v):
    return 1 / (1 + (-v).exp())


def circuit_autograd(x, y, z):
    x, y, z = (Value(v) for v in (x, y, z))
    q = x + y
    f = q * z
    f.backward()
    return [x.grad, y.grad, z.grad]


def neuron_autograd(w, x):
    w = [Value(v) for v in w]
    x = [Value(v) for v in x]
    f = sigmoid(sum(wi * xi for wi, xi in zip(w, x)) + w[-1])
    f.backward()
    return np.array([v.grad for v in w]), np.array([v.grad for v in x])


def staged_autograd(x, y):
    x, y = Value(x), Value(y)
    num = x + sigmoid(y)
    den = sigmoid(x) + (x + y) * (x + y)
    f = num * den ** -1
    f.backward()
    return x.grad, y.grad


def pattern_autograd(x, y, z, w):
    x, y, z, w = Value(x), Value(y), Value(z), Value(w)
    f = (x * y + z + (w - z).relu()) * 2
    f.backward()
    return x.grad, y.grad, z.grad, w.grad
'''),
    "worked_tanh_sigmoid": alt(
        "worked_examples_answer", "sigma(z) = (1 + tanh(z / 2)) / 2, a loop for the neuron",
        _worked("z = w[0] * x[0] + w[1] * x[1] + w[2]\n    f = 1 / (1 + (-z).exp())", '''z = w[2]
    for wi, xi in zip(w[:2], x):
        z = z + wi * xi
    f = (1 + (z / 2).tanh()) / 2''')),
    # Exercise 4: the training loop
    "train_no_zero_grad": bug(
        "train_xor_answer", TRAIN, "the loop of section 4 as it was: no zero_grad",
        _train("        model.zero_grad()\n", ""), hints=("autograd.no_zero_grad",)),
    "train_zero_grad_after_backward": bug(
        "train_xor_answer", TRAIN, "zero_grad between backward() and the update: no step moves",
        _train("        model.zero_grad()\n        loss.backward()\n",
               "        loss.backward()\n        model.zero_grad()\n")),
    "train_uphill": bug(
        "train_xor_answer", TRAIN, "a step along the gradient (+=)",
        _train("p.data -= lr * p.grad", "p.data += lr * p.grad"), hints=("train.uphill",)),
    "train_late_loss": bug(
        "train_xor_answer", TRAIN, "each loss recorded after its update",
        _train("        losses.append(loss.data)\n",
               "        losses.append(xor_loss(model).data)\n"), hints=("train.late_loss",)),
    "train_zero_grad_last": alt(
        "train_xor_answer", "zero_grad at the end of each step, after the update (the first "
        "backward() starts from 0 anyway)",
        _train("        model.zero_grad()\n", "").replace(
            "        losses.append(loss.data)\n",
            "        losses.append(loss.data)\n        model.zero_grad()\n")),
    "train_by_hand": alt("train_xor_answer", "parameters listed once, grads zeroed by hand, "
                                             "p.data = p.data - lr * p.grad", '''
def train_xor(hidden, seed, steps, lr):
    model = MLP(2, [hidden, 1], seed=seed)
    params = model.parameters()
    losses = []
    for step_number in range(steps):
        for p in params:
            p.grad = 0.0
        loss = xor_loss(model)
        loss.backward()
        losses.append(float(loss.data))
        for p in params:
            p.data = p.data - lr * p.grad
    return losses
'''),
}
