"""The graph behind a Value (notebook 07): every node with its data (green, above its wire) and
its grad (purple, below), drawn like the lecture's circuits by course.circuits.svg.

Pure functions of the Value objects: they read only `data`, `grad`, `_prev` and `_op`, the
attributes of micrograd's Value that the notebook's class keeps too.
"""
import math
from dataclasses import dataclass, field, replace

from grandalf.graphs import Edge, Vertex
from grandalf.graphs import Graph as _Graph
from grandalf.layouts import SugiyamaLayout

from ..circuits.svg import draw_circuit
from ..gradcheck import centred
from ..i18n import _
from ..tolerance import NUMERIC

LABELS = {"+": "+", "*": "×"}
"""How an op is written in its node (others as the class names them: exp, tanh, **2 ...)."""


RULES = {"+": ("+", lambda vs: sum(vs)), "×": ("*", lambda vs: math.prod(vs)),
         "exp": ("exp", lambda vs: math.exp(vs[0])), "tanh": ("tanh", lambda vs: math.tanh(vs[0])),
         "relu": ("relu", lambda vs: max(vs[0], 0.0))}
"""The ops whose forward the step-through can evaluate (by their label), as course.circuits.model
names them, and "**n" (a power)."""


@dataclass(frozen=True)
class Node:
    """One computed Value as a gate of the drawing: `out` is its wire, `inputs` its inputs'."""
    label: str
    inputs: tuple
    out: str

    @property
    def op(self):
        return RULES[self.label][0] if self.label in RULES else self.label

    def apply(self, values):
        """The node's value from its inputs' (for the local gradients of the step-through);
        KeyError for an op the course does not know."""
        vs = [values[w] for w in self.inputs]
        if self.label.startswith("**"):
            return float(vs[0] ** float(self.label[2:]))
        return float(RULES[self.label][1](vs))


@dataclass(frozen=True)
class Graph:
    """The shape course.circuits.svg draws: input wires, then nodes in forward order."""
    inputs: tuple
    gates: tuple
    place: tuple = ()

    @property
    def wires(self):
        return (*self.inputs, *(g.out for g in self.gates))

    @property
    def output(self):
        return self.gates[-1].out

    def consumers(self, wire):
        return [g for g in self.gates if wire in g.inputs]


def topological(out):
    """Every Value `out` was computed from, and `out`, each once, inputs before their users
    (an iterative depth-first search: deep graphs do not reach Python's recursion limit)."""
    order, seen, stack = [], set(), [(out, False)]
    while stack:
        v, expanded = stack.pop()
        if expanded:
            order.append(v)
        elif id(v) not in seen:
            seen.add(id(v))
            stack.append((v, True))
            stack.extend((p, False) for p in reversed(tuple(getattr(v, "_prev", ()))))
    return order


def graph(out, names=None):
    """(Graph, {wire: data}, {wire: grad}) of the Values behind `out`. `names` maps a name to a
    leaf Value (e.g. dict(x=x, y=y)); other leaves, the numbers mixed in, are named by their
    value."""
    named = {id(v): k for k, v in (names or {}).items()}
    wire, leaves, gates, taken = {}, [], [], set()
    for k, v in enumerate(topological(out)):
        prev = tuple(getattr(v, "_prev", ()))
        if prev:
            wire[id(v)] = f"v{k}"
            op = str(getattr(v, "_op", "") or "?")
            gates.append(Node(LABELS.get(op, op), tuple(wire[id(p)] for p in prev), f"v{k}"))
            continue
        name = named.get(id(v), f"{v.data:g}")
        while name in taken:  # two leaves of the same value: each keeps its own wire
            name += " "
        taken.add(name)
        wire[id(v)] = name
        leaves.append(name)
    if not gates:  # a lone leaf: draw it as its own output
        gates.append(Node("=", (leaves[0],), "out"))
        wire[id(out)] = "out"
    values = {wire[id(v)]: float(v.data) for v in topological(out)}
    grads = {wire[id(v)]: float(v.grad) for v in topological(out)}
    shape = Graph(tuple(leaves), tuple(gates))
    return replace(shape, place=layered(shape)), values, grads


