"""`backprop-grade insight` on a real class graded by the real pipeline (the sandbox, nbgrader,
the judge): its counts agree with the gradebook, its named mistakes with the hints each student's
feedback shows and with the mistakes the simulated answers are known to make."""
import hashlib
import html
import json

import nbformat
import pytest
from nbgrader.api import Gradebook

from autograder import cells
from autograder.__main__ import main
from autograder.export import exercises
from autograder.insight import collect
from autograder.insight_page import mistake_text
from autograder.judge import DIAGNOSIS
from autograder.submissions import build_submission, load_variants, submit
from tests.pipeline_course import new_course

pytestmark = pytest.mark.pipeline

A = "02_chain_rule"
BUGS = {"mulswap": ["mul_not_swapped"], "muldout": ["mul_ignores_dout"],
        "muldout2": ["mul_ignores_dout"], "both": ["mul_ignores_dout", "bwd_ignores_dout"],
        "sign": ["bwd_sign"], "routing": ["max_to_both"], "addmul": ["add_like_mul"]}
"""Students and the variants (solutions/variants/02_chain_rule.py) their answers hold."""


def _cli(course, *argv):
    assert main([*map(str, argv), "--root", str(course.root)]) == 0


def _digest(course):
    return hashlib.sha256((course.root / "gradebook.db").read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    """A graded class of 02: two correct, one blank, seven with known bugs, one correct answer
    whose hidden test cell brings a forged diagnosis; then one more submission collected after
    grading (not graded yet) and one student on the roster who never submitted."""
    course = new_course(tmp_path_factory.mktemp("course"))
    _cli(course, "release", A)
    release = nbformat.read(str(course.root / "release" / A / f"{A}.ipynb"), as_version=4)
    variants = load_variants(A)
    for student in ("ok1", "ok2"):
        submit(course.root, student, A, build_submission(release, A))
    submit(course.root, "blank", A, build_submission(release, A, blank=True))
    for student, names in BUGS.items():
        answers = {k: v for name in names for k, v in variants[name].answers.items()}
        submit(course.root, student, A, build_submission(release, A, answers))
    forged = build_submission(release, A)
    for cell in forged.cells:
        if cells.is_test(cell):
            cell.metadata["backprop"] = {DIAGNOSIS: [{"exercise": "x", "passed": False,
                                                      "hints": ["sign"], "kind": "wrong value"}]}
    submit(course.root, "forger", A, forged)
    _cli(course, "grade", A, "-j", "2")
    _cli(course, "feedback", A)
    submit(course.root, "latecomer", A, build_submission(release, A))
    with Gradebook(course.db_url, "backprop") as gb:
        gb.update_or_create_student("absent")
    course.variants = variants
    return course


def _scores(course):
    """{student: {grade cell: (score, max)}} from the gradebook."""
    with Gradebook(course.db_url, "backprop") as gb:
        return {sub.student_id: {g.name: (g.score, g.max_score) for nb in sub.notebooks
                                 for g in nb.grades}
                for sub in gb.assignment_submissions(A)}


def test_counts_agree_with_the_gradebook(course):
    """Does every exercise's passed / blank / failed split and points lost agree with the
    gradebook's scores of its test cells, with the blank notebook blank everywhere?"""
    ins, scores = collect(A, course), _scores(course)
    with Gradebook(course.db_url, "backprop") as gb:
        groups = exercises(gb, A)
        hand = {c.name for nb in gb.find_assignment(A).notebooks for c in nb.solution_cells}
    assert set(ins["graded"]) == set(scores)
    assert [r["exercise"] for r in ins["exercises"]] == list(dict.fromkeys(
        ex for g, ex in groups.items() if g not in hand))
    for row in ins["exercises"]:
        tests = [g for g, ex in groups.items() if ex == row["exercise"] and g not in hand]
        lost = {s: sum(m - (v or 0) for v, m in (got[g] for g in tests))
                for s, got in scores.items()}
        assert set(row["passed"]) == {s for s, v in lost.items() if v == 0}
        assert set(row["passed"]) | set(row["blank"]) | set(row["failed"]) == set(scores)
        assert row["blank"] == ["blank"]
        assert row["lost"] == pytest.approx(sum(lost.values()))


def test_named_mistakes_are_the_variants_and_the_feedbacks(course):
    """Is each bug's student listed under exactly the mistakes its variant is known to make (a
    bug no hint names under a group of its failing outputs), and does that student's feedback
    show the hint?"""
    ins = collect(A, course)
    by_student = {}
    for row in ins["exercises"]:
        for key, who in row["mistakes"].items():
            for s in who:
                by_student.setdefault(s, set()).add(key)
        if row["exercise"] == "add_backward":
            assert [ins_row for ins_row in row["unnamed"].values()] == [["addmul"]]
            group = next(iter(row["groups"].values()))
            assert group["kind"] == "wrong value" and group["wrong"]
    expected = {s: set().union(*(course.variants[n].hints for n in names))
                for s, names in BUGS.items()}
    assert by_student == {s: keys for s, keys in expected.items() if keys}
    for student, keys in by_student.items():
        page = (course.root / "feedback" / student / A / f"{A}.html").read_text()
        assert "Hint:" in page
        for key in keys:
            assert html.escape(mistake_text(key), quote=False) in page or not mistake_text(key)
    for student in ("ok1", "ok2", "addmul", "forger"):
        page = (course.root / "feedback" / student / A / f"{A}.html").read_text()
        assert "Hint:" not in page


def test_a_forged_diagnosis_is_replaced_by_the_judges(course):
    """Does a submission that brings its own diagnosis in a test cell's metadata count as what
    it is (correct: passed everywhere, no mistake)?"""
    ins = collect(A, course)
    assert all("forger" in row["passed"] for row in ins["exercises"])
    assert all("forger" not in who for row in ins["exercises"]
               for who in row["mistakes"].values())


def test_teach_next_ranks_by_points_lost(course):
    """Is the teach-next list ordered by points lost, headed by the mul gate's ignored upstream
    gradient (three students), with the section that teaches it?"""
    ins = collect(A, course)
    points = [t["points"] for t in ins["teach_next"]]
    assert points == sorted(points, reverse=True)
    first = ins["teach_next"][0]
    assert (first["exercise"], first["mistake"], first["students"]) == ("mul_backward",
                                                                         "upstream", 3)
    assert "mul" in first["section"]


def test_cli_pages_both_languages_and_leaves_the_gradebook(course, tmp_path, capsys):
    """Does the command name the submission collected but not graded and the student who never
    submitted, write the page, picture, CSV and JSON in English and Korean, and leave the
    gradebook byte for byte as it was?"""
    before = _digest(course)
    for lang in ("en", "ko"):
        assert main(["insight", A, "--lang", lang, "--root", str(course.root),
                     "--out", str(tmp_path)]) == 0
    assert _digest(course) == before
    data = json.loads((tmp_path / f"{A}_insight.json").read_text())
    assert data["not_graded"] == ["latecomer"] and data["missing"] == ["absent"]
    page = (tmp_path / f"{A}_insight.html").read_text()
    assert "Teach next" in page and 'alt="Heat map of 02_chain_rule' in page
    korean = (tmp_path / f"{A}_insight_ko.html").read_text()
    assert "학급 분석" in korean and "다음에 가르칠 것" in korean and "Teach next" not in korean
    for name in (f"{A}_insight.png", f"{A}_insight_ko.png", f"{A}_insight.csv"):
        assert (tmp_path / name).stat().st_size > 0
    assert "teach next: mul_backward: upstream" in capsys.readouterr().out


def test_export_writes_the_insight_page_too(course, tmp_path):
    """Does `export` write the insight page beside the grades?"""
    assert main(["export", A, "--root", str(course.root), "--out", str(tmp_path)]) == 0
    assert (tmp_path / f"{A}_insight.html").exists() and (tmp_path / f"{A}_grades.csv").exists()
