"""Grades of one assignment out of the gradebook: a CSV (one row per roster student, one column
per graded cell) and a PNG for the instructor (grade distribution, mean score per exercise)."""
import csv
from pathlib import Path

from nbgrader.api import MissingEntry

from .text import for_csv
from .workspace import Course


def grade_cells(gb, assignment):
    """(grade_id, max points) of every graded cell of the assignment, in notebook order."""
    cells = []
    for nb in gb.find_assignment(assignment).notebooks:
        cells += [(c.name, c.max_score) for c in sorted(nb.grade_cells, key=_order(nb))]
    return cells


def exercises(gb, assignment):
    """{grade cell: exercise}: a test cell belongs to the answer cell above it, named without its
    `_answer` suffix (a graded answer cell, e.g. a written one, is its own exercise)."""
    found = {}
    for nb in gb.find_assignment(assignment).notebooks:
        graded = {c.name for c in nb.grade_cells}
        solutions = {c.name for c in nb.solution_cells}
        current = None
        for cell in nb.source_cells:
            if cell.name in solutions:
                current = cell.name.removesuffix("_answer")
            if cell.name in graded:
                found[cell.name] = current or cell.name
    return found


def _order(nb):
    # nbgrader keeps no cell index for grade cells; source cells remember their position.
    position = {c.name: i for i, c in enumerate(nb.source_cells)}
    return lambda cell: position.get(cell.name, len(position))


def rows(assignment, course=None):
    """One dict per student: id, names, email, status, points per grade cell, total, max."""
    course = course or Course()
    out, pending = [], set()
    with course.gradebook() as gb:
        cells = grade_cells(gb, assignment)
        maximum = sum(points for _, points in cells)
        for student in sorted(gb.students, key=lambda s: s.id):
            row = {"id": student.id, "first_name": student.first_name or "",
                   "last_name": student.last_name or "", "email": student.email or ""}
            try:
                sub = gb.find_submission(assignment, student.id)
            except MissingEntry:
                out.append({**row, "status": "missing", **{g: 0 for g, _ in cells},
                            "total": 0, "max": maximum, "late_penalty": 0})
                continue
            scores = {g.name: g.score for nb in sub.notebooks for g in nb.grades}
            # No score of any kind yet: a written answer no grader has marked.
            pending.update(g.name for nb in sub.notebooks for g in nb.grades
                           if g.auto_score is None and g.manual_score is None)
            review = any(g.needs_manual_grade for nb in sub.notebooks for g in nb.grades)
            out.append({**row, "status": "needs manual grading" if review else "graded",
                        **{g: scores.get(g, 0) for g, _ in cells},
                        "total": sub.score - sub.late_submission_penalty, "max": maximum,
                        "late_penalty": sub.late_submission_penalty})
        groups = exercises(gb, assignment)
    # Cells no grader has looked at yet would show as 0 %: leave them out of the picture.
    return out, cells, {g: ex for g, ex in groups.items() if g not in pending}


ENCODING = "utf-8-sig"
"""UTF-8 with a byte order mark: without one, Excel opens a CSV in the machine's legacy code page
and shows a Korean (or any non-ASCII) name as mojibake; Python reads it back with utf-8-sig,
LibreOffice and Google Sheets ignore the mark."""


def write_csv(table, cells, path):
    columns = ["id", "first_name", "last_name", "email", "status", *(g for g, _ in cells),
               "late_penalty", "total", "max"]
    with open(path, "w", newline="", encoding=ENCODING) as f:
        writer = csv.DictWriter(f, fieldnames=columns)
        writer.writeheader()
        # names, ids and emails are the students' text: no cell may start a formula
        writer.writerows({k: for_csv(v) for k, v in row.items()} for row in table)


def figure(table, cells, groups, assignment):
    """Histogram of total scores, and mean fraction of points per exercise (hardest in red)."""
    import matplotlib
    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    submitted = [r for r in table if r["status"] != "missing"]
    fig = Figure(figsize=(11, 4.5), layout="constrained")
    left, right = fig.subplots(1, 2, width_ratios=(1, 1.6))
    maximum = table[0]["max"] if table else 1
    left.hist([r["total"] for r in submitted], bins=min(20, max(1, int(maximum)) + 1),
              range=(0, maximum), color="#4c72b0", edgecolor="white")
    left.set(title=f"{assignment}: {len(submitted)} submissions", xlabel="total points",
             ylabel="students")
    points = {}
    for g, p in cells:
        if g not in groups:
            continue
        got = sum(r[g] for r in submitted) / max(1, len(submitted))
        done, total = points.get(groups[g], (0, 0))
        points[groups[g]] = (done + got, total + p)
    means = sorted((done / total if total else 0, ex) for ex, (done, total) in points.items())
    colors = ["#c44e52" if i == 0 else "#8c8c8c" for i in range(len(means))]
    right.barh([g for _, g in means], [100 * m for m, _ in means], color=colors)
    for y, (m, _) in enumerate(means):
        right.text(100 * m + 1, y, f"{100 * m:.0f} %", va="center")
    left.yaxis.get_major_locator().set_params(integer=True)
    right.set(title="mean score per exercise (hardest first, in red)", xlabel="% of points",
              xlim=(0, 100))
    right.invert_yaxis()
    return fig


def _graded_rows(assignment, course):
    """rows(), refused when the assignment is unknown or nobody has been graded (a CSV of zeros
    would look like a class that scored nothing)."""
    try:
        table, cells, groups = rows(assignment, course)
    except MissingEntry:
        with course.gradebook() as gb:
            known = sorted(a.name for a in gb.assignments)
        raise RuntimeError(f"no assignment {assignment} in the gradebook {course.db_url} "
                           f"(known: {', '.join(known) or 'none'}): check the name, or release "
                           "it first") from None
    if not any(r["status"] != "missing" for r in table):
        raise RuntimeError(f"nothing graded for {assignment} in {course.db_url}: run `grade "
                           f"{assignment}` first (no CSV written)")
    return table, cells, groups


def export(assignment, out=None, course=None):
    """Write <out>/<assignment>_grades.csv and <assignment>_grades.png; returns both paths."""
    course = course or Course()
    table, cells, groups = _graded_rows(assignment, course)
    out = Path(out or course.root / "export")
    out.mkdir(parents=True, exist_ok=True)
    csv_path, png_path = out / f"{assignment}_grades.csv", out / f"{assignment}_grades.png"
    write_csv(table, cells, csv_path)
    figure(table, cells, groups, assignment).savefig(png_path, dpi=110)
    return csv_path, png_path
