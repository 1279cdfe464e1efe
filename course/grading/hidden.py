"""The hidden test cell's one line: `hidden.check("02_chain_rule", "mul_backward", mul_backward)`.

Run directly (plain nbgrader, the project's tests), this kernel has the reference and judges
(course.grading.grader). Run by the course's grading pipeline, the kernel is sandboxed and only
records what the student's function returns on the grader's cases (course.grading.kernel); the
grader judges outside it.
"""
from . import grader, kernel

FUNCTION = "check"
"""The name a hidden test cell calls: autograder/judge.py finds the cell's checks by it."""
CALL = f"{__name__.rsplit('.', 1)[1]}.{FUNCTION}("
"""How the call reads in a cell ("hidden.check("): text no student's release may hold
(autograder/release.py's leak check)."""


def check(assignment, name, fn):
    """Check `fn` on every case against the reference, then against centred differences.
    In a sandboxed kernel: run `fn` on the grader's cases and record the results instead."""
    if kernel.sandboxed():
        return kernel.record_hidden(assignment, name, fn)
    ex = grader.exercise(assignment, name)
    grader.judge_cases(ex, name, fn, grader.cases(assignment, name))
    print(grader.passed_message(ex))