class _Box:
    """The size grandalf gives a node: every node the same."""
    w = h = 10


def layered(shape):
    """((wire, column, row), ...): the graph in layers, as graphviz's dot would draw it, by
    grandalf's Sugiyama layout (layering, crossing reduction, positions in a layer).

    It lays out the graph reversed, from the output: a node's layer is its longest distance to
    the output, so every leaf sits one column left of the first gate that reads it (a constant
    mixed in late is not drawn at the far left with a wire across the whole picture), and the
    order within each layer is chosen to cross as few wires as it can."""
    vertex = {w: Vertex(w) for w in shape.wires}
    for v in vertex.values():
        v.view = _Box()
    pairs = {(g.out, w) for g in shape.gates for w in g.inputs}
    layout = SugiyamaLayout(_Graph(list(vertex.values()),
                                   [Edge(vertex[a], vertex[b]) for a, b in sorted(pairs)]).C[0])
    layout.init_all(roots=[vertex[shape.gates[-1].out]])
    layout.draw(3)
    last = max(layout.grx[v].rank for v in vertex.values())
    xs = sorted({v.view.xy[0] for v in vertex.values()})
    step = min((b - a for a, b in zip(xs, xs[1:])), default=1.0)
    return tuple((w, last - layout.grx[v].rank, (v.view.xy[0] - xs[0]) / step * 0.5)
                 for w, v in vertex.items())


def value_graph_svg(out, names=None, *, mismatch=(), title=None, decimals=2):
    """SVG of the graph behind `out`, data above and grad below every wire; leaves named in
    `mismatch` are drawn thick, dashed and crossed (their grad disagrees with centred
    differences)."""
    shape, values, grads = graph(out, names)
    return draw_circuit(shape, values, grads, mismatch=mismatch, decimals=decimals, title=title)


@dataclass
class LiveGraph:
    """What the live view shows for one setting of the inputs."""
    svg: str = ""
    grads: dict = field(default_factory=dict)
    """The leaves' grads after backward(), by input name."""
    numeric: dict = field(default_factory=dict)
    """The same by centred differences of the expression's forward value."""
    mismatch: tuple = ()
    message: str = ""
    shape: object = None
    """The Graph drawn (for the step-through), None when nothing is drawn."""
    values: dict = field(default_factory=dict)
    """Every node's data, by wire."""


def _why(exc):
    """One line naming the method that failed, e.g. `Value.__mul__ is not written yet`."""
    tb = exc.__traceback__
    while tb is not None and tb.tb_next is not None:
        tb = tb.tb_next
    where = tb.tb_frame.f_code.co_qualname.replace(".<locals>", "") if tb else _("your code")
    if isinstance(exc, NotImplementedError):
        return _("{name} is not written yet: nothing to draw.", name=where)
    return _("{name} raised {error}: {message}", name=where, error=type(exc).__name__,
             message=exc)[:300]


def live_graph(value_class, build, values, h=1e-6):
    """Build `build(**leaves)` from Values of `values` with the student's class, run backward()
    and compare each input's grad with centred differences of the output's data."""
    def output(at):
        return build(**{k: value_class(v) for k, v in at.items()})
    try:
        leaves = {k: value_class(v) for k, v in values.items()}
        out = build(**leaves)
        out.backward()
        grads = {k: float(v.grad) for k, v in leaves.items()}
        numeric = {k: centred(lambda v, k=k: output({**values, k: v}).data, x, h)
                   for k, x in values.items()}
    except Exception as exc:  # unwritten or failing code: say so, draw nothing
        return LiveGraph(message=_why(exc))
    mismatch = tuple(k for k in values if not NUMERIC.agree(grads[k], numeric[k]))
    message = (_("grad differs from centred differences at {names}", names=", ".join(mismatch))
               if mismatch else _("output {out:.4g}; every input's grad agrees with centred "
                                  "differences", out=float(out.data)))
    shape, data, node_grads = graph(out, leaves)
    return LiveGraph(draw_circuit(shape, data, node_grads, mismatch=mismatch), grads, numeric,
                     mismatch, message, shape, data)
