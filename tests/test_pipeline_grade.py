"""End to end: `python -m autograder` release, grade, feedback and export on a small class of
real notebooks with real nbgrader, in a temporary course folder (never work/)."""
import csv
import json

import nbformat
import psutil
import pytest
from nbgrader.api import Gradebook

from autograder.__main__ import main
from autograder.submissions import build_submission, load_variants, submit
from autograder.workspace import SOURCES
from tests.pipeline_course import new_course

pytestmark = pytest.mark.pipeline

A = "02_chain_rule"
SPY = 'import os\nprint("graded as", os.environ.get("BACKPROP_STUDENT_ID"))\n'
LIMIT = 15
STUCK = ("import signal\nsignal.signal(signal.SIGINT, signal.SIG_IGN)  # ignores interrupts\n"
         "while True:\n    pass\n")


def _answer_cell(nb):
    return next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("solution"))


def _cli(course, *argv):
    assert main([*map(str, argv), "--root", str(course.root)]) == 0


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    """A released assignment and a class: correct (reporting its seed's student id), buggy,
    blank, not JSON, killing its kernel, and stuck in a loop that ignores interrupts."""
    course = new_course(tmp_path_factory.mktemp("course"))
    _cli(course, "release", A)
    release = nbformat.read(str(course.root / "release" / A / f"{A}.ipynb"), as_version=4)
    first = _answer_cell(release).metadata.nbgrader.grade_id
    answers = {"blank": None, "kernel-dies": {first: "import os\nos._exit(1)\n"},
               "stuck": {first: STUCK}}
    bug = load_variants(A)["mul_not_swapped"]
    answers["buggy"] = bug.answers
    for student, given in answers.items():
        submit(course.root, student, A, build_submission(release, A, given, blank=given is None))
    nb = build_submission(release, A)
    _answer_cell(nb).source = SPY + _answer_cell(nb).source
    submit(course.root, "correct", A, nb)
    submit(course.root, "broken", A, b'{"cells": [ truncated')
    # The limit leaves a loaded machine time for the others; "stuck" never finishes.
    _cli(course, "grade", A, "-j", "2", "--notebook-timeout", LIMIT)
    course.bug = bug
    return course


def _states(course):
    base = course.root / ".autograder" / A
    return {p.parent.name: json.loads(p.read_text()) for p in base.glob("*/state.json")}


def _grades(course, student):
    with Gradebook(course.db_url, "backprop") as gb:
        sub = gb.find_submission(A, student)
        return {g.name: (g.score, g.max_score) for nb in sub.notebooks for g in nb.grades}


def test_batch_grades_everyone_despite_broken_submissions(course):
    """Does a non-JSON file fail with a reason, and a dying kernel get graded on what ran (with
    the reason flagged), while the others are graded?"""
    states = _states(course)
    assert {s: v["status"] for s, v in states.items()} == {
        "correct": "graded", "buggy": "graded", "blank": "graded", "broken": "failed",
        "kernel-dies": "graded", "stuck": "failed"}
    assert "not a readable notebook" in states["broken"]["reason"]
    assert any("kernel died" in flag for flag in states["kernel-dies"]["flags"])
    for student in states:
        assert (course.root / "logs" / A / f"{student}.log").stat().st_size > 0
    with Gradebook(course.db_url, "backprop") as gb:
        comments = gb.find_submission_notebook(A, A, "broken").comments
        assert any("Autograding failed" in (c.auto_comment or "") for c in comments)
    # The notebook that killed its kernel is kept as far as it ran; what did not run scores 0.
    partial = course.root / "autograded" / "kernel-dies" / A / f"{A}.ipynb"
    assert partial.exists() and _grades(course, "kernel-dies")["add_backward_visible"][0] == 0


def test_scores_match_what_each_student_wrote(course):
    """Does the correct answer get every autograded point, the bug lose exactly its tests,
    and the blank notebook nothing?"""
    correct = _grades(course, "correct")
    auto = {g for g in correct if g != "max_written_answer"}
    assert all(correct[g][0] == correct[g][1] for g in auto)
    buggy = _grades(course, "buggy")
    assert {g for g in auto if buggy[g][0] < buggy[g][1]} == set(course.bug.fails)
    assert sum(score for score, _ in _grades(course, "blank").values()) == 0


def test_each_kernel_knows_its_student(course):
    """Is BACKPROP_STUDENT_ID set to the graded student in the kernel's environment?"""
    nb = nbformat.read(str(course.root / "autograded/correct" / A / f"{A}.ipynb"), as_version=4)
    printed = "".join(o.get("text", "") for c in nb.cells for o in c.get("outputs", []))
    assert "graded as correct" in printed


def test_rerun_grades_only_what_changed(course):
    """Does a second run skip unchanged submissions and regrade a resubmitted one?"""
    before = _states(course)
    release = nbformat.read(str(course.root / "release" / A / f"{A}.ipynb"), as_version=4)
    submit(course.root, "blank", A, build_submission(release, A))  # now answers everything
    _cli(course, "grade", A)
    after = _states(course)
    assert after["blank"]["fingerprint"] != before["blank"]["fingerprint"]
    assert after["blank"]["score"] == after["correct"]["score"] > 0
    for student in ("correct", "buggy", "stuck"):
        assert after[student] == before[student]  # untouched: same record, same timing


