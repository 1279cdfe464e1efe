"""Import downloaded submissions into nbgrader's submitted/<student>/<assignment>/ layout.

Two kinds of input, in a folder or a .zip: LMS downloads, one notebook per student whose file
name carries the student id (`jdoe_02_chain_rule.ipynb`,
`02_chain_rule_jdoe_attempt_2025-01-01-10-00-00.ipynb`), and nbgrader's own
`<student>/<assignment>/<notebook>.ipynb` (+ timestamp.txt). Ids are matched against a roster;
a file that names no student, or several, is reported, never guessed. Files are copied byte for
byte: a broken notebook is imported as it is and fails (with its reason) at grading.
"""
import csv
import re
import zipfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath

from nbgrader.utils import parse_utc

from .workspace import Course, assignments

ROSTER_COLUMNS = ("id", "first_name", "last_name", "email")
_STAMP = re.compile(r"(\d{4})-(\d\d)-(\d\d)[-_T ](\d\d)[-:](\d\d)[-:](\d\d)")


@dataclass
class Found:
    """One downloaded file."""
    name: str
    """Its path inside the folder or zip."""
    data: bytes
    timestamp: datetime
    """When it was submitted, in UTC (naive, as nbgrader stores it)."""
    explicit: bool
    """True if the timestamp was written down (file name, timestamp.txt), not a file date."""
    student: str = None


@dataclass
class Report:
    """What collect did, and what it refused to do."""
    imported: list = field(default_factory=list)
    """Found files written to submitted/."""
    unmatched: list = field(default_factory=list)
    """(file name, why) for files that name no roster student, or several."""
    duplicates: list = field(default_factory=list)
    """(student, [file names]) for students with several files and no way to tell the latest."""
    superseded: list = field(default_factory=list)
    """Older attempts, skipped because a later one (by its written timestamp) was imported."""
    late: list = field(default_factory=list)
    """Imported files submitted after the deadline."""
    ignored: list = field(default_factory=list)
    """(file name, why) for files that are not submissions of this assignment."""


def read_roster(path):
    """{id: row} from a CSV with columns id,first_name,last_name,email."""
    with open(path, newline="") as f:
        rows = list(csv.DictReader(f))
    missing = [c for c in ROSTER_COLUMNS if rows and c not in rows[0]]
    if not rows or missing:
        raise RuntimeError(f"roster {path} must be a CSV with a header row and columns "
                           f"{','.join(ROSTER_COLUMNS)} (missing: {', '.join(missing) or 'rows'})")
    return {row["id"].strip(): {c: row[c].strip() for c in ROSTER_COLUMNS} for row in rows}


def _entries(source):
    """(posix path, bytes, file date) for every file of a folder or zip."""
    source = Path(source)
    if zipfile.is_zipfile(source):
        with zipfile.ZipFile(source) as zf:
            for info in zf.infolist():
                if not info.is_dir():
                    date = datetime(*info.date_time, tzinfo=UTC)
                    yield PurePosixPath(info.filename), zf.read(info), date
    elif source.is_dir():
        for path in sorted(p for p in source.rglob("*") if p.is_file()):
            date = datetime.fromtimestamp(path.stat().st_mtime, UTC)
            yield PurePosixPath(path.relative_to(source).as_posix()), path.read_bytes(), date
    else:
        raise RuntimeError(f"{source} is neither a folder nor a zip file")


def _stamp_in(name):
    m = _STAMP.search(name)
    return datetime(*map(int, m.groups()), tzinfo=UTC) if m else None


def _students_named(stem, roster):
    """Roster ids that appear in a file name as whole words (not inside a longer word)."""
    return [sid for sid in roster if re.search(
        rf"(?<![A-Za-z0-9]){re.escape(sid)}(?![A-Za-z0-9])", stem, re.IGNORECASE)]


def scan(source, assignment, roster, report):
    """The submissions of `assignment` in `source`, each with its student when one matches."""
    entries = list(_entries(source))
    stamps = {str(p.parent): parse_utc(d.decode().strip()) for p, d, _ in entries
              if p.name == "timestamp.txt"}
    others = [a for a in assignments() if a != assignment]
    found = []
    for path, data, date in entries:
        if path.name == "timestamp.txt" or "__MACOSX" in path.parts:
            continue
        if path.suffix != ".ipynb":
            report.ignored.append((str(path), "not a notebook"))
            continue
        if len(path.parts) >= 3 and path.parts[-2] in (assignment, *others):  # nbgrader layout
            if path.parts[-2] != assignment:
                report.ignored.append((str(path), f"a submission of {path.parts[-2]}"))
                continue
            stamp = stamps.get(str(path.parent))
            item = Found(str(path), data, parse_utc(stamp or date), stamp is not None)
            named = [path.parts[-3]] if path.parts[-3] in roster else []
        else:  # LMS download: the student id is somewhere in the file name
            stem = path.stem
            if assignment not in stem and any(o in stem for o in others):
                report.ignored.append((str(path), "a submission of another assignment"))
                continue
            stamp = _stamp_in(stem)
            item = Found(str(path), data, parse_utc(stamp or date), stamp is not None)
            named = _students_named(stem.replace(assignment, " "), roster)
        if len(named) != 1:
            why = "names no student of the roster" if not named else \
                f"names several students ({', '.join(named)})"
            report.unmatched.append((str(path), why))
            continue
        item.student = named[0]
        found.append(item)
    return found


def choose(found, report):
    """One file per student: the only one, or the latest attempt if every attempt is dated."""
    chosen = {}
    for student in sorted({f.student for f in found}):
        files = sorted((f for f in found if f.student == student), key=lambda f: f.timestamp)
        if len(files) > 1 and not all(f.explicit for f in files):
            report.duplicates.append((student, [f.name for f in files]))
            continue
        chosen[student] = files[-1]
        report.superseded += [f.name for f in files[:-1]]
    return chosen


def collect(assignment, source, roster_csv, deadline=None, course=None):
    """Import the submissions in `source` for the students of `roster_csv`; returns a Report."""
    course = course or Course()
    roster = read_roster(roster_csv)
    deadline = parse_utc(deadline) if deadline else None
    notebooks = sorted(p.stem for p in (course.root / "release" / assignment).glob("*.ipynb"))
    if len(notebooks) != 1:
        raise RuntimeError(f"release {assignment} first (python -m autograder release "
                           f"{assignment}): collect needs its one notebook, found {notebooks}")
    report = Report()
    chosen = choose(scan(source, assignment, roster, report), report)
    with course.gradebook() as gb:
        for sid, row in roster.items():
            gb.update_or_create_student(sid, first_name=row["first_name"],
                                        last_name=row["last_name"], email=row["email"])
        if deadline:
            gb.update_or_create_assignment(assignment, duedate=deadline)
    for student, item in chosen.items():
        folder = course.root / "submitted" / student / assignment
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / f"{notebooks[0]}.ipynb"
        if not target.exists() or target.read_bytes() != item.data:  # keep the file date if same
            target.write_bytes(item.data)
        (folder / "timestamp.txt").write_text(item.timestamp.strftime("%Y-%m-%d %H:%M:%S.%f UTC"))
        report.imported.append(item)
        if deadline and item.timestamp > deadline:
            report.late.append(item)
    return report
