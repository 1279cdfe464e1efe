"""Expression graphs as data, and the call driver that builds them from a student's Value class.

A graph case is {"leaves": [numbers], "ops": [[op, i, arg], ...]}: node k < len(leaves) is
Value(leaves[k]); each op appends one node computed from node i (and node `arg`, or the number
`arg`) with the student's own operators, so `a + b`, `2 * a`, `a ** 3` and `a.tanh()` all run
their code. The last node is the output. Cases are plain data, so they cross to a sandboxed
kernel as they are (course.grading.wire), and the same driver runs the student's class and the
reference alike.
"""
from ..i18n import _
from .compare import Outputs
from .graphdata import NODE_ARG, OPS
from .report import GradingError


def build(value_class, case):
    """Every node of the case's graph, built with `value_class` and its operators."""
    nodes = [value_class(float(x)) for x in case["leaves"]]
    for k, (op, i, arg) in enumerate(case["ops"], len(nodes)):
        other = nodes[arg] if op in NODE_ARG else arg
        result = OPS[op][0](nodes[i], other)
        if not (hasattr(result, "data") and hasattr(result, "grad")):
            expr = OPS[op][1].format(i=i, arg=arg if arg is not None else 0)
            raise GradingError(_("`{line}` gave {type} {value}: every operation must return a "
                                 "new Value.", line=f"v{k} = {expr}", type=type(result).__name__,
                                 value=f"{result!r:.60}"))
        nodes.append(result)
    return nodes


def value_graph(value_class, case):
    """(data, grad) of every node, in the order the case builds them, after one backward() from
    the last node. Intermediate nodes are compared too, not only the leaves."""
    nodes = build(value_class, case)
    nodes[-1].backward()
    return Outputs(data=[n.data for n in nodes], grad=[n.grad for n in nodes])
