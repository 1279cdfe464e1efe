"""The shared checker: verdicts, messages, hints, seeds and warning handling."""
import warnings

import numpy as np
import pytest

from course.grading import GradingError, expect, run_case, seeds
from course.grading.grader import cases
from course.grading.hidden import check


def mul_backward(x, y, dout):
    return dout * y, dout * x


def message(fn, inputs, expected, exercise="mul_backward", **kw):
    with pytest.raises(GradingError) as err:
        run_case(fn, inputs, expected, title="mul gate backward", exercise=exercise, **kw)
    return str(err.value)


def test_correct_answer_passes_and_says_so(capsys):
    """Does a right answer pass, in tuple or list form, and print a short confirmation?"""
    expect(mul_backward, dict(x=4.0, y=-3.0, dout=1.0), dict(dx=-3.0, dy=4.0))
    expect(lambda x, y, dout: [dout * y, dout * x], dict(x=4.0, y=-3.0, dout=1.0),
           dict(dx=-3.0, dy=4.0), title="as a list")
    assert "correct at x=4, y=-3, dout=1" in capsys.readouterr().out


def test_wrong_output_is_named_with_expected_and_got():
    """Does a failure name the wrong output, the expected and the returned value only?"""
    text = message(lambda x, y, dout: (dout * y, -dout * x), dict(x=4.0, y=-3.0, dout=1.0),
                   dict(dx=-3.0, dy=4.0))
    assert "dy: expected 4, got -4" in text
    assert "dx:" not in text
    assert "sign is flipped" in text


def test_unswapped_mul_gate_gets_the_swap_hint():
    """Is a mul gate that does not swap its inputs recognised?"""
    text = message(lambda x, y, dout: (dout * x, dout * y), dict(x=4.0, y=-3.0, dout=1.0),
                   dict(dx=-3.0, dy=4.0))
    assert "exchanged" in text and "swaps" in text


def test_max_gradient_to_both_inputs_gets_the_routing_hint():
    """Is sending the max gate's gradient to both inputs recognised?"""
    text = message(lambda x, y, dout: (dout, dout), dict(x=4.0, y=2.0, dout=1.0),
                   dict(dx=1.0, dy=0.0), exercise="max_backward")
    assert "dy: expected 0, got 1" in text and "won the max" in text


def test_missing_return_and_wrong_count_are_explained():
    """Do a missing return and a wrong number of outputs get their own message?"""
    assert "returned None" in message(lambda x, y, dout: None, dict(x=1.0, y=2.0, dout=1.0),
                                      dict(dx=2.0, dy=1.0))
    assert "returned 3 values" in message(lambda x, y, dout: (1, 2, 3),
                                          dict(x=1.0, y=2.0, dout=1.0), dict(dx=2.0, dy=1.0))


def test_transposed_matrix_gradient_is_named_before_values():
    """Is a transposed dW reported as a shape problem, not a numpy traceback?"""
    W = np.ones((2, 3))
    text = message(lambda W, dout: dout.T, dict(W=W, dout=W), dict(dW=W))
    assert "shape (3, 2) but should have shape (2, 3)" in text and "transposed" in text


def test_stub_and_crash_read_as_sentences():
    """Do an unwritten stub and an exception inside student code read as plain sentences?"""
    def stub(x, y, dout):
        raise NotImplementedError()

    def crash(x, y, dout):
        return 1 / 0

    assert "not written yet" in message(stub, dict(x=1.0, y=2.0, dout=1.0), dict(dx=2.0, dy=1.0))
    assert "raised ZeroDivisionError" in message(crash, dict(x=1.0, y=2.0, dout=1.0),
                                                 dict(dx=2.0, dy=1.0))


def test_a_warning_does_not_fail_a_correct_answer(capsys):
    """Does a correct answer that warns (overflow in exp) still pass, without stderr output?"""
    def sigmoid(z):
        with np.errstate(over="warn"):
            return 1.0 / (1.0 + np.exp(-np.asarray(z)))
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # were the warning to escape, this would raise
        expect(sigmoid, dict(z=-1000.0), dict(out=0.0))
    assert capsys.readouterr().err == ""


