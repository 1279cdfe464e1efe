"""course.grading.compare: the float32 note is shown whenever a wrong output is float32."""
import numpy as np

from course.grading.compare import problem


def test_float32_rounding_alone_gets_the_rounding_note():
    """Is a float32 answer that differs from the reference by rounding only told that float32's
    rounding is the whole difference?"""
    exact = np.array([1 / 3, 2 / 3, 0.1])  # 5e-6 off: what float32 sums of many terms reach
    message = problem("dx", exact, (exact * (1 + 5e-6)).astype(np.float32))
    assert "float32" in message and "is what float32's rounding gives" in message


def test_float32_with_a_real_mistake_still_gets_a_float32_note():
    """Is a float32 answer that is also wrong told it is float32 and that rounding alone does
    not explain the difference (not silently judged on the numbers)?"""
    message = problem("dx", np.array([1.0, 2.0]), np.array([1.0, 2.5], dtype=np.float32))
    assert "dx[1]: expected 2, got 2.5" in message
    assert "Your dx is float32" in message and "rounding alone does not explain" in message


def test_a_scalar_float32_is_noted_too():
    """Does a single float32 number that is wrong get the note?"""
    assert "float32" in problem("loss", 11.05354, np.float32(12.0))


def test_float64_gets_no_dtype_note():
    """Does a float64 answer get no float note at all?"""
    assert "float32" not in problem("dx", np.array([1.0, 2.0]), np.array([1.0, 2.5]))
