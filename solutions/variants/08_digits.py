"""Simulated answers for assignment 08: typical bugs (each must lose exactly its exercise's
points) and differently written correct answers (each must get full marks)."""
from autograder.submissions import alt, bug

SOFTMAX = ("softmax_loss_visible", "softmax_loss_hidden")
BWD = ("network_backward_visible", "network_backward_hidden")
SGD = ("sgd_visible", "sgd_hidden")
# network_backward is built from the student's own SoftmaxWithLoss (as the notebook asks), so a
# layer bug that changes the network's gradients loses the network's points too. (Its Relu is
# notebook 06's, pasted, and graded there.)
SOFTMAX_NET = SOFTMAX + BWD

_RELU = '''
class Relu:
    def forward(self, x):
        self.mask = x > 0
        return np.maximum(0, x)

    def backward(self, dout):
        return dout * self.mask
'''

_SOFTMAX = '''
class SoftmaxWithLoss:
    def forward(self, s, y):
        s = s - np.max(s, axis=1, keepdims=True)
        e = np.exp(s)
        self.p = e / np.sum(e, axis=1, keepdims=True)
        self.y = y
        N = s.shape[0]
        return -np.sum(np.log(self.p[np.arange(N), y])) / N

    def backward(self, dout=1.0):
        N = self.p.shape[0]
        t = np.eye(self.p.shape[1])[self.y]
        return dout * (self.p - t) / N
'''

# A hand-written backward pass without the layer classes; bugs below change one line of it.
_MANUAL_BACKWARD = '''
def network_backward(params, X, y):
    N = X.shape[0]
    Z = X @ params["W1"] + params["b1"]
    H = np.maximum(Z, 0)
    S = H @ params["W2"] + params["b2"]
    S = S - S.max(axis=1, keepdims=True)
    P = np.exp(S) / np.exp(S).sum(axis=1, keepdims=True)
    loss = -np.mean(np.log(P[np.arange(N), y]))
    dS = P.copy()
    dS[np.arange(N), y] -= 1
    dS = dS / N
    dW2 = H.T @ dS
    db2 = dS.sum(axis=0)
    dH = dS @ params["W2"].T
    dZ = dH * (Z > 0)
    dW1 = X.T @ dZ
    db1 = dZ.sum(axis=0)
    return loss, {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}
'''

_SGD = '''
def sgd(params, X, y, grad_fn, lr, epochs, batch_size, seed):
    rng = np.random.default_rng(seed)
    N = len(X)
    losses = []
    for epoch in range(epochs):
        order = rng.permutation(N)
        for start in range(0, N, batch_size):
            batch = order[start:start + batch_size]
            loss, grads = grad_fn(params, X[batch], y[batch])
            losses.append(loss)
            for name in params:
                params[name] = params[name] - lr * grads[name]
    return params, losses
'''


def _edit(text, old, new):
    assert old in text, old
    return text.replace(old, new)


