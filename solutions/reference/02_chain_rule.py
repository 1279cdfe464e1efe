"""Reference implementations and hidden-test cases for assignment 02 (instructor side only).

Each Exercise draws this student's random cases (course.grading.seeds), computes the expected
outputs with the reference below, and (where `forward` is given) also checks against centred
differences of the forward function.
"""
from course.circuits.bugs import BUGS_02
from course.circuits.findbug import choose, every_wire, named_wires, pick, wire_verdict
from course.circuits.live import live_state
from course.grading import Exercise, Mistake, topics
from course.grading.seeds import ANONYMOUS
from course.grading.testfuncs import bowl, cube, wave
from course.grading.topics import NONE

# --- references -------------------------------------------------------------------------------

def numerical_derivative(f, x, h=1e-5):
    return (f(x + h) - f(x - h)) / (2 * h)


def add_backward(x, y, dout):
    return dout, dout  # z = x + y: dz/dx = dz/dy = 1


def mul_backward(x, y, dout):
    return dout * y, dout * x  # z = x*y: dz/dx = y, dz/dy = x


def max_backward(x, y, dout):
    return (dout, 0.0) if x > y else (0.0, dout)  # routes dout to the larger input


def circuit_forward(x, y, z):
    q = x + y
    return q, q * z


def circuit_backward(x, y, z, dout):
    q = x + y
    dz = dout * q
    dq = dout * z
    return dq, dq, dz


# --- case generators --------------------------------------------------------------------------

def _value(rng, scale=5.0):
    """A nonzero float of either sign, away from 0 so relative comparisons are meaningful."""
    v = rng.uniform(0.1, scale) * rng.choice([-1.0, 1.0])
    return float(v)


def _gate_inputs(rng):
    return dict(x=_value(rng), y=_value(rng), dout=_value(rng, 3.0))


def _max_inputs(rng):
    """Half the cases near a tie (gap 1e-4..1e-2, either order): the kink itself is avoided."""
    x, dout = _value(rng), _value(rng, 3.0)
    if rng.random() < 0.5:
        gap = 10 ** rng.uniform(-4, -2) * rng.choice([-1.0, 1.0])
        return dict(x=x, y=x + gap, dout=dout)
    return dict(x=x, y=_value(rng), dout=dout)


def _derivative_inputs(rng):
    """f has curvature, so forward differences and a wrong h are off by far more than 1e-6."""
    f = (cube, wave, bowl)[int(rng.integers(3))]
    return dict(f=f, x=_value(rng, 3.0), h=float(10 ** rng.uniform(-3, -2)))


def _circuit_inputs(rng):
    return dict(x=_value(rng), y=_value(rng), z=_value(rng))


def _circuit_backward_inputs(rng):
    return dict(**_circuit_inputs(rng), dout=_value(rng, 3.0))


# The course's circuit model can evaluate and differentiate (x + y) z numerically: the circuit
# exercises must be the student's own arithmetic.
CIRCUIT_HELPERS = ("course.circuits.model.Circuit.forward",
                   "course.circuits.model.Circuit.numerical_grads")

EXERCISES = {
    "numerical_derivative": Exercise(
        title="numerical_derivative", returns=("df",), draw=_derivative_inputs,
        reference=numerical_derivative, cases=20,
        mistakes=(Mistake.produces(
            "derivative.one_sided",
                "this looks like a one-sided difference (f(x+h) - f(x)) / h: its error shrinks "
            "only like h, the centred difference's like h^2.",
            lambda f, x, h: (f(x + h) - f(x)) / h, ("df",)),),
        forbid=("course.gradcheck.numerical_gradient", "course.gradcheck.centred")),
    "add_backward": Exercise(
        title="add gate backward", returns=("dx", "dy"), draw=_gate_inputs,
        reference=add_backward, forward=lambda x, y: x + y, wrt=("x", "y")),
    "mul_backward": Exercise(
        title="mul gate backward", returns=("dx", "dy"), draw=_gate_inputs,
        reference=mul_backward, forward=lambda x, y: x * y, wrt=("x", "y")),
    "max_backward": Exercise(
        title="max gate backward", returns=("dx", "dy"), draw=_max_inputs, cases=40,
        reference=max_backward, forward=lambda x, y: max(x, y), wrt=("x", "y")),
    "circuit_forward": Exercise(
        title="circuit forward pass", returns=("q", "f"), draw=_circuit_inputs,
        reference=circuit_forward, forbid=CIRCUIT_HELPERS),
    "circuit_backward": Exercise(
        title="circuit backward pass", returns=("dx", "dy", "dz"), draw=_circuit_backward_inputs,
        reference=circuit_backward, forward=lambda x, y, z: (x + y) * z, wrt=("x", "y", "z"),
        forbid=CIRCUIT_HELPERS),
}


