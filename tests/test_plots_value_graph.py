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
