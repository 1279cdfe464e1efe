"""Reference implementations and hidden-test cases for assignment 02 (instructor side only).

Each Exercise draws this student's random cases (course.grading.seeds), computes the expected
outputs with the reference below, and (where `forward` is given) also checks against centred
differences of the forward function.
"""
from course.grading import Exercise, Mistake
from course.grading.testfuncs import bowl, cube, wave

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
        forbid=("course.gradcheck.numerical_gradient",)),
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
