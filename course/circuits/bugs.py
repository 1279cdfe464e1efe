"""The find-the-bug exercises' circuits and buggy backward passes (course.circuits.findbug).

Each function is handed to a student as it is written here, so it reads like a student's own
backward pass: forward again, then the gates in reverse order. Each holds exactly one realistic
mistake; which one, and where it shows, is for the student to find.
"""
import math

from .findbug import BugSet
from .lecture import STAGED, _chain

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

# --- 03: f = σ(w0 x0 + w1 x1 + w2), the neuron of notebook 03 with one sigmoid gate -------------

CIRCUIT_03 = _chain(
    "σ(w0 x0 + w1 x1 + w2)", ("w0", "x0", "w1", "x1", "w2"),
    ("*", ("w0", "x0"), "w0x0"), ("*", ("w1", "x1"), "w1x1"), ("+", ("w0x0", "w1x1"), "s"),
    ("+", ("s", "w2"), "z"), ("sigmoid", ("z",), "f"))


def neuron_backward_a(w0, x0, w1, x1, w2, dout):
    """f = sigmoid(w0*x0 + w1*x1 + w2): the gradient of every wire, given df = dout."""
    w0x0 = w0 * x0                  # forward again
    w1x1 = w1 * x1
    s = w0x0 + w1x1
    z = s + w2
    e = math.exp(-abs(z))           # sigmoid without overflow: e <= 1
    f = 1.0 / (1.0 + e) if z >= 0 else e / (1.0 + e)
    dz = dout * (1.0 - z) * z       # sigmoid gate: f = sigmoid(z)
    ds = dz                         # add gate: z = s + w2
    dw2 = dz
    dw0x0 = ds                      # add gate: s = w0x0 + w1x1
    dw1x1 = ds
    dw0 = dw0x0 * x0                # mul gate: w0x0 = w0 * x0
    dx0 = dw0x0 * w0
    dw1 = dw1x1 * x1                # mul gate: w1x1 = w1 * x1
    dx1 = dw1x1 * w1
    return dz, ds, dw2, dw0x0, dw1x1, dw0, dx0, dw1, dx1


def neuron_backward_b(w0, x0, w1, x1, w2, dout):
    """f = sigmoid(w0*x0 + w1*x1 + w2): the gradient of every wire, given df = dout."""
    w0x0 = w0 * x0                  # forward again
    w1x1 = w1 * x1
    s = w0x0 + w1x1
    z = s + w2
    e = math.exp(-abs(z))           # sigmoid without overflow: e <= 1
    f = 1.0 / (1.0 + e) if z >= 0 else e / (1.0 + e)
    dz = dout * (1.0 - f) * f       # sigmoid gate: f = sigmoid(z)
    ds = dz                         # add gate: z = s + w2
    dw2 = dz
    dw0x0 = ds                      # add gate: s = w0x0 + w1x1
    dw1x1 = ds
    dw0 = dw0x0 * x0                # mul gate: w0x0 = w0 * x0
    dx0 = dw0x0 * w0
    dw1 = dw1x1 * w1                # mul gate: w1x1 = w1 * x1
    dx1 = dw1x1 * x1
    return dz, ds, dw2, dw0x0, dw1x1, dw0, dx0, dw1, dx1


def neuron_backward_c(w0, x0, w1, x1, w2, dout):
    """f = sigmoid(w0*x0 + w1*x1 + w2): the gradient of every wire, given df = dout."""
    w0x0 = w0 * x0                  # forward again
    w1x1 = w1 * x1
    s = w0x0 + w1x1
    z = s + w2
    e = math.exp(-abs(z))           # sigmoid without overflow: e <= 1
    f = 1.0 / (1.0 + e) if z >= 0 else e / (1.0 + e)
    dz = dout * (1.0 - f) * f       # sigmoid gate: f = sigmoid(z)
    ds = dz                         # add gate: z = s + w2
    dw2 = dz
    dw0x0 = ds                      # add gate: s = w0x0 + w1x1
    dw1x1 = ds
    dw0 = dout * x0                 # mul gate: w0x0 = w0 * x0
    dx0 = dout * w0
    dw1 = dw1x1 * x1                # mul gate: w1x1 = w1 * x1
    dx1 = dw1x1 * w1
    return dz, ds, dw2, dw0x0, dw1x1, dw0, dx0, dw1, dx1


