"""Simulated answers for assignment 04: typical bugs (each must lose exactly its exercise's
points) and differently written correct answers (each must get full marks).

staged_backward's hidden test feeds it the reference forward pass's cache, so a buggy
staged_forward in the same submission costs nothing there (see solutions/reference/04_...)."""
from autograder.submissions import alt, bug

FWD = ("staged_forward_visible", "staged_forward_hidden")
BWD = ("staged_backward_visible", "staged_backward_hidden")
PAT = ("pattern_circuit_visible", "pattern_circuit_hidden")
SCORE = ("score_backward_visible", "score_backward_hidden")
WIRE = ("find_bug_04_wire",)
FIX = ("find_bug_04_fix_visible", "find_bug_04_fix_hidden")

# The cs231n-style staged backward pass; each bug below changes one line of it.
_BACKWARD = '''
def staged_backward(cache, dout):
    x, y = cache["x"], cache["y"]
    sigy, num, sigx = cache["sigy"], cache["num"], cache["sigx"]
    xpy, den, invden = cache["xpy"], cache["den"], cache["invden"]
    dnum = invden * dout
    dinvden = num * dout
    dden = (-1.0 / den ** 2) * dinvden
    dsigx = 1.0 * dden
    dxpysqr = 1.0 * dden
    dxpy = (2 * xpy) * dxpysqr
    dx = 1.0 * dxpy
    dy = 1.0 * dxpy
    dx += ((1 - sigx) * sigx) * dsigx
    dx += 1.0 * dnum
    dsigy = 1.0 * dnum
    dy += ((1 - sigy) * sigy) * dsigy
    return dx, dy
'''


def _backward_with(old, new):
    assert old in _BACKWARD, old
    return _BACKWARD.replace(old, new)


# The buggy function copied and corrected, as the notebook asks; each fix bug changes one line.
_FIXED = '''
def fixed_backward(x, y, dout):
    sigy = 1 / (1 + math.exp(-y))
    num = x + sigy
    sigx = 1 / (1 + math.exp(-x))
    xpy = x + y
    xpysqr = xpy ** 2
    den = sigx + xpysqr
    invden = 1 / den
    dnum = dout * invden
    dinvden = dout * num
    dden = -dinvden / den ** 2
    dsigx = dden
    dxpysqr = dden
    dxpy = 2 * xpy * dxpysqr
    dx = dxpy
    dy = dxpy
    dx += (1 - sigx) * sigx * dsigx
    dx += dnum
    dsigy = dnum
    dy += (1 - sigy) * sigy * dsigy
    return dnum, dinvden, dden, dsigx, dxpysqr, dxpy, dsigy, dx, dy
'''


def _fixed_with(old, new):
    assert old in _FIXED, old
    return _FIXED.replace(old, new)


