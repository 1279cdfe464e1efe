"""Assignment 04's hidden cases: does every random case catch a fork overwritten (= for +=)?"""
import importlib.util
from itertools import combinations

import pytest

from autograder.workspace import SOLUTIONS
from course.grading import GradingError
from course.grading.grader import cases
from course.grading.hidden import check

A = "04_staged_backprop"
_spec = importlib.util.spec_from_file_location("ref04", SOLUTIONS / "reference" / f"{A}.py")
ref = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(ref)
STUDENTS = ("anonymous", "alice", "bob", "s123")


def _overwrites():
    """Every backward pass that keeps only some of the paths into x, or into y."""
    for which in (0, 1):
        n = 3 if which == 0 else 2
        for k in range(1, n):
            for keep in combinations(range(n), k):
                def buggy(cache, dout, which=which, keep=keep):
                    parts = list(ref._contributions(cache, dout))
                    parts[which] = [parts[which][i] for i in keep]
                    return sum(parts[0]), sum(parts[1])
                yield f"{'xy'[which]} keeps paths {keep}", buggy


@pytest.mark.parametrize("student", STUDENTS)
def test_every_random_case_catches_every_fork_overwrite(student):
    """Does each random staged_backward case fail each partial sum of a fork's paths?"""
    ex = ref.EXERCISES["staged_backward"]
    random_cases = cases(A, "staged_backward", student)[len(ex.fixed):]
    assert len(random_cases) == ex.cases
    for name, buggy in _overwrites():
        for inputs in random_cases:
            got = ref._with_reference_cache(buggy, inputs)
            want = ex.expected(inputs)
            assert not all(abs(g - want[n]) <= 1e-3 * abs(want[n]) for g, n in zip(got, want)), (
                name, inputs)


def test_fork_overwrite_gets_the_fork_hint(monkeypatch):
    """Does the classic `dx = ...` bug fail with the hint that gradients add up at forks?"""
    monkeypatch.setenv("BACKPROP_SOLUTIONS", str(SOLUTIONS))

    def dx_overwritten(cache, dout):
        parts_x, parts_y = ref._contributions(cache, dout)
        return parts_x[-1], sum(parts_y)
    with pytest.raises(GradingError, match=r"add up \(multivariable chain rule\)"):
        check(A, "staged_backward", dx_overwritten)


def test_backward_is_graded_on_the_reference_cache(monkeypatch):
    """Is staged_backward handed the reference forward's cache, with x and y in it?"""
    seen = []

    def spy(cache, dout):
        seen.append(dict(cache))
        return ref.staged_backward(cache, dout)
    check(A, "staged_backward", spy)
    assert seen and all(set(ref.CACHE) <= set(c) for c in seen)
    f, cache = ref.staged_forward(3.0, -4.0)
    assert f == pytest.approx(1.5456449, abs=1e-7)
    assert ref.staged_backward(cache, 1.0) == pytest.approx((2.0595698, 1.5922328), abs=1e-7)