BUGS_03 = BugSet(
    "03_sigmoid_neuron", CIRCUIT_03, ("z", "s", "w2", "w0x0", "w1x1", "w0", "x0", "w1", "x1"),
    dict(w0=2.0, x0=-1.0, w1=-3.0, x1=-2.0, w2=-3.0),
    (neuron_backward_a, neuron_backward_b, neuron_backward_c))


# --- 04: f = (x + σ(y)) / (σ(x) + (x + y)²), notebook 04's staged circuit -----------------------


def staged_backward_a(x, y, dout):
    """f = (x + sigma(y)) / (sigma(x) + (x + y)^2): the gradient of every wire, given df = dout."""
    sigy = 1 / (1 + math.exp(-y))      # forward again
    num = x + sigy
    sigx = 1 / (1 + math.exp(-x))
    xpy = x + y
    xpysqr = xpy ** 2
    den = sigx + xpysqr
    invden = 1 / den
    dnum = dout * invden               # mul gate: f = num * invden
    dinvden = dout * num
    dden = -dinvden / den ** 2         # 1/x gate: invden = 1 / den
    dsigx = dden                       # add gate: den = sigx + xpysqr
    dxpysqr = dden
    dxpy = 2 * xpy * dxpysqr           # square gate: xpysqr = xpy ** 2
    dx = dxpy                          # add gate: xpy = x + y
    dy = dxpy
    dx = (1 - sigx) * sigx * dsigx     # sigmoid gate: sigx = sigma(x)
    dx += dnum                         # add gate: num = x + sigy
    dsigy = dnum
    dy += (1 - sigy) * sigy * dsigy    # sigmoid gate: sigy = sigma(y)
    return dnum, dinvden, dden, dsigx, dxpysqr, dxpy, dsigy, dx, dy


def staged_backward_b(x, y, dout):
    """f = (x + sigma(y)) / (sigma(x) + (x + y)^2): the gradient of every wire, given df = dout."""
    sigy = 1 / (1 + math.exp(-y))      # forward again
    num = x + sigy
    sigx = 1 / (1 + math.exp(-x))
    xpy = x + y
    xpysqr = xpy ** 2
    den = sigx + xpysqr
    invden = 1 / den
    dnum = dout * invden               # mul gate: f = num * invden
    dinvden = dout * num
    dden = -dinvden / den ** 2         # 1/x gate: invden = 1 / den
    dsigx = dden                       # add gate: den = sigx + xpysqr
    dxpysqr = dden
    dxpy = 2 * dxpysqr                 # square gate: xpysqr = xpy ** 2
    dx = dxpy                          # add gate: xpy = x + y
    dy = dxpy
    dx += (1 - sigx) * sigx * dsigx    # sigmoid gate: sigx = sigma(x)
    dx += dnum                         # add gate: num = x + sigy
    dsigy = dnum
    dy += (1 - sigy) * sigy * dsigy    # sigmoid gate: sigy = sigma(y)
    return dnum, dinvden, dden, dsigx, dxpysqr, dxpy, dsigy, dx, dy


def staged_backward_c(x, y, dout):
    """f = (x + sigma(y)) / (sigma(x) + (x + y)^2): the gradient of every wire, given df = dout."""
    sigy = 1 / (1 + math.exp(-y))      # forward again
    num = x + sigy
    sigx = 1 / (1 + math.exp(-x))
    xpy = x + y
    xpysqr = xpy ** 2
    den = sigx + xpysqr
    invden = 1 / den
    dnum = dout * invden               # mul gate: f = num * invden
    dinvden = dout * num
    dden = -dinvden / den              # 1/x gate: invden = 1 / den
    dsigx = dden                       # add gate: den = sigx + xpysqr
    dxpysqr = dden
    dxpy = 2 * xpy * dxpysqr           # square gate: xpysqr = xpy ** 2
    dx = dxpy                          # add gate: xpy = x + y
    dy = dxpy
    dx += (1 - sigx) * sigx * dsigx    # sigmoid gate: sigx = sigma(x)
    dx += dnum                         # add gate: num = x + sigy
    dsigy = dnum
    dy += (1 - sigy) * sigy * dsigy    # sigmoid gate: sigy = sigma(y)
    return dnum, dinvden, dden, dsigx, dxpysqr, dxpy, dsigy, dx, dy


BUGS_04 = BugSet(
    "04_staged_backprop", STAGED,
    ("num", "invden", "den", "sigx", "xpysqr", "xpy", "sigy", "x", "y"), dict(x=3.0, y=-4.0),
    (staged_backward_a, staged_backward_b, staged_backward_c))
