"""Expression graphs as data, and the call driver that builds them from a student's Value class.

A graph case is {"leaves": [numbers], "ops": [[op, i, arg], ...]}: node k < len(leaves) is
Value(leaves[k]); each op appends one node computed from node i (and node `arg`, or the number
`arg`) with the student's own operators, so `a + b`, `2 * a`, `a ** 3` and `a.tanh()` all run
their code. The last node is the output. Cases are plain data, so they cross to a sandboxed
kernel as they are (course.grading.wire), and the same driver runs the student's class and the
reference alike.
"""
from .compare import Outputs
from .report import GradingError

OPS = {
    # op: (how node i and arg combine, as Python writes it)
    "add": (lambda a, b: a + b, "v{i} + v{arg}"),
    "mul": (lambda a, b: a * b, "v{i} * v{arg}"),
    "sub": (lambda a, b: a - b, "v{i} - v{arg}"),
    "div": (lambda a, b: a / b, "v{i} / v{arg}"),
    "add_num": (lambda a, c: a + c, "v{i} + {arg:g}"),
    "radd": (lambda a, c: c + a, "{arg:g} + v{i}"),
    "mul_num": (lambda a, c: a * c, "v{i} * {arg:g}"),
    "rmul": (lambda a, c: c * a, "{arg:g} * v{i}"),
    "sub_num": (lambda a, c: a - c, "v{i} - {arg:g}"),
    "rsub": (lambda a, c: c - a, "{arg:g} - v{i}"),
    "div_num": (lambda a, c: a / c, "v{i} / {arg:g}"),
    "rdiv": (lambda a, c: c / a, "{arg:g} / v{i}"),
    "pow": (lambda a, c: a ** c, "v{i} ** {arg:g}"),
    "neg": (lambda a, _: -a, "-v{i}"),
    "exp": (lambda a, _: a.exp(), "v{i}.exp()"),
    "tanh": (lambda a, _: a.tanh(), "v{i}.tanh()"),
    "relu": (lambda a, _: a.relu(), "v{i}.relu()"),
}
NODE_ARG = {"add", "mul", "sub", "div"}
"""Ops whose `arg` is a node index; for the others it is a number (or unused)."""


def text(case):
    """The graph as the Python lines that build it: `v2 = v0 * v1`, one per node."""
    lines = [f"v{k} = Value({x:g})" for k, x in enumerate(case["leaves"])]
    for k, (op, i, arg) in enumerate(case["ops"], len(case["leaves"])):
        lines.append(f"v{k} = " + OPS[op][1].format(i=i, arg=arg if arg is not None else 0))
    return lines


def build(value_class, case):
    """Every node of the case's graph, built with `value_class` and its operators."""
    nodes = [value_class(float(x)) for x in case["leaves"]]
    for k, (op, i, arg) in enumerate(case["ops"], len(nodes)):
        other = nodes[arg] if op in NODE_ARG else arg
        result = OPS[op][0](nodes[i], other)
        if not (hasattr(result, "data") and hasattr(result, "grad")):
            expr = OPS[op][1].format(i=i, arg=arg if arg is not None else 0)
            raise GradingError(f"`v{k} = {expr}` gave {type(result).__name__} "
                               f"{result!r:.60}: every operation must return a new Value.")
        nodes.append(result)
    return nodes


def value_graph(value_class, case):
    """(data, grad) of every node, in the order the case builds them, after one backward() from
    the last node. Intermediate nodes are compared too, not only the leaves."""
    nodes = build(value_class, case)
    nodes[-1].backward()
    return Outputs(data=[n.data for n in nodes], grad=[n.grad for n in nodes])
