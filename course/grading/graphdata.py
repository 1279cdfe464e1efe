"""Expression graphs as data: the operations a graph case may hold, and the Python lines that
build a case (what a student reads in a failure). No dependencies, so that the messages
(course.grading.report) and the driver (course.grading.graphs) can both use it.

A graph case is {"leaves": [numbers], "ops": [[op, i, arg], ...]}: node k < len(leaves) is
Value(leaves[k]); each op appends one node computed from node i (and node `arg`, or the number
`arg`); the last node is the output.
"""

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
