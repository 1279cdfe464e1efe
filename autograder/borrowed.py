"""Evidence only this grader has: an answer that returned another student's hidden-test values.

Each student's hidden cases are drawn for them (course.grading.seeds), so the right outputs of
one student's cases are wrong for everyone else's. A submission whose failing hidden check
returned, case for case, exactly the numbers that are right for another student's cases was
written from that student's results (their feedback, their notebook), not computed. The judge
keeps a fingerprint of what a failing check returned (`recorded`, in the cell's diagnosis);
`matches` compares it with the fingerprint of every other student's right answers (`expected`,
from the reference). Like the similarity report, it is evidence for a person to review, never
a grade: it changes nothing in the gradebook.

Only the drawn cases count (the fixed ones are the same for every student), and a fingerprint
needs MIN_DISTINCT different numbers, so that answers with few possible values (a sign, a
label) never match by chance.
"""
import hashlib
import numbers

import numpy as np

from course.grading import grader, wire

DIGITS = 6
"""Significant digits each returned number is compared to (a copied value printed in feedback
is rounded; float noise is below this)."""
MIN_DISTINCT = 6
"""Different numbers a fingerprint needs over the drawn cases: fewer could match by chance."""


def _numbers(value):
    """Every number in a returned value (nested tuples, lists, dicts by key, arrays), rounded."""
    if isinstance(value, dict):
        return [n for key in sorted(value, key=str) for n in _numbers(value[key])]
    if isinstance(value, (list, tuple)):
        return [n for item in value for n in _numbers(item)]
    if isinstance(value, np.ndarray) and value.dtype.kind in "biuf":
        return [float(f"{x:.{DIGITS}g}") for x in value.ravel().tolist()]
    if isinstance(value, numbers.Real) and not isinstance(value, bool):
        return [float(f"{float(value):.{DIGITS}g}")]
    return []


def fingerprint(outputs):
    """A digest of per-case outputs (each compared as the sorted numbers it holds, so a tuple
    and the reference's named outputs agree), or None if it has too few different numbers."""
    cases = [tuple(sorted(_numbers(out))) for out in outputs]
    if len({n for case in cases for n in case}) < MIN_DISTINCT:
        return None
    return hashlib.sha256(repr(cases).encode()).hexdigest()[:24]


def recorded(assignment, exercise, results):
    """The fingerprint of what a sandboxed kernel returned on the drawn cases of one hidden
    check (its record's `results`), or None (an exception in a case, nothing to compare)."""
    fixed = len(grader.exercise(assignment, exercise).fixed)
    drawn = results[fixed:] if isinstance(results, list) else []
    if not drawn or not all(isinstance(r, dict) and "value" in r for r in drawn):
        return None
    try:
        return fingerprint([wire.decode(r["value"], functions=False) for r in drawn])
    except Exception:  # an unreadable record: the judge has already said so
        return None


def expected(assignment, exercise, student):
    """The fingerprint of the reference's outputs on `student`'s drawn cases."""
    ex = grader.exercise(assignment, exercise)
    drawn = grader.cases(assignment, exercise, student)[len(ex.fixed):]
    return fingerprint([ex.expected(inputs) for inputs in drawn])


def matches(assignment, failing, students):
    """[(student, exercise, other student)]: each failing check whose returned values are
    another student's right ones. `failing`: {student: {exercise: recorded fingerprint}};
    `students`: everyone whose right answers they may have been taken from."""
    wanted = {exercise for prints in failing.values() for exercise in prints}
    right = {}
    for exercise in sorted(wanted):
        for other in students:
            digest = expected(assignment, exercise, other)
            if digest is not None:
                right.setdefault((exercise, digest), []).append(other)
    found = []
    for student, prints in sorted(failing.items()):
        for exercise, digest in sorted(prints.items()):
            found += [(student, exercise, other) for other in right.get((exercise, digest), ())
                      if other != student]
    return found

