"""The widgets, driven as a student would drive them (set a control's .value), without Jupyter:
each assertion reads the redrawn picture (SVG labels, figure titles and artists, PNG bytes)."""
import asyncio

import numpy as np
import pytest

from course.circuits import STAGED, XYZ
from course.pictures.perceptron import perceptron_figure
from course.pictures.sigmoid import sigmoid_point_figure
from course.pictures.training import TrainingPicture, training_figure
from course.widgets import live_circuit, perceptron_widget, sigmoid_widget, training_view
from tests.svg_labels import flagged, numbers


def grads(widget):
    return numbers(widget.picture.value, "grad")


def stub(x, y, z, dout):
    raise NotImplementedError()  # what the release of 02 ships


def flipped(x, y, z, dout):
    return -dout * z, -dout * z, -dout * (x + y)  # every sign wrong


# --- live circuit -------------------------------------------------------------------------------

def test_circuit_shows_the_lecture_numbers_then_follows_the_x_slider():
    """Does (x+y)z start at f=-12, grads -4, -4, 3, and show dz = x + y = 6 after x -> 1?"""
    w = live_circuit(XYZ, stub, inputs=dict(x=-2.0, y=5.0, z=-4.0))
    assert numbers(w.picture.value, "value")["f"] == -12.0
    assert (grads(w)["x"], grads(w)["y"], grads(w)["z"]) == (-4.0, -4.0, 3.0)
    assert "not written yet" in w.message.value
    w.sliders["x"].value = 1.0
    assert grads(w)["z"] == 6.0 and numbers(w.picture.value, "value")["f"] == -24.0


def test_typing_a_value_beyond_the_slider_widens_it():
    """Does x = 7 (the slider ends at 5; the number box sets the same value) widen the slider
    and give dz = 12?"""
    w = live_circuit(XYZ, inputs=dict(x=-2.0, y=5.0, z=-4.0))
    row = w.children[0]  # the x slider with its number box
    assert row is w.sliders["x"] and (row.min, row.max) == (-5.0, 5.0)
    row.value = 7.0
    assert w.sliders["x"].max == 7.0 and w.sliders["x"].value == 7.0
    assert grads(w)["z"] == 12.0


def test_wrong_backward_is_marked_on_every_wrong_wire_with_both_numbers():
    """Do flipped signs put class "mismatch" on x, y and z, and both numbers in the table?"""
    w = live_circuit(XYZ, flipped, inputs=dict(x=-2.0, y=5.0, z=-4.0))
    assert flagged(w.picture.value) == {"x", "y", "z"}
    assert (grads(w)["x"], grads(w)["z"]) == (4.0, -3.0)  # the student's numbers are drawn
    assert w.table.value.count('class="mismatch"') == 3
    assert "<td>4</td><td>-4</td>" in w.table.value  # dx: yours 4, numerical -4
    w.sliders["y"].value = -2.0  # x + y = -4: still wrong wherever the gradient is not 0
    assert flagged(w.picture.value) == {"x", "y", "z"}


def test_dout_control_doubles_every_gradient():
    """Does setting the upstream gradient to 2 double every gradient in the picture?"""
    w = live_circuit(STAGED, inputs=dict(x=3.0, y=-4.0))
    before = dict(w.state.shown)
    w.dout.value = 2.0
    assert w.state.shown == pytest.approx({k: 2 * v for k, v in before.items()}, rel=1e-6)
    assert grads(w)["x"] == 4.12 and grads(w)["y"] == 3.18  # 2 * 2.0595698, 2 * 1.5922328


def test_student_exception_is_shown_and_the_widget_keeps_working():
    """Does a backward that crashes leave the widget drawing numerical gradients, with the error?"""
    def crashes(x, y, z, dout):
        return {}["oops"]
    w = live_circuit(XYZ, crashes, inputs=dict(x=-2.0, y=5.0, z=-4.0))
    assert "KeyError" in w.message.value and "oops" in w.message.value
    w.sliders["z"].value = 2.0
    assert grads(w)["x"] == 2.0


# --- perceptron ---------------------------------------------------------------------------------

@pytest.mark.parametrize("w1, w2, b", [(1, 1, -0.5), (1, 1, -1.5), (-1, 1, 0.5), (2, -2, 0.1),
                                       (0, 0, 0), (-3, -3, 3), (1, -1, -0.5)])
def test_no_slider_setting_solves_xor(w1, w2, b):
    """Is the XOR error count above 0 wherever the sliders are put?"""
    w = perceptron_widget()
    w.controls["dataset"].value = "XOR"
    w.controls["w1"].value, w.controls["w2"].value, w.controls["b"].value = w1, w2, b
    assert w.errors >= 1
    assert w.ax.get_title() == f"XOR: {w.errors} of 4 wrong"


def test_and_is_solved_by_one_one_minus_one_and_a_half():
    """Does w = (1, 1), b = -1.5 classify AND without error (and miss two points of OR)?"""
    w = perceptron_widget()
    before = w.image.png
    w.controls["b"].value = -1.5
    assert w.errors == 0 and w.ax.get_title() == "AND: 0 of 4 wrong"
    assert w.image.png != before and w.image.png[:4] == b"\x89PNG"
    w.controls["dataset"].value = "OR"
    assert w.errors == 2  # (0, 1) and (1, 0) are true for OR


