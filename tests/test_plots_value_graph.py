"""The picture and the live view of notebook 07's Value graphs, drawn without Jupyter."""
from course.grading import grader
from course.pictures.value_graph import graph, live_graph, topological, value_graph_svg
from course.widgets import value_graph_view
from tests.svg_labels import flagged, numbers

Value = grader.load("07_autograd").Value


def _circuit(x, y, z):
    return (x + y) * z


def test_the_lecture_circuit_shows_every_value_and_gradient():
    """Is (x + y) z at -2, 5, -4 drawn with q = 3, f = -12 and dx = dy = -4, dz = 3?"""
    x, y, z = Value(-2.0), Value(5.0), Value(-4.0)
    f = _circuit(x, y, z)
    f.backward()
    svg = value_graph_svg(f, dict(x=x, y=y, z=z))
    assert numbers(svg, "value") == dict(x=-2.0, y=5.0, z=-4.0, v2=3.0, v4=-12.0)
    assert numbers(svg, "grad") == dict(x=-4.0, y=-4.0, z=3.0, v2=-4.0, v4=1.0)


def test_a_fork_is_one_node_with_two_uses_and_numbers_are_leaves():
    """Is a in b = a + a drawn once (grad 2), and a number mixed in drawn as a leaf?"""
    a = Value(3.0)
    b = 2 * (a + a)
    b.backward()
    shape, values, grads = graph(b, dict(a=a))
    assert shape.inputs == ("a", "2") and grads["a"] == 4.0
    assert [(g.label, g.inputs) for g in shape.gates] == [("+", ("a", "a")), ("×", ("v1", "2"))]
    assert len(topological(b)) == 4


def test_live_graph_flags_an_input_whose_grad_disagrees():
    """Does the live state agree with centred differences for the reference, and flag x when
    the gradient is wrong there?"""
    state = live_graph(Value, _circuit, dict(x=-2.0, y=5.0, z=-4.0))
    assert state.mismatch == () and state.grads == dict(x=-4.0, y=-4.0, z=3.0)

    class Doubled(Value):
        def backward(self):
            super().backward()
            self._prev[0]._prev[0].grad *= 2  # x: wrong on purpose

    state = live_graph(Doubled, _circuit, dict(x=-2.0, y=5.0, z=-4.0))
    assert state.mismatch == ("x",) and flagged(state.svg) == {"x"}


def test_widget_follows_the_slider_and_says_when_the_class_fails():
    """Does moving x redraw the grads, and does an unwritten class give a message, no crash?"""
    view = value_graph_view(Value, _circuit, dict(x=-2.0, y=5.0, z=-4.0))
    assert numbers(view.picture.value, "grad")["z"] == 3.0
    view.sliders["x"].value = 1.0
    assert numbers(view.picture.value, "grad")["z"] == 6.0

    class Unwritten(Value):
        def __mul__(self, other):
            raise NotImplementedError()

    view = value_graph_view(Unwritten, _circuit, dict(x=1.0, y=2.0, z=3.0))
    assert view.picture.value == ""
    assert "Unwritten.__mul__ is not written yet" in view.message.value

    class Broken(Value):
        def backward(self):
            return 1 / 0

    state = live_graph(Broken, _circuit, dict(x=1.0, y=2.0, z=3.0))
    assert state.message.endswith("Broken.backward raised ZeroDivisionError: division by zero")


def _pattern(x, y, z, w):
    return 2 * (x * y + (w + (z - w).relu()))


def _segments(svg):
    import xml.etree.ElementTree as ET
    ns = "{http://www.w3.org/2000/svg}"
    return [tuple(float(line.get(k)) for k in ("x1", "y1", "x2", "y2"))
            for line in ET.fromstring(str(svg)).iter(ns + "line")]


def _cross(a, b):
    """Do segments a and b cross at a point inside both (not at a shared end)?"""
    (x1, y1, x2, y2), (x3, y3, x4, y4) = a, b
    d = (x2 - x1) * (y4 - y3) - (y2 - y1) * (x4 - x3)
    if abs(d) < 1e-9:
        return False
    t = ((x3 - x1) * (y4 - y3) - (y3 - y1) * (x4 - x3)) / d
    u = ((x3 - x1) * (y2 - y1) - (y3 - y1) * (x2 - x1)) / d
    return 0.01 < t < 0.99 and 0.01 < u < 0.99


def test_the_traced_pattern_graph_is_layered_without_crossings():
    """Is 07's traced pattern circuit laid out in layers: the constant 2 one column left of the
    gate that reads it (not at the far left with a wire across the picture), x and y one column
    left of their product, and no two wires crossing?"""
    leaves = {k: Value(v) for k, v in dict(x=3.0, y=-4.0, z=2.0, w=-1.0).items()}
    out = _pattern(**leaves)
    out.backward()
    shape, _, _ = graph(out, leaves)
    column = {w: c for w, c, _ in shape.place}
    reader = {w: min(column[g.out] for g in shape.consumers(w)) for w in shape.inputs}
    assert column["2"] == column[shape.gates[-1].out] - 1 == reader["2"] - 1
    assert column["x"] == reader["x"] - 1 and column["y"] == reader["y"] - 1
    lines = _segments(value_graph_svg(out, leaves))
    crossings = [(a, b) for i, a in enumerate(lines) for b in lines[i + 1:] if _cross(a, b)]
    assert crossings == []


def test_the_traced_graph_steps_back_to_the_grads_of_backward():
    """Does the step-through of 07's traced pattern circuit (its ops evaluated by label) end at
    the grad backward() gave every node, its first step the output's mul by the constant 2?"""
    from course.circuits.steps import backward_steps, gradients_after, rule_lines
    leaves = {k: Value(v) for k, v in dict(x=3.0, y=-4.0, z=2.0, w=-1.0).items()}
    out = _pattern(**leaves)
    out.backward()
    shape, data, grads = graph(out, leaves)
    steps = backward_steps(shape, data)
    assert len(steps) == len(shape.gates)
    final = gradients_after(shape, steps, len(steps))
    for wire, g in grads.items():
        assert abs(final[wire] - g) < 1e-6, wire
    first = rule_lines(steps[0])
    assert first[1] == f"d2 = {shape.gates[-2].out} × d{shape.output} = -10.00 × 1.00 = -10.00"


def test_the_value_graph_view_steps_through_the_backward_pass():
    """In the value graph widget: does "step" mark the output's node and say its rule?"""
    view = value_graph_view(Value, _pattern, dict(x=3.0, y=-4.0, z=2.0, w=-1.0))
    assert not view.stepping.forth.disabled
    view.stepping.forth.click()
    out = view.state.shape.output
    assert f'class="gate current" data-wire="{out}"' in view.picture.value
    assert "d2 = " in view.stepping.rule.value and "d2 = " in view.narration.value
