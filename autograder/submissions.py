"""Simulated submissions: a release notebook with its answer cells filled in.

Variants (solutions/variants/<assignment>.py, dict VARIANTS) are answers a student could write:
typical bugs, which must lose exactly the points of the tests they name, and differently written
correct answers, which must get full marks. The end-to-end tests, the accuracy report and
`make demo` all build their submissions here.
"""
import importlib.util
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import nbformat

from . import cells
from .workspace import SOLUTIONS, SOURCES


@dataclass(frozen=True)
class Variant:
    """One simulated answer set for an assignment."""
    answers: dict
    """Solution-cell grade_id -> the whole cell source the student wrote."""
    fails: frozenset = frozenset()
    """Test-cell grade_ids that must lose their points (empty for a correct alternative)."""
    kind: str = "bug"
    """"bug" (must lose exactly `fails`) or "alternative" (must get full marks)."""
    note: str = ""
    """What the student did, in words, for reports."""
    hints: frozenset = frozenset()
    """Keys of the hints (course.grading.hints) that are right for this bug: the accuracy report
    counts any other hint shown for it as a wrong hint."""


def bug(cell, tests, note, source, hints=()):
    """A typical bug in one answer cell, which must lose exactly the test cells `tests`;
    `hints` are the keys of the hints that are right for it (any other one shown is wrong)."""
    return Variant({cell: source}, frozenset(tests), "bug", note, frozenset(hints))


def alt(cell, note, source):
    """A differently written correct answer for one cell, which must get full marks."""
    return Variant({cell: source}, frozenset(), "alternative", note)


def source_notebook(assignment):
    return nbformat.read(str(SOURCES / assignment / f"{assignment}.ipynb"), as_version=4)


def source_answers(assignment):
    """The instructor's answers: every solution cell's source without the SOLUTION markers."""
    return {gid: cells.without_solution_markers(source)
            for gid, source in cells.solutions(source_notebook(assignment)).items()}


def load_variants(assignment):
    """VARIANTS of solutions/variants/<assignment>.py ({} if the file does not exist)."""
    path = SOLUTIONS / "variants" / f"{assignment}.py"
    if not path.exists():
        return {}
    spec = importlib.util.spec_from_file_location(f"backprop_variants_{assignment}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.VARIANTS


def build_submission(release_nb, assignment, answers=None, blank=False):
    """A copy of `release_nb` (a release notebook) with the answer cells filled.

    Cells named in `answers` get that source; the others get the instructor's answer, unless
    `blank`, which leaves the release stubs as they are (an untouched submission).
    """
    nb = nbformat.from_dict(release_nb)
    filled = {} if blank else source_answers(assignment)
    filled.update(answers or {})
    for cell in nb.cells:
        if cells.is_solution(cell) and cells.grade_id(cell) in filled:
            cell.source = filled[cells.grade_id(cell)]
    return nb


def submit(root, student, assignment, nb, timestamp=None):
    """Write `nb` into nbgrader's submitted/<student>/<assignment>/ under `root`."""
    folder = Path(root) / "submitted" / student / assignment
    folder.mkdir(parents=True, exist_ok=True)
    if isinstance(nb, (str, bytes)):
        (folder / f"{assignment}.ipynb").write_bytes(nb if isinstance(nb, bytes) else nb.encode())
    else:
        nbformat.write(nb, str(folder / f"{assignment}.ipynb"))
    stamp = timestamp or datetime.now(UTC)
    (folder / "timestamp.txt").write_text(stamp.strftime("%Y-%m-%d %H:%M:%S.%f %Z"))
    return folder


def bundles(variants, kind):
    """Merge single-exercise variants of one kind into as few submissions as possible.

    The k-th variant of every exercise goes into bundle k, so one autograded notebook checks one
    variant per exercise at once; exercises are told apart by the answer cells they replace.
    """
    by_cells = {}
    for name, v in variants.items():
        if v.kind == kind:
            by_cells.setdefault(tuple(sorted(v.answers)), []).append((name, v))
    merged = []
    for k in range(max((len(vs) for vs in by_cells.values()), default=0)):
        names, answers, fails = [], {}, set()
        for vs in by_cells.values():
            if k < len(vs):
                name, v = vs[k]
                if set(v.answers) & set(answers):
                    raise ValueError(f"variant {name} overlaps another in bundle {k}")
                names.append(name)
                answers.update(v.answers)
                fails |= set(v.fails)
        merged.append(("+".join(names), Variant(answers, frozenset(fails), kind)))
    return merged
