"""Simulated answers for assignment 02: typical bugs (each must lose exactly its exercise's
points) and differently written correct answers (each must get full marks)."""
from autograder.submissions import alt, bug

ND = ("numerical_derivative_visible", "numerical_derivative_hidden")
ADD = ("add_backward_visible", "add_backward_hidden")
MUL = ("mul_backward_visible", "mul_backward_hidden")
MAX = ("max_backward_visible", "max_backward_hidden")
FWD = ("circuit_forward_visible", "circuit_forward_hidden")
BWD = ("circuit_backward_visible", "circuit_backward_hidden")
WIRE = ("find_bug_02_wire",)
FIX = ("find_bug_02_fix_visible", "find_bug_02_fix_hidden")

VARIANTS = {
    # numerical_derivative
    "nd_forward_difference": bug("numerical_derivative_answer", ND, "one-sided difference", '''
def numerical_derivative(f, x, h=1e-5):
    return (f(x + h) - f(x)) / h
''',
        hints=("derivative.one_sided",)),
    "nd_missing_two": bug("numerical_derivative_answer", ND, "divides by h, not 2h", '''
def numerical_derivative(f, x, h=1e-5):
    return (f(x + h) - f(x - h)) / h
'''),
    "nd_ignores_h": bug("numerical_derivative_answer", ND, "hard-codes the step", '''
def numerical_derivative(f, x, h=1e-5):
    step = 1e-5
    return (f(x + step) - f(x - step)) / (2 * step)
'''),
    "nd_two_lines": alt("numerical_derivative_answer", "named intermediate values", '''
def numerical_derivative(f, x, h=1e-5):
    up = f(x + h)
    down = f(x - h)
    slope = (up - down) / (2.0 * h)
    return slope
'''),
    "nd_numpy_scaled": alt("numerical_derivative_answer", "numpy and a multiplied reciprocal", '''
def numerical_derivative(f, x, h=1e-5):
    values = np.array([f(x + h), f(x - h)])
    return float(np.diff(values[::-1])[0] * (0.5 / h))
'''),
    # add gate
    "add_ignores_dout": bug("add_backward_answer", ADD, "local gradient only", '''
def add_backward(x, y, dout):
    dx = 1.0
    dy = 1.0
    return dx, dy
''',
        hints=("upstream",)),
    "add_like_mul": bug("add_backward_answer", ADD, "multiplies by its own input", '''
def add_backward(x, y, dout):
    dx = dout * x
    dy = dout * y
    return dx, dy
'''),
    "add_returns_one": bug("add_backward_answer", ADD, "returns one gradient", '''
def add_backward(x, y, dout):
    dx = dout
    dy = dout
    return dx
'''),
    "add_tuple": alt("add_backward_answer", "returns the upstream gradient directly", '''
def add_backward(x, y, dout):
    return dout, dout
'''),
    "add_list": alt("add_backward_answer", "returns a list", '''
def add_backward(x, y, dout):
    local = [1, 1]
    return [g * dout for g in local]
'''),
    # mul gate
    "mul_not_swapped": bug("mul_backward_answer", MUL, "gradients not swapped", '''
def mul_backward(x, y, dout):
    dx = dout * x
    dy = dout * y
    return dx, dy
''',
        hints=("exchanged.mul",)),
    "mul_ignores_dout": bug("mul_backward_answer", MUL, "forgets the upstream gradient", '''
def mul_backward(x, y, dout):
    dx = y
    dy = x
    return dx, dy
''',
        hints=("upstream",)),
    "mul_adds": bug("mul_backward_answer", MUL, "adds instead of multiplying", '''
def mul_backward(x, y, dout):
    dx = dout + y
    dy = dout + x
    return dx, dy
'''),
    "mul_reordered": alt("mul_backward_answer", "factors in another order", '''
def mul_backward(x, y, dout):
    return y * dout, x * dout
'''),
    "mul_numpy": alt("mul_backward_answer", "numpy vector of local gradients", '''
def mul_backward(x, y, dout):
    grads = np.array([y, x]) * dout
    return grads[0], grads[1]
'''),
    # max gate
    "max_to_both": bug("max_backward_answer", MAX, "routes the gradient to both inputs", '''
def max_backward(x, y, dout):
    return dout, dout
''',
        hints=("max.routing",)),
    "max_reversed": bug("max_backward_answer", MAX, "comparison reversed", '''
def max_backward(x, y, dout):
    if x < y:
        return dout, 0.0
    return 0.0, dout
''',
        hints=("exchanged.max",)),
    "max_passes_values": bug("max_backward_answer", MAX, "passes the input value on", '''
def max_backward(x, y, dout):
    if x > y:
        return x, 0.0
    return 0.0, y
'''),
    "max_indicator": alt("max_backward_answer", "indicator arithmetic", '''
def max_backward(x, y, dout):
    dx = dout * float(x > y)
    dy = dout * float(y > x)
    return dx, dy
'''),
    "max_argmax": alt("max_backward_answer", "numpy argmax", '''
def max_backward(x, y, dout):
    grads = np.zeros(2)
    grads[np.argmax([x, y])] = dout
    return tuple(grads)
'''),
    # circuit forward
    "fwd_adds_z": bug("circuit_forward_answer", FWD, "adds z instead of multiplying", '''
def circuit_forward(x, y, z):
    q = x + y
    f = q + z
    return q, f
'''),
    "fwd_precedence": bug("circuit_forward_answer", FWD, "operator precedence", '''
def circuit_forward(x, y, z):
    q = x + y
    f = x + y * z
    return q, f
'''),
    "fwd_order": bug("circuit_forward_answer", FWD, "returns f, q", '''
def circuit_forward(x, y, z):
    q = x + y
    f = q * z
    return f, q
''',
        hints=("exchanged",)),
    "fwd_one_line": alt("circuit_forward_answer", "one line", '''
def circuit_forward(x, y, z):
    return x + y, (x + y) * z
'''),
    "fwd_numpy": alt("circuit_forward_answer", "numpy ufuncs", '''
def circuit_forward(x, y, z):
    q = np.add(x, y)
    return q, np.multiply(q, z)
'''),
    # circuit backward
    "bwd_sign": bug("circuit_backward_answer", BWD, "sign error on dz", '''
def circuit_backward(x, y, z, dout):
    q = x + y
    dz = -q * dout
    dq = z * dout
    return dq, dq, dz
''',
        hints=("sign",)),
    "bwd_not_swapped": bug("circuit_backward_answer", BWD, "mul gate not swapped", '''
def circuit_backward(x, y, z, dout):
    q = x + y
    dz = z * dout
    dq = q * dout
    dx = dq
    dy = dq
    return dx, dy, dz
'''),
    "bwd_ignores_dout": bug("circuit_backward_answer", BWD, "starts from 1, not dout", '''
def circuit_backward(x, y, z, dout):
    q = x + y
    dz = q
    dq = z
    return dq, dq, dz
''',
        hints=("upstream",)),
    "bwd_via_gates": alt("circuit_backward_answer", "reuses the gate functions", '''
def circuit_backward(x, y, z, dout):
    q, f = circuit_forward(x, y, z)
    dq, dz = mul_backward(q, z, dout)
    dx, dy = add_backward(x, y, dq)
    return dx, dy, dz
'''),
    "bwd_inline_list": alt("circuit_backward_answer", "one expression per gradient, list", '''
def circuit_backward(x, y, z, dout):
    return [z * dout, z * dout, (x + y) * dout]
'''),
    # find the bug: the wire question (the shown bug is `buggy_backward`, picked per student)
    "wire_every_red": bug("find_bug_02_wire_answer", WIRE, "names every red wire", '''
from course.circuits.live import live_state
state = live_state(BUGS_02.circuit, BUGS_02.example, buggy_backward,
                   call=findbug.every_wire(BUGS_02))
BUGGY_WIRES = set(state.mismatch)
''',
        hints=("findbug.downstream",)),
    "wire_nearest_inputs": bug("find_bug_02_wire_answer", WIRE, "names the red inputs", '''
BUGGY_WIRES = {"x", "y"}
''',
        hints=("findbug.downstream",)),
    "wire_gate_output": bug("find_bug_02_wire_answer", WIRE, "names the faulty gate's output", '''
BUGGY_WIRES = {"buggy_backward_a": "f", "buggy_backward_b": "s",
               "buggy_backward_c": "m"}[buggy_backward.__name__]
''',
        hints=("findbug.not_red",)),
    "wire_one_of_two": bug("find_bug_02_wire_answer", WIRE, "names one of the two wires", '''
BUGGY_WIRES = {"buggy_backward_a": "m", "buggy_backward_b": "z",
               "buggy_backward_c": "s"}[buggy_backward.__name__]
'''),
    "wire_list": alt("find_bug_02_wire_answer", "a list", '''
BUGGY_WIRES = {"buggy_backward_a": ["v", "m"], "buggy_backward_b": ["z", "q"],
               "buggy_backward_c": ["w", "s"]}[buggy_backward.__name__]
'''),
    "wire_from_state": alt("find_bug_02_wire_answer", "red wires whose gate output is right", '''
from course.circuits.live import live_state
red = live_state(BUGS_02.circuit, BUGS_02.example, buggy_backward,
                 call=findbug.every_wire(BUGS_02)).mismatch
BUGGY_WIRES = tuple(w for w in red
                    if not any(g.out in red for g in BUGS_02.circuit.consumers(w)))
'''),
    # find the bug: the fix
    "fix_default_only": bug("find_bug_02_fix_answer", FIX[1:], "max routed as at the example", '''
def fixed_backward(x, y, z, w, v, dout):
    q = x * y
    s = q + z
    m = max(s, w)
    dm = dout * v
    dv = dout * m
    ds = dm
    dw = 0.0
    dq = ds
    dz = ds
    dx = dq * y
    dy = dq * x
    return dm, dv, ds, dw, dq, dz, dx, dy
'''),
    "fix_one_factor": bug("find_bug_02_fix_answer", FIX, "mul gate half fixed", '''
def fixed_backward(x, y, z, w, v, dout):
    q = x * y
    s = q + z
    m = max(s, w)
    dm = dout * v
    dv = dout * v
    ds = dm if s > w else 0.0
    dw = 0.0 if s > w else dm
    dq = ds
    dz = ds
    dx = dq * y
    dy = dq * x
    return dm, dv, ds, dw, dq, dz, dx, dy
'''),
    "fix_add_ones": bug("find_bug_02_fix_answer", FIX, "add gate passes 1, not ds", '''
def fixed_backward(x, y, z, w, v, dout):
    q = x * y
    s = q + z
    m = max(s, w)
    dm = dout * v
    dv = dout * m
    ds = dm if s > w else 0.0
    dw = 0.0 if s > w else dm
    dq = 1.0
    dz = 1.0
    dx = dq * y
    dy = dq * x
    return dm, dv, ds, dw, dq, dz, dx, dy
'''),
    "fix_unchanged": bug("find_bug_02_fix_answer", FIX, "hands back the buggy function", '''
fixed_backward = buggy_backward
'''),
    "fix_via_gates": alt("find_bug_02_fix_answer", "reuses the gate functions", '''
def fixed_backward(x, y, z, w, v, dout):
    q = x * y
    s = q + z
    m = max(s, w)
    dm, dv = mul_backward(m, v, dout)
    ds, dw = max_backward(s, w, dm)
    dq, dz = add_backward(q, z, ds)
    dx, dy = mul_backward(x, y, dq)
    return dm, dv, ds, dw, dq, dz, dx, dy
'''),
    "fix_indicator": alt("find_bug_02_fix_answer", "routes with a 0/1 factor, returns a list", '''
def fixed_backward(x, y, z, w, v, dout):
    s = x * y + z
    first = float(s > w)
    dm = v * dout
    ds = first * dm
    return [dm, max(s, w) * dout, ds, (1.0 - first) * dm, ds, ds, ds * y, ds * x]
'''),
}
