"""docs/authoring.md, followed step by step: do the files it shows (the notebook's script and
the reference), added to a scratch course folder of one's own, give an exercise that releases
without its answer or hidden test, grades the page's right answer in full and its wrong answer
with the page's hint, in the real sandboxed pipeline? The files are read out of the page, so the
page and this test cannot drift apart."""
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from autograder import cells
from autograder.submissions import submit
from autograder.workspace import REPO, Course, env

pytestmark = pytest.mark.pipeline

PAGE = REPO / "docs" / "authoring.md"
A = "hw_tanh"


def blocks(kind):
    """{name: code} of the page's fenced blocks marked <!-- kind: name -->."""
    text = PAGE.read_text(encoding="utf-8")
    return dict(re.findall(rf"<!-- {kind}: (\S+) -->\n```python\n(.*?)```", text, re.S))


def _cli(*argv):
    proc = subprocess.run([sys.executable, "-m", "autograder", *map(str, argv)], env=env(),
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return proc.stdout


def test_the_page_shows_every_file_it_names():
    """Does the page hold the notebook's script, the reference, a right and a wrong answer?"""
    assert set(blocks("file")) == {"make_hw_tanh.py", f".backprop/solutions/reference/{A}.py"}
    assert set(blocks("answer")) == {"right", "wrong"}


def test_an_exercise_written_as_the_page_says_is_released_and_graded(tmp_path):
    course = tmp_path / "ml101"
    course.mkdir()
    _cli("install-course", course, "02_chain_rule")
    for name, code in blocks("file").items():
        (course / name).parent.mkdir(parents=True, exist_ok=True)
        (course / name).write_text(code)
    subprocess.run([sys.executable, "make_hw_tanh.py"], cwd=course, env=env(), check=True)
    _cli("release", A, "--root", course)
    release = nbformat.read(str(course / "release" / A / f"{A}.ipynb"), as_version=4)
    text = nbformat.writes(release)
    assert "BEGIN SOLUTION" not in text and "hidden.check(" not in text
    answers = blocks("answer")
    for student, kind in (("ada", "right"), ("bob", "wrong")):
        nb = nbformat.from_dict(release)
        cell = next(c for c in nb.cells if cells.grade_id(c) == "tanh_backward_answer")
        cell.source = answers[kind]
        submit(course, student, A, nb)
    said = _cli("grade", A, "--root", course, "-j", "2")
    assert "2 graded, 0 failed" in said, said
    _cli("feedback", A, "--root", course)
    with Course(course).gradebook() as gb:
        scores = {s: {g.name: g.score for nb in gb.find_submission(A, s).notebooks
                      for g in nb.grades} for s in ("ada", "bob")}
    assert scores["ada"] == {"tanh_backward_visible": 1, "tanh_backward_hidden": 2}, scores
    assert scores["bob"] == {"tanh_backward_visible": 1, "tanh_backward_hidden": 0}, scores
    page = next((course / "feedback" / "bob" / A).glob("*.html")).read_text()
    assert "this looks like 1 - tanh(x) without the square" in page
    ada = next((course / "feedback" / "ada" / A).glob("*.html")).read_text()
    assert "without the square" not in ada
    assert Path(course / "source" / A / f"{A}.ipynb").exists()
