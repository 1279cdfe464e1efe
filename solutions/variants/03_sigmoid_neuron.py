"""Simulated answers for assignment 03: typical bugs (each must lose exactly its exercise's
points) and differently written correct answers (each must get full marks)."""
from autograder.submissions import alt, bug


def cells(name):
    return f"{name}_answer", (f"{name}_visible", f"{name}_hidden")


GATE, GATE_T = cells("gate_backward")
WIRE = ("find_bug_03_wire",)
FIX = ("find_bug_03_fix_visible", "find_bug_03_fix_hidden")


def _table(rule="dout * local_gradient(gate, x, param)", **wrong):
    """Exercise 1's answer written as the notebook's solution, with the local gradients named
    in `wrong` (gate name -> expression in x and the gate's constant) and the rule replaced."""
    local = dict(inv="-1.0 / x ** 2", add_const="1.0", exp="np.exp(x)", scale="a") | wrong
    return f'''
def local_gradient(gate, x, param):
    table = {{
        "inv": lambda x, param: {local["inv"]},
        "add_const": lambda x, c: {local["add_const"]},
        "exp": lambda x, param: {local["exp"]},
        "scale": lambda x, a: {local["scale"]},
    }}
    return table[gate](x, param)


def gate_backward(gate, x, param, dout):
    return {rule}
'''
FWD, FWD_T = cells("neuron_forward")
BWD, BWD_T = cells("neuron_backward")
SIG, SIG_T = cells("sigmoid_backward")
GRP, GRP_T = cells("neuron_backward_grouped")

