"""The reference of notebook 07 against an independent oracle: centred differences at every node
of the hidden tests' random graphs, and the lecture's numbers."""
import math

import numpy as np
import pytest

from course.grading import grader
from course.grading.graphdata import NODE_ARG, text
from course.grading.graphs import value_graph
from course.tolerance import NUMERIC

R = grader.load("07_autograd")

_PLAIN = {"add": lambda a, b: a + b, "mul": lambda a, b: a * b, "sub": lambda a, b: a - b,
          "div": lambda a, b: a / b, "add_num": lambda a, c: a + c, "radd": lambda a, c: c + a,
          "mul_num": lambda a, c: a * c, "rmul": lambda a, c: c * a,
          "sub_num": lambda a, c: a - c, "rsub": lambda a, c: c - a,
          "div_num": lambda a, c: a / c, "rdiv": lambda a, c: c / a,
          "pow": lambda a, c: a ** c, "neg": lambda a, _: -a, "exp": lambda a, _: math.exp(a),
          "tanh": lambda a, _: math.tanh(a), "relu": lambda a, _: max(a, 0.0)}


def _output(case, bump=None, h=0.0):
    """The output of the graph in plain floats, with node `bump` moved by h after it is computed."""
    values = []
    for k, x in enumerate(case["leaves"]):
        values.append(x + (h if k == bump else 0.0))
    for op, i, arg in case["ops"]:
        other = values[arg] if op in NODE_ARG else arg
        values.append(_PLAIN[op](values[i], other) + (h if len(values) == bump else 0.0))
    return values[-1]


@pytest.mark.parametrize("name", ["Value", "operations", "operations_arithmetic",
                                  "operations_pow", "operations_exp", "operations_tanh",
                                  "operations_relu"])
def test_every_node_gradient_matches_centred_differences(name):
    """Is every node's grad (leaves and intermediate nodes) the centred difference of the output
    with respect to that node, on the hidden cases of several students?"""
    for student in ("ref-a", "ref-b", "ref-c"):
        for case in grader.cases("07_autograd", name, student):
            grads = value_graph(R.Value, case)["grad"]
            h = 1e-6
            numeric = [(_output(case, k, h) - _output(case, k, -h)) / (2 * h)
                       for k in range(len(grads))]
            assert NUMERIC.agree(grads, numeric), "\n".join(text(case))


def test_hidden_graphs_have_forks_depth_and_every_operation():
    """Do the operation graphs fork, reach some depth and use every operation across a class?"""
    seen = set()
    for student in ("ref-a", "ref-b", "ref-c"):
        for case in grader.cases("07_autograd", "operations", student):
            ops = case["ops"]
            seen |= {op for op, _, _ in ops}
            operands = [i for op, i, _ in ops] + [a for op, _, a in ops if op in NODE_ARG]
            assert len(operands) > len(set(operands))  # some node is used twice: a fork
    assert seen == set(_PLAIN)


def test_the_lecture_numbers():
    """Does the engine reproduce every worked example of the earlier notebooks?"""
    assert np.allclose(R.circuit_autograd(-2.0, 5.0, -4.0), (-4.0, -4.0, 3.0))
    dw, dx = R.neuron_autograd([2.0, -3.0, -3.0], [-1.0, -2.0])
    assert np.allclose(dw, [-0.1966119, -0.3932239, 0.1966119], atol=1e-7)
    assert np.allclose(dx, [0.3932239, -0.5898358], atol=1e-7)
    assert np.allclose(R.staged_autograd(3.0, -4.0), (2.0595698, 1.5922328), atol=1e-7)
    assert np.allclose(R.pattern_autograd(3.0, -4.0, 2.0, -1.0), (-8.0, 6.0, 2.0, 0.0))


def test_a_fork_adds_and_a_second_backward_accumulates():
    """b = a + a gives db/da = 2; a second backward() on a * b without zeroing doubles the
    leaves' grads."""
    a = R.Value(3.0)
    (a + a).backward()
    assert a.grad == 2.0
    a, b = R.Value(2.0), R.Value(-3.0)
    c = a * b
    c.backward()
    c.backward()
    assert (a.grad, b.grad) == (-6.0, 4.0)


def test_each_operation_family_has_its_own_hidden_graphs():
    """Does every hidden graph of an operation family use that family at least twice, and no
    operation of another family (only + and * beside it)?"""
    families = R._FAMILIES
    for family, ops in families.items():
        for student in ("ref-a", "ref-b"):
            for case in grader.cases("07_autograd", f"operations_{family}", student):
                used = [op for op, _, _ in case["ops"]]
                assert sum(op in ops for op in used) >= 2, (family, used)
                assert set(used) <= set(ops) | {"add", "mul", "add_num", "radd", "mul_num",
                                                "rmul"}, (family, used)
