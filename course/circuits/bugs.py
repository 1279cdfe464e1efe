"""The find-the-bug exercises' circuits and buggy backward passes (course.circuits.findbug).

Each function is handed to a student as it is written here, so it reads like a student's own
backward pass: forward again, then the gates in reverse order. Each holds exactly one realistic
mistake; which one, and where it shows, is for the student to find.
"""
from .findbug import BugSet
from .lecture import _chain

# --- 02: f = max(x y + z, w) v, three gates of notebook 02 --------------------------------------

CIRCUIT_02 = _chain(
    "max(x y + z, w) v", "xyzwv",
    ("*", ("x", "y"), "q"), ("+", ("q", "z"), "s"), ("max", ("s", "w"), "m"),
    ("*", ("m", "v"), "f"))


def buggy_backward_a(x, y, z, w, v, dout):
    """f = max(x*y + z, w) * v: the gradient of every wire, given df = dout."""
    q = x * y                       # forward again
    s = q + z
    m = max(s, w)
    dm = dout * m                   # mul gate: f = m * v
    dv = dout * v
    ds = dm if s > w else 0.0       # max gate: m = max(s, w)
    dw = 0.0 if s > w else dm
    dq = ds                         # add gate: s = q + z
    dz = ds
    dx = dq * y                     # mul gate: q = x * y
    dy = dq * x
    return dm, dv, ds, dw, dq, dz, dx, dy


def buggy_backward_b(x, y, z, w, v, dout):
    """f = max(x*y + z, w) * v: the gradient of every wire, given df = dout."""
    q = x * y                       # forward again
    s = q + z
    m = max(s, w)
    dm = dout * v                   # mul gate: f = m * v
    dv = dout * m
    ds = dm if s > w else 0.0       # max gate: m = max(s, w)
    dw = 0.0 if s > w else dm
    dq = ds * z                     # add gate: s = q + z
    dz = ds * q
    dx = dq * y                     # mul gate: q = x * y
    dy = dq * x
    return dm, dv, ds, dw, dq, dz, dx, dy


def buggy_backward_c(x, y, z, w, v, dout):
    """f = max(x*y + z, w) * v: the gradient of every wire, given df = dout."""
    q = x * y                       # forward again
    s = q + z
    m = max(s, w)
    dm = dout * v                   # mul gate: f = m * v
    dv = dout * m
    ds = dm if s < w else 0.0       # max gate: m = max(s, w)
    dw = 0.0 if s < w else dm
    dq = ds                         # add gate: s = q + z
    dz = ds
    dx = dq * y                     # mul gate: q = x * y
    dy = dq * x
    return dm, dv, ds, dw, dq, dz, dx, dy


BUGS_02 = BugSet(
    "02_chain_rule", CIRCUIT_02, ("m", "v", "s", "w", "q", "z", "x", "y"),
    dict(x=2.0, y=3.0, z=-1.0, w=1.0, v=-2.0),
    (buggy_backward_a, buggy_backward_b, buggy_backward_c))