def test_failure_renders_without_traceback_or_test_source():
    """Does IPython show only the message (no test code) for a failed check?"""
    with pytest.raises(GradingError) as err:
        run_case(lambda x: 2 * x, dict(x=1.0), dict(out=3.0), title="t")
    rendered = "\n".join(err.value._render_traceback_())
    assert "Not yet right." in rendered and "run_case" not in rendered


def test_seeds_are_per_student_and_reproducible(monkeypatch):
    """Do two students get different cases, and the same student the same cases twice?"""
    monkeypatch.setenv("BACKPROP_STUDENT_ID", "ada")
    a1 = cases("02_chain_rule", "mul_backward")
    a2 = cases("02_chain_rule", "mul_backward")
    monkeypatch.setenv("BACKPROP_STUDENT_ID", "alan")
    b = cases("02_chain_rule", "mul_backward")
    assert a1 == a2 and a1 != b


def test_student_id_comes_from_the_autograded_folder(monkeypatch, tmp_path):
    """Without the variable, is the id read from nbgrader's autograded/<student>/<assignment>/?"""
    monkeypatch.delenv("BACKPROP_STUDENT_ID", raising=False)
    monkeypatch.delenv("JUPYTERHUB_USER", raising=False)
    assert seeds.student_id(tmp_path / "autograded" / "grace" / "02_chain_rule") == "grace"
    assert seeds.student_id(tmp_path / "somewhere") == seeds.ANONYMOUS


def test_hidden_check_catches_a_bug_that_passes_the_worked_example():
    """Does a hidden check fail an answer tuned to the visible worked example?"""
    def tuned(x, y, dout):
        return (-3.0, 4.0) if (x, y) == (4.0, -3.0) else (0.0, 0.0)
    expect(tuned, dict(x=4.0, y=-3.0, dout=1.0), dict(dx=-3.0, dy=4.0))
    with pytest.raises(GradingError):
        check("02_chain_rule", "mul_backward", tuned)


def test_forbidden_helper_is_refused_and_restored():
    """Is course.gradcheck.numerical_gradient refused inside the exercise and restored after?"""
    import course.gradcheck as gc

    def lazy(f, x, h=1e-5):
        return float(gc.numerical_gradient(lambda v: f(float(v)), x, h))
    with pytest.raises(GradingError, match="write it yourself"):
        check("02_chain_rule", "numerical_derivative", lazy)
    assert np.allclose(gc.numerical_gradient(lambda v: float(v @ v), np.ones(2)), [2.0, 2.0])


def test_forbidden_method_is_refused_and_restored():
    """Can a hidden test refuse a class method (the circuit's numerical gradients), and is it
    usable again after?"""
    from course.circuits import XYZ

    def lazy(x, y, z, dout):
        g = XYZ.numerical_grads(dict(x=x, y=y, z=z), dout)
        return g["x"], g["y"], g["z"]
    with pytest.raises(GradingError, match="write it yourself"):
        check("02_chain_rule", "circuit_backward", lazy)
    assert XYZ.numerical_grads(dict(x=-2.0, y=5.0, z=-4.0))["z"] == pytest.approx(3.0)


def test_one_element_list_is_a_value_not_a_wrapper():
    """Is a one-element list compared as the array it is (shape (1,)), not unwrapped?"""
    expect(lambda X: [1.0], dict(X=np.ones((1, 2))), dict(out=np.array([1.0])), title="predict")


def test_non_gradient_exercises_get_no_gradient_hints():
    """Does a perceptron exercise's failure avoid the max-gate and chain-rule hints?"""
    text = message(lambda w, x, dout: (0.0, 1.0), dict(w=1.0, x=1.0, dout=1.0),
                   dict(dw=1.0, db=1.0), exercise="perceptron_update")
    assert "max gate" not in text and "Hint" not in text


import functools  # noqa: E402
import sys  # noqa: E402
import types  # noqa: E402

import course.gradcheck as _gc  # noqa: E402
from course.circuits import XYZ as _XYZ  # noqa: E402
from course.gradcheck import numerical_gradient as _imported  # noqa: E402  (as a setup cell does)

_BOUND = _XYZ.numerical_grads
_PARTIAL = functools.partial(_gc.numerical_gradient, h=1e-5)
_COPY = types.FunctionType(_gc.numerical_gradient.__code__, _gc.__dict__, "copy",
                           _gc.numerical_gradient.__defaults__)
