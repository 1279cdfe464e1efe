"""The hint audit: every recognised mistake fires on its own mistake and on no other.

Each example is a realistic wrong answer to one exercise, run through the real hidden test on
three students' cases, with the exact set of hints it must show. A hint a student sees on a
different mistake would send them the wrong way, so the sets are exact: for every hint key,
the examples listing it are its positive tests, and every example of an exercise where it could
fire but is not listed is a negative test. `test_every_hint_is_tested_both_ways` checks that
each key the course knows has at least one of each.
"""
import numpy as np
import pytest

from course.circuits.bugs import BUGS_03
from course.grading import GradingError, hidden
from course.grading.grader import load
from course.grading.hints import GENERIC, NAMED, Case, candidates, diagnose

STUDENTS = ("audit-ada", "audit-alan", "audit-grace")

R = {n: load(n) for n in ("01_perceptron", "02_chain_rule", "03_sigmoid_neuron",
                          "04_staged_backprop", "05_vectorized_layers", "06_xor_capstone",
                          "07_autograd", "08_digits")}


def _sig(v):
    return 1.0 / (1.0 + np.exp(-v))


# --- wrong answers -----------------------------------------------------------------------------

def _max_by(key):
    def max_backward(x, y, dout):
        return (dout, 0.0) if key(x) > key(y) else (0.0, dout)
    return max_backward


def _staged_backward_with(parts):
    """staged_backward keeping only the branches `parts` picks of x's three (num, sigx, xpy)."""
    def staged_backward(cache, dout):
        dx, dy = R["04_staged_backprop"]._contributions(cache, dout)
        return parts(dx), sum(dy)
    return staged_backward


def _pattern(change):
    def pattern_circuit(x, y, z, w, dout):
        return change(*R["04_staged_backprop"].pattern_circuit(x, y, z, w, dout))
    return pattern_circuit


def _worst(flat=False, floor=1e-12, scale=True):
    """worst_rel_error with a flat index, without the floor under 0/0, or without dividing."""
    def worst_rel_error(a, b):
        errors = np.abs(a - b)
        if scale:
            with np.errstate(invalid="ignore"):
                errors = errors / np.maximum(np.maximum(np.abs(a), np.abs(b)), floor)
        flat_index = int(np.argmax(errors))
        index = flat_index if flat else np.unravel_index(flat_index, errors.shape)
        return float(errors.flat[flat_index]), index
    return worst_rel_error


def _relu(mask):
    """A ReLU layer whose backward multiplies dout by mask(x)."""
    class Relu:
        def forward(self, x):
            self.x = x
            return np.maximum(0.0, x)

        def backward(self, dout):
            return dout * mask(self.x)
    return Relu


class _UnswappedMul:
    def forward(self, x, y):
        self.x, self.y = x, y
        return x * y

    def backward(self, dout):
        return dout * self.x, dout * self.y


class _SigmoidWithoutOneMinus:
    def forward(self, x):
        self.out = _sig(x)
        return self.out

    def backward(self, dout):
        return dout * self.out


class _SigmoidFromInput:
    def forward(self, x):
        self.x = x
        return _sig(x)

    def backward(self, dout):
        return dout * (1.0 - self.x) * self.x


def _network_backward(preactivation=False):
    def network_backward(params, X, Y):
        W1, b1, W2, b2 = (params[k] for k in ("W1", "b1", "W2", "b2"))
        Z1 = X @ W1 + b1
        H = _sig(Z1)
        P = _sig(H @ W2 + b2)
        loss = float(np.mean((P - Y) ** 2))
        dZ2 = 2 * (P - Y) / len(X) * (1 - P) * P
        local = (1 - Z1) * Z1 if preactivation else (1 - H) * H
        dZ1 = (dZ2 @ W2.T) * local
        return loss, dict(W1=X.T @ dZ1, b1=dZ1.sum(0), W2=H.T @ dZ2, b2=dZ2.sum(0))
    return network_backward


def _train(step=-1.0, late=False):
    def train(params, X, Y, grad_fn, lr, steps):
        losses = []
        for _ in range(steps):
            loss, grads = grad_fn(params, X, Y)
            params = {k: params[k] + step * lr * grads[k] for k in params}
            if late:
                loss = grad_fn(params, X, Y)[0]
            losses.append(loss)
        return params, losses
    return train


