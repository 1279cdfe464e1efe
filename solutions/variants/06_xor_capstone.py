"""Simulated answers for assignment 06: typical bugs (each must lose exactly its exercise's
points) and differently written correct answers (each must get full marks)."""
from autograder.submissions import alt, bug

FWD = ("network_forward_visible", "network_forward_hidden")
LOSS = ("mse_loss_visible", "mse_loss_hidden")
BWD = ("network_backward_visible", "network_backward_hidden")
TRAIN = ("train_visible", "train_hidden")
RELU = ("relu_layer_visible", "relu_layer_hidden")

# A hand-written backward pass without the layer classes; bugs below change one line of it.
_MANUAL_BACKWARD = '''
def network_backward(params, X, Y):
    Z1 = X @ params["W1"] + params["b1"]
    H = 1 / (1 + np.exp(-Z1))
    Z2 = H @ params["W2"] + params["b2"]
    P = 1 / (1 + np.exp(-Z2))
    N = X.shape[0]
    loss = np.mean((P - Y) ** 2)
    dP = 2 * (P - Y) / N
    dZ2 = dP * P * (1 - P)
    dW2 = H.T @ dZ2
    db2 = dZ2.sum(axis=0)
    dH = dZ2 @ params["W2"].T
    dZ1 = dH * H * (1 - H)
    dW1 = X.T @ dZ1
    db1 = dZ1.sum(axis=0)
    return loss, {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}
'''


def _manual(old, new):
    assert old in _MANUAL_BACKWARD, old
    return _MANUAL_BACKWARD.replace(old, new)


_TRAIN = '''
def train(params, X, Y, grad_fn, lr, steps):
    losses = []
    for _ in range(steps):
        loss, grads = grad_fn(params, X, Y)
        losses.append(loss)
        for name in params:
            params[name] = params[name] - lr * grads[name]
    return params, losses
'''