VARIANTS = {
    # the table of four gates: one local gradient wrong, or the rule itself
    "gate_inv_sign": bug(GATE, GATE_T, "1/x gate: +1/x^2", _table(inv="1.0 / x ** 2"),
        hints=("inv.sign", "sign")),  # the visible test knows only the generic sign hint
    "gate_inv_power": bug(GATE, GATE_T, "1/x gate: -1/x instead of -1/x^2", _table(inv="-1.0 / x")),
    "gate_add_const_c": bug(GATE, GATE_T, "c + x gate: local gradient c", _table(add_const="c"),
        hints=("add_const.constant",)),
    "gate_exp_input": bug(GATE, GATE_T, "e^x gate: local gradient x, the input", _table(exp="x"),
        hints=("exp.input",)),
    "gate_scale_input": bug(GATE, GATE_T, "a x gate: local gradient x", _table(scale="x"),
        hints=("scale.input",)),
    "gate_no_dout": bug(GATE, GATE_T, "the rule without the upstream gradient",
                        _table(rule="local_gradient(gate, x, param)"),
        hints=("upstream",)),
    "gate_if_chain": alt(GATE, "if/elif chain, no dict", '''
def local_gradient(gate, x, param):
    if gate == "inv":
        return -1 / (x * x)
    elif gate == "add_const":
        return 1
    elif gate == "exp":
        return np.exp(x)
    elif gate == "scale":
        return param
    raise ValueError(gate)


def gate_backward(gate, x, param, dout):
    return local_gradient(gate, x, param) * dout
'''),
    "gate_named_functions": alt(GATE, "module-level dict of named functions, math.exp", '''
import math


def _inv(x, p):
    return -x ** -2


def _one(x, c):
    return 1.0


def _exp(x, p):
    return math.exp(x)  # the output itself


def _scale(x, a):
    return a


LOCAL_GRADIENTS = {"inv": _inv, "add_const": _one, "exp": _exp, "scale": _scale}


def local_gradient(gate, x, param):
    return LOCAL_GRADIENTS[gate](x, param)


def gate_backward(gate, x, param, dout):
    upstream, local = dout, local_gradient(gate, x, param)
    return upstream * local
'''),
    # neuron forward
    "fwd_no_negation": bug(FWD, FWD_T, "forgets the *(-1) gate", '''
def neuron_forward(w, x):
    w0x0 = w[0] * x[0]
    w1x1 = w[1] * x[1]
    s = w0x0 + w1x1
    z = s + w[2]
    nz = z
    e = np.exp(nz)
    d = 1.0 + e
    f = 1.0 / d
    return w0x0, w1x1, s, z, nz, e, d, f
'''),
    "fwd_no_reciprocal": bug(FWD, FWD_T, "f = d, the 1/x gate forgotten", '''
def neuron_forward(w, x):
    w0x0 = w[0] * x[0]
    w1x1 = w[1] * x[1]
    s = w0x0 + w1x1
    z = s + w[2]
    nz = -z
    e = np.exp(nz)
    d = 1 + e
    f = d
    return w0x0, w1x1, s, z, nz, e, d, f
'''),
    "fwd_bias_times": bug(FWD, FWD_T, "multiplies by w2 instead of adding", '''
def neuron_forward(w, x):
    w0x0 = w[0] * x[0]
    w1x1 = w[1] * x[1]
    s = w0x0 + w1x1
    z = s * w[2]
    nz = -z
    e = np.exp(nz)
    d = 1.0 + e
    f = 1.0 / d
    return w0x0, w1x1, s, z, nz, e, d, f
'''),
    "fwd_unpacked": alt(FWD, "unpacks w and x, math.exp", '''
import math

def neuron_forward(w, x):
    w0, w1, w2 = w
    x0, x1 = x
    w0x0, w1x1 = w0 * x0, w1 * x1
    s = w0x0 + w1x1
    z = s + w2
    nz = -z
    e = math.exp(nz)
    d = e + 1
    return w0x0, w1x1, s, z, nz, e, d, d ** -1
'''),
    "fwd_vector": alt(FWD, "products as a vector, list result", '''
def neuron_forward(w, x):
    products = w[:2] * x
    s = products[0] + products[1]
    z = s + w[-1]
    e = np.exp(-z)
    return [products[0], products[1], s, z, -z, e, 1 + e, 1 / (1 + e)]
'''),
    # neuron backward
    "bwd_negation_sign": bug(BWD, BWD_T, "forgets the *(-1) gate's sign", '''
def neuron_backward(w, x, dout):
    z = w[0] * x[0] + w[1] * x[1] + w[2]
    e = np.exp(-z)
    d = 1.0 + e
    dd = -1.0 / d ** 2 * dout
    de = dd
    dnz = e * de
    dz = dnz
    dw = np.array([x[0] * dz, x[1] * dz, dz])
    dx = np.array([w[0] * dz, w[1] * dz])
    return dw, dx, dd, de, dnz, dz
''',
        hints=("neuron.negation",)),
    "bwd_exp_times_input": bug(BWD, BWD_T, "exp gate multiplies by its input", '''
def neuron_backward(w, x, dout):
    z = w[0] * x[0] + w[1] * x[1] + w[2]
    nz = -z
    e = np.exp(nz)
    d = 1.0 + e
    dd = -1.0 / d ** 2 * dout
    de = dd
    dnz = nz * de
    dz = -dnz
    dw = np.array([x[0] * dz, x[1] * dz, dz])
    dx = np.array([w[0] * dz, w[1] * dz])
    return dw, dx, dd, de, dnz, dz
''',
        hints=("neuron.exp_input",)),
    "bwd_inv_sign": bug(BWD, BWD_T, "1/x gate without its minus sign", '''
def neuron_backward(w, x, dout):
    z = w[0] * x[0] + w[1] * x[1] + w[2]
    e = np.exp(-z)
    d = 1.0 + e
    dd = dout / d ** 2
    de = dd
    dnz = e * de
    dz = -dnz
    dw = np.array([x[0] * dz, x[1] * dz, dz])
    dx = np.array([w[0] * dz, w[1] * dz])
    return dw, dx, dd, de, dnz, dz
''',
        hints=("neuron.sign",)),
    "bwd_not_swapped": bug(BWD, BWD_T, "mul gates not swapped", '''
def neuron_backward(w, x, dout):
    z = w[0] * x[0] + w[1] * x[1] + w[2]
    e = np.exp(-z)
    d = 1.0 + e
    dd = -1.0 / d ** 2 * dout
    de = dd
    dnz = e * de
    dz = -dnz
    dw = np.array([w[0] * dz, w[1] * dz, dz])
    dx = np.array([x[0] * dz, x[1] * dz])
    return dw, dx, dd, de, dnz, dz
''',
        hints=("neuron.unswapped",)),
    "bwd_via_gates": alt(BWD, "calls gate_backward for the tail", '''
def neuron_backward(w, x, dout):
    w0x0, w1x1, s, z, nz, e, d, f = neuron_forward(w, x)
    dd = gate_backward("inv", d, None, dout)
    de = gate_backward("add_const", e, 1.0, dd)
    dnz = gate_backward("exp", nz, None, de)
    dz = gate_backward("scale", z, -1.0, dnz)
    dw = np.array([x[0], x[1], 1.0]) * dz
    dx = np.array([w[0], w[1]]) * dz
    return dw, dx, dd, de, dnz, dz
'''),
    "bwd_vectorized": alt(BWD, "np.append, f reused, a list result", '''
def neuron_backward(w, x, dout):
    z = np.dot(w[:2], x) + w[2]
    f = 1.0 / (1.0 + np.exp(-z))
    e = 1.0 / f - 1.0
    dd = -f * f * dout
    dnz = dd * e
    dz = -dnz
    return [np.append(x, 1.0) * dz, w[:2] * dz, dd, dd, dnz, dz]
'''),
    "bwd_dict": bug(BWD, BWD_T, "right values, returned as a dict of named gradients", '''
def neuron_backward(w, x, dout):
    z = np.dot(w[:2], x) + w[2]
    f = 1.0 / (1.0 + np.exp(-z))
    dd = -f * f * dout
    dnz = dd * (1.0 / f - 1.0)
    dz = -dnz
    return dict(dw=np.append(x, 1.0) * dz, dx=w[:2] * dz, dd=dd, de=dd, dnz=dnz, dz=dz)
'''),
    # sigmoid gate
    "sig_preactivation": bug(SIG, SIG_T, "(1 - x) x from the input", '''
def sigmoid_backward(x, dout):
    return (1 - x) * x * dout
''',
        hints=("sigmoid.input",)),
    "sig_no_dout": bug(SIG, SIG_T, "local gradient only", '''
def sigmoid_backward(x, dout):
    s = stable_sigmoid(x)
    return (1 - s) * s
''',
        hints=("upstream",)),
    "sig_quotient": bug(SIG, SIG_T, "e^-x / (1 + e^-x)^2: nan at x = -800", '''
def sigmoid_backward(x, dout):
    e = np.exp(-x)
    return e / (1 + e) ** 2 * dout
''',
        hints=("sigmoid.overflow",)),
    "sig_output": bug(SIG, SIG_T, "passes sigma(x) * dout back", '''
def sigmoid_backward(x, dout):
    s = stable_sigmoid(x)
    return s * dout
'''),
    "sig_naive": alt(SIG, "naive 1/(1+np.exp(-x)): overflows with a RuntimeWarning, right limit", '''
def sigmoid_backward(x, dout):
    s = 1.0 / (1.0 + np.exp(-x))
    return dout * s * (1.0 - s)
'''),
    "sig_abs": alt(SIG, "e^-|x| / (1 + e^-|x|)^2, even in x", '''
def sigmoid_backward(x, dout):
    e = np.exp(-np.abs(x))
    return dout * e / (1.0 + e) ** 2
'''),
    "sig_given_square": alt(SIG, "given sigmoid, s - s^2", '''
def sigmoid_backward(x, dout):
    out = stable_sigmoid(x)
    local = out - out ** 2
    return local * dout
'''),
    # neuron with one sigmoid gate
    "grp_preactivation": bug(GRP, GRP_T, "(1 - z) z from the pre-activation", '''
def neuron_backward_grouped(w, x, dout):
    z = w[0] * x[0] + w[1] * x[1] + w[2]
    dz = (1 - z) * z * dout
    return np.array([x[0] * dz, x[1] * dz, dz]), np.array([w[0] * dz, w[1] * dz])
''',
        hints=("grouped.preactivation",)),
    "grp_no_bias_grad": bug(GRP, GRP_T, "bias gets no gradient", '''
def neuron_backward_grouped(w, x, dout):
    z = w[0] * x[0] + w[1] * x[1] + w[2]
    s = stable_sigmoid(z)
    dz = s * (1 - s) * dout
    return np.array([x[0] * dz, x[1] * dz, 0.0]), np.array([w[0] * dz, w[1] * dz])
'''),
    "grp_not_swapped": bug(GRP, GRP_T, "mul gates not swapped", '''
def neuron_backward_grouped(w, x, dout):
    z = w[0] * x[0] + w[1] * x[1] + w[2]
    s = stable_sigmoid(z)
    dz = s * (1 - s) * dout
    return np.array([w[0] * dz, w[1] * dz, dz]), np.array([x[0] * dz, x[1] * dz])
''',
        hints=("grouped.unswapped",)),
    "grp_quotient": bug(GRP, ("neuron_backward_grouped_hidden",), "e^-z / (1 + e^-z)^2: nan for a saturated neuron", '''
def neuron_backward_grouped(w, x, dout):
    z = w[0] * x[0] + w[1] * x[1] + w[2]
    e = np.exp(-z)
    dz = e / (1.0 + e) ** 2 * dout
    return np.array([x[0] * dz, x[1] * dz, dz]), np.array([w[0] * dz, w[1] * dz])
''',
        hints=("grouped.overflow",)),
    "grp_via_gate": alt(GRP, "calls sigmoid_backward", '''
def neuron_backward_grouped(w, x, dout):
    z = w @ np.array([x[0], x[1], 1.0])
    dz = sigmoid_backward(z, dout)
    dw = np.array([x[0], x[1], 1.0]) * dz
    dx = w[:2] * dz
    return dw, dx
'''),
    "grp_naive_inline": alt(GRP, "naive sigmoid inline (overflow warnings), tuple of lists", '''
def neuron_backward_grouped(w, x, dout):
    z = w[0] * x[0] + w[1] * x[1] + w[2]
    s = 1 / (1 + np.exp(-z))
    dz = dout * s * (1 - s)
    return [x[0] * dz, x[1] * dz, dz], [w[0] * dz, w[1] * dz]
'''),

    # find the bug: the wire question (the shown bug is `buggy_backward`, picked per student)
    "wire_neighbour": bug("find_bug_03_wire_answer", WIRE, "a wire next to the start", """
BUGGY_WIRES = {"neuron_backward_a": "s", "neuron_backward_b": {"w0", "x0"},
               "neuron_backward_c": {"w1", "x1"}}[buggy_backward.__name__]
""",
        hints=("findbug.downstream", "findbug.not_red")),
    "wire_inputs": bug("find_bug_03_wire_answer", WIRE, "names the red inputs", """
BUGGY_WIRES = {"neuron_backward_a": {"w0", "x0", "w1", "x1", "w2"},
               "neuron_backward_b": {"w0", "x0"}, "neuron_backward_c": {"w1", "x1"}}[
    buggy_backward.__name__]
""",
        hints=("findbug.downstream", "findbug.not_red")),
    "wire_gate_output": bug("find_bug_03_wire_answer", WIRE, "names the faulty gate's output", """
BUGGY_WIRES = {"neuron_backward_a": "f", "neuron_backward_b": "w1x1",
               "neuron_backward_c": "w0x0"}[buggy_backward.__name__]
""",
        hints=("findbug.not_red",)),
    "wire_one_off": bug("find_bug_03_wire_answer", WIRE, "one wire of a pair, or one too many", """
BUGGY_WIRES = {"neuron_backward_a": {"z", "s"}, "neuron_backward_b": "w1",
               "neuron_backward_c": "x0"}[buggy_backward.__name__]
""",
        hints=("findbug.downstream",)),
    "wire_tuple": alt("find_bug_03_wire_answer", "a tuple, and a one-element set", """
BUGGY_WIRES = {"neuron_backward_a": {"z"}, "neuron_backward_b": ("x1", "w1"),
               "neuron_backward_c": ("x0", "w0")}[buggy_backward.__name__]
"""),
    "wire_from_state": alt("find_bug_03_wire_answer", "red wires whose gate output is right", """
from course.circuits.live import live_state
red = live_state(BUGS_03.circuit, BUGS_03.example, buggy_backward,
                 call=findbug.every_wire(BUGS_03)).mismatch
BUGGY_WIRES = [w for w in red if not any(g.out in red for g in BUGS_03.circuit.consumers(w))]
"""),
    # find the bug: the fix
    "fix_unchanged": bug("find_bug_03_fix_answer", FIX, "hands back the buggy function", """
fixed_backward = buggy_backward
""",
        hints=("fix.sigmoid_input", "fix.chain_skipped", "exchanged.mul")),
    "fix_naive_sigmoid": bug("find_bug_03_fix_answer", FIX[1:], "math.exp(-z): overflows when saturated", """
def fixed_backward(w0, x0, w1, x1, w2, dout):
    z = w0 * x0 + w1 * x1 + w2
    f = 1.0 / (1.0 + math.exp(-z))
    dz = dout * (1.0 - f) * f
    return dz, dz, dz, dz, dz, dz * x0, dz * w0, dz * x1, dz * w1
"""),
    "fix_preactivation": bug("find_bug_03_fix_answer", FIX, "sigma' still taken at z", """
def fixed_backward(w0, x0, w1, x1, w2, dout):
    z = w0 * x0 + w1 * x1 + w2
    dz = dout * (1.0 - z) * z
    return dz, dz, dz, dz, dz, dz * x0, dz * w0, dz * x1, dz * w1
""",
        hints=("fix.sigmoid_input",)),
    "fix_chain_skipped": bug("find_bug_03_fix_answer", FIX, "w0 x0 gate still skips the chain", """
def fixed_backward(w0, x0, w1, x1, w2, dout):
    z = w0 * x0 + w1 * x1 + w2
    e = math.exp(-abs(z))
    f = 1.0 / (1.0 + e) if z >= 0 else e / (1.0 + e)
    dz = dout * (1.0 - f) * f
    return dz, dz, dz, dz, dz, dout * x0, dout * w0, dz * x1, dz * w1
""",
        hints=("fix.chain_skipped",)),
    "fix_unswapped": bug("find_bug_03_fix_answer", FIX, "w1 x1 gate still unswapped", """
def fixed_backward(w0, x0, w1, x1, w2, dout):
    z = w0 * x0 + w1 * x1 + w2
    e = math.exp(-abs(z))
    f = 1.0 / (1.0 + e) if z >= 0 else e / (1.0 + e)
    dz = dout * (1.0 - f) * f
    return dz, dz, dz, dz, dz, dz * x0, dz * w0, dz * w1, dz * x1
""",
        hints=("exchanged.mul",)),
    "fix_with_stable_sigmoid": alt("find_bug_03_fix_answer", "the notebook's stable_sigmoid and sigmoid_backward, a list", """
def fixed_backward(w0, x0, w1, x1, w2, dout):
    z = w0 * x0 + w1 * x1 + w2
    dz = float(sigmoid_backward(z, dout))
    return [dz] * 5 + [dz * x0, dz * w0, dz * x1, dz * w1]
"""),
    "fix_numpy": alt("find_bug_03_fix_answer", "numpy arrays, one array returned", """
def fixed_backward(w0, x0, w1, x1, w2, dout):
    w, x = np.array([w0, w1, w2]), np.array([x0, x1, 1.0])
    f = stable_sigmoid(w @ x)
    dz = dout * f * (1.0 - f)
    return np.concatenate([np.full(5, dz), [x0 * dz, w0 * dz, x1 * dz, w1 * dz]])
"""),
}