def _update(rule):
    def perceptron_update(w, b, x, y, lr):
        return rule(w, b, x, y, lr)
    return perceptron_update


def _train_without_bias(X, y, epochs, lr):
    w, errors = np.zeros(X.shape[1]), []
    for _ in range(epochs):
        mistakes = 0
        for xi, yi in zip(X, y):
            if (1.0 if xi @ w > 0 else -1.0) != yi:
                w, mistakes = w + lr * yi * xi, mistakes + 1
        errors.append(mistakes)
    return w, 0.0, errors


def _score(w, b, x):
    return float(x @ w + b)


def _neuron(w, x, dout, exp_input=False, negate=True, flip=False, unswap=False):
    z = w[0] * x[0] + w[1] * x[1] + w[2]
    e = np.exp(-z)
    d = 1.0 + e
    dd = -dout / d ** 2
    de = dd
    dnz = de * (-z if exp_input else e)
    dz = -dnz if negate else dnz
    if unswap:
        dw, dx = np.array([w[0] * dz, w[1] * dz, dz]), np.array([x[0] * dz, x[1] * dz])
    else:
        dw, dx = np.array([x[0] * dz, x[1] * dz, dz]), np.array([w[0] * dz, w[1] * dz])
    if flip:
        dw, dx = -dw, -dx
    return dw, dx, dd, de, dnz, dz


def _grouped(w, x, dout, preactivation=False, unswap=False, quotient=False):
    z = w[0] * x[0] + w[1] * x[1] + w[2]
    s = R["03_sigmoid_neuron"].neuron(w, x)
    dz = dout * ((1 - z) * z if preactivation else (1 - s) * s)
    if quotient:
        dz = _sigmoid_quotient(z, dout)
    if unswap:
        return np.array([w[0] * dz, w[1] * dz, dz]), np.array([x[0] * dz, x[1] * dz])
    return np.array([x[0] * dz, x[1] * dz, dz]), np.array([w[0] * dz, w[1] * dz])


def _sigmoid_quotient(x, dout):
    """sigma' as e^-x / (1 + e^-x)^2: nan where e^-x overflows (x below about -709.78)."""
    with np.errstate(over="ignore", invalid="ignore"):
        e = np.exp(-np.asarray(x, dtype=float))
        return dout * e / (1.0 + e) ** 2


def _gates(**wrong):
    """03's gate_backward with the local gradients of the gates named in `wrong` replaced."""
    def gate_backward(gate, x, param, dout):
        local = wrong.get(gate, R["03_sigmoid_neuron"].GATES[gate][1])
        return dout * local(x, param)
    return gate_backward


def _unaveraged(params, X, Y):
    """network_backward with the loss gradient 2 (P - Y), not 2 (P - Y) / N."""
    loss, grads = _network_backward()(params, X, Y)
    return loss, {k: len(X) * v for k, v in grads.items()}


def _softmax_with(ds):
    """SoftmaxWithLoss with a right loss and backward's ds = ds(p, t, N)."""
    class SoftmaxWithLoss(R["08_digits"].SoftmaxWithLoss):
        def backward(self, dout=1.0):
            t = np.eye(self.p.shape[1])[self.y]
            return ds(self.p, t, len(self.y))
    return SoftmaxWithLoss


def _digits_backward(loss_layer=None, scale_dW2=1.0):
    """08's network_backward, right, over the loss layer `loss_layer` (the notebook builds the
    network from the student's own layers), its dW2 times `scale_dW2` (an output layer bug)."""
    ref = R["08_digits"]

    def network_backward(params, X, y):
        loss, grads = ref.network_pass(params, X, y, loss_layer or ref.SoftmaxWithLoss)
        return loss, {**grads, "W2": scale_dW2 * grads["W2"]}
    return network_backward


class _SoftmaxNaive(R["08_digits"].SoftmaxWithLoss):
    """SoftmaxWithLoss whose forward takes e^s of the raw scores (inf past 709.78)."""
    def forward(self, s, y):
        with np.errstate(over="ignore", invalid="ignore"):
            e = np.exp(s)
            self.p, self.y = e / e.sum(axis=1, keepdims=True), y
            return float(-np.mean(np.log(self.p[np.arange(len(y)), y])))


class _ReluWithoutDout(R["06_xor_capstone"].Relu):
    def backward(self, dout):
        return self.mask * 1.0