VARIANTS = {
    # network_forward
    "fwd_no_output_sigmoid": bug("network_forward_answer", FWD, "no sigmoid on the output", '''
def network_forward(params, X):
    h = Sigmoid().forward(Affine(params["W1"], params["b1"]).forward(X))
    return Affine(params["W2"], params["b2"]).forward(h)
''',
        hints=("network.no_output_sigmoid",)),
    "fwd_no_hidden_sigmoid": bug("network_forward_answer", FWD, "no sigmoid in the hidden layer", '''
def network_forward(params, X):
    h = Affine(params["W1"], params["b1"]).forward(X)
    return Sigmoid().forward(Affine(params["W2"], params["b2"]).forward(h))
'''),
    "fwd_no_bias": bug("network_forward_answer", FWD, "forgets the biases", '''
def network_forward(params, X):
    h = 1 / (1 + np.exp(-(X @ params["W1"])))
    return 1 / (1 + np.exp(-(h @ params["W2"])))
'''),
    "fwd_numpy": alt("network_forward_answer", "plain numpy, no layer classes", '''
def sigma(z):
    return 1.0 / (1.0 + np.exp(-z))

def network_forward(params, X):
    H = sigma(np.dot(X, params["W1"]) + params["b1"])
    return sigma(np.dot(H, params["W2"]) + params["b2"])
'''),
    "fwd_one_layer_at_a_time": alt("network_forward_answer", "named layers, one per line", '''
def network_forward(params, X):
    first = Affine(params["W1"], params["b1"])
    squash1 = Sigmoid()
    second = Affine(params["W2"], params["b2"])
    squash2 = Sigmoid()
    z1 = first.forward(X)
    h = squash1.forward(z1)
    z2 = second.forward(h)
    return squash2.forward(z2)
'''),
    # mse_loss
    "loss_dP_not_averaged": bug("mse_loss_answer", LOSS, "dP not divided by N", '''
def mse_loss(P, Y):
    loss = np.mean((P - Y) ** 2)
    dP = 2 * (P - Y)
    return loss, dP
''',
        hints=("batch.not_averaged",)),
    "loss_sign_flipped": bug("mse_loss_answer", LOSS, "dP = 2 (Y - P) / N", '''
def mse_loss(P, Y):
    n = len(P)
    loss = np.sum((P - Y) ** 2) / n
    dP = 2 * (Y - P) / n
    return loss, dP
''',
        hints=("sign",)),
    "loss_no_two": bug("mse_loss_answer", LOSS, "forgets the factor 2", '''
def mse_loss(P, Y):
    n = len(P)
    loss = np.sum((P - Y) ** 2) / n
    dP = (P - Y) / n
    return loss, dP
''',
        hints=("mse.no_two",)),
    "loss_sum_not_mean": bug("mse_loss_answer", LOSS, "loss summed, not averaged", '''
def mse_loss(P, Y):
    loss = np.sum((P - Y) ** 2)
    dP = 2 * (P - Y) / len(P)
    return loss, dP
'''),
    "loss_np_mean": alt("mse_loss_answer", "np.mean and np.square, float result", '''
def mse_loss(P, Y):
    diff = P - Y
    return float(np.mean(np.square(diff))), diff * (2.0 / P.shape[0])
'''),
    "loss_loop": alt("mse_loss_answer", "a loop over the examples", '''
def mse_loss(P, Y):
    N = P.shape[0]
    loss = 0.0
    dP = np.zeros_like(P, dtype=float)
    for n in range(N):
        loss += (P[n, 0] - Y[n, 0]) ** 2 / N
        dP[n, 0] = 2 * (P[n, 0] - Y[n, 0]) / N
    return loss, dP
'''),
    # network_backward
    "bwd_sigmoid_of_preactivation": bug("network_backward_answer", BWD,
                                        "sigmoid derivative from the pre-activation",
                                        _manual("dZ1 = dH * H * (1 - H)", "dZ1 = dH * Z1 * (1 - Z1)"),
        hints=("network.preactivation",)),
    "bwd_not_averaged": bug("network_backward_answer", BWD, "dP not divided by N",
                            _manual("dP = 2 * (P - Y) / N", "dP = 2 * (P - Y)"),
        hints=("batch.not_averaged",)),
    "bwd_dW2_transposed": bug("network_backward_answer", BWD, "dW2 = dZ2^T H (transposed)",
                              _manual("dW2 = H.T @ dZ2", "dW2 = dZ2.T @ H")),
    "bwd_db1_not_summed": bug("network_backward_answer", BWD, "db1 not summed over the batch",
                              _manual("db1 = dZ1.sum(axis=0)", "db1 = dZ1")),
    "bwd_manual": alt("network_backward_answer", "plain numpy, no layer classes",
                      _MANUAL_BACKWARD),
    "bwd_layer_list": alt("network_backward_answer", "a list of layers, run forward and reversed", '''
def network_backward(params, X, Y):
    layers = [Affine(params["W1"], params["b1"]), Sigmoid(),
              Affine(params["W2"], params["b2"]), Sigmoid()]
    out = X
    for layer in layers:
        out = layer.forward(out)
    loss = float(np.mean(np.square(out - Y)))
    grad = (out - Y) * 2 / len(X)
    for layer in layers[::-1]:
        grad = layer.backward(grad)
    names = {"W1": (0, "dW"), "b1": (0, "db"), "W2": (2, "dW"), "b2": (2, "db")}
    grads = {key: getattr(layers[i], attr) for key, (i, attr) in names.items()}
    return loss, grads
'''),
    # train
    "train_plus": bug("train_answer", TRAIN, "steps uphill (+ instead of -)",
                      _TRAIN.replace("params[name] - lr", "params[name] + lr"),
        hints=("train.uphill",)),
    "train_loss_after_update": bug("train_answer", TRAIN, "records the loss after the update", '''
def train(params, X, Y, grad_fn, lr, steps):
    losses = []
    for _ in range(steps):
        _, grads = grad_fn(params, X, Y)
        for name in params:
            params[name] = params[name] - lr * grads[name]
        losses.append(grad_fn(params, X, Y)[0])
    return params, losses
''',
        hints=("train.late_loss",)),
    "train_accumulates": bug("train_answer", TRAIN, "gradients accumulated across steps", '''
def train(params, X, Y, grad_fn, lr, steps):
    losses = []
    total = {name: 0.0 for name in params}
    for _ in range(steps):
        loss, grads = grad_fn(params, X, Y)
        losses.append(loss)
        for name in params:
            total[name] = total[name] + grads[name]
            params[name] = params[name] - lr * total[name]
    return params, losses
'''),
    "train_weights_only": bug("train_answer", TRAIN, "updates the weights, not the biases", '''
def train(params, X, Y, grad_fn, lr, steps):
    losses = []
    for _ in range(steps):
        loss, grads = grad_fn(params, X, Y)
        losses.append(loss)
        for name in params:
            if name.startswith("W"):
                params[name] = params[name] - lr * grads[name]
    return params, losses
'''),
    "train_in_place": alt("train_answer", "in-place -= over dict items", '''
def train(params, X, Y, grad_fn, lr, steps):
    losses = []
    for _ in range(steps):
        loss, grads = grad_fn(params, X, Y)
        for name, grad in grads.items():
            params[name] -= lr * grad
        losses.append(loss)
    return params, losses
'''),
    "train_new_dict": alt("train_answer", "a new dict per step, a while loop, array of losses", '''
def train(params, X, Y, grad_fn, lr, steps):
    history = np.zeros(steps)
    t = 0
    while t < steps:
        history[t], grads = grad_fn(params, X, Y)
        params = {name: value - grads[name] * lr for name, value in params.items()}
        t += 1
    return params, history
'''),
    # Relu
    "relu_passes_everything": bug("relu_layer_answer", RELU, "backward passes dout everywhere", '''
class Relu:
    def forward(self, x):
        return np.maximum(0.0, x)

    def backward(self, dout):
        return dout
'''),
    "relu_mask_at_zero": bug("relu_layer_answer", RELU, "mask x >= 0: passes dout at the kink", '''
class Relu:
    def forward(self, x):
        self.mask = x >= 0
        return np.where(self.mask, x, 0.0)

    def backward(self, dout):
        return dout * self.mask
''',
        hints=("relu.at_zero",)),
    "relu_of_dout": bug("relu_layer_answer", RELU, "relu applied to dout, not masked by x", '''
class Relu:
    def forward(self, x):
        return np.maximum(0.0, x)

    def backward(self, dout):
        return np.maximum(0.0, dout)
'''),
    "relu_class_mask": bug("relu_layer_answer", RELU, "mask on the class, shared by every layer", '''
class Relu:
    mask = None

    def forward(self, x):
        Relu.mask = x > 0
        return x * Relu.mask

    def backward(self, dout):
        return dout * Relu.mask
'''),
    "relu_no_dout": bug("relu_layer_answer", RELU, "returns the mask, not dout times it", '''
class Relu:
    def forward(self, x):
        self.mask = x > 0
        return np.where(self.mask, x, 0.0)

    def backward(self, dout):
        return self.mask * 1.0
''', hints=("upstream",)),
    "relu_times_output": bug("relu_layer_answer", RELU, "dout times the output instead of the "
                             "mask", '''
class Relu:
    def forward(self, x):
        self.out = np.maximum(0.0, x)
        return self.out

    def backward(self, dout):
        return dout * self.out
'''),
    "relu_mask_of_output": alt("relu_layer_answer", "keeps the output, mask out > 0", '''
class Relu:
    def forward(self, x):
        self.out = np.maximum(0, x)
        return self.out

    def backward(self, dout):
        return dout * (self.out > 0)
'''),
    "relu_dlfs": alt("relu_layer_answer", "Deep Learning from Scratch's copy-and-zero", '''
class Relu:
    def __init__(self):
        self.mask = None

    def forward(self, x):
        self.mask = (x <= 0)
        out = x.copy()
        out[self.mask] = 0
        return out

    def backward(self, dout):
        dx = dout.copy()
        dx[self.mask] = 0
        return dx
'''),
    "relu_heaviside": alt("relu_layer_answer", "np.heaviside(x, 0) as the local gradient", '''
class Relu:
    def forward(self, x):
        self.local = np.heaviside(x, 0.0)  # relu'(x): 1 for x > 0, 0 for x <= 0
        return x * self.local

    def backward(self, dout):
        return self.local * dout
'''),
}
