"""Circuits: the lecture notes' numbers, and the SVG picture drawn from them."""
import xml.etree.ElementTree as ET

import pytest

from course.circuits import NEURON, PATTERN, STAGED, XYZ
from course.circuits.svg import draw_circuit


def labels(svg, kind):
    """{wire: text} of the labels of one kind ("value" or "grad") in an SVG picture."""
    root = ET.fromstring(svg)
    out = {}
    for el in root.iter("{http://www.w3.org/2000/svg}text"):
        classes = el.get("class", "").split()
        if kind in classes:
            out[el.get("data-wire")] = el.text
    return out


@pytest.mark.parametrize("circuit, inputs, values, grads", [
    (XYZ, dict(x=-2, y=5, z=-4), dict(q=3, f=-12), dict(x=-4, y=-4, z=3, q=-4)),
    (NEURON, dict(w0=2, x0=-1, w1=-3, x1=-2, w2=-3),
     dict(w0x0=-2, w1x1=6, s=4, z=1, nz=-1, e=0.3679, d=1.3679, f=0.7311),
     dict(d=-0.5344, e=-0.5344, nz=-0.1966, z=0.1966, w0=-0.1966, x0=0.3932, w1=-0.3932,
          x1=-0.5898, w2=0.1966)),
    (STAGED, dict(x=3, y=-4), dict(f=1.5456449), dict(x=2.0595698, y=1.5922328)),
    (PATTERN, dict(x=3, y=-4, z=2, w=-1), dict(xy=-12, m=2, s=-10, f=-20),
     dict(x=-8, y=6, z=2, w=0)),
])
def test_course_circuits_reproduce_the_lecture_numbers(circuit, inputs, values, grads):
    """Do forward values and centred-difference gradients match CURRICULUM.md?"""
    got_v = circuit.forward(inputs)
    got_g = circuit.numerical_grads(inputs)
    for wire, v in values.items():
        assert got_v[wire] == pytest.approx(v, abs=1e-4), wire
    for wire, g in grads.items():
        assert got_g[wire] == pytest.approx(g, abs=1e-4), wire


def test_picture_shows_values_above_and_gradients_below_each_wire():
    """Does the (x+y)z picture carry -12 on f and gradients -4, -4, 3 on x, y, z?"""
    inputs = dict(x=-2.0, y=5.0, z=-4.0)
    svg = draw_circuit(XYZ, XYZ.forward(inputs), XYZ.numerical_grads(inputs))
    values, grads = labels(svg, "value"), labels(svg, "grad")
    assert values["f"] == "-12.00" and values["q"] == "3.00"
    assert (grads["x"], grads["y"], grads["z"]) == ("-4.00", "-4.00", "3.00")
    assert svg._repr_svg_() == str(svg)


def test_mismatched_wires_are_marked():
    """Are wires named in `mismatch` drawn with the mismatch class and others not?"""
    inputs = dict(x=-2.0, y=5.0, z=-4.0)
    svg = draw_circuit(XYZ, XYZ.forward(inputs), {"x": 4.0, "y": -4.0, "z": 3.0}, mismatch={"x"})
    root = ET.fromstring(svg)
    marked = {el.get("data-wire") for el in root.iter() if "mismatch" in el.get("class", "")}
    assert marked == {"x"}


def test_forks_are_marked_where_gradients_add():
    """Does the staged circuit mark x and y, which feed several gates, as forks?"""
    inputs = dict(x=3.0, y=-4.0)
    root = ET.fromstring(draw_circuit(STAGED, STAGED.forward(inputs)))
    forks = {el.get("data-wire") for el in root.iter() if el.get("class") == "fork"}
    assert forks == {"x", "y"}