def _engine(rules):
    """Notebook 07's Value with some local backward rules replaced: rules(name, node, out) is
    called where the reference would run node `out`'s rule (name: its op)."""
    base = R["07_autograd"].Value

    class Patched(base):
        pass

    def wrap(name):
        original = getattr(base, name)

        def method(self, *args):
            out = original(self, *args)
            replaced = rules(name, self, args, out)
            if replaced is not None:
                out._backward = replaced
            return out
        return method
    for name in ("__add__", "__mul__", "tanh", "exp"):
        setattr(Patched, name, wrap(name))
    return Patched


class _WalkWithoutVisitedSet(R["07_autograd"].Value):
    """backward() as a walk from the output that runs a node's rule each time it reaches it:
    no topological order and no visited set, so a node used twice runs its rule twice."""

    def backward(self):
        self.grad = 1.0
        todo = [self]
        while todo:
            v = todo.pop()
            v._backward()
            todo.extend(v._prev)


def _xor_training(order):
    """07's train_xor with the step's parts in `order`, a string of z (zero_grad), b
    (backward), u (update, down the gradient), U (update up the gradient), r (record the loss
    the step began with), R (record the loss after the update)."""
    r07 = R["07_autograd"]

    def train_xor(hidden, seed, steps, lr):
        model, losses = r07.MLP(2, [hidden, 1], seed=seed), []
        for _ in range(steps):
            loss = r07.xor_loss(model)
            for part in order:
                if part == "z":
                    model.zero_grad()
                elif part == "b":
                    loss.backward()
                elif part in "uU":
                    for p in model.parameters():
                        p.data += (1.0 if part == "U" else -1.0) * lr * p.grad
                else:
                    losses.append((loss if part == "r" else r07.xor_loss(model)).data)
        return losses
    return train_xor


def _overwriting(name, self, args, out):
    other = out._prev[-1]
    if name == "__add__":
        def rule():
            self.grad = out.grad
            other.grad = out.grad
        return rule
    if name == "__mul__":
        def rule():
            self.grad = other.data * out.grad
            other.grad = self.data * out.grad
        return rule
    return None


def _unswapped(name, self, args, out):
    if name != "__mul__":
        return None
    other = out._prev[-1]

    def rule():
        self.grad += self.data * out.grad
        other.grad += other.data * out.grad
    return rule


def _local_from_input(which):
    def rules(name, self, args, out):
        if name != which:
            return None

        def rule():
            local = 1 - self.data ** 2 if which == "tanh" else self.data
            self.grad += local * out.grad
        return rule
    return rules


