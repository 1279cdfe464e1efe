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


KEYS = ("grade", "grade_id", "locked", "points", "solution", "schema_version")
"""What nbgrader metadata means; the release adds a checksum and cell_type, which are kept."""


def _semantic(meta):
    return {k: meta.get(k) for k in KEYS}


def _meta(cell):
    return cell.get("metadata", {}).get("nbgrader") or {}


def defined_names(source):
    """Top-level functions and classes a cell defines."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return set()
    return {n.name for n in tree.body if isinstance(n, (ast.FunctionDef, ast.ClassDef))}


def _stub(cell):
    note = (f"# The answer cell {_meta(cell)['grade_id']} was missing from the submission "
            "(restored empty by the grader).")
    return new_code_cell(note) if cell.cell_type == "code" else new_markdown_cell(
        f"*(The answer cell {_meta(cell)['grade_id']} was missing from the submission.)*")


def _restored(cell):
    """A source cell as it goes back into a submission: outputs cleared; answers stubbed."""
    new = _stub(cell) if _meta(cell).get("solution") else copy.deepcopy(cell)
    new.metadata = copy.deepcopy(cell.metadata)
    if new.cell_type == "code":
        new.outputs, new.execution_count = [], None
    return new


def repair(nb, source):
    """Repair `nb` in place against the `source` notebook; a list of what was changed."""
    notes = []
    ids = {_meta(c)["grade_id"]: c for c in source.cells if _meta(c).get("grade_id")}
    order = [_meta(c)["grade_id"] for c in source.cells if _meta(c).get("grade_id")]
    seen = set()
    for cell in nb.cells:
        meta = _meta(cell)
        if not meta:
            continue
        gid = meta.get("grade_id")
        if gid not in ids:
            cell.metadata.pop("nbgrader", None)
            notes.append(f"a cell with unknown grade_id {gid!r} was treated as an ordinary cell")
            continue
        if gid in seen:
            cell.metadata.pop("nbgrader", None)
            notes.append(f"a second cell with grade_id {gid!r} was treated as an ordinary cell")
            continue
        seen.add(gid)
        original = ids[gid]
        if _semantic(meta) != _semantic(_meta(original)):
            notes.append(f"the nbgrader metadata of {gid} was edited and was reset")
        for key in KEYS:
            if key in _meta(original):
                cell.metadata["nbgrader"][key] = copy.deepcopy(_meta(original)[key])
            else:
                cell.metadata["nbgrader"].pop(key, None)
        cell.metadata["nbgrader"]["cell_type"] = original.cell_type
        if cell.cell_type != original.cell_type:
            notes.append(f"{gid} was turned into a {cell.cell_type} cell and was turned back")
            cell.cell_type = original.cell_type
            if cell.cell_type == "code":
                cell.outputs, cell.execution_count = [], None
            else:
                cell.pop("outputs", None)
                cell.pop("execution_count", None)
            cell.pop("attachments", None) if cell.cell_type == "code" else None
    # missing cells go back after the nearest earlier cell of the source that is present
    for i, gid in enumerate(order):
        if gid in seen:
            continue
        original = ids[gid]
        where = 0
        for earlier in reversed(order[:i]):
            hit = next((k for k, c in enumerate(nb.cells) if _meta(c).get("grade_id") == earlier),
                       None)
            if hit is not None:
                where = hit + 1
                break
        nb.cells.insert(where, _restored(original))
        seen.add(gid)
        notes.append(f"{gid} was missing and was restored"
                     + (" empty" if _meta(original).get("solution") else ""))
    return notes


def answer_source(nb, source_cell):
    """The student's source for one answer cell of the source notebook: the cell with its
    grade_id, else an ordinary cell defining the same functions or classes, else ''."""
    gid = _meta(source_cell).get("grade_id")
    for cell in nb.cells:
        if _meta(cell).get("grade_id") == gid and cell.cell_type == source_cell.cell_type:
            return cell.source
    wanted = defined_names(source_cell.source)
    if wanted:
        for cell in nb.cells:
            if cell.cell_type == "code" and not _meta(cell) and wanted <= defined_names(cell.source):
                return cell.source
    return ""