_LOOKED_UP = sys.modules["course.gradcheck"].__dict__["numerical_gradient"]


def _derivative_via(helper):
    def numerical_derivative(f, x, h=1e-5):
        return float(helper(lambda v: f(float(v)), x))
    return numerical_derivative


@pytest.mark.parametrize("helper", [_imported, _PARTIAL, _COPY, _LOOKED_UP,
                                    lambda g, x: _gc.numerical_gradient(g, x)],
                         ids=["imported-name", "partial", "copied-code", "module-dict", "lambda"])
def test_a_forbidden_helper_is_refused_by_any_name(helper):
    """Is the course's numerical gradient refused whatever the student reaches it by: the name
    the setup cell imported, a partial, a function rebuilt from its code, the module's dict?"""
    with pytest.raises(GradingError, match="write it yourself"):
        check("02_chain_rule", "numerical_derivative", _derivative_via(helper))
    assert float(_imported(lambda v: float(v) ** 2, 3.0)) == pytest.approx(6.0)  # usable after


def test_a_forbidden_method_is_refused_through_a_bound_method_kept_earlier():
    """Is Circuit.numerical_grads refused when the student kept a bound method of it?"""
    def circuit_backward(x, y, z, dout):
        g = _BOUND(dict(x=x, y=y, z=z), dout)
        return g["x"], g["y"], g["z"]
    with pytest.raises(GradingError, match="write it yourself"):
        check("02_chain_rule", "circuit_backward", circuit_backward)


def test_the_refusal_holds_in_the_sandboxed_kernel_too(tmp_path, monkeypatch):
    """Does the kernel's recording route refuse an aliased helper too (the grader then sees a
    refusal, not the helper's answer)?"""
    from course.grading import kernel
    result = kernel.outcome(lambda fn, case: fn(**case), _derivative_via(_COPY),
                            dict(f=lambda v: v ** 3, x=2.0, h=1e-3),
                            ["course.gradcheck.numerical_gradient"], "numerical_derivative")
    assert "write it yourself" in result.get("grading_error", ""), result


def _caught_then_called(f, x, h=1e-5):
    """Catch the refusal, then call the helper again (a raising profile hook is switched off
    by Python itself)."""
    try:
        _gc.numerical_gradient(lambda v: f(float(v)), x)
    except Exception:
        pass
    return float(_COPY(lambda v: f(float(v)), x))


def _profiler_off(f, x, h=1e-5):
    hook = sys.getprofile()
    sys.setprofile(None)
    try:
        return float(_COPY(lambda v: f(float(v)), x))
    finally:
        sys.setprofile(hook)


def _threading_profiler_off(f, x, h=1e-5):
    import threading
    threading.setprofile(None)
    return float(_COPY(lambda v: f(float(v)), x))


def _in_a_thread(f, x, h=1e-5):
    import threading
    out = []
    worker = threading.Thread(target=lambda: out.append(_COPY(lambda v: f(float(v)), x)))
    worker.start()
    worker.join()
    return float(out[0]) if out else 0.0


@pytest.mark.parametrize("answer", [_caught_then_called, _profiler_off, _threading_profiler_off,
                                    _in_a_thread],
                         ids=["caught-then-called", "profiler-off", "threading-profiler-off",
                              "in-a-thread"])
def test_the_refusal_cannot_be_caught_switched_off_or_sidestepped(answer):
    """Does catching the refusal, switching the profile hook off (and on again), or calling the
    helper from a thread still leave the answer refused, and the helper usable after?"""
    with pytest.raises(GradingError, match="write it yourself|profiler"):
        check("02_chain_rule", "numerical_derivative", answer)
    assert float(_imported(lambda v: float(v) ** 2, 3.0)) == pytest.approx(6.0)
    assert sys.getprofile() is None


@pytest.mark.parametrize("answer", [_caught_then_called, _profiler_off, _in_a_thread],
                         ids=["caught-then-called", "profiler-off", "in-a-thread"])
def test_the_sandboxed_route_refuses_the_same_sidesteps(answer):
    from course.grading import kernel
    result = kernel.outcome(lambda fn, case: fn(**case), answer,
                            dict(f=lambda v: v ** 3, x=2.0, h=1e-3),
                            ["course.gradcheck.numerical_gradient"], "numerical_derivative")
    assert "grading_error" in result, result
