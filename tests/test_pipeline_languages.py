"""One class graded in both languages: the same simulated answers submitted into the English and
the Korean release (`release --lang ko`) get the same scores, through the same commands, the
same references and the same per-student seeds; a Korean written answer survives grading,
feedback and the CSV export (UTF-8 end to end)."""
import csv
import re

import nbformat
import pytest
from nbgrader.api import Gradebook

from autograder.__main__ import main
from autograder.submissions import build_submission, load_variants, submit
from tests.pipeline_course import new_course

pytestmark = pytest.mark.pipeline

A = "02_chain_rule"
WRITTEN = "max_written_answer"
KOREAN_ANSWER = ("아니요. 미분은 아주 작은 변화에 대한 민감도입니다. "
                 "$y=2$ 근처에서 출력은 4로 일정합니다.")
SPY = 'import os\nprint("speaks", os.environ.get("BACKPROP_LANG"))\n'
NAME = ("지은", "김")


def _class():
    """{student: answers}: the instructor's answers, two bugs, one correct alternative, and a
    blank notebook (None)."""
    variants = load_variants(A)
    return {"correct": {}, "bug-mul": variants["mul_not_swapped"].answers,
            "bug-max": variants["max_to_both"].answers, "alt-add": variants["add_tuple"].answers,
            "blank": None}


def _first_answer(nb):
    return next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("solution")
                and c.cell_type == "code")


def _run(root, *argv):
    assert main([*map(str, argv), "--root", str(root)]) == 0


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """{lang: course}: the class released, submitted, graded, fed back and exported once in
    English and once in Korean (the same student ids, so the same hidden cases)."""
    courses = {}
    for lang in ("en", "ko"):
        course = new_course(tmp_path_factory.mktemp(f"course-{lang}"))
        _run(course.root, "release", A, "--lang", lang)
        folder = "release" if lang == "en" else "release_ko"
        release = nbformat.read(str(course.root / folder / A / f"{A}.ipynb"), as_version=4)
        for student, answers in _class().items():
            nb = build_submission(release, A, answers, blank=answers is None)
            if student == "correct":
                _first_answer(nb).source = SPY + _first_answer(nb).source
                if lang == "ko":
                    written = next(c for c in nb.cells
                                   if c.metadata.get("nbgrader", {}).get("grade_id") == WRITTEN)
                    written.source = KOREAN_ANSWER
            submit(course.root, student, A, nb)
        _run(course.root, "grade", A, "-j", "2")
        with Gradebook(course.db_url, "backprop") as gb:
            gb.update_or_create_student("correct", first_name=NAME[0], last_name=NAME[1])
        _run(course.root, "feedback", A)
        _run(course.root, "export", A, "--out", course.root / "export")
        courses[lang] = course
    return courses


def _scores(course):
    with Gradebook(course.db_url, "backprop") as gb:
        return {(sub.student.id, g.name): g.score for sub in gb.assignment_submissions(A)
                for nb in sub.notebooks for g in nb.grades}


def test_korean_release_is_the_english_one_in_korean(graded):
    """Are the two releases the same cells (ids, code, nbgrader metadata), the Korean one with
    Korean markdown and metadata.backprop.lang = ko?"""
    en = nbformat.read(str(graded["en"].root / "release" / A / f"{A}.ipynb"), as_version=4)
    ko = nbformat.read(str(graded["ko"].root / "release_ko" / A / f"{A}.ipynb"), as_version=4)
    assert ko.metadata.backprop.lang == "ko" and "backprop" not in en.metadata
    assert [c.id for c in ko.cells] == [c.id for c in en.cells]
    for mine, theirs in zip(ko.cells, en.cells):
        assert mine.metadata == theirs.metadata
        if theirs.cell_type == "code":
            assert mine.source == theirs.source
    assert re.search("[\uac00-\ud7a3]", ko.cells[0].source)


def test_same_answers_get_the_same_scores_in_both_languages(graded):
    """Does every student get exactly the same points on every graded cell in Korean as in
    English (the written answer, graded by hand, aside), with the bugs losing points?"""
    en, ko = _scores(graded["en"]), _scores(graded["ko"])
    assert en.keys() == ko.keys() and len({s for s, _ in en}) == len(_class())
    auto = {k for k in en if k[1] != WRITTEN}
    assert {k: en[k] for k in auto} == {k: ko[k] for k in auto}
    assert sum(en[k] for k in auto if k[0] == "bug-mul") < sum(
        en[k] for k in auto if k[0] == "correct")


def test_each_kernel_speaks_the_submissions_language(graded):
    """Was the kernel grading the Korean submission given BACKPROP_LANG=ko, and the English one
    en?"""
    for lang, course in graded.items():
        nb = nbformat.read(str(course.root / "autograded" / "correct" / A / f"{A}.ipynb"),
                           as_version=4)
        printed = "".join(o.get("text", "") for c in nb.cells for o in c.get("outputs", []))
        assert f"speaks {lang}" in printed


def test_korean_written_answer_survives_feedback_and_export(graded):
    """Is the Korean written answer intact in the autograded notebook and in the UTF-8 feedback
    page, and does the grades CSV start with a BOM and carry the Korean name?"""
    root = graded["ko"].root
    nb = nbformat.read(str(root / "autograded" / "correct" / A / f"{A}.ipynb"), as_version=4)
    assert KOREAN_ANSWER in [c.source for c in nb.cells]
    page = (root / "feedback" / "correct" / A / f"{A}.html").read_bytes().decode("utf-8")
    assert re.search(r'<meta charset="utf-8"', page, re.IGNORECASE)
    assert "미분은 아주 작은 변화에 대한 민감도입니다" in page
    raw = (root / "export" / f"{A}_grades.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    with open(root / "export" / f"{A}_grades.csv", encoding="utf-8-sig", newline="") as f:
        rows = {r["id"]: r for r in csv.DictReader(f)}
    assert (rows["correct"]["first_name"], rows["correct"]["last_name"]) == NAME
