"""The course in Korean: the language setting, and real checks and widgets speaking it while
naming the same wires, gradients and numbers as in English."""
import contextlib
import io

import pytest

from autograder import kernels
from course import i18n
from course.circuits import XYZ
from course.grading import GradingError, run_case
from course.grading.hidden import check
from course.widgets import live_circuit, training_view


def _hangul(text):
    return any("\uac00" <= ch <= "\ud7a3" for ch in text)


@pytest.fixture
def korean():
    i18n.use("ko")
    yield
    i18n.use(None)


def _message(fn, inputs, expected, exercise="mul_backward"):
    with pytest.raises(GradingError) as err:
        run_case(fn, inputs, expected, title="mul gate backward", exercise=exercise)
    return str(err.value)


def _unswapped(x, y, dout):
    return dout * x, dout * y


def test_a_failing_check_speaks_korean_and_keeps_names_and_numbers(korean):
    """Does a wrong mul gate get a Korean message (failure and hint) that still names dx and dy,
    their expected and returned values and the inputs?"""
    text = _message(_unswapped, dict(x=4.0, y=-3.0, dout=2.0), dict(dx=-6.0, dy=8.0))
    assert "dx: 기댓값 -6, 내 값 8." in text and "dy: 기댓값 8, 내 값 -6." in text
    assert "x=4, y=-3, dout=2" in text
    assert "힌트: dx와(과) dy이(가) 서로 바뀐 것 같습니다" in text
    assert "order" not in text and "expected" not in text


def test_the_same_check_is_unchanged_in_english():
    """With the language left alone (English), is the message the English one, word for word?"""
    text = _message(_unswapped, dict(x=4.0, y=-3.0, dout=2.0), dict(dx=-6.0, dy=8.0))
    assert text.startswith("mul gate backward at x=4, y=-3, dout=2:\n    dx: expected -6, got 8.")
    assert "Hint: dx and dy look exchanged: a mul gate *swaps*" in text
    assert not _hangul(text)


def test_a_hidden_test_translates_the_references_title_and_hint(korean):
    """Does a hidden test of 02 show the reference's exercise title and its own hint (written in
    English in solutions/reference) in Korean, with the case and the numbers?"""
    def one_sided(f, x, h=1e-5):
        return (f(x + h) - f(x)) / h
    with pytest.raises(GradingError) as err:
        check("02_chain_rule", "numerical_derivative", one_sided)
    text = str(err.value)
    assert "힌트: 한쪽 차분 (f(x+h) - f(x)) / h처럼 보입니다" in text
    assert "(사례 " in text and "df: 기댓값 " in text


def test_a_refused_helper_is_refused_in_korean(korean):
    """Is a forbidden helper refused with a Korean sentence naming the helper?"""
    import course.gradcheck as gc

    def lazy(f, x, h=1e-5):
        return float(gc.numerical_gradient(lambda v: f(float(v)), x, h))
    with pytest.raises(GradingError, match="직접 작성하는 문제이므로 안에서 "
                                           "`course.gradcheck.numerical_gradient`"):
        check("02_chain_rule", "numerical_derivative", lazy)


def test_a_passing_hidden_test_says_so_in_korean(korean):
    """Does a right answer's hidden test print its Korean confirmation?"""
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        check("02_chain_rule", "mul_backward", lambda x, y, dout: (dout * y, dout * x))
    assert "곱셈 게이트 역전파: 숨은 테스트 사례" in out.getvalue()


def test_live_circuit_has_korean_labels_and_message(korean):
    """Does the live circuit label its upstream slider, its message and its table in Korean,
    with the gradient names unchanged?"""
    def flipped(x, y, z, dout):
        return -dout * z, -dout * z, -dout * (x + y)
    w = live_circuit(XYZ, flipped, inputs=dict(x=-2.0, y=5.0, z=-4.0))
    assert w.dout.description == "상류 기울기 df/d(out)"
    assert "수치 기울기와 다릅니다" in w.message.value and "dx, dy, dz" in w.message.value
    assert "<th>기울기</th><th>내 값</th><th>수치 기울기</th>" in w.table.value
    w.sliders["x"].value = 1.0
    assert "flipped의 dx, dy, dz 값이" in w.message.value


def test_live_circuit_is_english_by_default():
    """Left in English, are the widget's labels the English ones?"""
    w = live_circuit(XYZ, inputs=dict(x=-2.0, y=5.0, z=-4.0))
    assert w.dout.description == "upstream gradient df/d(out)"
    assert w.message.value.endswith("no backward given.</span>")


@pytest.mark.filterwarnings("ignore:Glyph")  # Hangul fonts for figures: another part of issue 18
def test_training_buttons_are_labelled_in_korean(korean):
    """Are the training view's buttons labelled in Korean and still found by their role?"""
    view = training_view(lambda n: 0.5, lambda P: P[:, 0], max_steps=2)
    assert [b.description for b in view.buttons.values()] == ["시작", "정지", "한 단계"]
    view.buttons["Step"].click()
    assert view.status.value.startswith("2단계: 손실 0.5")


def test_language_follows_the_environment_at_each_call(monkeypatch):
    """Does lang() follow BACKPROP_LANG as it is now (a worker grading one submission after
    another), unless use() chose one, and does use(None) go back to it?"""
    monkeypatch.setenv(i18n.ENV, "ko")
    assert i18n.lang() == "ko" and i18n._("Not yet right.") == "아직 맞지 않습니다."
    monkeypatch.setenv(i18n.ENV, "en")
    assert i18n.lang() == "en" and i18n._("Not yet right.") == "Not yet right."
    i18n.use("ko")
    try:
        assert i18n.lang() == "ko"
    finally:
        i18n.use(None)
    assert i18n.lang() == "en"
    with pytest.raises(ValueError):
        i18n.use("fr")


def test_a_sandboxed_kernel_is_told_the_graders_language(korean):
    """Does a grading kernel's environment carry the grader's language, so that what the kernel
    says and what the grader says about the same notebook are in one language?"""
    assert kernels.kernel_environment("s1")[i18n.ENV] == "ko"
    i18n.use("en")
    assert kernels.kernel_environment("s1")[i18n.ENV] == "en"
