"""Put a tampered or damaged submission back into the shape nbgrader can grade, and say what
was done. Runs before nbgrader's sanitize chain (which then restores every test and locked cell's
source and points from the gradebook).

Against the instructor's source notebook:
- nbgrader metadata with a grade_id the assignment does not have (a spoofed test cell) is removed;
- a second cell with an id already seen (a copied test cell) loses its metadata;
- a cell whose type was changed (a locked code cell turned to markdown) gets its type back;
- `schema_version` and other metadata edits are reset to the source's;
- a test, locked or answer cell that is missing (deleted, or its metadata stripped) is put back
  where it was: test and locked cells as in the source, a missing answer cell as an empty one (the
  student's code may still define the function elsewhere; the answer itself is never inserted).
"""
import ast
import copy

from nbformat.v4 import new_code_cell, new_markdown_cell

from course.i18n import _

from .cells import grade_id, is_solution, meta, released

KEYS = ("grade", "grade_id", "locked", "points", "solution", "schema_version")
"""What nbgrader metadata means; the release adds a checksum and cell_type, which are kept."""


def _semantic(meta):
    return {k: meta.get(k) for k in KEYS}


def defined_names(source):
    """Top-level functions and classes a cell defines; for a cell that defines none, the names
    it assigns at top level (an answer may be one assignment, like BUGGY_WIRES = ...)."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return set()
    defs = {n.name for n in tree.body
            if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))}
    if defs:
        return defs
    assigned = set()
    for node in tree.body:
        if isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            assigned.update(t.id for t in targets if isinstance(t, ast.Name))
    return assigned


def _stub(cell):
    note = "# " + _("The answer cell {id} was missing from the submission (restored empty by "
                    "the grader).", id=grade_id(cell))
    return new_code_cell(note) if cell.cell_type == "code" else new_markdown_cell(
        "*(" + _("The answer cell {id} was missing from the submission.", id=grade_id(cell))
        + ")*")


def _restored(cell):
    """A source cell as it goes back into a submission: outputs cleared; answers stubbed."""
    new = _stub(cell) if is_solution(cell) else copy.deepcopy(cell)
    new.metadata = copy.deepcopy(cell.metadata)
    if new.cell_type == "code":
        new.outputs, new.execution_count = [], None
    return new


class _Notes:
    """What was repaired, one line per kind of repair, naming the cells."""

    def __init__(self):
        self.kinds = {}

    def add(self, kind, gid):
        self.kinds.setdefault(kind, []).append(str(gid))

    def lines(self):
        return [f"{kind}: {', '.join(ids)}" for kind, ids in self.kinds.items()]


def repair(nb, source):
    """Repair `nb` in place against the `source` notebook; a list of what was changed."""
    notes = _Notes()
    ids = {grade_id(c): c for c in source.cells if grade_id(c)}
    order = [grade_id(c) for c in source.cells if grade_id(c)]
    seen = set()
    for cell in nb.cells:
        found = meta(cell)
        if not found:
            continue
        gid = found.get("grade_id")
        if gid not in ids:
            cell.metadata.pop("nbgrader", None)
            notes.add("cells with unknown grade_ids were treated as ordinary cells", gid)
            continue
        if gid in seen:
            cell.metadata.pop("nbgrader", None)
            notes.add("second cells with the same grade_id were treated as ordinary cells", gid)
            continue
        seen.add(gid)
        original = ids[gid]
        if _semantic(found) != _semantic(meta(original)):
            notes.add("edited nbgrader metadata was reset", gid)
        for key in KEYS:
            if key in meta(original):
                cell.metadata["nbgrader"][key] = copy.deepcopy(meta(original)[key])
            else:
                cell.metadata["nbgrader"].pop(key, None)
        cell.metadata["nbgrader"]["cell_type"] = original.cell_type
        if cell.cell_type != original.cell_type:
            notes.add("cells whose type was changed were turned back", gid)
            cell.cell_type = original.cell_type
            if cell.cell_type == "code":  # a code cell has outputs and no attachments
                cell.outputs, cell.execution_count = [], None
                cell.pop("attachments", None)
            else:
                cell.pop("outputs", None)
                cell.pop("execution_count", None)
    # cells whose metadata was stripped get it back; missing cells go back after the nearest
    # earlier cell of the source that is present
    for i, gid in enumerate(order):
        if gid in seen:
            continue
        original = ids[gid]
        same = _stripped_copy(nb, original)
        if same is not None:
            same.metadata["nbgrader"] = {**copy.deepcopy(meta(original)),
                                         "cell_type": original.cell_type}
            seen.add(gid)
            notes.add("cells that had lost their nbgrader metadata got it back", gid)
            continue
        where = 0
        for earlier in reversed(order[:i]):
            hit = next((k for k, c in enumerate(nb.cells) if grade_id(c) == earlier),
                       None)
            if hit is not None:
                where = hit + 1
                break
        nb.cells.insert(where, _restored(original))
        seen.add(gid)
        notes.add("missing answer cells were restored empty" if is_solution(original)
                  else "missing cells were restored", gid)
    return notes.lines()


def _stripped_copy(nb, original):
    """An ordinary cell of `nb` that is `original` without its metadata: the same source for a
    test or locked cell, the same functions and classes defined for an answer cell."""
    wanted = defined_names(original.source) if is_solution(original) else None
    for cell in nb.cells:
        if meta(cell) or cell.cell_type != original.cell_type:
            continue
        if wanted is None and released(cell.source) == released(original.source):
            return cell
        if wanted and wanted <= defined_names(cell.source):
            return cell
    return None


def answer_source(nb, source_cell):
    """The student's source for one answer cell of the source notebook: the cell with its
    grade_id, else an ordinary cell defining the same functions or classes, else ''."""
    gid = grade_id(source_cell)
    for cell in nb.cells:
        if grade_id(cell) == gid and cell.cell_type == source_cell.cell_type:
            return cell.source
    wanted = defined_names(source_cell.source)
    if wanted:
        for cell in nb.cells:
            if cell.cell_type == "code" and not meta(cell) and wanted <= defined_names(cell.source):
                return cell.source
    return ""
