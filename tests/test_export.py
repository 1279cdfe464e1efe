"""`export`'s grades CSV (autograder/export.py): student text never a formula, and no CSV of
zeros when nothing is graded. The gradebook is nbgrader's own, filled through its API."""
import csv

import pytest

from autograder.__main__ import main
from tests.pipeline_course import new_course

A = "02_chain_rule"
NAMES = {"jdoe": ("=HYPERLINK(\"http://evil\",\"x\")", "+SUM(1)", "@jd.edu"),
         "max": ("Max", "-2+3", "\t=1@x.edu")}


@pytest.fixture
def course(tmp_path):
    """A gradebook with A (two cells, 4 and 6 points) and two students whose names and emails
    are formulas; neither has a submission yet."""
    course = new_course(tmp_path / "course")
    with course.gradebook() as gb:
        gb.update_or_create_assignment(A)
        gb.update_or_create_notebook(A, A)
        for i, points in enumerate((4, 6)):
            gb.update_or_create_grade_cell(f"test_{i}", A, A, max_score=points, cell_type="code")
        for sid, (first, last, email) in NAMES.items():
            gb.update_or_create_student(sid, first_name=first, last_name=last, email=email)
    return course


def _grade(course, student, scores, penalty=0.0):
    with course.gradebook() as gb:
        gb.add_submission(A, student)
        for i, score in enumerate(scores):
            gb.find_grade(f"test_{i}", A, A, student).auto_score = score
        gb.find_submission_notebook(A, A, student).late_submission_penalty = penalty
        gb.db.commit()


def _export(course, tmp_path, *names):
    return main(["export", *names, "--root", str(course.root), "--out", str(tmp_path / "out")])


def test_grades_csv_cells_never_start_a_formula(course, tmp_path):
    """Does every name and email that would start a formula get its apostrophe, while the
    scores stay plain numbers?"""
    _grade(course, "jdoe", (4, 3.5), penalty=1.0)
    assert _export(course, tmp_path, A) == 0
    with open(tmp_path / "out" / f"{A}_grades.csv", encoding="utf-8-sig", newline="") as f:
        rows = {r["id"]: r for r in csv.DictReader(f)}
    assert (rows["jdoe"]["first_name"], rows["jdoe"]["last_name"], rows["jdoe"]["email"]) == (
        "'=HYPERLINK(\"http://evil\",\"x\")", "'+SUM(1)", "'@jd.edu")
    assert (rows["max"]["last_name"], rows["max"]["email"]) == ("'-2+3", "'\t=1@x.edu")
    assert (rows["jdoe"]["test_1"], rows["jdoe"]["late_penalty"], rows["jdoe"]["total"]) == (
        "3.5", "1.0", "6.5")
    assert rows["max"]["status"] == "missing"


def test_export_before_grade_exits_1_and_writes_nothing(course, tmp_path, capsys):
    """Does an export with nobody graded (everyone would be 'missing' with 0) exit 1 with the
    reason and write no CSV, for our CSV and for Canvas's?"""
    assert _export(course, tmp_path, A) == 1
    assert f"nothing graded for {A}" in capsys.readouterr().err
    (tmp_path / "roster.csv").write_text("id,first_name,last_name,email,canvas_id\n"
                                         "jdoe,J,D,j@x,1\nmax,M,L,m@x,2\n")
    assert main(["export", A, "--format", "canvas", "--roster", str(tmp_path / "roster.csv"),
                 "--root", str(course.root), "--out", str(tmp_path / "out")]) == 1
    assert "nothing graded" in capsys.readouterr().err
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_a_misspelled_assignment_is_named_with_the_known_ones(course, tmp_path, capsys):
    """Does export of an assignment the gradebook does not know exit 1, listing those it knows
    (not a MissingEntry traceback)?"""
    assert _export(course, tmp_path, "02_chain_rul") == 1
    err = capsys.readouterr().err
    assert "no such assignment: 02_chain_rul (did you mean 02_chain_rule?)" in err
    assert A in err.split("known:")[1]
