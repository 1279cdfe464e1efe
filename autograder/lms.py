"""Grades in the files an LMS imports: Canvas's gradebook CSV and Moodle's grade-import CSV.

One row per roster student, one column per assignment holding its total (late penalty taken off,
as `export`'s own CSV). The LMS matches a row to its student by an identifier of its own that
nbgrader does not know, so it comes from the roster (collect's CSV, extra columns):

- **Canvas** (Gradebook > Import): the header Canvas's own gradebook export writes,
  `Student,ID,SIS User ID,SIS Login ID,Section`, then one column per assignment named as Canvas
  names it, `Assignment Name (assignment id)` (copy it from a Canvas export, or give only a name:
  Canvas then offers to create that assignment); the second row is `Points Possible` with each
  assignment's maximum. Canvas matches a student by ID, SIS User ID or SIS Login ID: the roster's
  `canvas_id`, `sis_user_id`, `sis_login_id` columns (at least one per student), and `section`.
- **Moodle** (Grades > Import > CSV file): one identifier column, `Email address` (the roster's
  `email`) or `ID number` (the roster's `idnumber`), then one column per grade item; Moodle's
  import page maps the identifier column to the user field of the same name and each other
  column to a grade item.

A student with no submission gets an empty cell (both LMSs then leave that grade as it is);
students still waiting for a hand-graded answer get their total so far, and are listed.
"""
import csv
from pathlib import Path

from .export import rows
from .roster import read_roster
from .text import csv_row, for_terminal
from .workspace import Course

CANVAS_HEADER = ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]
CANVAS_IDS = ("canvas_id", "sis_user_id", "sis_login_id")
MOODLE_KEYS = {"email": ("Email address", "email"), "idnumber": ("ID number", "idnumber")}


def _points(value):
    text = f"{float(value):.2f}".rstrip("0").rstrip(".")
    return text or "0"


def _grades(assignment_ids, course):
    """{assignment: ({student: row of export.rows}, max points)}."""
    from nbgrader.api import MissingEntry
    out = {}
    for a in assignment_ids:
        try:
            table, cells, _ = rows(a, course)
        except MissingEntry:
            raise RuntimeError(f"assignment {a} is not in the gradebook {course.db_url}: release "
                               "and grade it first") from None
        out[a] = ({r["id"]: r for r in table}, sum(p for _, p in cells))
    if not any(r["status"] != "missing" for table, _ in out.values() for r in table.values()):
        raise RuntimeError(f"nothing graded for {', '.join(assignment_ids)} in {course.db_url}: "
                           "run `grade` first (no CSV written)")
    return out


def _cell(grades, assignment, student):
    row = grades[assignment][0].get(student)
    return "" if row is None or row["status"] == "missing" else _points(row["total"])


def _notes(grades, roster):
    notes = []
    for a, (table, _) in grades.items():
        pending = sorted(s for s, r in table.items() if r["status"] == "needs manual grading")
        if pending:
            notes.append(f"{a}: {len(pending)} students still need hand grading (their totals "
                         f"so far are exported): {', '.join(pending)}")
        strangers = sorted(set(table) - set(roster))
        if strangers:
            notes.append(f"{a}: in the gradebook but not on the roster, so not exported: "
                         f"{', '.join(strangers)}")
    return [for_terminal(n) for n in notes]  # gradebook ids may come from nbgrader's exchange


def _headers(assignment_ids, columns):
    unknown = sorted(set(columns) - set(assignment_ids))
    if unknown:
        raise RuntimeError(f"--column names an assignment not exported: {', '.join(unknown)}")
    return [columns.get(a, a) for a in assignment_ids]


def canvas(assignment_ids, roster_csv, path, course=None, columns=None):
    """Write Canvas's gradebook import CSV to `path`; returns notes for the instructor."""
    course = course or Course()
    roster = read_roster(roster_csv)
    unmatched = [sid for sid, row in roster.items() if not any(row.get(c) for c in CANVAS_IDS)]
    if unmatched:
        raise RuntimeError(f"roster {roster_csv}: Canvas matches students by ID, SIS User ID or "
                           f"SIS Login ID, and these have none (columns {', '.join(CANVAS_IDS)}):"
                           f" {', '.join(unmatched)}")
    grades = _grades(assignment_ids, course)
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        # every row through csv_row: names and ids are the students' text (text.for_csv)
        writer.writerow(csv_row(CANVAS_HEADER + _headers(assignment_ids, columns or {})))
        writer.writerow(csv_row(["Points Possible", "", "", "", "",
                                 *(_points(grades[a][1]) for a in assignment_ids)]))
        for sid, row in roster.items():
            name = ", ".join(p for p in (row["last_name"], row["first_name"]) if p) or sid
            writer.writerow(csv_row([name, *(row.get(c, "") for c in CANVAS_IDS),
                                     row.get("section", ""),
                                     *(_cell(grades, a, sid) for a in assignment_ids)]))
    return _notes(grades, roster)


def moodle(assignment_ids, roster_csv, path, course=None, columns=None, key="email"):
    """Write Moodle's grade import CSV to `path`, students identified by `key` ("email" or
    "idnumber"); returns notes for the instructor."""
    course = course or Course()
    if key not in MOODLE_KEYS:
        raise RuntimeError(f"--moodle-key must be one of {', '.join(MOODLE_KEYS)}, not {key!r}")
    title, column = MOODLE_KEYS[key]
    roster = read_roster(roster_csv)
    unmatched = [sid for sid, row in roster.items() if not row.get(column)]
    if unmatched:
        raise RuntimeError(f"roster {roster_csv}: Moodle matches students here by {title}, the "
                           f"roster's `{column}` column, which is empty or missing for: "
                           f"{', '.join(unmatched)}")
    grades = _grades(assignment_ids, course)
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(csv_row([title, *_headers(assignment_ids, columns or {})]))
        for sid, row in roster.items():
            writer.writerow(csv_row([row[column],
                                     *(_cell(grades, a, sid) for a in assignment_ids)]))
    return _notes(grades, roster)


def export(kind, assignment_ids, roster_csv, out=None, course=None, columns=None, key="email"):
    """Write <out>/<first assignment, or grades>_<kind>.csv; returns (path, notes)."""
    course = course or Course()
    if not roster_csv:
        raise RuntimeError(f"--format {kind} needs --roster ROSTER.csv: the LMS's identifiers of "
                           "each student come from it (see `export --help`)")
    out = Path(out or course.root / "export")
    out.mkdir(parents=True, exist_ok=True)
    stem = assignment_ids[0] if len(assignment_ids) == 1 else "grades"
    path = out / f"{stem}_{kind}.csv"
    if kind == "canvas":
        return path, canvas(assignment_ids, roster_csv, path, course, columns)
    return path, moodle(assignment_ids, roster_csv, path, course, columns, key)
