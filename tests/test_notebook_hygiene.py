"""Committed notebooks are clean sources: no outputs, no widget state, well-formed grade cells."""
import ast
import json
import re
import subprocess
from collections import Counter
from pathlib import Path

import nbformat
import pytest

from autograder import cells, translate
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


def _bound(source):
    """Names a cell binds at its top level (assignments, defs, classes, imports, loop targets)."""
    tree = ast.parse("\n".join(line for line in source.splitlines()
                               if not line.lstrip().startswith(("%", "!"))))
    names = set()
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            names |= {(a.asname or a.name).split(".")[0] for a in node.names}
        else:
            for target in ([*node.targets] if isinstance(node, ast.Assign) else
                           [node.target] if isinstance(node, (ast.AnnAssign, ast.AugAssign,
                                                              ast.For)) else
                           [i.optional_vars for i in node.items if i.optional_vars]
                           if isinstance(node, ast.With) else []):
                names |= {n.id for n in ast.walk(target) if isinstance(n, ast.Name)}
    return names


def _glossary_helpers():
    import tomllib
    with open(REPO / "course" / "glossary.toml", "rb") as handle:
        return set(tomllib.load(handle)["names"]["helpers"])


def test_given_cells_never_rebind_a_name_a_student_may_define():
    """Does no given cell that runs after a notebook's first answer cell bind a name an answer
    cell defines (in any notebook) or that the glossary lists as a likely student helper? (06
    once rebound `sigmoid` after the layer exercise, breaking a student's own helper.)"""
    notebooks = {p: nbformat.read(str(p), as_version=4) for p in SOURCE_NBS}
    answers = set()
    for nb in notebooks.values():
        answers |= {n for c in nb.cells if c.cell_type == "code" and cells.is_solution(c)
                    for n in _bound(c.source)}
    forbidden = answers | _glossary_helpers()
    assert {"sigmoid", "step", "predict", "mul_backward"} <= forbidden
    clashes = []
    for path, nb in notebooks.items():
        first = next(i for i, c in enumerate(nb.cells) if cells.is_solution(c))
        for i, cell in enumerate(nb.cells[first + 1:], first + 1):
            if cell.cell_type == "code" and not cells.is_solution(cell):
                clashes += [(path.name, i, n) for n in sorted(_bound(cell.source) & forbidden)]
    assert not clashes, clashes


def test_every_exercise_with_several_outputs_states_the_return_form():
    """Does the text of every exercise whose function returns several values say in which form
    (the checker's one rule: a tuple or list, a 1-d array of numbers, never a dict)?"""
    from course.grading.drivers import affine_layer, one_input_layer
    from course.grading.grader import load
    missing = []
    for path in SOURCE_NBS:
        nb = nbformat.read(str(path), as_version=4)
        exercises = load(path.stem).EXERCISES
        for i, cell in enumerate(nb.cells):
            gid = cells.grade_id(cell) if cell.cell_type == "code" else None
            if not gid or not cells.is_solution(cell) or not gid.endswith("_answer"):
                continue
            names = _bound(cell.source) & set(exercises)
            several = [n for n in names if len(exercises[n].returns) > 1
                       and exercises[n].call not in (affine_layer, one_input_layer)]
            text = nb.cells[i - 1].source if nb.cells[i - 1].cell_type == "markdown" else ""
            if several and "**Returns:**" not in text:
                missing.append((path.stem, gid))
    assert not missing, missing


@pytest.mark.parametrize("path", SOURCE_NBS, ids=lambda p: p.name)
def test_every_answer_cell_is_found_again_after_its_metadata_is_stripped(path):
    """A submission whose nbgrader metadata was stripped keeps every answer: does the repair
    recognise each code answer cell (by what it defines or assigns) instead of restoring it
    empty? (A written answer has nothing to recognise it by; it goes back empty, and the
    student's text stays beside it for the manual grader.)"""
    from autograder.repair import repair
    source = nbformat.read(str(path), as_version=4)
    answered = nbformat.read(str(path), as_version=4)
    for cell in answered.cells:
        cell.metadata.pop("nbgrader", None)
    notes = repair(answered, source)
    written = {cells.grade_id(c) for c in source.cells if c.cell_type == "markdown"}
    for line in notes:
        if "restored" in line:
            assert set(line.split(": ", 1)[1].split(", ")) <= written, notes
    answers = [cells.grade_id(c) for c in source.cells
               if cells.is_solution(c) and c.cell_type == "code"]
    back = {cells.grade_id(c): c.source for c in answered.cells if cells.grade_id(c)}
    for gid in answers:
        original = next(c.source for c in source.cells if cells.grade_id(c) == gid)
        assert back[gid] == original, gid


_STATED_POINTS = re.compile(r"^#+ .*?\((\d+) ?(?:points?|점)", re.M)


def _stated_and_graded_points(nb):
    """{heading: (points it states, points of the grade cells under it)}: a heading that states
    points ('### Exercise 2 (6 points)', '### 연습 문제 2 (6점)') owns the grade cells up to the
    next such heading."""
    found, current = {}, None
    for cell in nb["cells"]:
        if cell["cell_type"] == "markdown":
            for m in _STATED_POINTS.finditer("".join(cell["source"])):
                current = m.group(0)
                found[current] = [int(m.group(1)), 0]
        meta = cell["metadata"].get("nbgrader", {})
        if meta.get("grade") and current is not None:
            found[current][1] += meta.get("points", 0)
    return found


@pytest.mark.parametrize("assignment", assignments())
def test_every_heading_states_the_points_of_its_grade_cells(assignment):
    """Does every heading that states an exercise's points, in English and in Korean, state the
    sum of the points of the grade cells under it?"""
    paths = [SOURCES / assignment / f"{assignment}.ipynb",
             translate.source_root("ko") / assignment / f"{assignment}.ipynb"]
    for path in paths:
        found = _stated_and_graded_points(json.loads(path.read_text()))
        assert found, f"{path}: no heading states points"
        wrong = {h: p for h, p in found.items() if p[0] != p[1]}
        assert not wrong, f"{path}: heading states, grade cells hold: {wrong}"


def test_readme_lists_each_notebooks_points():
    """Does the README's table of notebooks give each notebook's total points, as its grade
    cells hold them?"""
    readme = (REPO / "README.md").read_text()
    for assignment in assignments():
        nb = json.loads((SOURCES / assignment / f"{assignment}.ipynb").read_text())
        total = sum(c["metadata"].get("nbgrader", {}).get("points", 0) for c in nb["cells"]
                    if c["metadata"].get("nbgrader", {}).get("grade"))
        row = next(line for line in readme.splitlines() if f"| `{assignment}` |" in line)
        assert row.rstrip().endswith(f"| {total:g} |"), (assignment, total, row)
