"""`python -m autograder release --bundle`, the CLI's help, and `solutions`."""
import shutil
import subprocess
import sys
import tomllib
import zipfile

import nbformat
import pytest

from autograder.__main__ import build_parser, main
from autograder.bundle import bundle
from autograder.solutions import clean, generate
from autograder.submissions import source_answers
from autograder.workspace import SOLUTIONS
from tests.pipeline_course import new_course

A = "02_chain_rule"


@pytest.fixture(scope="module")
def released(tmp_path_factory):
    course = new_course(tmp_path_factory.mktemp("course"))
    assert main(["release", A, "--bundle", "--root", str(course.root)]) == 0
    return course


def test_every_command_has_help(capsys):
    """Does every command print a --help that names its options?"""
    commands = build_parser()._subparsers._group_actions[0].choices
    on_a_course = {"release", "collect", "grade", "feedback", "export", "solutions", "insight",
                   "similarity"}
    assert set(commands) == on_a_course | {"accuracy", "install-course", "translate"}
    for name in commands:
        with pytest.raises(SystemExit) as stop:
            main([name, "--help"])
        assert stop.value.code == 0
        out = capsys.readouterr().out
        assert out.startswith("usage:") and ("--root" in out) == (name in on_a_course)


def test_bundle_installs_and_holds_no_instructor_material(released, tmp_path):
    """Does the bundle unpack into notebooks, package (with its own pyproject), requirements
    and README, and hold no solution, hidden test, reference or solutions folder?"""
    with zipfile.ZipFile(released.root / "bundle" / "backprop-course.zip") as zf:
        zf.extractall(tmp_path)
    root = tmp_path / "backprop-course"
    assert (root / A / f"{A}.ipynb").exists()
    assert {"README.md", "requirements.txt", "pyproject.toml"} <= {p.name for p in root.iterdir()}
    assert "numpy==" in (root / "requirements.txt").read_text()
    text = "\n".join(p.read_text(errors="replace") for p in root.rglob("*") if p.is_file())
    for marker in ("BEGIN SOLUTION", "BEGIN HIDDEN TESTS", "EXERCISES = {"):
        assert marker not in text
    assert not [p for p in root.rglob("solutions")]
    project = tomllib.loads((root / "pyproject.toml").read_text())
    assert project["project"]["name"] == "backprop-course"
    assert project["tool"]["setuptools"]["packages"]["find"]["include"] == ["course", "course.*"]
    # What the notebooks import resolves inside the unpacked bundle.
    subprocess.run([sys.executable, "-c", "import course.grading, course.circuits.svg"],
                   cwd=root, check=True, env={"PATH": "/usr/bin:/bin", "MPLBACKEND": "Agg"})


def test_korean_bundle_holds_the_korean_release_catalog_and_font(tmp_path):
    """Does `release --lang ko --bundle` pack the Korean notebook (same name), the Korean message
    catalog and the pip package with the Hangul font, and no instructor material?"""
    course = new_course(tmp_path / "course")
    assert main(["release", A, "--lang", "ko", "--bundle", "--root", str(course.root)]) == 0
    with zipfile.ZipFile(course.root / "bundle" / "backprop-course.zip") as zf:
        zf.extractall(tmp_path / "unpacked")
    root = tmp_path / "unpacked" / "backprop-course"
    nb = nbformat.read(str(root / A / f"{A}.ipynb"), as_version=4)
    assert nb.metadata.backprop.lang == "ko"
    assert "BEGIN SOLUTION" not in (root / A / f"{A}.ipynb").read_text(encoding="utf-8")
    assert (root / "course" / "locale" / "ko.toml").exists()
    assert "koreanize-matplotlib==" in (root / "requirements.txt").read_text()
    project = tomllib.loads((root / "pyproject.toml").read_text())
    assert "locale/*.toml" in project["tool"]["setuptools"]["package-data"]["course"]


def test_bundle_refuses_a_release_with_a_reference(released, tmp_path):
    """Is a bundle refused, and not written, if a reference implementation got into a release?"""
    shutil.copy(SOLUTIONS / "reference" / f"{A}.py", released.root / "release" / A / "helper.py")
    try:
        with pytest.raises(RuntimeError, match="helper.py"):
            bundle([A], tmp_path / "leaky.zip", released)
        assert not (tmp_path / "leaky.zip").exists()
    finally:
        (released.root / "release" / A / "helper.py").unlink()


def test_solutions_have_answers_and_no_hidden_tests(released, tmp_path):
    """Is the solution notebook marked generated, with the answers, no hidden test and no
    outputs, and does its executed copy run without an error?"""
    [(target, executed)] = generate([A], released, out=tmp_path)
    nb = nbformat.read(str(target), as_version=4)
    text = "\n".join(c.source for c in nb.cells)
    assert "Generated solution" in nb.cells[0].source and nb.cells[0].cell_type == "markdown"
    for marker in ("hidden.check(", "HIDDEN TESTS", "BEGIN SOLUTION", "BACKPROP_SOLUTIONS"):
        assert marker not in text
    for answer in source_answers(A).values():
        assert answer.strip() in text
    assert all(not c.get("outputs") for c in nb.cells if c.cell_type == "code")
    ran = nbformat.read(str(executed), as_version=4)
    outputs = [o for c in ran.cells if c.cell_type == "code" for o in c.outputs]
    assert outputs and not [o for o in outputs if o.output_type == "error"]


def test_committed_solutions_are_the_generated_ones():
    """Is every committed solution notebook exactly what `make solutions` writes (never hand-
    edited, never stale)?"""
    committed = sorted((SOLUTIONS / "notebooks").glob("*.ipynb"))
    assert committed, "run `make solutions` and commit solutions/notebooks/"
    for path in committed:
        assert path.read_text() == nbformat.writes(clean(path.stem)) + "\n", path.name


@pytest.mark.parametrize("command", [
    ["release", "02_chian_rule"], ["grade", "02_chian_rule"], ["feedback", "02_chian_rule"],
    ["export", "02_chian_rule"], ["export", A, "02_chian_rule", "--format", "canvas"],
    ["collect", "02_chian_rule", "downloads", "--roster", "roster.csv"]])
def test_a_misspelled_assignment_gets_one_clear_answer(command, tmp_path, capsys):
    """Does every command answer a misspelled assignment with "no such assignment", the closest
    name and the known ones (exit 1), never a traceback or advice to write a translation, and
    leave the course folder without a gradebook or a release?"""
    assert main([*command, "--root", str(tmp_path / "course")]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: no such assignment: 02_chian_rule (did you mean "
                          f"{A}?); known: 01_perceptron, {A}, "), err
    assert "translations/" not in err and len(err.strip().splitlines()) == 1
    assert not (tmp_path / "course" / "release").exists()
    assert not (tmp_path / "course" / "gradebook.db").exists()


def test_install_course_answers_a_misspelled_assignment_the_same_way(tmp_path, capsys):
    """Does install-course answer a misspelled assignment with "no such assignment; known: ..."
    (exit 1), installing nothing?"""
    assert main(["install-course", str(tmp_path), "02_chian_rule"]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"error: no such assignment: 02_chian_rule; known: 01_perceptron, {A}")
    assert list(tmp_path.iterdir()) == []
