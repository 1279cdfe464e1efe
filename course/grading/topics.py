"""What each graded exercise is about, so that a hint only ever speaks of a concept it teaches.

The checker's generic hints (course.grading.hints) are phrased in terms of gradients, mul gates
and max gates. Which of an exercise's outputs are gradients, which pairs are the two factors of
one mul gate, which come out of a max gate, and in which order the pass computes its stages is
written here once, per exercise, and read by the visible and the hidden tests alike. An exercise
without an entry gets only the hints that need no concept (two outputs returned in the wrong
order), and the hints of its own (hints.NAMED, or the instructor's Exercise.mistakes).
"""
from dataclasses import dataclass

from ..i18n import N_


@dataclass(frozen=True)
class Topic:
    """The concepts one exercise's outputs carry."""
    gradients: frozenset = frozenset()
    """Outputs that are gradients: the chain-rule hints (sign, upstream factor) may speak of
    these and no others."""
    products: tuple = ()
    """Pairs of outputs that are the gradients of one mul gate's two factors."""
    routed: tuple = ()
    """Pairs of outputs that are the gradients of one max gate's two inputs."""
    stages: tuple = ()
    """(label, output names) in the order the pass computes them, for exercises whose interface
    exposes intermediate values: a failure names the first stage that disagrees."""
    direction: str = "forward"
    """"forward" or "backward": which pass `stages` follows (for the wording)."""

    def is_gradient(self, name):
        return name in self.gradients

    def pair_kind(self, a, b):
        """"mul", "max" or None: what kind of gate the outputs a and b meet at, if any."""
        pair = {a, b}
        if any(pair == set(p) for p in self.products):
            return "mul"
        if any(pair == set(p) for p in self.routed):
            return "max"
        return None

    def in_routed(self, name):
        return any(name in p for p in self.routed)


def topic(gradients="", products=(), routed=(), stages=(), direction="forward"):
    """A Topic from space-separated names: topic("dx dy", products=[("dx", "dy")])."""
    return Topic(frozenset(gradients.split()), tuple(tuple(p) for p in products),
                 tuple(tuple(p) for p in routed),
                 tuple((label, tuple(names.split())) for label, names in stages), direction)


NONE = Topic()

_NEURON_WIRES = ("w0x0", "w1x1", "s", "z", "nz", "e", "d", "f")
_STAGED_CACHE = ("x", "y", "sigy", "num", "sigx", "xpy", "xpysqr", "den", "invden", "f")

