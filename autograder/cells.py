"""nbgrader cells, in nbgrader's own vocabulary: the one place that builds them (the cell factory
used to author notebooks and build test fixtures) and reads them (which cell is an answer, a
test, a written answer; its grade_id; its source as students get it).

Built on nbgrader.utils (is_grade, is_solution, is_locked) and nbgrader's preprocessors, whose
delimiters (the ### BEGIN SOLUTION and ### BEGIN HIDDEN TESTS markers) it takes from their
traits, so a course that configures other markers stays consistent.
"""
import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook
from nbgrader.nbgraderformat import SCHEMA_VERSION
from nbgrader.preprocessors import ClearHiddenTests, ClearSolutions
from nbgrader.utils import is_grade, is_locked, is_solution

SOLUTION_MARKERS = (ClearSolutions.begin_solution_delimeter.default_value,
                    ClearSolutions.end_solution_delimeter.default_value)
HIDDEN_MARKERS = (ClearHiddenTests.begin_test_delimeter.default_value,
                  ClearHiddenTests.end_test_delimeter.default_value)
INSTRUCTOR_MARKERS = SOLUTION_MARKERS + HIDDEN_MARKERS
"""Text only instructor material contains: any of it in what a student receives is a leak."""

__all__ = ["is_grade", "is_locked", "is_solution", "meta", "grade_id", "is_test", "is_answer",
           "SOLUTION_MARKERS", "HIDDEN_MARKERS", "INSTRUCTOR_MARKERS"]


# --- reading ------------------------------------------------------------------------------------

def meta(cell):
    """The cell's nbgrader metadata ({} for an ordinary cell)."""
    return cell.get("metadata", {}).get("nbgrader") or {}


def grade_id(cell):
    return meta(cell).get("grade_id")


def is_test(cell):
    """An autograded test cell: a graded code cell that is not an answer."""
    return cell.get("cell_type") == "code" and is_grade(cell) and not is_solution(cell)


def is_answer(cell):
    """A code cell the student writes (a written answer is a graded markdown solution)."""
    return cell.get("cell_type") == "code" and is_solution(cell)


def answers(nb):
    """{grade_id: source} of the notebook's code answer cells."""
    return {grade_id(c): c.source for c in nb.cells if is_answer(c)}


def solutions(nb):
    """{grade_id: source} of every cell the student writes: code answers and written ones."""
    return {grade_id(c): c.source for c in nb.cells if is_solution(c)}


def tests(nb):
    """{grade_id: source} of the notebook's test cells."""
    return {grade_id(c): c.source for c in nb.cells if is_test(c)}


def without_solution_markers(source):
    """An answer cell's source with its BEGIN/END SOLUTION lines removed (the answer itself)."""
    lines = source.splitlines(keepends=True)
    return "".join(line for line in lines if not any(m in line for m in SOLUTION_MARKERS))


def _inside(source, markers):
    """(1-based line number, line) of every line strictly between a begin and an end marker."""
    inside = False
    for i, line in enumerate(source.splitlines(), 1):
        if markers[0] in line:
            inside = True
        elif markers[1] in line:
            inside = False
        elif inside:
            yield i, line


def solution_lines(source):
    """1-based line numbers strictly inside the SOLUTION region(s) of a cell."""
    return {i for i, _ in _inside(source, SOLUTION_MARKERS)}


def hidden_part(source):
    """The lines inside a test cell's hidden region(s) (those ClearHiddenTests removes)."""
    return [line for _, line in _inside(source, HIDDEN_MARKERS)]


def released(source):
    """A test cell's source as students get it: without its hidden region (nbgrader's
    ClearHiddenTests), stripped of surrounding blank lines."""
    cell = new_code_cell(source)
    ClearHiddenTests(enforce_metadata=False).preprocess_cell(cell, {}, 0)
    return cell.source.strip()


# --- building -----------------------------------------------------------------------------------

def _meta(grade_id, *, solution=False, grade=False, locked=False, points=None):
    meta = {"grade_id": grade_id, "solution": solution, "grade": grade, "locked": locked,
            "schema_version": SCHEMA_VERSION}
    if points is not None:
        meta["points"] = points
    return {"nbgrader": meta}


def markdown(text):
    """Prose; not tracked by nbgrader."""
    return new_markdown_cell(text.strip("\n"))


def code(source, grade_id=None):
    """Ungraded code. With a grade_id it is locked (read-only for students, restored at grading)."""
    cell = new_code_cell(source.strip("\n"))
    if grade_id:
        cell.metadata.update(_meta(grade_id, locked=True))
    return cell


def solution(source, grade_id):
    """An answer cell: its BEGIN/END SOLUTION region is replaced by a stub in the release."""
    cell = new_code_cell(source.strip("\n"))
    cell.metadata.update(_meta(grade_id, solution=True))
    return cell


def autograded(source, grade_id, points):
    """An autograded test cell (locked); its BEGIN/END HIDDEN TESTS region is not released."""
    cell = new_code_cell(source.strip("\n"))
    cell.metadata.update(_meta(grade_id, grade=True, locked=True, points=points))
    return cell


def written(text, grade_id, points):
    """A markdown answer graded by hand."""
    cell = new_markdown_cell(text.strip("\n"))
    cell.metadata.update(_meta(grade_id, solution=True, grade=True, points=points))
    return cell


def notebook(cells):
    """A notebook with the python3 kernelspec and no outputs."""
    nb = new_notebook(cells=list(cells))
    nb.metadata["kernelspec"] = {"display_name": "Python 3 (ipykernel)", "language": "python",
                                 "name": "python3"}
    nb.metadata["language_info"] = {"name": "python"}
    return nb


def write(nb, path):
    nbformat.validate(nb)
    nbformat.write(nb, str(path))
