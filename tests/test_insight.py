"""`backprop-grade insight` on bad input (nothing graded, an unknown assignment, a partly graded
class of one, a notebook that could not be graded) and the term view. The gradebook is nbgrader's
own, filled through its API; the graded class itself is tests/test_pipeline_insight.py."""
import hashlib
import json

import pytest

from autograder.__main__ import main
from autograder.insight import collect, term
from tests.pipeline_course import new_course

A = "02_chain_rule"


@pytest.fixture
def course(tmp_path):
    """A gradebook with A (one exercise: a visible and a hidden test, 1 and 3 points) and three
    students on the roster; nobody graded yet."""
    course = new_course(tmp_path / "course")
    with course.gradebook() as gb:
        gb.update_or_create_assignment(A)
        gb.update_or_create_notebook(A, A)
        gb.update_or_create_solution_cell("mul_answer", A, A)
        for name in ("mul_answer", "mul_visible", "mul_hidden"):
            gb.update_or_create_source_cell(name, A, A, cell_type="code", locked=False,
                                            source="", checksum="")
        for name, points in (("mul_visible", 1), ("mul_hidden", 3)):
            gb.update_or_create_grade_cell(name, A, A, max_score=points, cell_type="code")
        for sid in ("solo", "late", "gone"):
            gb.update_or_create_student(sid)
    return course


def _digest(course):
    return hashlib.sha256((course.root / "gradebook.db").read_bytes()).hexdigest()


def _insight(course, tmp_path, *names, lang="en"):
    return main(["insight", *names, "--lang", lang, "--root", str(course.root),
                 "--out", str(tmp_path / "out")])


def test_not_graded_yet_is_a_message_not_a_page(course, tmp_path, capsys):
    """Does insight before any grading exit 1 saying to run grade, write nothing and leave the
    gradebook as it was?"""
    before = _digest(course)
    assert _insight(course, tmp_path, A) == 1
    assert f"nothing graded for {A}" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()
    assert _digest(course) == before


def test_unknown_assignment_and_language_are_named(course, tmp_path, capsys):
    """Does a misspelled assignment or an unknown --lang exit 1 with the reason, not a
    traceback?"""
    assert _insight(course, tmp_path, "02_chain_rul") == 1
    assert "did you mean 02_chain_rule" in capsys.readouterr().err
    assert _insight(course, tmp_path, A, lang="fr") == 1
    assert "--lang fr" in capsys.readouterr().err


def test_a_partly_graded_class_of_one(course, tmp_path, capsys):
    """One student graded (no graded notebook on disk: grading it failed), one collected but not
    graded, one who never submitted: does insight count the one, name the other two, say the
    notebook could not be read, and change nothing in the gradebook?"""
    with course.gradebook() as gb:
        gb.add_submission(A, "solo")
        gb.find_grade("mul_visible", A, A, "solo").auto_score = 1
        gb.find_grade("mul_hidden", A, A, "solo").auto_score = 0
        gb.db.commit()
    (course.root / "submitted" / "late" / A).mkdir(parents=True)
    before = _digest(course)
    for lang in ("en", "ko"):
        assert _insight(course, tmp_path, A, lang=lang) == 0
    assert _digest(course) == before
    data = json.loads((tmp_path / "out" / f"{A}_insight.json").read_text())
    assert (data["graded"], data["not_graded"], data["missing"]) == (["solo"], ["late"], ["gone"])
    assert data["no_notebook"] == ["solo"]
    (row,) = data["exercises"]
    assert (row["passed"], row["failed"], row["lost"]) == ([], ["solo"], 3)
    assert row["unnamed"] == {"no diagnosis recorded": ["solo"]}
    assert data["teach_next"] == []  # no diagnosis is no misconception
    page = (tmp_path / "out" / f"{A}_insight_ko.html").read_text()
    assert "진단 기록 없음" in page and "아직 채점하지 않음" in page
    assert "1 graded, 1 missing, 1 not graded yet" in capsys.readouterr().out


def test_term_names_a_mistake_that_persists():
    """Across two assignments, is a named mistake made in both listed with the students who made
    it in both, and one made once left out?"""
    def one(assignment, mistakes):
        return {"assignment": assignment, "exercises": [{"exercise": "e", "mistakes": mistakes}]}
    found = term([one("02", {"sign": ["ann", "bob"], "upstream": ["cy"]}),
                  one("07", {"sign": ["bob", "dee"]})])
    assert found == [{"mistake": "sign",
                      "assignments": {"02": ["ann", "bob"], "07": ["bob", "dee"]},
                      "persisting": ["bob"]}]


def test_collect_refuses_an_assignment_the_gradebook_lacks(course):
    """Does collect() itself (the library call) refuse an unknown assignment with the known
    ones?"""
    with pytest.raises(RuntimeError, match=f"known: {A}"):
        collect("05_vectorized_layers", course)


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_every_exercise_has_its_notebook_section_in_both_languages(lang):
    """Does every answer cell of every assignment get the heading of the section that holds it,
    from the notebook of the page's language (the teach-next list names it)?"""
    from autograder import cells
    from autograder.insight import sections
    from autograder.submissions import source_notebook
    from autograder.workspace import assignments
    for assignment in assignments():
        found = sections(assignment, lang)
        assert set(found) == set(cells.answers(source_notebook(assignment))), assignment
        assert all(found.values()), assignment
    korean = " ".join(sections("02_chain_rule", lang).values())
    assert ("연습 문제" in korean) == (lang == "ko")


def test_term_page_in_both_languages(course, tmp_path):
    """Does the term page name a persisting mistake with its hint, its count per assignment and
    the students who repeat it, in English and Korean, and say so when nothing persists (the
    command with two graded assignments, here one given twice)?"""
    from autograder.insight_page import term_page
    found = [{"mistake": "sign", "assignments": {"02": ["ann", "bob"], "07": ["bob"]},
              "persisting": ["bob"]}]
    english, korean = term_page(found), term_page(found, "ko")
    assert "<code>sign</code>" in english and "02: 2; 07: 1" in english and "bob" in english
    assert "the sign is flipped" in english and "부호가 뒤집혔습니다" in korean
    assert "이어지는 오개념" in korean
    with course.gradebook() as gb:
        gb.add_submission(A, "solo")
        gb.db.commit()
    assert _insight(course, tmp_path, A, A) == 0
    assert "No named mistake was made in more than one assignment" in (
        tmp_path / "out" / "term_insight.html").read_text()
    assert json.loads((tmp_path / "out" / "term_insight.json").read_text()) == []