TOPICS = {
    # 01: labels and weights, not gradients
    "perceptron_predict": NONE,
    "perceptron_update": NONE,
    "train_perceptron": NONE,
    "xor_network": NONE,
    # 02
    "numerical_derivative": NONE,  # a difference quotient, checked as a number
    "add_backward": topic("dx dy"),
    "mul_backward": topic("dx dy", products=[("dx", "dy")]),
    "max_backward": topic("dx dy", routed=[("dx", "dy")]),
    "circuit_forward": topic(stages=[("q = x + y", "q"), ("f = q z", "f")]),
    "circuit_backward": topic("dx dy dz", products=[("dx", "dz"), ("dy", "dz")]),
    # find the bug's fix returns every wire's gradient; the visible test names this topic
    "find_bug_02_fix": topic(
        "dm dv ds dw dq dz dx dy", products=[("dm", "dv"), ("dx", "dy")], routed=[("ds", "dw")],
        direction="backward",
        stages=[(N_("dm, dv (the mul gate f = m v)"), "dm dv"),
                (N_("ds, dw (the max gate)"), "ds dw"), (N_("dq, dz (the add gate)"), "dq dz"),
                (N_("dx, dy (the mul gate q = x y)"), "dx dy")]),
    # 03
    "gate_backward": topic("dx"),  # one row of the table of four one-input gates
    "neuron_forward": topic(stages=[(w, w) for w in _NEURON_WIRES]),
    "neuron_backward": topic(
        "dw dx dd de dnz dz", direction="backward",
        stages=[(N_("dd (the 1/x gate)"), "dd"), (N_("de (the +1 gate)"), "de"),
                (N_("dnz (the e^x gate)"), "dnz"), (N_("dz (the *(-1) gate)"), "dz"),
                (N_("dw and dx (the mul and add gates)"), "dw dx")]),
    "sigmoid_backward": topic("dx"),
    "neuron_backward_grouped": topic("dw dx"),
    "find_bug_03_fix": topic(
        "dz ds dw2 dw0x0 dw1x1 dw0 dx0 dw1 dx1", products=[("dw0", "dx0"), ("dw1", "dx1")],
        direction="backward",
        stages=[(N_("dz (the sigmoid gate)"), "dz"),
                (N_("ds, dw2 (the add gate z = s + w2)"), "ds dw2"),
                (N_("dw0x0, dw1x1 (the add gate s = w0x0 + w1x1)"), "dw0x0 dw1x1"),
                (N_("dw0, dx0 (the mul gate w0 x0)"), "dw0 dx0"),
                (N_("dw1, dx1 (the mul gate w1 x1)"), "dw1 dx1")]),
    # 04: staged_backward(cache, dout) returns only dx, dy -- its intermediate gradients are
    # local variables, so a failure can name the wrong output but not the stage
    "staged_forward": topic(stages=[(w, w) for w in _STAGED_CACHE]),
    "staged_backward": topic("dx dy"),
    "find_bug_04_fix": topic(
        "dnum dinvden dden dsigx dxpysqr dxpy dsigy dx dy", products=[("dnum", "dinvden")],
        direction="backward",
        stages=[(N_("dnum, dinvden (the mul gate f = num invden)"), "dnum dinvden"),
                (N_("dden (the 1/x gate)"), "dden"),
                (N_("dsigx, dxpysqr (the add gate den = sigx + xpysqr)"), "dsigx dxpysqr"),
                (N_("dxpy (the square gate)"), "dxpy"),
                (N_("dsigy (the add gate num = x + sigy)"), "dsigy"),
                (N_("dx, dy (where the branches meet)"), "dx dy")]),
    "pattern_circuit": topic("dx dy dz dw", products=[("dx", "dy")], routed=[("dz", "dw")]),
    "score_backward": topic("dw dx", products=[("dw", "dx")]),  # s = w . x: a mul per entry
    # 05: each layer is checked on its own; a layer's out is a value, its d-outputs gradients
    "matmul_backward": topic("dW dX", products=[("dW", "dX")]),
    "rel_error": NONE,
    "worst_rel_error": NONE,  # an error and an index: no gradients among the outputs
    "MulLayer": topic("dx dy", products=[("dx", "dy")]),
    "AddLayer": topic("dx dy"),
    "Affine": topic("dx dW db"),
    "Sigmoid": topic("dx"),
    # 06: network_backward's interface exposes the loss and each layer's parameter gradients
    "network_forward": NONE,
    "mse_loss": topic("dP"),
    "network_backward": topic(
        "dW1 db1 dW2 db2", direction="backward",
        stages=[(N_("the loss"), "loss"), (N_("the output layer (dW2, db2)"), "dW2 db2"),
                (N_("the hidden layer (dW1, db1)"), "dW1 db1")]),
    "train": NONE,
    # 08: the layers on their own, like 05's; network_backward is 06's name and shape again
    # (loss, then the output layer, then the hidden layer), so 06's topic above is its topic
    "Relu": topic("dx"),
    "SoftmaxWithLoss": topic("ds"),
    "sgd": NONE,
    # 07: the engine's checks read every node of a graph, its data (values) and grad (gradients);
    # the worked examples return the gradients of the circuits of 02, 03 and 04
    "Value": topic("grad"),
    "operations": topic("grad"),
    "circuit_autograd": topic("dx dy dz", products=[("dx", "dz"), ("dy", "dz")]),
    "neuron_autograd": topic("dw dx"),
    "staged_autograd": topic("dx dy"),
    # no max gate here: max(z, w) is built as w + relu(z - w), so a wrong construction can
    # exchange dz and dw on one case and not on another; the routing hints would mislead
    "pattern_autograd": topic("dx dy dz dw", products=[("dx", "dy")]),
}


def of(exercise, override=None):
    """The Topic of an exercise (an instructor's Exercise may carry its own)."""
    return override if override is not None else TOPICS.get(exercise, NONE)
