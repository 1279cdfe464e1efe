"""Simulated answers for assignment 05: typical bugs (each must lose exactly its exercise's
points) and differently written correct answers (each must get full marks)."""
from autograder.submissions import alt, bug

MATMUL = ("matmul_backward_visible", "matmul_backward_hidden")
REL = ("rel_error_visible", "rel_error_hidden")
WORST = ("worst_rel_error_visible", "worst_rel_error_hidden")
MUL = ("mul_layer_visible", "mul_layer_hidden")
ADD = ("add_layer_visible", "add_layer_hidden")
AFFINE = ("affine_layer_visible", "affine_layer_hidden")
SIGMOID = ("sigmoid_layer_visible", "sigmoid_layer_hidden")

VARIANTS = {
    # matmul_backward
    "matmul_dW_transposed": bug("matmul_backward_answer", MATMUL, "dW = X dD^T (transposed)", '''
def matmul_backward(W, X, dD):
    dW = X @ dD.T
    dX = W.T @ dD
    return dW, dX
'''),
    "matmul_dX_transposed": bug("matmul_backward_answer", MATMUL, "dX = dD^T W (transposed)", '''
def matmul_backward(W, X, dD):
    dW = dD @ X.T
    dX = dD.T @ W
    return dW, dX
'''),
    "matmul_elementwise": bug("matmul_backward_answer", MATMUL, "elementwise products", '''
def matmul_backward(W, X, dD):
    dW = dD * X.T
    dX = W.T * dD
    return dW, dX
'''),
    "matmul_swapped_outputs": bug("matmul_backward_answer", MATMUL, "returns dX, dW", '''
def matmul_backward(W, X, dD):
    dW = np.dot(dD, X.T)
    dX = np.dot(W.T, dD)
    return dX, dW
''',
        hints=("exchanged.mul",)),
    "matmul_dX_right_multiplied": bug("matmul_backward_answer", MATMUL, "dX = dD W^T", '''
def matmul_backward(W, X, dD):
    dW = dD @ X.T
    dX = dD @ W.T
    return dW, dX
'''),
    "matmul_np_dot": alt("matmul_backward_answer", "np.dot and .transpose()", '''
def matmul_backward(W, X, dD):
    return np.dot(dD, X.transpose()), np.dot(W.transpose(), dD)
'''),
    "matmul_einsum_loops": alt("matmul_backward_answer", "einsum for dW, loops for dX", '''
def matmul_backward(W, X, dD):
    dW = np.einsum("ij,kj->ik", dD, X)       # sum over the columns j of D
    dX = np.zeros_like(X, dtype=float)
    for k in range(X.shape[0]):
        for j in range(X.shape[1]):
            dX[k, j] = sum(W[i, k] * dD[i, j] for i in range(W.shape[0]))
    return dW, dX
'''),
    # rel_error
    "rel_no_abs": bug("rel_error_answer", REL, "no abs on the difference", '''
def rel_error(a, b):
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return float(np.max((a - b) / np.maximum(np.abs(a), np.abs(b))))
''',
        hints=("rel_error.signed",)),
    "rel_min": bug("rel_error_answer", REL, "divides by the smaller magnitude", '''
def rel_error(a, b):
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return float(np.max(np.abs(a - b) / np.minimum(np.abs(a), np.abs(b))))
''',
        hints=("rel_error.min",)),
    "rel_mean": bug("rel_error_answer", REL, "mean over entries, not max", '''
def rel_error(a, b):
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return float(np.mean(np.abs(a - b) / np.maximum(np.abs(a), np.abs(b))))
''',
        hints=("rel_error.mean",)),
    "rel_sum_denominator": bug("rel_error_answer", REL, "divides by |a| + |b|", '''
def rel_error(a, b):
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return float(np.max(np.abs(a - b) / (np.abs(a) + np.abs(b))))
'''),
    "rel_loop": alt("rel_error_answer", "plain loop over the flattened entries", '''
def rel_error(a, b):
    worst = 0.0
    for u, v in zip(np.ravel(a), np.ravel(b)):
        worst = max(worst, abs(u - v) / max(abs(u), abs(v)))
    return worst
'''),
    "rel_where_1d": alt("rel_error_answer", "flattened arrays, .max() method, returns np.float64", '''
def rel_error(a, b):
    a = np.array(a, dtype=float).ravel()
    b = np.array(b, dtype=float).ravel()
    ratios = np.abs(a - b) / np.max(np.stack([np.abs(a), np.abs(b)]), axis=0)
    return ratios.max()
'''),
    # worst_rel_error
    "worst_flat_index": bug("worst_rel_error_answer", WORST, "index into the flattened array", '''
def worst_rel_error(a, b):
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    errors = np.abs(a - b) / np.maximum(np.maximum(np.abs(a), np.abs(b)), 1e-12)
    return float(errors.max()), int(np.argmax(errors))
''',
        hints=("worst.flat_index",)),
    "worst_no_floor": bug("worst_rel_error_answer", WORST, "0/0 = nan where both are 0", '''
def worst_rel_error(a, b):
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    errors = np.abs(a - b) / np.maximum(np.abs(a), np.abs(b))
    index = np.unravel_index(np.argmax(errors), errors.shape)
    return float(errors[index]), tuple(int(i) for i in index)
''',
        hints=("worst.zeros",)),
    "worst_nanargmax": bug("worst_rel_error_answer", ("worst_rel_error_hidden",), "nanmax and nanargmax: all 0/0 raises", '''
def worst_rel_error(a, b):
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    errors = np.abs(a - b) / np.maximum(np.abs(a), np.abs(b))
    index = np.unravel_index(np.nanargmax(errors), errors.shape)
    return float(np.nanmax(errors)), tuple(int(i) for i in index)
'''),
    "worst_absolute": bug("worst_rel_error_answer", WORST, "absolute error |a - b|", '''
def worst_rel_error(a, b):
    errors = np.abs(np.asarray(a, dtype=float) - np.asarray(b, dtype=float))
    index = np.unravel_index(np.argmax(errors), errors.shape)
    return float(errors[index]), tuple(int(i) for i in index)
'''),
    "worst_signed": bug("worst_rel_error_answer", WORST, "max of the signed differences", '''
def worst_rel_error(a, b):
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    errors = (a - b) / np.maximum(np.maximum(np.abs(a), np.abs(b)), 1e-12)
    index = np.unravel_index(np.argmax(errors), errors.shape)
    return float(errors[index]), tuple(int(i) for i in index)
'''),
    "worst_first_not_worst": bug("worst_rel_error_answer", WORST, "first entry above 1e-7", '''
def worst_rel_error(a, b):
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    errors = np.abs(a - b) / np.maximum(np.maximum(np.abs(a), np.abs(b)), 1e-12)
    for index in np.ndindex(errors.shape):
        if errors[index] > 1e-7:
            return float(errors[index]), index
    return float(errors.max()), np.unravel_index(np.argmax(errors), errors.shape)
'''),
    "worst_last_tie": bug("worst_rel_error_answer", WORST, "the last of tied entries (>=)", '''
def worst_rel_error(a, b):
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    errors = np.abs(a - b) / np.maximum(np.maximum(np.abs(a), np.abs(b)), 1e-12)
    worst, where = -1.0, None
    for index in np.ndindex(errors.shape):
        if errors[index] >= worst:
            worst, where = errors[index], index
    return float(worst), where
'''),
    "worst_loop_course_rel_error": alt("worst_rel_error_answer",
                                       "loop with course.gradcheck.rel_error per entry", '''
def worst_rel_error(a, b):
    a, b = np.asarray(a), np.asarray(b)
    worst, where = -1.0, None
    for index in np.ndindex(a.shape):
        err = gradcheck.rel_error(a[index], b[index])
        if err > worst:
            worst, where = err, index
    return worst, where
'''),
    "worst_divide_where": alt("worst_rel_error_answer", "np.divide(where=...), .flat, a list", '''
def worst_rel_error(a, b):
    diff = np.abs(np.subtract(a, b, dtype=float))
    scale = np.maximum(np.abs(a), np.abs(b)).astype(float)
    errors = np.divide(diff, scale, out=np.zeros_like(diff), where=scale > 0)
    flat = errors.argmax()
    return [errors.flat[flat], np.unravel_index(flat, errors.shape)]
'''),
    # MulLayer
    "mul_not_swapped": bug("mul_layer_answer", MUL, "gradients not swapped", '''
class MulLayer:
    def forward(self, x, y):
        self.x = x
        self.y = y
        return x * y

    def backward(self, dout):
        return dout * self.x, dout * self.y
''',
        hints=("exchanged.mul",)),
    "mul_global_cache": bug("mul_layer_answer", MUL, "cache in a module-level variable", '''
class MulLayer:
    def forward(self, x, y):
        global cache
        cache = (x, y)
        return x * y

    def backward(self, dout):
        x, y = cache
        return dout * y, dout * x
'''),
    "mul_ignores_dout": bug("mul_layer_answer", MUL, "local gradients only", '''
class MulLayer:
    def forward(self, x, y):
        self.x, self.y = x, y
        return x * y

    def backward(self, dout):
        dx = self.y
        dy = self.x
        return dx, dy
''',
        hints=("upstream",)),
    "mul_tuple_cache": alt("mul_layer_answer", "one tuple as cache, __init__, list result", '''
class MulLayer:
    def __init__(self):
        self.cache = None

    def forward(self, x, y):
        self.cache = (x, y)
        return np.multiply(x, y)

    def backward(self, dout):
        x, y = self.cache
        return [np.multiply(dout, y), np.multiply(dout, x)]
'''),
    "mul_reordered": alt("mul_layer_answer", "factors in another order", '''
class MulLayer:
    def forward(self, x, y):
        self.inputs = x, y
        out = y * x
        return out

    def backward(self, dout):
        x, y = self.inputs
        return y * dout, x * dout
'''),
    # AddLayer
    "add_ignores_dout": bug("add_layer_answer", ADD, "local gradients only", '''
class AddLayer:
    def forward(self, x, y):
        return x + y

    def backward(self, dout):
        return 1.0, 1.0
''',
        hints=("upstream",)),
    "add_like_mul": bug("add_layer_answer", ADD, "scales by the inputs", '''
class AddLayer:
    def forward(self, x, y):
        self.x, self.y = x, y
        return x + y

    def backward(self, dout):
        return dout * self.x, dout * self.y
'''),
    "add_one_gradient": bug("add_layer_answer", ADD, "returns one gradient", '''
class AddLayer:
    def forward(self, x, y):
        return x + y

    def backward(self, dout):
        return dout
'''),
    "add_ones_like": alt("add_layer_answer", "explicit local gradients of ones", '''
class AddLayer:
    def forward(self, x, y):
        return np.add(x, y)

    def backward(self, dout):
        local = np.ones_like(dout)
        return local * dout, local * dout
'''),
    "add_passthrough": alt("add_layer_answer", "returns dout twice, __init__ with pass", '''
class AddLayer:
    def __init__(self):
        pass

    def forward(self, x, y):
        out = y + x
        return out

    def backward(self, dout):
        return dout, dout
'''),
    # Affine
    "affine_db_not_summed": bug("affine_layer_answer", AFFINE, "db = dout (not summed)", '''
class Affine:
    def __init__(self, W, b):
        self.W = W
        self.b = b

    def forward(self, x):
        self.x = x
        return x @ self.W + self.b

    def backward(self, dout):
        self.dW = self.x.T @ dout
        self.db = dout
        return dout @ self.W.T
'''),
    "affine_db_wrong_axis": bug("affine_layer_answer", AFFINE, "db summed over axis 1", '''
class Affine:
    def __init__(self, W, b):
        self.W = W
        self.b = b

    def forward(self, x):
        self.x = x
        return x @ self.W + self.b

    def backward(self, dout):
        self.dW = self.x.T @ dout
        self.db = np.sum(dout, axis=1)
        return dout @ self.W.T
'''),
    "affine_dW_transposed": bug("affine_layer_answer", AFFINE, "dW = dout^T x", '''
class Affine:
    def __init__(self, W, b):
        self.W = W
        self.b = b

    def forward(self, x):
        self.x = x
        return x @ self.W + self.b

    def backward(self, dout):
        self.dW = dout.T @ self.x
        self.db = dout.sum(axis=0)
        return dout @ self.W.T
'''),
    "affine_caches_output": bug("affine_layer_answer", AFFINE, "caches out instead of x", '''
class Affine:
    def __init__(self, W, b):
        self.W = W
        self.b = b

    def forward(self, x):
        self.out = x @ self.W + self.b
        return self.out

    def backward(self, dout):
        self.dW = self.out.T @ dout
        self.db = dout.sum(axis=0)
        return dout @ self.W.T
'''),
    "affine_np_dot": alt("affine_layer_answer", "np.dot and np.sum", '''
class Affine:
    def __init__(self, W, b):
        self.W, self.b = W, b
        self.x = self.dW = self.db = None

    def forward(self, x):
        self.x = x
        return np.dot(x, self.W) + self.b

    def backward(self, dout):
        dx = np.dot(dout, self.W.T)
        self.dW = np.dot(self.x.T, dout)
        self.db = np.sum(dout, axis=0)
        return dx
'''),
    "affine_loops": alt("affine_layer_answer", "accumulates over the batch, one row at a time", '''
class Affine:
    def __init__(self, W, b):
        self.W = W
        self.b = b

    def forward(self, x):
        self.x = x.copy()
        return np.einsum("nd,dm->nm", x, self.W) + self.b

    def backward(self, dout):
        self.dW = np.zeros(self.W.shape)
        self.db = np.zeros(self.b.shape)
        dx = np.zeros(self.x.shape)
        for n in range(self.x.shape[0]):
            self.dW += np.outer(self.x[n], dout[n])
            self.db += dout[n]
            dx[n] = self.W @ dout[n]
        return dx
'''),
    # Sigmoid
    "sigmoid_from_input": bug("sigmoid_layer_answer", SIGMOID, "derivative from the input", '''
class Sigmoid:
    def forward(self, x):
        self.x = x
        return 1.0 / (1.0 + np.exp(-x))

    def backward(self, dout):
        return dout * (1.0 - self.x) * self.x
''',
        hints=("sigmoid_layer.input",)),
    "sigmoid_ignores_dout": bug("sigmoid_layer_answer", SIGMOID, "forgets the upstream gradient", '''
class Sigmoid:
    def forward(self, x):
        self.out = 1.0 / (1.0 + np.exp(-x))
        return self.out

    def backward(self, dout):
        return (1.0 - self.out) * self.out
''',
        hints=("upstream",)),
    "sigmoid_class_cache": bug("sigmoid_layer_answer", SIGMOID, "cache on the class, shared", '''
class Sigmoid:
    out = None

    def forward(self, x):
        Sigmoid.out = 1.0 / (1.0 + np.exp(-x))
        return Sigmoid.out

    def backward(self, dout):
        return dout * (1.0 - Sigmoid.out) * Sigmoid.out
'''),
    "sigmoid_stores_x": alt("sigmoid_layer_answer", "stores x, recomputes sigma in backward", '''
class Sigmoid:
    def forward(self, x):
        self.x = x
        return 1 / (1 + np.exp(-x))

    def backward(self, dout):
        s = 1 / (1 + np.exp(-self.x))
        return dout * s * (1 - s)
'''),
    "sigmoid_tanh": alt("sigmoid_layer_answer", "sigma via tanh, derivative as out - out^2", '''
class Sigmoid:
    def __init__(self):
        self.out = None

    def forward(self, x):
        self.out = 0.5 * (1.0 + np.tanh(0.5 * x))
        return self.out

    def backward(self, dout):
        return dout * (self.out - self.out ** 2)
'''),
}