EXAMPLES = [
    # (assignment, exercise, what the answer does, the answer, the hints it must show)
    ("01_perceptron", "perceptron_predict", "a score of 0 labelled +1",
     lambda w, b, X: np.where(X @ w + b >= 0, 1.0, -1.0), {"labels.tie"}),
    ("01_perceptron", "perceptron_predict", "1/0 labels",
     lambda w, b, X: np.where(X @ w + b > 0, 1.0, 0.0), {"labels.01"}),
    ("01_perceptron", "perceptron_predict", "np.sign",
     lambda w, b, X: np.sign(X @ w + b), {"labels.sign"}),
    ("01_perceptron", "perceptron_predict", "the scores themselves",
     lambda w, b, X: X @ w + b, {"labels.pm1"}),
    ("01_perceptron", "perceptron_predict", "the labels reversed",
     lambda w, b, X: np.where(X @ w + b > 0, -1.0, 1.0), set()),
    ("01_perceptron", "perceptron_update", "moves on every point",
     _update(lambda w, b, x, y, lr: (w + lr * y * x, b + lr * y)),
     {"perceptron.moved_when_right"}),
    ("01_perceptron", "perceptron_update", "the bias never moves",
     _update(lambda w, b, x, y, lr: (w, b) if (1.0 if _score(w, b, x) > 0 else -1.0) == y
             else (w + lr * y * x, b)), {"perceptron.bias_stuck"}),
    ("01_perceptron", "perceptron_update", "a score of 0 is never a mistake",
     _update(lambda w, b, x, y, lr: (w, b) if y * _score(w, b, x) >= 0
             else (w + lr * y * x, b + lr * y)), {"perceptron.tie"}),
    ("01_perceptron", "perceptron_update", "steps the wrong way",
     _update(lambda w, b, x, y, lr: (w, b) if (1.0 if _score(w, b, x) > 0 else -1.0) == y
             else (w - lr * y * x, b - lr * y)), set()),
    ("01_perceptron", "train_perceptron", "y * score <= 0 as the update test",
     R["01_perceptron"]._train_margin_rule, {"train.tie"}),
    ("01_perceptron", "train_perceptron", "the bias never moves", _train_without_bias, set()),
    ("01_perceptron", "xor_network", "1/0 labels",
     lambda X: (R["01_perceptron"].xor_network(X) + 1) / 2, {"labels.01"}),
    ("01_perceptron", "xor_network", "computes OR",
     lambda X: np.where(X.sum(axis=1) > 0, 1.0, -1.0), set()),
    ("02_chain_rule", "numerical_derivative", "one-sided",
     lambda f, x, h=1e-5: (f(x + h) - f(x)) / h, {"derivative.one_sided"}),
    ("02_chain_rule", "numerical_derivative", "divides by h",
     lambda f, x, h=1e-5: (f(x + h) - f(x - h)) / h, set()),
    # find the bug: the answer is the named wires (one name, or a function of the bug's name)
    ("02_chain_rule", "find_bug_wire", "names the red inputs, not where the red starts",
     {"x", "y"}, {"findbug.downstream"}),
    ("02_chain_rule", "find_bug_wire", "names the output, which is never red", "f",
     {"findbug.not_red"}),
    ("02_chain_rule", "find_bug_wire", "names one of the two wires where the red starts",
     lambda bug: {"buggy_backward_a": "m", "buggy_backward_b": "z", "buggy_backward_c": "s"}[bug],
     set()),
    ("02_chain_rule", "add_backward", "both negated", lambda x, y, dout: (-dout, -dout), {"sign"}),
    ("02_chain_rule", "add_backward", "local gradient only", lambda x, y, dout: (1.0, 1.0),
     {"upstream"}),
    ("02_chain_rule", "add_backward", "like a mul gate", lambda x, y, dout: (dout * y, dout * x),
     set()),
    ("02_chain_rule", "mul_backward", "not swapped", lambda x, y, dout: (dout * x, dout * y),
     {"exchanged.mul"}),
    ("02_chain_rule", "mul_backward", "negated", lambda x, y, dout: (-dout * y, -dout * x),
     {"sign"}),
    ("02_chain_rule", "mul_backward", "local gradients only", lambda x, y, dout: (y, x),
     {"upstream"}),
    ("02_chain_rule", "mul_backward", "adds", lambda x, y, dout: (dout + y, dout + x), set()),
    ("02_chain_rule", "max_backward", "reversed comparison", _max_by(lambda v: -v),
     {"exchanged.max"}),
    ("02_chain_rule", "max_backward", "compares absolute values", _max_by(abs),
     {"exchanged.max"}),
    ("02_chain_rule", "max_backward", "always to x", lambda x, y, dout: (dout, 0.0),
     {"exchanged.max"}),
    ("02_chain_rule", "max_backward", "to both inputs", lambda x, y, dout: (dout, dout),
     {"max.routing"}),
    ("02_chain_rule", "max_backward", "to neither input", lambda x, y, dout: (0.0, 0.0),
     {"max.routing"}),
    ("02_chain_rule", "max_backward", "dy's condition reversed",
     lambda x, y, dout: (dout if x > y else 0.0, dout if x > y else 0.0), {"max.routing"}),
    ("02_chain_rule", "max_backward", "1 to the winner",
     lambda x, y, dout: (1.0, 0.0) if x > y else (0.0, 1.0), {"upstream"}),
    ("02_chain_rule", "max_backward", "the winner's value",
     lambda x, y, dout: (dout * x, 0.0) if x > y else (0.0, dout * y), set()),
    ("02_chain_rule", "circuit_forward", "returned in the other order",
     lambda x, y, z: ((x + y) * z, x + y), {"exchanged"}),
    ("02_chain_rule", "circuit_forward", "q = x - y",
     lambda x, y, z: (x - y, (x - y) * z), set()),
    ("02_chain_rule", "circuit_backward", "negated",
     lambda x, y, z, dout: (-z * dout, -z * dout, -(x + y) * dout), {"sign"}),
    ("02_chain_rule", "circuit_backward", "local gradients only",
     lambda x, y, z, dout: (z, z, x + y), {"upstream"}),
    ("02_chain_rule", "circuit_backward", "dz from the other factor's side",
     lambda x, y, z, dout: (z * dout, z * dout, z * dout), set()),
    ("03_sigmoid_neuron", "gate_backward", "1/x: +1/x^2", _gates(inv=lambda x, p: x ** -2.0),
     {"inv.sign"}),
    ("03_sigmoid_neuron", "gate_backward", "1/x: -1/x", _gates(inv=lambda x, p: -1.0 / x), set()),
    ("03_sigmoid_neuron", "gate_backward", "c + x: passes c back",
     _gates(add_const=lambda x, c: c), {"add_const.constant"}),
    ("03_sigmoid_neuron", "gate_backward", "c + x: negated",
     _gates(add_const=lambda x, c: -1.0), {"sign"}),
    ("03_sigmoid_neuron", "gate_backward", "e^x: from the input", _gates(exp=lambda x, p: x),
     {"exp.input"}),
    ("03_sigmoid_neuron", "gate_backward", "e^x: e^-x", _gates(exp=lambda x, p: np.exp(-x)),
     set()),
    ("03_sigmoid_neuron", "gate_backward", "a x: dout * x", _gates(scale=lambda x, a: x),
     {"scale.input"}),
    ("03_sigmoid_neuron", "gate_backward", "a x: dout / a", _gates(scale=lambda x, a: 1.0 / a),
     set()),
    ("03_sigmoid_neuron", "gate_backward", "e^x and a x: both from the input",
     _gates(exp=lambda x, p: x, scale=lambda x, a: x), {"exp.input", "scale.input"}),
    ("03_sigmoid_neuron", "gate_backward", "local gradients only",
     lambda gate, x, param, dout: _gates()(gate, x, param, 1.0), {"upstream"}),
    ("03_sigmoid_neuron", "sigmoid_backward", "from the input",
     lambda x, dout: dout * (1 - x) * x, {"sigmoid.input"}),
    ("03_sigmoid_neuron", "sigmoid_backward", "the quotient e^-x / (1 + e^-x)^2",
     _sigmoid_quotient, {"sigmoid.overflow"}),
    ("03_sigmoid_neuron", "sigmoid_backward", "the quotient, nan replaced by 1",
     lambda x, dout: np.nan_to_num(_sigmoid_quotient(x, dout), nan=1.0), set()),
    ("03_sigmoid_neuron", "sigmoid_backward", "negated",
     lambda x, dout: -dout * (1 - _sig(x)) * _sig(x), {"sign"}),
    ("03_sigmoid_neuron", "neuron_backward", "e^x gate from its input",
     lambda w, x, dout: _neuron(w, x, dout, exp_input=True), {"neuron.exp_input"}),
    ("03_sigmoid_neuron", "neuron_backward", "the *(-1) gate skipped",
     lambda w, x, dout: _neuron(w, x, dout, negate=False), {"neuron.negation"}),
    ("03_sigmoid_neuron", "neuron_backward", "dw and dx negated",
     lambda w, x, dout: _neuron(w, x, dout, flip=True), {"neuron.sign"}),
    ("03_sigmoid_neuron", "neuron_backward", "mul gates not swapped",
     lambda w, x, dout: _neuron(w, x, dout, unswap=True), {"neuron.unswapped"}),
    ("03_sigmoid_neuron", "neuron_backward_grouped", "sigma' at the pre-activation",
     lambda w, x, dout: _grouped(w, x, dout, preactivation=True), {"grouped.preactivation"}),
    ("03_sigmoid_neuron", "neuron_backward_grouped", "mul gates not swapped",
     lambda w, x, dout: _grouped(w, x, dout, unswap=True), {"grouped.unswapped"}),
    ("03_sigmoid_neuron", "neuron_backward_grouped", "the quotient e^-z / (1 + e^-z)^2",
     lambda w, x, dout: _grouped(w, x, dout, quotient=True), {"grouped.overflow"}),
    ("03_sigmoid_neuron", "neuron_backward_grouped", "negated",
     lambda w, x, dout: tuple(-g for g in _grouped(w, x, dout)), {"sign"}),
    ("03_sigmoid_neuron", "fixed_backward", "sigma' still at the pre-activation",
     BUGS_03.named("neuron_backward_a"), {"fix.sigmoid_input"}),
    ("03_sigmoid_neuron", "fixed_backward", "the w1 x1 gate still unswapped",
     BUGS_03.named("neuron_backward_b"), {"exchanged.mul"}),
    ("03_sigmoid_neuron", "fixed_backward", "the w0 x0 gate still multiplies dout",
     BUGS_03.named("neuron_backward_c"), {"fix.chain_skipped"}),
    ("04_staged_backprop", "staged_backward", "x's last branch only",
     _staged_backward_with(lambda parts: parts[-1]), {"fork.last_branch"}),
    ("04_staged_backprop", "staged_backward", "x's first branch only",
     _staged_backward_with(lambda parts: parts[0]), {"fork.overwritten"}),
    ("04_staged_backprop", "staged_backward", "x's branches subtracted",
     _staged_backward_with(lambda parts: parts[0] - parts[1] - parts[2]), set()),
    ("04_staged_backprop", "staged_backward", "sigma' of x taken at x",
     lambda cache, dout: R["04_staged_backprop"].staged_backward(dict(cache, sigx=cache["x"]),
                                                                 dout),
     {"staged.sigmoid_input"}),
    ("04_staged_backprop", "staged_backward", "+1/den^2",
     lambda cache, dout: R["04_staged_backprop"]._inverse_sign_flipped(cache["x"], cache["y"],
                                                                       dout),
     {"staged.inv_sign"}),
    ("04_staged_backprop", "pattern_circuit", "the factor 2 forgotten",
     _pattern(lambda f, dx, dy, dz, dw: (f, dx / 2, dy / 2, dz / 2, dw / 2)), {"pattern.halved"}),
    ("04_staged_backprop", "pattern_circuit", "only f halved",
     _pattern(lambda f, dx, dy, dz, dw: (f / 2, dx, dy, dz, dw)), set()),
    ("04_staged_backprop", "pattern_circuit", "mul gate not swapped",
     _pattern(lambda f, dx, dy, dz, dw: (f, dy, dx, dz, dw)), {"exchanged.mul"}),
    ("04_staged_backprop", "pattern_circuit", "max routed to the loser",
     _pattern(lambda f, dx, dy, dz, dw: (f, dx, dy, dw, dz)), {"exchanged.max"}),
    ("04_staged_backprop", "pattern_circuit", "max routes to both",
     _pattern(lambda f, dx, dy, dz, dw: (f, dx, dy, dz + dw, dz + dw)), {"max.routing"}),
    ("04_staged_backprop", "score_backward", "not swapped",
     lambda w, x, dout: (dout * w, dout * x), {"exchanged.mul"}),
    ("04_staged_backprop", "score_backward", "local gradients only",
     lambda w, x, dout: (x, w), {"upstream"}),
    ("05_vectorized_layers", "rel_error", "divides by the smaller",
     lambda a, b: float(np.max(np.abs(a - b) / np.minimum(np.abs(a), np.abs(b)))),
     {"rel_error.min"}),
    ("05_vectorized_layers", "rel_error", "the signed difference",
     lambda a, b: float(np.max((a - b) / np.maximum(np.abs(a), np.abs(b)))),
     {"rel_error.signed"}),
    ("05_vectorized_layers", "rel_error", "the mean",
     lambda a, b: float(np.mean(np.abs(a - b) / np.maximum(np.abs(a), np.abs(b)))),
     {"rel_error.mean"}),
    ("05_vectorized_layers", "rel_error", "the absolute difference",
     lambda a, b: float(np.max(np.abs(a - b))), set()),
    ("05_vectorized_layers", "worst_rel_error", "flat index", _worst(flat=True),
     {"worst.flat_index"}),
    ("05_vectorized_layers", "worst_rel_error", "0/0 where both are 0", _worst(floor=0.0),
     {"worst.zeros"}),
    ("05_vectorized_layers", "worst_rel_error", "absolute error", _worst(scale=False), set()),
    ("05_vectorized_layers", "MulLayer", "not swapped", _UnswappedMul, {"exchanged.mul"}),
    ("05_vectorized_layers", "Sigmoid", "from the input", _SigmoidFromInput,
     {"sigmoid_layer.input"}),
    ("05_vectorized_layers", "Sigmoid", "sigma instead of sigma'", _SigmoidWithoutOneMinus,
     set()),
    ("06_xor_capstone", "network_forward", "no hidden sigmoid",
     lambda params, X: _sig((X @ params["W1"] + params["b1"]) @ params["W2"] + params["b2"]),
     set()),
    ("06_xor_capstone", "network_forward", "no output sigmoid",
     lambda params, X: _sig(X @ params["W1"] + params["b1"]) @ params["W2"] + params["b2"],
     {"network.no_output_sigmoid"}),
    ("06_xor_capstone", "mse_loss", "not averaged",
     lambda P, Y: (float(np.mean((P - Y) ** 2)), 2 * (P - Y)), {"batch.not_averaged"}),
    ("06_xor_capstone", "mse_loss", "without the 2",
     lambda P, Y: (float(np.mean((P - Y) ** 2)), (P - Y) / len(P)), {"mse.no_two"}),
    ("06_xor_capstone", "mse_loss", "Y - P",
     lambda P, Y: (float(np.mean((P - Y) ** 2)), 2 * (Y - P) / len(P)), {"sign"}),
    ("06_xor_capstone", "network_backward", "not averaged", _unaveraged,
     {"batch.not_averaged"}),
    ("06_xor_capstone", "network_backward", "sigma' at the pre-activation",
     _network_backward(preactivation=True), {"network.preactivation"}),
    ("06_xor_capstone", "Relu", "mask x >= 0", _relu(lambda x: x >= 0), {"relu.at_zero"}),
    ("06_xor_capstone", "Relu", "passes dout everywhere", _relu(lambda x: np.ones_like(x)), set()),
    ("06_xor_capstone", "Relu", "the mask without dout", _ReluWithoutDout, {"upstream"}),
    ("06_xor_capstone", "train", "uphill", _train(step=+1.0), {"train.uphill"}),
    ("06_xor_capstone", "train", "losses after the update", _train(late=True),
     {"train.late_loss"}),
    ("06_xor_capstone", "train", "half steps", _train(step=-0.5), set()),
    ("08_digits", "SoftmaxWithLoss", "not averaged", _softmax_with(lambda p, t, n: p - t),
     {"batch.not_averaged"}),
    ("08_digits", "SoftmaxWithLoss", "t - p", _softmax_with(lambda p, t, n: (t - p) / n),
     {"sign"}),
    ("08_digits", "SoftmaxWithLoss", "e^s without the row's max taken off", _SoftmaxNaive,
     {"softmax.overflow"}),
    ("08_digits", "SoftmaxWithLoss", "the target forgotten", _softmax_with(lambda p, t, n: p / n),
     set()),
    ("08_digits", "network_backward", "right, over a loss layer not averaged",
     _digits_backward(_softmax_with(lambda p, t, n: p - t)),
     {"network.loss_layer", "batch.not_averaged"}),
    ("08_digits", "network_backward", "right, over a loss layer that forgets the target",
     _digits_backward(_softmax_with(lambda p, t, n: p / n)), {"network.loss_layer"}),
    ("08_digits", "network_backward", "the output layer's dW2 doubled",
     _digits_backward(scale_dW2=2.0), set()),
    ("07_autograd", "Value", "= for += in the + and * rules", _engine(_overwriting),
     {"autograd.overwritten"}),
    ("07_autograd", "Value", "mul rule not swapped", _engine(_unswapped), set()),
    ("07_autograd", "Value", "backward() without a visited set", _WalkWithoutVisitedSet,
     {"autograd.revisits"}),
    ("07_autograd", "train_xor", "no zero_grad", _xor_training("bur"), {"autograd.no_zero_grad"}),
    ("07_autograd", "train_xor", "uphill", _xor_training("zbUr"), {"train.uphill"}),
    ("07_autograd", "train_xor", "losses after the update", _xor_training("zbuR"),
     {"train.late_loss"}),
    ("07_autograd", "train_xor", "zero_grad after backward", _xor_training("bzur"), set()),
    ("07_autograd", "operations", "tanh' from the input", _engine(_local_from_input("tanh")),
     {"autograd.tanh_input"}),
    ("07_autograd", "operations", "exp' from the input", _engine(_local_from_input("exp")),
     set()),
]


