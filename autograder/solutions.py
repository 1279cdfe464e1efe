"""Clean solution notebooks, generated from the source notebooks and never edited by hand.

solutions/notebooks/<assignment>.ipynb has the instructor's answers (without the SOLUTION
markers), no hidden tests, no nbgrader metadata and no outputs (committed notebooks carry no
outputs), and a first markdown cell saying it is generated. Every run executes each one, so a
solution that fails its own visible tests stops the command; the executed copy, with outputs,
goes to <root>/solutions/<assignment>.ipynb (git-ignored) for reading.
"""
import os
from pathlib import Path

import nbformat
from nbgrader.preprocessors import ClearHiddenTests, ClearMarkScheme, ClearOutput, Execute

from .cells import without_solution_markers
from .release import LEAK_MARKERS
from .workspace import SOLUTIONS, SOURCES, Course, assignments

OUT = SOLUTIONS / "notebooks"


def banner(assignment):
    return nbformat.v4.new_markdown_cell(
        f"**Generated solution of {assignment}: do not edit.** Made by `python -m autograder "
        f"solutions` (`make solutions`) from `source_notebooks/{assignment}/{assignment}.ipynb`; "
        "answers shown, hidden tests removed.")


def clean(assignment, source=None):
    """The solution notebook of one assignment, without outputs (from `source`, a source
    notebook's path, default the English one)."""
    source = source or SOURCES / assignment / f"{assignment}.ipynb"
    nb = nbformat.read(str(source), as_version=4)
    for pp in (ClearHiddenTests(), ClearMarkScheme(), ClearOutput()):
        nb, _ = pp.preprocess(nb, {})
    nb.cells.insert(0, banner(assignment))
    for cell in nb.cells:
        cell.source = without_solution_markers(cell.source)
        cell.metadata.pop("nbgrader", None)
        cell.pop("id", None)  # ids would change on each run; nbformat 4.4 cells have none
    nb.nbformat_minor = 4
    return nb


def execute(nb, assignment):
    """Run the solution; raise with the failing cell if it does not pass its own tests."""
    os.environ.setdefault("MPLBACKEND", "Agg")
    nb = nbformat.from_dict(nb)
    nb, _ = Execute(timeout=120).preprocess(nb, {"metadata": {"path": str(SOURCES / assignment)}})
    for i, cell in enumerate(nb.cells):
        errors = [o for o in cell.get("outputs", []) if o.output_type == "error"]
        if errors:
            raise RuntimeError(f"the solution of {assignment} fails in cell {i}: "
                               f"{errors[0].ename}: {errors[0].evalue}\n{cell.source[:300]}")
    return nb


def generate(names=None, course=None, out=OUT):
    """Regenerate `out` (solutions/notebooks/) and the executed copies under <root>/solutions/."""
    course = course or Course()
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    written, failed = [], []
    for assignment in names or assignments():
        try:
            written.append(_generate_one(assignment, course, out))
        except Exception as exc:  # one broken source must not hold back the others
            failed.append(f"{assignment}: {exc}")
    if failed:
        raise RuntimeError("\n".join(failed) + f"\n(written: {[str(t) for t, _ in written]})")
    return written


def _generate_one(assignment, course, out):
    nb = clean(assignment)
    executed = execute(nb, assignment)
    target = out / f"{assignment}.ipynb"
    nbformat.write(nb, str(target))
    bad = [m for m in LEAK_MARKERS if m in target.read_text()]
    if bad:
        target.unlink()
        raise RuntimeError(f"the solution of {assignment} still contains {bad}; removed it")
    copy = Path(course.root) / "solutions" / f"{assignment}.ipynb"
    copy.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(executed, str(copy))
    return target, copy
