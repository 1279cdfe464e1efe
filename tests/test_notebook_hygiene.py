"""Committed notebooks are clean sources: no outputs, no widget state, well-formed grade cells."""
import ast
import json
import subprocess
from collections import Counter
from pathlib import Path

import nbformat
import pytest

from autograder.workspace import REPO, SOLUTIONS, SOURCES, assignments

COMMITTED = [REPO / p for p in subprocess.run(
    ["git", "ls-files", "*.ipynb"], cwd=REPO, capture_output=True, text=True).stdout.split()]
SOURCE_NBS = [SOURCES / a / f"{a}.ipynb" for a in assignments()]


@pytest.mark.parametrize("path", COMMITTED, ids=lambda p: p.name)
def test_committed_notebook_has_no_outputs_or_widget_state(path):
    """Is the committed notebook free of outputs, execution counts and saved widget state?"""
    nb = json.loads(path.read_text())
    assert not nb["metadata"].get("widgets")
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            assert cell["outputs"] == [] and cell["execution_count"] is None


@pytest.mark.parametrize("path", SOURCE_NBS, ids=lambda p: p.name)
def test_source_notebook_grade_cells_are_well_formed(path):
    """Are grade_ids unique and descriptive, test cells commented and points set?"""
    nb = nbformat.read(str(path), as_version=4)
    nbformat.validate(nb)
    assert nb.metadata.kernelspec.name == "python3"
    metas = [c.metadata["nbgrader"] for c in nb.cells if "nbgrader" in c.metadata]
    ids = Counter(m["grade_id"] for m in metas)
    assert all(n == 1 for n in ids.values()), ids
    assert all(len(i) >= 8 and "cell-" not in i for i in ids), ids
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("grade") and cell.cell_type == "code":
            assert meta["points"] > 0 and meta["locked"]
            assert cell.source.lstrip().startswith("#"), meta["grade_id"]
        if cell.cell_type == "code":
            ast.parse(cell.source.replace("%matplotlib inline", ""))


def _reference_functions():
    """(assignment, name, source) of every top-level function in solutions/reference/."""
    for path in sorted((SOLUTIONS / "reference").glob("*.py")):
        tree = ast.parse(path.read_text())
        for node in tree.body:
            if isinstance(node, (ast.FunctionDef, ast.ClassDef)) and not node.name.startswith("_"):
                yield path.stem, node.name, ast.get_source_segment(path.read_text(), node)


def test_course_package_contains_no_reference_code():
    """Does no module of the installed course package define a reference function or class,
    or carry solution markers?"""
    import course
    package = Path(course.__file__).parent
    defined = set()
    for path in package.rglob("*.py"):
        text = path.read_text()
        assert "BEGIN SOLUTION" not in text and "BEGIN HIDDEN TESTS" not in text, path
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
                defined.add(node.name)
    graded = {name for _, name, _ in _reference_functions()}
    assert not (defined & graded) - _forbidden_helpers(), sorted(defined & graded)


def _forbidden_helpers():
    """Course helpers an exercise asks students to rewrite (refused during its hidden test)."""
    from course.grading.grader import load
    names = set()
    for a in assignments():
        if (SOLUTIONS / "reference" / f"{a}.py").exists():
            for ex in load(a).EXERCISES.values():
                names |= {dotted.rsplit(".", 1)[-1] for dotted in ex.forbid}
    return names