# --- find the bug: max(x y + z, w) v (course.circuits.bugs) -----------------------------------

def fixed_backward(x, y, z, w, v, dout):
    q = x * y
    s = q + z
    m = max(s, w)
    dm, dv = dout * v, dout * m                            # f = m v
    ds, dw = (dm, 0.0) if s > w else (0.0, dm)             # m = max(s, w)
    dq, dz = ds, ds                                        # s = q + z
    dx, dy = dq * y, dq * x                                # q = x y
    return dm, dv, ds, dw, dq, dz, dx, dy


def red_start(bugset, bug_name):
    """The answer key: the wires where the dashed wires (wrong gradients) start in the live circuit
    at the worked example, i.e. the dashed wires whose every consumer gate has a right (solid)
    output gradient."""
    bug = bugset.named(bug_name)
    red = live_state(bugset.circuit, bugset.example, bug, call=every_wire(bugset)).mismatch
    return {w for w in red if all(g.out not in red for g in bugset.circuit.consumers(w))}


def _find_bug_case(bugset):
    """The bug the grading id was shown, and the one a student without an id ("anonymous")."""
    def draw(rng):
        return dict(bug=choose(bugset, rng).__name__,
                    fallback=pick(bugset, ANONYMOUS).__name__, wires=list(bugset.circuit.wires))
    return draw


ORDER_HINTS = ("exchanged",)
"""The generic hint for two outputs returned in each other's place: in the wire question a
wrong wire named in place of the right one looks like that, and the findbug hints say it better."""


def wire_question(bugset):
    """The graded wire question of one find-the-bug exercise."""
    def key(bug):
        return red_start(bugset, bug)

    def also(inputs):
        return [named_wires(key, dict(inputs, bug=inputs["fallback"]))]

    def named(case, wrong):  # the wires the student named that `wrong` holds of
        return [w for w, v in case.got.items() if v == 1.0 and wrong(case, w)]

    def red(case):
        bug = bugset.named(case.inputs["bug"])
        return live_state(bugset.circuit, bugset.example, bug,
                          call=every_wire(bugset)).mismatch

    return Exercise(
        title="find the bug: where the dashed wires start", returns=bugset.circuit.wires,
        draw=_find_bug_case(bugset), reference=key, cases=1, call=named_wires, also=also,
        verdict=wire_verdict,
        topic=NONE, mistakes=(
            Mistake("findbug.not_red",
                    "a wire you named is not dashed: its gradient is right at the worked example. "
                    "The bug is where the dashed wires start, on the wires the faulty gate "
                    "writes.",
                    lambda case: bool(named(case, lambda c, w: w not in red(c))),
                    covers=ORDER_HINTS),
            Mistake("findbug.downstream",
                    "every wire you named is dashed, but the dashed wires do not start at all of "
                    "them: a dashed wire whose gate's output wire is dashed too only inherits the "
                    "mistake. Follow the dashed wires toward the output.",
                    lambda case: not named(case, lambda c, w: w not in red(c)) and bool(named(
                        case, lambda c, w: any(g.out in red(c)
                                               for g in bugset.circuit.consumers(w)))),
                    covers=ORDER_HINTS),
        ))


def _fix_inputs(rng):
    """Half the cases with w above x y + z, so the max gate routes to w (never within 0.1)."""
    x, y, z, v = (_value(rng) for _ in range(4))
    s = x * y + z
    w = s + rng.uniform(0.1, 3.0) * rng.choice([-1.0, 1.0])
    return dict(x=x, y=y, z=z, w=float(w), v=v, dout=_value(rng, 3.0))


EXERCISES["find_bug_wire"] = wire_question(BUGS_02)
EXERCISES["fixed_backward"] = Exercise(
    title="the fixed backward pass", returns=tuple("d" + w for w in BUGS_02.order),
    draw=_fix_inputs, reference=fixed_backward, fixed=(dict(BUGS_02.example, dout=1.0),),
    forbid=CIRCUIT_HELPERS, topic=topics.of("find_bug_02_fix"))
