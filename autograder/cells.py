"""The one cell factory: builds nbgrader cells for authoring notebooks and for tests.

Every graded cell gets nbgrader metadata (schema 3); grade_ids must be unique and descriptive.
"""
import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

SCHEMA = 3


def _meta(grade_id, *, solution=False, grade=False, locked=False, points=None, task=False):
    meta = {"grade_id": grade_id, "solution": solution, "grade": grade, "locked": locked,
            "schema_version": SCHEMA}
    if task:
        meta["task"] = True
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
    """An answer cell: the region between BEGIN/END SOLUTION is replaced by a stub in the release."""
    cell = new_code_cell(source.strip("\n"))
    cell.metadata.update(_meta(grade_id, solution=True))
    return cell


def tests(source, grade_id, points):
    """An autograded test cell (locked); a BEGIN/END HIDDEN TESTS region is removed from the release."""
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
