"""Simulated answers for assignment 01: typical bugs (each must lose exactly its exercise's
points) and differently written correct answers (each must get full marks)."""
from autograder.submissions import alt, bug

PRED = ("perceptron_predict_visible", "perceptron_predict_hidden")
UPD = ("perceptron_update_visible", "perceptron_update_hidden")
TRAIN = ("train_perceptron_and_or_visible", "train_perceptron_xor_visible",
         "train_perceptron_hidden")
XOR = ("xor_network_visible", "xor_network_hidden")

VARIANTS = {
    # perceptron_predict
    "predict_zero_one": bug("perceptron_predict_answer", PRED, "labels 1/0 instead of +1/-1", '''
def perceptron_predict(w, b, X):
    return (X @ w + b > 0).astype(float)
''',
        hints=("labels.01",)),
    "predict_ge": bug("perceptron_predict_answer", PRED, ">= 0 fires at a score of exactly 0", '''
def perceptron_predict(w, b, X):
    scores = X @ w + b
    return np.where(scores >= 0, 1.0, -1.0)
''',
        hints=("labels.tie",)),
    "predict_sign": bug("perceptron_predict_answer", PRED, "np.sign gives 0 at a tie", '''
def perceptron_predict(w, b, X):
    return np.sign(np.dot(X, w) + b)
''',
        hints=("labels.sign",)),
    "predict_no_bias": bug("perceptron_predict_answer", PRED, "forgets the bias", '''
def perceptron_predict(w, b, X):
    return np.where(X @ w > 0, 1.0, -1.0)
'''),
    "predict_loop": alt("perceptron_predict_answer", "loop over rows, list of ints", '''
def perceptron_predict(w, b, X):
    labels = []
    for row in X:
        score = sum(wi * xi for wi, xi in zip(w, row)) + b
        labels.append(1 if score > 0 else -1)
    return np.array(labels)
'''),
    "predict_sign_fixed": alt("perceptron_predict_answer", "np.sign with ties set to -1", '''
def perceptron_predict(w, b, X):
    labels = np.sign(np.dot(X, w) + b)
    labels[labels == 0] = -1
    return labels
'''),
    "predict_arith": alt("perceptron_predict_answer", "2 * indicator - 1", '''
def perceptron_predict(w, b, X):
    return 2 * (X.dot(w) + b > 0).astype(int) - 1
'''),
    # perceptron_update
    "update_always": bug("perceptron_update_answer", UPD, "updates on every point", '''
def perceptron_update(w, b, x, y, lr):
    w = w + lr * y * x
    b = b + lr * y
    return w, b
''',
        hints=("perceptron.moved_when_right",)),
    "update_no_bias": bug("perceptron_update_answer", UPD, "forgets the bias update", '''
def perceptron_update(w, b, x, y, lr):
    guess = 1.0 if np.dot(w, x) + b > 0 else -1.0
    if guess != y:
        w = w + lr * y * x
    return w, b
''',
        hints=("perceptron.bias_stuck",)),
    "update_sign": bug("perceptron_update_answer", UPD, "moves away from the label", '''
def perceptron_update(w, b, x, y, lr):
    guess = 1.0 if np.dot(w, x) + b > 0 else -1.0
    if guess != y:
        w = w - lr * y * x
        b = b - lr * y
    return w, b
'''),
    "update_margin": bug("perceptron_update_answer", UPD, "y * score <= 0 treats a tie as a mistake", '''
def perceptron_update(w, b, x, y, lr):
    if y * (np.dot(w, x) + b) <= 0:
        w = w + lr * y * x
        b = b + lr * y
    return w, b
''',
        hints=("perceptron.moved_when_right",)),
    "update_tie_never_mistake": bug("perceptron_update_answer", UPD,
                                    "y * score < 0: a score of exactly 0 is never a mistake", '''
def perceptron_update(w, b, x, y, lr):
    if y * (np.dot(w, x) + b) < 0:
        w = w + lr * y * x
        b = b + lr * y
    return w, b
''',
        hints=("perceptron.tie",)),
    "update_copy_inplace": alt("perceptron_update_answer", "copies, then updates in place", '''
def perceptron_update(w, b, x, y, lr):
    w = np.array(w, dtype=float)
    score = w @ x + b
    if (score > 0) != (y > 0):
        w += lr * y * x
        b += lr * y
    return w, b
'''),
    "update_list": alt("perceptron_update_answer", "early return, list result", '''
def perceptron_update(w, b, x, y, lr):
    predicted = -1 if float(np.dot(x, w)) + b <= 0 else 1
    if predicted == y:
        return [w, b]
    return [w + (lr * y) * x, b + lr * y]
'''),
    # train_perceptron
    "train_count_after": bug("train_perceptron_answer", TRAIN, "counts mistakes after the epoch", '''
def train_perceptron(X, y, epochs, lr):
    w = np.zeros(X.shape[1])
    b = 0.0
    errors = []
    for epoch in range(epochs):
        for xi, yi in zip(X, y):
            guess = 1.0 if xi @ w + b > 0 else -1.0
            if guess != yi:
                w = w + lr * yi * xi
                b = b + lr * yi
        guesses = np.where(X @ w + b > 0, 1.0, -1.0)
        errors.append(int(np.sum(guesses != y)))
    return w, b, errors
'''),
    "train_no_bias": bug("train_perceptron_answer", TRAIN, "never updates the bias", '''
def train_perceptron(X, y, epochs, lr):
    w = np.zeros(X.shape[1])
    b = 0.0
    errors = []
    for epoch in range(epochs):
        mistakes = 0
        for xi, yi in zip(X, y):
            if (1.0 if xi @ w + b > 0 else -1.0) != yi:
                w = w + lr * yi * xi
                mistakes += 1
        errors.append(mistakes)
    return w, b, errors
'''),
    "train_cumulative": bug("train_perceptron_answer", TRAIN, "counter never reset per epoch", '''
def train_perceptron(X, y, epochs, lr):
    w = np.zeros(X.shape[1])
    b = 0.0
    errors = []
    mistakes = 0
    for epoch in range(epochs):
        for xi, yi in zip(X, y):
            if (1.0 if xi @ w + b > 0 else -1.0) != yi:
                w = w + lr * yi * xi
                b = b + lr * yi
                mistakes += 1
        errors.append(mistakes)
    return w, b, errors
'''),
    "train_every_point": bug("train_perceptron_answer", TRAIN, "updates on every point", '''
def train_perceptron(X, y, epochs, lr):
    w = np.zeros(X.shape[1])
    b = 0.0
    errors = []
    for epoch in range(epochs):
        mistakes = 0
        for xi, yi in zip(X, y):
            if (1.0 if xi @ w + b > 0 else -1.0) != yi:
                mistakes += 1
            w = w + lr * yi * xi
            b = b + lr * yi
        errors.append(mistakes)
    return w, b, errors
'''),
    "train_margin_rule": bug("train_perceptron_answer", TRAIN,
                             "y * score <= 0 as the update test: a tie is always a mistake", '''
def train_perceptron(X, y, epochs, lr):
    w, b, errors = np.zeros(X.shape[1]), 0.0, []
    for epoch in range(epochs):
        mistakes = 0
        for xi, yi in zip(X, y):
            if yi * (np.dot(w, xi) + b) <= 0:
                w = w + lr * yi * xi
                b = b + lr * yi
                mistakes += 1
        errors.append(mistakes)
    return w, b, errors
''',
        hints=("train.tie",)),
    "train_via_update": alt("train_perceptron_answer", "calls perceptron_update, detects changes", '''
def train_perceptron(X, y, epochs, lr):
    w = np.zeros(X.shape[1])
    b = 0.0
    errors = []
    for _ in range(epochs):
        count = 0
        for i in range(len(X)):
            new_w, new_b = perceptron_update(w, b, X[i], y[i], lr)
            if new_b != b:
                count += 1
            w, b = new_w, new_b
        errors.append(count)
    return w, b, errors
'''),
    "train_via_predict": alt("train_perceptron_answer", "perceptron_predict on one row, in place", '''
def train_perceptron(X, y, epochs, lr):
    w = np.zeros(X.shape[1])
    b = 0.0
    errors = []
    for epoch in range(epochs):
        errors.append(0)
        for xi, yi in zip(X, y):
            if perceptron_predict(w, b, xi.reshape(1, -1))[0] != yi:
                w += lr * yi * xi
                b += lr * yi
                errors[-1] += 1
    return w, b, np.array(errors)
'''),
    # xor_network
    "xor_and_or_swapped": bug("xor_network_answer", XOR, "AND and OR hidden units swapped", '''
def xor_network(X):
    def unit(inputs, w, b):
        return np.where(inputs @ np.asarray(w, dtype=float) + b > 0, 1.0, -1.0)
    h_and = unit(X, [1.0, 1.0], -1.5)
    h_or = unit(X, [1.0, 1.0], -0.5)
    return unit(np.column_stack([h_and, h_or]), [1.0, -1.0], -1.0)
'''),
    "xor_zero_one": bug("xor_network_answer", XOR, "returns 1/0", '''
def xor_network(X):
    h1 = (X[:, 0] + X[:, 1] - 0.5 > 0).astype(float)
    h2 = (X[:, 0] + X[:, 1] - 1.5 > 0).astype(float)
    return (h1 - h2 - 0.5 > 0).astype(float)
''',
        hints=("labels.01",)),
    "xor_one_layer": bug("xor_network_answer", XOR, "only the OR unit", '''
def xor_network(X):
    return np.where(X @ np.array([1.0, 1.0]) - 0.5 > 0, 1.0, -1.0)
'''),
    "xor_nand_loop": alt("xor_network_answer", "OR and NAND, loop over rows", '''
def xor_network(X):
    step = lambda s: 1 if s > 0 else -1
    out = []
    for x1, x2 in X:
        h_or = step(x1 + x2 - 0.5)
        h_nand = step(-x1 - x2 + 1.5)
        out.append(step(h_or + h_nand - 1))
    return out
'''),
    "xor_matrix": alt("xor_network_answer", "weight matrices", '''
def xor_network(X):
    W1 = np.array([[1.0, 1.0], [1.0, 1.0]])
    b1 = np.array([-0.5, -1.5])
    H = np.where(X @ W1 + b1 > 0, 1.0, -1.0)
    w2 = np.array([1.0, -1.0])
    return np.where(H @ w2 - 1.0 > 0, 1.0, -1.0)
'''),
}