VARIANTS = {
    # staged forward
    "fwd_num_without_sigmoid": bug("staged_forward_answer", FWD, "numerator x + y, sigma forgotten", '''
def staged_forward(x, y):
    sigy = sigmoid(y)
    num = x + y
    sigx = sigmoid(x)
    xpy = x + y
    xpysqr = xpy ** 2
    den = sigx + xpysqr
    invden = 1.0 / den
    f = num * invden
    cache = dict(x=x, y=y, sigy=sigy, num=num, sigx=sigx, xpy=xpy, xpysqr=xpysqr, den=den,
                 invden=invden)
    return f, cache
'''),
    "fwd_doubles_not_squares": bug("staged_forward_answer", FWD, "xpy * 2 for the square", '''
def staged_forward(x, y):
    sigy = sigmoid(y)
    num = x + sigy
    sigx = sigmoid(x)
    xpy = x + y
    xpysqr = xpy * 2
    den = sigx + xpysqr
    invden = 1.0 / den
    f = num * invden
    cache = dict(x=x, y=y, sigy=sigy, num=num, sigx=sigx, xpy=xpy, xpysqr=xpysqr, den=den,
                 invden=invden)
    return f, cache
'''),
    "fwd_copy_paste_sigmoid": bug("staged_forward_answer", FWD, "sigx = sigmoid(y), copy-paste", '''
def staged_forward(x, y):
    sigy = sigmoid(y)
    num = x + sigy
    sigx = sigmoid(y)
    xpy = x + y
    xpysqr = xpy ** 2
    den = sigx + xpysqr
    invden = 1.0 / den
    f = num * invden
    cache = dict(x=x, y=y, sigy=sigy, num=num, sigx=sigx, xpy=xpy, xpysqr=xpysqr, den=den,
                 invden=invden)
    return f, cache
'''),
    "fwd_stable_sigmoid_extra_keys": alt("staged_forward_answer",
                                         "stable sigmoid, other order, extra cache entries", '''
def staged_forward(x, y):
    def stable_sigmoid(v):
        # 1 / (1 + e^-v) = e^(-log(1 + e^-v)); logaddexp never overflows
        return float(np.exp(-np.logaddexp(0.0, -v)))
    cache = {"x": x, "y": y}
    cache["xpy"] = x + y
    cache["xpysqr"] = cache["xpy"] * cache["xpy"]
    cache["sigx"] = stable_sigmoid(x)
    cache["den"] = cache["xpysqr"] + cache["sigx"]
    cache["invden"] = 1 / cache["den"]
    cache["sigy"] = stable_sigmoid(y)
    cache["num"] = cache["sigy"] + x
    cache["f"] = cache["num"] * cache["invden"]
    cache["note"] = "staged"
    return cache["f"], cache
'''),
    "fwd_one_expression": alt("staged_forward_answer", "one big expression for f, list return", '''
def staged_forward(x, y):
    f = (x + 1 / (1 + math.exp(-y))) / (1 / (1 + math.exp(-x)) + (x + y) ** 2)
    sx, sy = 1 / (1 + math.exp(-x)), 1 / (1 + math.exp(-y))
    cache = dict(x=x, y=y, sigy=sy, num=x + sy, sigx=sx, xpy=x + y, xpysqr=(x + y) ** 2,
                 den=sx + (x + y) ** 2, invden=1 / (sx + (x + y) ** 2))
    return [f, cache]
'''),
    # staged backward
    "bwd_fork_overwrite_x": bug("staged_backward_answer", BWD, "dx = ... at x's last use",
                                _backward_with("dx += 1.0 * dnum", "dx = 1.0 * dnum"),
        hints=("fork.overwritten",)),
    "bwd_fork_overwrite_y": bug("staged_backward_answer", BWD, "dy = ... at y's last use",
                                _backward_with("dy += ((1 - sigy) * sigy) * dsigy",
                                               "dy = ((1 - sigy) * sigy) * dsigy"),
        hints=("fork.overwritten",)),
    "bwd_sigmoid_of_input": bug("staged_backward_answer", BWD,
                                "sigmoid gradient from the pre-activation x",
                                _backward_with("((1 - sigx) * sigx) * dsigx",
                                               "((1 - x) * x) * dsigx"),
        hints=("staged.sigmoid_input",)),
    "bwd_inverse_sign": bug("staged_backward_answer", BWD, "1/x gate: +1/den^2",
                            _backward_with("(-1.0 / den ** 2)", "(1.0 / den ** 2)"),
        hints=("staged.inv_sign",)),
    "bwd_recompute_few_variables": alt("staged_backward_answer",
                                       "recomputes from x and y, sigma' = e^-v/(1+e^-v)^2", '''
def staged_backward(cache, dout):
    x, y = cache["x"], cache["y"]
    num = x + 1 / (1 + math.exp(-y))
    den = 1 / (1 + math.exp(-x)) + (x + y) ** 2
    dden = -num / den ** 2 * dout
    dnum = dout / den
    # x reaches f three ways, y two ways; every path is added
    dx = dnum + math.exp(-x) / (1 + math.exp(-x)) ** 2 * dden + 2 * (x + y) * dden
    dy = 2 * (x + y) * dden + math.exp(-y) / (1 + math.exp(-y)) ** 2 * dnum
    return dx, dy
'''),
    "bwd_paths_listed": alt("staged_backward_answer", "path list summed, reverse order", '''
def staged_backward(cache, dout):
    c = cache
    grads = {"f": dout}
    grads["invden"] = c["num"] * grads["f"]
    grads["num"] = c["invden"] * grads["f"]
    grads["den"] = -grads["invden"] / (c["den"] * c["den"])
    grads["xpysqr"] = grads["den"]
    grads["sigx"] = grads["den"]
    grads["xpy"] = 2 * c["xpy"] * grads["xpysqr"]
    grads["sigy"] = grads["num"]
    x_paths = [grads["num"], c["sigx"] * (1 - c["sigx"]) * grads["sigx"], grads["xpy"]]
    y_paths = [grads["xpy"], c["sigy"] * (1 - c["sigy"]) * grads["sigy"]]
    return sum(reversed(x_paths)), sum(y_paths)
'''),
    # find the bug: the wire question (the shown bug is `buggy_backward`, picked per student;
    # the keys: staged_backward_a "x", staged_backward_b "xpy", staged_backward_c "den")
    "wire_forks": bug("find_bug_04_wire_answer", WIRE, "names the two forks", '''
BUGGY_WIRES = {"x", "y"}
''',
        # x and y are red below where the red starts under bugs b and c; under bug a, y is right
        hints=("findbug.downstream", "findbug.not_red")),
    "wire_gate_output": bug("find_bug_04_wire_answer", WIRE, "names the faulty line's gate output",
                            '''
BUGGY_WIRES = {"staged_backward_a": "sigx", "staged_backward_b": "xpysqr",
               "staged_backward_c": "invden"}[buggy_backward.__name__]
''',
        hints=("findbug.not_red",)),
    "wire_gradient_names": bug("find_bug_04_wire_answer", WIRE,
                               "names the gradient variable, not the wire", '''
BUGGY_WIRES = {"staged_backward_a": "dx", "staged_backward_b": "dxpy",
               "staged_backward_c": "dden"}[buggy_backward.__name__]
'''),
    "wire_list": alt("find_bug_04_wire_answer", "a one-name list", '''
BUGGY_WIRES = {"staged_backward_a": ["x"], "staged_backward_b": ["xpy"],
               "staged_backward_c": ["den"]}[buggy_backward.__name__]
'''),
    "wire_from_state": alt("find_bug_04_wire_answer", "red wires whose gates' outputs are right", '''
from course.circuits.live import live_state
red = live_state(BUGS_04.circuit, BUGS_04.example, buggy_backward,
                 call=findbug.every_wire(BUGS_04)).mismatch
BUGGY_WIRES = tuple(w for w in red
                    if not any(g.out in red for g in BUGS_04.circuit.consumers(w)))
'''),
    # find the bug: the fix
    "fix_fork_still_overwritten": bug("find_bug_04_fix_answer", FIX, "y's fork overwritten",
                                      _fixed_with("dy += (1 - sigy)", "dy = (1 - sigy)"),
        hints=("fork.overwritten",)),
    "fix_inverse_left": bug("find_bug_04_fix_answer", FIX, "1/x gate still over den, not den^2",
                            _fixed_with("dden = -dinvden / den ** 2", "dden = -dinvden / den")),
    "fix_unchanged": bug("find_bug_04_fix_answer", FIX, "hands back the buggy function", '''
fixed_backward = buggy_backward
'''),
    "fix_example_only": bug("find_bug_04_fix_answer", FIX[1:], "square gate fitted to x + y = -1",
                            _fixed_with("dxpy = 2 * xpy * dxpysqr", "dxpy = -2 * dxpysqr")),
    "fix_via_staged": alt("find_bug_04_fix_answer", "notebook 04's staged_forward and backward",
                          '''
def fixed_backward(x, y, dout):
    f, cache = staged_forward(x, y)
    dx, dy = staged_backward(cache, dout)
    dnum = cache["invden"] * dout
    dinvden = cache["num"] * dout
    dden = -dinvden / cache["den"] ** 2
    return dnum, dinvden, dden, dden, dden, 2 * cache["xpy"] * dden, dnum, dx, dy
'''),
    "fix_sigmoid_helper_array": alt("find_bug_04_fix_answer",
                                    "sigmoid helper, 1/x as -invden^2, numpy array", '''
def fixed_backward(x, y, dout):
    sx, sy = sigmoid(x), sigmoid(y)
    invden = 1 / (sx + (x + y) * (x + y))
    dden = -(invden * invden) * (x + sy) * dout
    dxpy = 2 * (x + y) * dden
    paths_x = [dout * invden, sx * (1 - sx) * dden, dxpy]
    paths_y = [dxpy, sy * (1 - sy) * dout * invden]
    return np.array([dout * invden, (x + sy) * dout, dden, dden, dden, dxpy, dout * invden,
                     sum(paths_x), sum(paths_y)])
'''),
    # pattern circuit
    "pat_max_to_both": bug("pattern_circuit_answer", PAT, "max sends the gradient to both", '''
def pattern_circuit(x, y, z, w, dout):
    xy = x * y
    m = max(z, w)
    s = xy + m
    f = 2 * s
    ds = 2 * dout
    dxy = ds
    dm = ds
    dz = dm
    dw = dm
    dx = y * dxy
    dy = x * dxy
    return f, dx, dy, dz, dw
''',
        hints=("max.routing",)),
    "pat_mul_not_swapped": bug("pattern_circuit_answer", PAT, "mul gate not swapped", '''
def pattern_circuit(x, y, z, w, dout):
    xy = x * y
    m = max(z, w)
    s = xy + m
    f = 2 * s
    ds = 2 * dout
    dxy = ds
    dm = ds
    dz = dm if z > w else 0.0
    dw = dm if w > z else 0.0
    dx = x * dxy
    dy = y * dxy
    return f, dx, dy, dz, dw
''',
        hints=("exchanged.mul",)),
    "pat_factor_two_forgotten": bug("pattern_circuit_answer", PAT, "*2 gate passes dout on", '''
def pattern_circuit(x, y, z, w, dout):
    xy = x * y
    m = max(z, w)
    s = xy + m
    f = 2 * s
    ds = dout
    dxy = ds
    dm = ds
    dz = dm if z > w else 0.0
    dw = dm if w > z else 0.0
    dx = y * dxy
    dy = x * dxy
    return f, dx, dy, dz, dw
''',
        hints=("pattern.halved",)),
    "pat_indicators": alt("pattern_circuit_answer", "indicator arithmetic, few variables", '''
def pattern_circuit(x, y, z, w, dout):
    g = 2.0 * dout
    return (2 * (x * y + max(z, w)), g * y, g * x, g * float(z > w), g * float(w > z))
'''),
    "pat_numpy_list": alt("pattern_circuit_answer", "numpy argmax routing, list return", '''
def pattern_circuit(x, y, z, w, dout):
    zw = np.array([z, w])
    f = 2.0 * (x * y + zw.max())
    dzw = np.zeros(2)
    dzw[np.argmax(zw)] = 2.0 * dout
    dxy = np.array([y, x]) * 2.0 * dout
    return [f, dxy[0], dxy[1], dzw[0], dzw[1]]
'''),
    # score backward (the scale effect)
    "score_not_swapped": bug("score_backward_answer", SCORE, "dw from w itself", '''
def score_backward(w, x, dout):
    dw = dout * w
    dx = dout * x
    return dw, dx
''',
        hints=("exchanged.mul",)),
    "score_ignores_dout": bug("score_backward_answer", SCORE, "forgets the upstream gradient", '''
def score_backward(w, x, dout):
    dw = x
    dx = w
    return dw, dx
''',
        hints=("upstream",)),
    "score_sums": bug("score_backward_answer", SCORE, "one number instead of a vector", '''
def score_backward(w, x, dout):
    dw = dout * np.sum(x)
    dx = dout * np.sum(w)
    return dw, dx
'''),
    "score_loops": alt("score_backward_answer", "loops over entries, lists", '''
def score_backward(w, x, dout):
    dw = [dout * xi for xi in x]
    dx = [dout * wi for wi in w]
    return dw, dx
'''),
    "score_multiply": alt("score_backward_answer", "np.multiply, list", '''
def score_backward(w, x, dout):
    return [np.multiply(x, dout), np.multiply(dout, w)]
'''),
}