VARIANTS = {
    # SoftmaxWithLoss
    "softmax_no_max": bug("softmax_loss_answer", ("softmax_loss_hidden",),
                          "no max subtraction (overflows on large scores)",
                          _edit(_SOFTMAX, "        s = s - np.max(s, axis=1, keepdims=True)\n", ""),
                          hints=("softmax.overflow",)),
    "softmax_not_averaged": bug("softmax_loss_answer", SOFTMAX_NET, "ds without the 1/N",
                                _edit(_SOFTMAX, "return dout * (self.p - t) / N",
                                      "return dout * (self.p - t)"),
                                hints=("batch.not_averaged", "network.loss_layer")),
    "softmax_no_onehot": bug("softmax_loss_answer", SOFTMAX_NET, "ds = p / N (the target forgotten)",
                             _edit(_SOFTMAX, "return dout * (self.p - t) / N",
                                   "return dout * self.p / N"), hints=("network.loss_layer",)),
    "softmax_wrong_axis": bug("softmax_loss_answer", SOFTMAX_NET, "normalised over the batch (axis 0)",
                              _edit(_SOFTMAX, "self.p = e / np.sum(e, axis=1, keepdims=True)",
                                    "self.p = e / np.sum(e, axis=0, keepdims=True)"),
                              hints=("network.loss_layer",)),
    "softmax_sign": bug("softmax_loss_answer", SOFTMAX_NET, "ds = (t - p) / N",
                        _edit(_SOFTMAX, "return dout * (self.p - t) / N",
                              "return dout * (t - self.p) / N"), hints=("sign", "network.loss_layer")),
    "softmax_loss_summed": bug("softmax_loss_answer", SOFTMAX_NET, "loss summed over the batch",
                               _edit(_SOFTMAX, "return -np.sum(np.log(self.p[np.arange(N), y])) / N",
                                     "return -np.sum(np.log(self.p[np.arange(N), y]))")),
    "softmax_logsumexp": alt("softmax_loss_answer", "log-sum-exp for the loss, fancy-index ds", '''
class SoftmaxWithLoss:
    def forward(self, s, y):
        m = s.max(axis=1, keepdims=True)
        lse = m[:, 0] + np.log(np.exp(s - m).sum(axis=1))
        self.p = np.exp(s - m) / np.exp(s - m).sum(axis=1, keepdims=True)
        self.y = y
        return float(np.mean(lse - s[np.arange(len(y)), y]))

    def backward(self, dout=1.0):
        ds = self.p.copy()
        ds[np.arange(len(self.y)), self.y] -= 1
        return ds * dout / len(self.y)
'''),
    # a guarded log changes no gradient: accepted up to 1e-7 (course.tolerance.LOG_GUARD)
    "softmax_guard_cs231n": alt("softmax_loss_answer", "log(p + 1e-16), as cs231n's solutions",
                                _edit(_SOFTMAX, "np.log(self.p[np.arange(N), y])",
                                      "np.log(self.p[np.arange(N), y] + 1e-16)")),
    "softmax_guard_dlfs": alt("softmax_loss_answer", "log(p + 1e-7), as Deep Learning from Scratch",
                              _edit(_SOFTMAX, "np.log(self.p[np.arange(N), y])",
                                    "np.log(self.p[np.arange(N), y] + 1e-7)")),
    "softmax_rows_loop": alt("softmax_loss_answer", "a loop over the rows", '''
class SoftmaxWithLoss:
    def forward(self, s, y):
        self.probs = []
        total = 0.0
        for row, label in zip(s, y):
            e = np.exp(row - max(row))
            p = e / e.sum()
            self.probs.append(p)
            total += -np.log(p[label])
        self.y = y
        return total / len(y)

    def backward(self, dout=1.0):
        ds = np.array(self.probs)
        for n, label in enumerate(self.y):
            ds[n, label] -= 1.0
        return dout * ds / len(self.y)
'''),
    # network_backward
    "bwd_no_relu_mask": bug("network_backward_answer", BWD, "the ReLU's mask forgotten",
                            _edit(_MANUAL_BACKWARD, "dZ = dH * (Z > 0)", "dZ = dH")),
    "bwd_not_averaged": bug("network_backward_answer", BWD, "dS not divided by N",
                            _edit(_MANUAL_BACKWARD, "    dS = dS / N\n", ""),
                            hints=("batch.not_averaged", "network.loss_layer")),
    "bwd_dW2_transposed": bug("network_backward_answer", BWD, "dW2 = dS^T H (transposed)",
                              _edit(_MANUAL_BACKWARD, "dW2 = H.T @ dS", "dW2 = dS.T @ H")),
    "bwd_no_onehot": bug("network_backward_answer", BWD, "dS = P / N (the target forgotten)",
                         _edit(_MANUAL_BACKWARD, "    dS[np.arange(N), y] -= 1\n", ""),
                         hints=("network.loss_layer",)),
    "bwd_manual": alt("network_backward_answer", "plain numpy, no layer classes",
                      _MANUAL_BACKWARD),
    "bwd_layer_list": alt("network_backward_answer", "a list of layers, run forward and reversed", '''
def network_backward(params, X, y):
    layers = [Affine(params["W1"], params["b1"]), Relu(), Affine(params["W2"], params["b2"])]
    last = SoftmaxWithLoss()
    out = X
    for layer in layers:
        out = layer.forward(out)
    loss = last.forward(out, y)
    dout = last.backward()
    for layer in layers[::-1]:
        dout = layer.backward(dout)
    return loss, {"W1": layers[0].dW, "b1": layers[0].db, "W2": layers[2].dW, "b2": layers[2].db}
'''),
    # sgd
    "sgd_labels_shuffled_apart": bug("sgd_answer", SGD, "images and labels shuffled separately",
                                     _edit(_SGD, """        order = rng.permutation(N)
        for start in range(0, N, batch_size):
            batch = order[start:start + batch_size]
            loss, grads = grad_fn(params, X[batch], y[batch])""",
                                           """        Xs = X[rng.permutation(N)]
        ys = y[rng.permutation(N)]
        for start in range(0, N, batch_size):
            loss, grads = grad_fn(params, Xs[start:start + batch_size], ys[start:start + batch_size])""")),
    "sgd_drops_last_batch": bug("sgd_answer", SGD, "drops the last, smaller batch",
                                _edit(_SGD, "for start in range(0, N, batch_size):",
                                      "for start in range(0, N - batch_size + 1, batch_size):")),
    "sgd_same_order": bug("sgd_answer", SGD, "one shuffle for all epochs",
                          _edit(_SGD, """    for epoch in range(epochs):
        order = rng.permutation(N)
""", """    order = rng.permutation(N)
    for epoch in range(epochs):
""")),
    "sgd_no_shuffle": bug("sgd_answer", SGD, "never shuffles",
                          _edit(_SGD, "order = rng.permutation(N)", "order = np.arange(N)")),
    "sgd_loss_after_update": bug("sgd_answer", SGD, "records the loss after the update",
                                 _edit(_SGD, """            losses.append(loss)
            for name in params:
                params[name] = params[name] - lr * grads[name]
""", """            for name in params:
                params[name] = params[name] - lr * grads[name]
            losses.append(grad_fn(params, X[batch], y[batch])[0])
""")),
    "sgd_shuffled_copies": alt("sgd_answer", "shuffled copies of X and y, slices, in-place -=", '''
def sgd(params, X, y, grad_fn, lr, epochs, batch_size, seed):
    rng = np.random.default_rng(seed)
    losses = []
    for _ in range(epochs):
        perm = rng.permutation(X.shape[0])
        X_shuffled, y_shuffled = X[perm], y[perm]
        for i in range(0, X.shape[0], batch_size):
            loss, grads = grad_fn(params, X_shuffled[i:i + batch_size], y_shuffled[i:i + batch_size])
            for key, grad in grads.items():
                params[key] -= lr * grad
            losses.append(loss)
    return params, losses
'''),
    "sgd_shuffle_indices": alt("sgd_answer", "rng.shuffle of an index array, a while loop, new dicts", '''
def sgd(params, X, y, grad_fn, lr, epochs, batch_size, seed):
    rng = np.random.default_rng(seed)
    history = []
    for epoch in range(epochs):
        idx = np.arange(len(y))
        rng.shuffle(idx)
        start = 0
        while start < len(idx):
            take = idx[start:start + batch_size]
            value, grads = grad_fn(params, X[take], y[take])
            history.append(value)
            params = {k: v - lr * grads[k] for k, v in params.items()}
            start += batch_size
    return params, np.array(history)
'''),
}