def _shown(assignment, exercise, fn, student, monkeypatch):
    monkeypatch.setenv("BACKPROP_STUDENT_ID", student)
    with pytest.raises(GradingError) as err:
        hidden.check(assignment, exercise, fn)
    return set(err.value.hints), str(err.value)


@pytest.mark.parametrize("assignment, exercise, what, fn, keys", EXAMPLES,
                         ids=[f"{e}-{w}" for _, e, w, _, _ in EXAMPLES])
def test_each_wrong_answer_gets_exactly_its_hints(assignment, exercise, what, fn, keys,
                                                  monkeypatch):
    """Does this wrong answer fail, showing exactly the hints of its mistake (for every one of
    three students)?"""
    for student in STUDENTS:
        shown, message = _shown(assignment, exercise, fn, student, monkeypatch)
        assert shown == keys, f"{exercise} / {what} / {student}:\n{message}"


def _keys_of(assignment, exercise):
    extra = R[assignment].EXERCISES[exercise].mistakes
    return {m.key for m in candidates(exercise, extra)}


def test_every_hint_is_tested_both_ways():
    """Does every hint of every exercise have a positive test (an example that must show it) and
    a negative one (an example of an exercise where it could fire that must not show it)?"""
    positive, negative = set(), set()
    for assignment, exercise, _, _, keys in EXAMPLES:
        positive |= keys
        negative |= _keys_of(assignment, exercise) - keys
    every = {m.key for m in GENERIC} | {m.key for ms in NAMED.values() for m in ms}
    every |= {m.key for mod in R.values() for ex in mod.EXERCISES.values() for m in ex.mistakes}
    assert every - positive == set(), "hints without a test where they must fire"
    assert every - negative == set(), "hints without a test where they must not fire"


