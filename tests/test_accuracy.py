"""Grading accuracy, measured: every typical bug loses exactly its points, every correct
alternative gets full marks, and every automatic mutant is caught or provably equivalent."""
import pytest

from autograder.accuracy import measure_in_subprocess, table
from autograder.submissions import load_variants
from autograder.workspace import assignments

pytestmark = pytest.mark.accuracy

GRADED = [a for a in assignments() if load_variants(a)]


@pytest.fixture(scope="module", params=GRADED)
def report(request):
    return request.param, measure_in_subprocess(request.param)


def test_every_exercise_has_enough_bugs_and_alternatives(report):
    """Does every graded exercise come with >= 3 typical bugs and >= 2 correct alternatives?"""
    assignment, rows = report
    for gid, r in rows.items():
        assert len(r["bugs"]) >= 3 and len(r["alternatives"]) >= 2, (assignment, gid)


def test_every_bug_loses_exactly_its_exercise_points(report):
    """Does each bug fail exactly the tests it names, and no test of another exercise?"""
    assignment, rows = report
    wrong = [(gid, b) for gid, r in rows.items() for b in r["bugs"] if not b["ok"]]
    assert not wrong, table({assignment: rows})


def test_every_correct_alternative_gets_full_marks(report):
    """Does each differently written correct answer pass every test?"""
    assignment, rows = report
    wrong = [(gid, a) for gid, r in rows.items() for a in r["alternatives"] if not a["ok"]]
    assert not wrong, table({assignment: rows})


def test_no_mutant_that_changes_behaviour_survives(report):
    """Is every mutant of the answers either caught or equivalent on fresh random cases?"""
    assignment, rows = report
    missed = [m for r in rows.values() for m in r["mutants"]["missed"]]
    assert not missed, table({assignment: rows})
    assert sum(r["mutants"]["caught"] for r in rows.values()) > 0


def test_no_hint_shown_is_wrong(report):
    """Is every hint shown on a simulated bug one its author listed, and every hint shown on a
    mutant borne out by fresh students' cases?"""
    assignment, rows = report
    wrong = [w for r in rows.values() for w in r["hints"]["wrong"]]
    assert not wrong, "\n".join(wrong)
    assert sum(r["hints"]["right"] for r in rows.values()) > 0