def test_force_regrades_and_keeps_manual_grades(course, capsys):
    """Does --force regrade every submission and keep a grader's manual score, and does it say
    that nbgrader flags that answer "needs manual grading" again (its rule)?"""
    with Gradebook(course.db_url, "backprop") as gb:
        grade = gb.find_grade("max_written_answer", A, A, "correct")
        grade.manual_score = 1.5
        grade.needs_manual_grade = False
        gb.db.commit()
    before = _states(course)["correct"]
    capsys.readouterr()
    _cli(course, "grade", A, "--force", "--student", "correct")
    out = capsys.readouterr().out
    assert "'needs manual grading' again" in out and "  correct: max_written_answer" in out, out
    after = _states(course)["correct"]
    assert after["seconds"] != before["seconds"]  # it really ran again
    assert _grades(course, "correct")["max_written_answer"] == (1.5, 2.0)
    assert after["score"] == before["score"] + 1.5


def test_notebook_time_limit_kills_only_that_submission(course):
    """Is a notebook that ignores interrupts killed at the time limit, kernel and all?"""
    state = _states(course)["stuck"]
    assert state["status"] == "failed" and f"within {LIMIT} s" in state["reason"]
    assert not [p for p in psutil.process_iter()
                if _env_of(p).get("BACKPROP_STUDENT_ID") == "stuck"]


def _env_of(proc):
    try:
        return proc.environ()
    except psutil.Error:
        return {}


def test_feedback_never_shows_hidden_test_code(course):
    """Does the feedback show the hidden tests' results but none of their code?"""
    source = (SOURCES / A / f"{A}.ipynb").read_text()
    assert "hidden.check(" in source and "BEGIN HIDDEN TESTS" in source  # there is code to hide
    _cli(course, "feedback", A)
    pages = sorted((course.root / "feedback").glob(f"*/{A}/{A}.html"))
    assert {p.parents[1].name for p in pages} >= {"correct", "buggy", "blank"}
    for page in pages:
        html = page.read_text()
        assert "hidden.check(" not in html and "HIDDEN TESTS" not in html, page
    assert "hidden cases pass" in (course.root / "feedback/correct" / A / f"{A}.html").read_text()


def test_feedback_warns_of_answers_not_graded_by_hand_and_wraps_long_lines(course, capsys):
    """Does feedback made before hand grading warn, naming each student and the written answer
    that shows 0 points (not the one graded by hand), and do the pages wrap long lines (a long
    hint is not cut off at the page's width)?"""
    with Gradebook(course.db_url, "backprop") as gb:
        grade = gb.find_grade("max_written_answer", A, A, "correct")
        grade.manual_score = 2.0
        gb.db.commit()
    capsys.readouterr()
    _cli(course, "feedback", A)
    out = capsys.readouterr().out
    assert "warning: " in out and "graded by hand" in out, out
    waiting = dict(line.strip().split(": ", 1) for line in out.split("run feedback again:")[1]
                   .strip().splitlines())
    assert "correct" not in waiting and waiting["buggy"] == "max_written_answer", out
    page = (course.root / "feedback/buggy" / A / f"{A}.html").read_text()
    assert "white-space: pre-wrap" in page and page.count("white-space: pre-wrap; overflow") == 1


def test_export_writes_points_per_cell_and_a_picture(course):
    """Does the CSV hold every grade cell's points and totals that add up, and the PNG exist?"""
    out = course.root / "out"
    _cli(course, "export", A, "--out", out)
    with open(out / f"{A}_grades.csv", encoding="utf-8-sig") as f:
        rows = {r["id"]: r for r in csv.DictReader(f)}
    assert set(rows) >= {"correct", "buggy", "broken"}
    cells = _grades(course, "buggy")
    for student in ("correct", "buggy"):
        row = rows[student]
        assert sum(float(row[g]) for g in cells) == pytest.approx(float(row["total"]))
        assert float(row["max"]) == sum(m for _, m in cells.values())
    assert float(rows["buggy"]["total"]) < float(rows["correct"]["total"])
    assert (out / f"{A}_grades.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_feedback_check_is_about_hidden_code_not_words(tmp_path):
    """Is a page that shows a hidden test's code refused, and a page where an honest student
    printed the words "BEGIN HIDDEN TESTS" or "hidden.check(" kept?"""
    from autograder.feedback import check_pages, hidden_blocks, shows_hidden_code
    blocks = hidden_blocks(A)
    leak = ("<pre><span>from</span> course.grading <span>import</span> hidden\n"
            "hidden.check(&quot;02_chain_rule&quot;, &quot;mul_backward&quot;, "
            "mul_backward)</pre>")
    honest = "<pre>print('### BEGIN HIDDEN TESTS and hidden.check( are just words')</pre>"
    assert shows_hidden_code(leak, blocks) and not shows_hidden_code(honest, blocks)
    pages = {"leaker": tmp_path / "leaker.html", "honest": tmp_path / "honest.html"}
    pages["leaker"].write_text(leak)
    pages["honest"].write_text(honest)
    with pytest.raises(RuntimeError, match="leaker.html"):
        check_pages(A, pages)
    assert not pages["leaker"].exists() and pages["honest"].exists()