def test_decision_line_is_where_w_dot_x_plus_b_is_zero():
    """Does the drawn line satisfy w1*x1 + w2*x2 + b = 0 at both ends (upright if w2 = 0)?"""
    (line,) = perceptron_figure(2.0, -1.0, 0.5).axes[0].lines
    x1, x2 = line.get_data()
    assert np.allclose(2.0 * np.asarray(x1) - np.asarray(x2) + 0.5, 0)
    (upright,) = perceptron_figure(2.0, 0.0, -1.0).axes[0].lines
    assert list(upright.get_xdata()) == [0.5, 0.5]


def test_students_predict_is_used_and_its_failure_shown():
    """Is the student's predict counted, and a crashing one replaced by the threshold rule?"""
    always_true = perceptron_widget(lambda w, b, X: np.ones(len(X)), b=-1.5)
    assert always_true.errors == 3  # AND is true at one point of four
    broken = perceptron_widget(lambda w, b, X: X @ np.ones(3), b=-1.5)
    assert "ValueError" in broken.message.value and broken.errors == 0


# --- sigmoid ------------------------------------------------------------------------------------

def test_sigmoid_local_gradient_is_a_quarter_at_zero_and_follows_the_slider():
    """Is the local gradient 0.25 at x=0 and sigma(2)(1-sigma(2)) = 0.1050 at x=2?"""
    w = sigmoid_widget()
    assert w.point == pytest.approx((0.5, 0.25), abs=1e-9) and "0.2500" in w.ax.get_title()
    before = w.image.png
    w.controls["x"].value = 2.0
    assert w.point[1] == pytest.approx(0.1049936, abs=1e-7) and "0.1050" in w.message.value
    assert w.image.png != before
    assert sigmoid_point_figure(12.0).axes[0].get_xlim()[1] >= 13.0  # the point stays in view


def test_sigmoid_widget_checks_the_students_local_gradient():
    """Is the student's sigmoid_backward(x, 1) shown beside the numerical slope, and judged?"""
    def right(x, dout):
        s = 1 / (1 + np.exp(-x))
        return dout * s * (1 - s)  # test-side oracle
    def forgot_dout(x, dout):
        return 0.5 * right(x, dout)
    assert "agrees ✓" in sigmoid_widget(right, x=1.0).message.value
    wrong = sigmoid_widget(forgot_dout, x=1.0)
    assert "differs ✗" in wrong.message.value and "0.0983" in wrong.message.value
    stub = sigmoid_widget(lambda x, dout: (_ for _ in ()).throw(NotImplementedError()))
    assert "not written yet" in stub.message.value and "0.2500" in stub.message.value


# --- training view ------------------------------------------------------------------------------

class TinyXorNet:
    """2-3-1 sigmoid network trained on XOR with squared error (test-side, independent code)."""

    def __init__(self, seed=1, lr=2.0):
        rng = np.random.default_rng(seed)
        self.W1, self.b1 = rng.normal(0, 1, (2, 3)), np.zeros(3)
        self.W2, self.b2 = rng.normal(0, 1, (3, 1)), np.zeros(1)
        self.X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], float)
        self.y = np.array([[0], [1], [1], [0]], float)
        self.lr = lr

    def predict(self, P):
        h = 1 / (1 + np.exp(-(P @ self.W1 + self.b1)))
        return 1 / (1 + np.exp(-(h @ self.W2 + self.b2)))

    def step(self, n):
        for _ in range(n):
            h = 1 / (1 + np.exp(-(self.X @ self.W1 + self.b1)))
            p = 1 / (1 + np.exp(-(h @ self.W2 + self.b2)))
            dz2 = (p - self.y) * p * (1 - p) / len(self.X)  # loss = mean (p - y)^2 / 2
            dz1 = dz2 @ self.W2.T * h * (1 - h)
            self.W2 -= self.lr * h.T @ dz2
            self.b2 -= self.lr * dz2.sum(0)
            self.W1 -= self.lr * self.X.T @ dz1
            self.b1 -= self.lr * dz1.sum(0)
        return float(np.mean((p - self.y) ** 2) / 2)


def test_step_button_runs_one_tick_and_redraws():
    """Does Step run steps_per_tick steps, record the loss and redraw the picture?"""
    net = TinyXorNet()
    view = training_view(net.step, net.predict, steps_per_tick=25)
    before = view.image.png
    view.buttons["Step"].click()
    assert view.steps == [25] and len(view.losses) == 1
    assert view.image.png != before
    assert view.figure.axes[0].get_title().startswith("step 25: loss")


def test_start_without_event_loop_trains_to_max_steps_and_bends_the_boundary():
    """Outside Jupyter, does Start train in a bounded loop, stop at max_steps and learn XOR?"""
    net = TinyXorNet()
    view = training_view(net.step, net.predict, steps_per_tick=500, max_steps=6000)
    view.start()
    assert view.done == 6000 and not view.running
    assert view.losses[-1] < view.losses[0] / 10
    corners = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], float)
    assert list(np.ravel(net.predict(corners)) > 0.5) == [False, True, True, False]