def test_a_hint_is_shown_only_if_every_failing_case_is_evidence(monkeypatch):
    """A wrong answer that looks like a sign error on some cases only: no sign hint."""
    def sometimes_negated(x, y, dout):
        return (-dout * y, -dout * x) if x > 0 else (dout * y + 1.0, dout * x)
    for student in STUDENTS:
        shown, message = _shown("02_chain_rule", "mul_backward", sometimes_negated, student,
                                monkeypatch)
        assert "sign" not in shown, message


def test_hints_speak_only_of_their_exercise_concepts():
    """The same evidence (two outputs exchanged) reads as a mul gate's swap in a mul exercise,
    as the max gate's routing in a max exercise, and as the return order elsewhere."""
    inputs, expected, got = dict(x=4.0, y=2.0, dout=1.0), dict(dx=1.0, dy=0.0), dict(dx=0.0, dy=1.0)
    mul = " ".join(diagnose(Case(inputs, expected, got), "mul_backward"))
    top = " ".join(diagnose(Case(inputs, expected, got), "max_backward"))
    other = " ".join(diagnose(Case(inputs, expected, got), "some_new_exercise"))
    assert "mul gate" in mul and "max" not in mul
    assert "max gate" in top and "mul" not in top
    assert "mul" not in other and "max" not in other and "order the exercise gives" in other
    # no concept-bound hint where the outputs are not gradients (a forward pass)
    assert diagnose(Case(dict(x=1.0), dict(q=2.0, f=3.0), dict(q=-2.0, f=-3.0)),
                    "circuit_forward") == []


def test_a_wrong_loss_layer_is_named_not_the_output_layer(monkeypatch):
    """In 08, when a right network_backward runs over a SoftmaxWithLoss whose backward is wrong,
    does the message name the loss layer (SoftmaxWithLoss) as the first to disagree, never the
    output layer with "before it, the loss: right"; and does a wrong output layer still get the
    output layer named?"""
    buggy = _digits_backward(_softmax_with(lambda p, t, n: p / n))
    _, message = _shown("08_digits", "network_backward", buggy, STUDENTS[0], monkeypatch)
    assert "the loss layer's gradient ds = dL/dscores (SoftmaxWithLoss.backward)" in message, \
        message
    assert "the output layer (dW2, db2)" not in message, message
    _, message = _shown("08_digits", "network_backward", _digits_backward(scale_dW2=2.0),
                        STUDENTS[0], monkeypatch)
    assert "First to disagree, in the order the backward pass computes them: the output layer " \
        "(dW2, db2)" in message and "SoftmaxWithLoss" not in message, message
