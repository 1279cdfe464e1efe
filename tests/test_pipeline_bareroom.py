"""Fair students in the bare room: for every assignment whose exercises forbid a course helper,
does every correct answer (the instructor's, and every simulated correct alternative) keep full
marks through the real sandboxed grader, bare room included? (tests/test_hostile.py checks that
a helper used anyway loses exactly the forbidding exercise's cells.)"""
import json

import nbformat
import pytest
from nbgrader.api import Gradebook

from autograder import bareroom
from autograder.__main__ import main
from autograder.submissions import build_submission, load_variants, submit
from autograder.workspace import assignments
from tests.pipeline_course import new_course

pytestmark = pytest.mark.pipeline

FORBIDDING = [a for a in assignments() if bareroom.forbidding(a)]


def _grades(course, assignment, student):
    with Gradebook(course.db_url, "backprop") as gb:
        sub = gb.find_submission(assignment, student)
        return {g.name: (g.auto_score, g.max_score) for nb in sub.notebooks for g in nb.grades
                if not g.name.endswith("written_answer") and g.max_score}


@pytest.mark.parametrize("assignment", FORBIDDING)
def test_every_correct_answer_keeps_full_marks_through_the_bare_room(assignment, tmp_path):
    """Is every correct answer graded in full, with the bare room run (its slim program
    enough) and no flag?"""
    course = new_course(tmp_path / "course")
    assert main(["release", assignment, "--root", str(course.root)]) == 0
    release = nbformat.read(str(course.root / "release" / assignment / f"{assignment}.ipynb"),
                            as_version=4)
    students = {"reference": None}
    for name, variant in load_variants(assignment).items():
        if variant.kind == "alternative":
            students["alt-" + name.replace("_", "-")[:40]] = variant.answers
    for student, answers in students.items():
        submit(course.root, student, assignment, build_submission(release, assignment, answers))
    assert main(["grade", assignment, "-j", "2", "--root", str(course.root)]) == 0
    judged = set()
    for student in students:
        state = json.loads((course.root / ".autograder" / assignment / student / "state.json")
                           .read_text())
        assert state["status"] == "graded", (student, state)
        assert "bare room" in state["phases"], (student, state["phases"])
        # the slim program (autograder/bareroom.py) sufficed: no second run for a fair answer
        assert "bare room: whole program" not in state["phases"], (student, state["phases"])
        assert not [f for f in state["flags"] if "forbidden" in f or "clean room" in f], \
            (student, state["flags"])
        grades = _grades(course, assignment, student)
        assert all(score == top for score, top in grades.values()), (student, grades)
        judged |= set(grades)
    assert judged