def test_start_in_an_event_loop_returns_at_once_and_stop_stops():
    """In a running event loop (as in a kernel), does Start return before training, then Stop?"""
    async def scenario():
        net = TinyXorNet()
        view = training_view(net.step, net.predict, steps_per_tick=10, max_steps=10**6)
        view.pause = 0.001
        view.start()
        assert view.running and view.done == 0  # nothing ran yet: the caller was not blocked
        while view.done < 30:
            await asyncio.sleep(0.01)
        view.stop()
        await view.task
        return view
    view = asyncio.run(scenario())
    assert not view.running and 30 <= view.done < 10**6


@pytest.mark.parametrize("step, words", [(lambda n: 1 / 0, "ZeroDivisionError"),
                                         (lambda n: float("nan"), "nan")])
def test_failing_or_diverging_training_stops_with_a_message(step, words):
    """Does a crashing step or a NaN loss stop training and say why?"""
    view = training_view(step, lambda P: np.full(len(P), 0.5))
    view.start()
    assert words in view.status.value and not view.running and view.done <= 50


def test_training_figure_accepts_column_probabilities():
    """Does predict returning shape (m, 1) draw, with the step and loss in the title?"""
    fig = training_figure([50, 100], [0.3, 0.2], lambda P: (P[:, :1] > 0.5).astype(float))
    assert fig.axes[0].get_title() == "step 100: loss 0.2"


def test_training_picture_lays_out_again_only_when_the_loss_leaves_its_axes():
    """Does the repainted picture keep its axes while the loss stays inside, and widen them
    (steps doubling, loss range) when it leaves, always drawing the whole loss curve?"""
    picture = TrainingPicture(first_steps=100)
    flat = lambda P: P[:, 0] * 0 + 0.25  # noqa: E731  (everything false)
    first = picture.png([50], [0.5], flat)
    background = picture.blit.background
    picture.png([50, 100], [0.5, 0.4], flat)
    assert picture.blit.background is background  # inside the axes: repainted only
    picture.png([50, 100, 150], [0.5, 0.4, 0.01], flat)
    assert picture.blit.background is not background
    assert picture.ax_loss.get_xlim() == (0, 200) and picture.ax_loss.get_ylim()[0] <= 0.01 / 3
    assert list(picture.line.get_xdata()) == [50, 100, 150]
    assert picture.ax_xor.get_title() == "50% of XOR right" and first[:4] == b"\x89PNG"


def _pixels(png_bytes):
    import io

    from PIL import Image
    return np.asarray(Image.open(io.BytesIO(png_bytes)).convert("RGB")).astype(int)


@pytest.mark.parametrize("make, move, full", [
    (perceptron_widget, lambda w: (w.controls["dataset"].__setattr__("value", "XOR"),
                                   w.controls["b"].__setattr__("value", -1.5)),
     lambda: perceptron_figure(1.0, 1.0, -1.5, "XOR")),
    (sigmoid_widget, lambda w: w.controls["x"].__setattr__("value", 1.3),
     lambda: sigmoid_point_figure(1.3)),
])
def test_repainted_widget_picture_matches_the_full_figure(make, move, full):
    """After moving controls, is the repainted PNG the same picture as drawing the pure figure
    from scratch (no stale background, nothing missing)?"""
    from course.pictures.blit import png
    w = make()
    move(w)
    shown, fresh = _pixels(w.image.png), _pixels(png(full()))
    assert shown.shape == fresh.shape
    # Only the axes frame may differ: it is painted twice (background, then over the shading),
    # which darkens its anti-aliased edge pixels: under 1% of the picture.
    assert (np.abs(shown - fresh).sum(-1) > 30).mean() < 0.01


def test_release_stubs_give_working_widgets_that_say_what_is_missing():
    """With the release's stubs (raising NotImplementedError), does every widget still draw
    and say in words which function is not written yet?"""
    def perceptron_predict(w, b, X):
        raise NotImplementedError()

    def step(n=1):
        raise NotImplementedError()

    def predict(P):
        raise NotImplementedError()
    p = perceptron_widget(perceptron_predict, w1=1.0, w2=1.0, b=-1.5)
    assert "perceptron_predict is not written yet" in p.message.value and p.errors == 0
    view = training_view(step, predict)
    assert view.status.value == "predict is not written yet: no decision boundary to draw."
    view.buttons["Step"].click()
    assert view.status.value == "step is not written yet: training stopped." and view.done == 0


def test_student_text_is_escaped_in_the_html_lines():
    """Does an error mentioning <lambda> or markup show as text, not vanish as an HTML tag?"""
    w = live_circuit(XYZ, lambda x, y, z, dout: 1 / 0)
    assert "&lt;lambda&gt; raised ZeroDivisionError" in w.message.value
    def predict(P):
        raise ValueError("<b>bold</b>")
    view = training_view(lambda n: 1.0, predict)
    assert "&lt;b&gt;bold&lt;/b&gt;" in view.status.value
