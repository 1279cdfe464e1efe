"""End to end, through nbgrader's own commands, for every assignment:
release -> submissions (correct, typical bugs, other correct answers, untouched) -> autograde ->
feedback -> export."""
import csv

import nbformat
import pytest

from autograder.release import leaks
from autograder.submissions import build_submission, bundles, load_variants, submit
from autograder.workspace import assignments
from tests.nbgrader_run import make_root, nbgrader, scores

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module", params=assignments())
def graded(request, tmp_path_factory):
    """One assignment released, submitted by a small class and autograded in one nbgrader run."""
    assignment = request.param
    root = make_root(tmp_path_factory.mktemp(assignment))
    nbgrader(root, "generate_assignment", assignment, "--force")
    release = root / "release" / assignment
    release_nb = nbformat.read(str(release / f"{assignment}.ipynb"), as_version=4)
    variants = load_variants(assignment)
    cls = {"correct": (build_submission(release_nb, assignment), frozenset(), "correct"),
           "untouched": (build_submission(release_nb, assignment, blank=True), None, "blank")}
    for kind in ("bug", "alternative"):
        for i, (name, v) in enumerate(bundles(variants, kind)):
            cls[f"{kind}{i}"] = (build_submission(release_nb, assignment, v.answers), v.fails, name)
    for student, (nb, _, _) in cls.items():
        submit(root, student, assignment, nb)
    nbgrader(root, "autograde", assignment, "--create")
    return dict(assignment=assignment, root=root, release=release, cls=cls,
                scores=scores(root, assignment))


def test_release_has_no_answers_or_hidden_tests(graded):
    """Does the student release hold no solution, hidden test or reference code?"""
    assert graded["release"].exists()
    assert leaks(graded["release"]) == []


def test_correct_submission_gets_full_marks(graded):
    """Does the instructor's own answer, submitted from the release, get every point?"""
    got = graded["scores"]["correct"]
    assert got and all(s == m for s, m in got.values()), got


def test_untouched_release_scores_zero(graded):
    """Does an untouched release finish autograding with zero autograded points?"""
    got = graded["scores"]["untouched"]
    assert got and sum(s for s, _ in got.values()) == 0, got


def test_each_bug_loses_exactly_its_points(graded):
    """Does each bundle of typical bugs lose exactly the tests its bugs name, and no others?"""
    bugs = {k: v for k, v in graded["cls"].items() if k.startswith("bug")}
    assert bugs, f"no bug variants for {graded['assignment']}"
    for student, (_, fails, name) in bugs.items():
        got = graded["scores"][student]
        lost = {cell for cell, (s, m) in got.items() if s < m}
        assert lost == set(fails), f"{name}: lost {sorted(lost)}, expected {sorted(fails)}"


def test_other_correct_answers_get_full_marks(graded):
    """Do differently written correct answers get every point?"""
    alts = {k: v for k, v in graded["cls"].items() if k.startswith("alternative")}
    assert alts, f"no alternative answers for {graded['assignment']}"
    for student, (_, _, name) in alts.items():
        got = graded["scores"][student]
        assert all(s == m for s, m in got.values()), f"{name}: {got}"


def test_feedback_shows_messages_not_hidden_code(graded):
    """Does the feedback show the failing test's message but never the hidden test code?"""
    root, assignment = graded["root"], graded["assignment"]
    nbgrader(root, "generate_feedback", assignment)
    pages = list((root / "feedback").rglob("*.html"))
    assert len(pages) == len(graded["cls"])
    for page in pages:
        html = page.read_text()
        assert "BEGIN HIDDEN TESTS" not in html and "hidden.check(" not in html, page
    bug_page = next(p for p in pages if p.parts[-3] == "bug0").read_text()
    assert "Not yet right." in bug_page and "expected" in bug_page


def test_grades_export_to_csv(graded):
    """Does nbgrader export one row per student, with the correct one at full marks?"""
    out = graded["root"] / "grades.csv"
    nbgrader(graded["root"], "export", "--to", str(out))
    rows = [r for r in csv.DictReader(out.open()) if r["assignment"] == graded["assignment"]]
    assert {r["student_id"] for r in rows} == set(graded["cls"])
    correct = next(r for r in rows if r["student_id"] == "correct")
    assert float(correct["raw_score"]) == float(correct["max_score"]) - _manual_points(graded)


def _manual_points(graded):
    nb = nbformat.read(str(graded["release"] / f"{graded['assignment']}.ipynb"), as_version=4)
    return sum(c.metadata["nbgrader"].get("points", 0) for c in nb.cells
               if c.metadata.get("nbgrader", {}).get("grade") and c.cell_type == "markdown")


def test_untouched_release_errors_only_in_test_cells(graded):
    """Before a student writes anything, does every other cell run, or fail only for calling
    the unwritten exercise (NotImplementedError)?"""
    a = graded["assignment"]
    nb = nbformat.read(str(graded["root"] / "autograded" / "untouched" / a / f"{a}.ipynb"),
                       as_version=4)
    broken = [(c.source.splitlines()[0], o.ename) for c in nb.cells if c.cell_type == "code"
              and not c.metadata.get("nbgrader", {}).get("grade")
              for o in c.outputs if o.output_type == "error" and o.ename != "NotImplementedError"]
    assert not broken, broken
