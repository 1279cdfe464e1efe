"""Import downloaded submissions into nbgrader's submitted/<student>/<assignment>/ layout.

Three kinds of input, in a folder or a .zip: LMS downloads, one notebook per student whose file
name carries the student id (`jdoe_02_chain_rule.ipynb`,
`02_chain_rule_jdoe_attempt_2025-01-01-10-00-00.ipynb`); Canvas's downloads,
`<name>_<user id>_<submission id>_<file>.ipynb` (`<name>_LATE_<user id>_...` when Canvas judged
it late), whose numeric user id is matched through the roster's `canvas_id` column (read so only
when the roster has that column); and nbgrader's own `<student>/<assignment>/<notebook>.ipynb`
(+ timestamp.txt). Ids are matched against a roster; a file that names no student, or several,
is reported, never guessed. Files are copied byte for
byte: a broken notebook is imported as it is and fails (with its reason) at grading.

Everything in a download is the students' to choose, so:
- when a file was submitted is read only from sources the students do not write: nbgrader's
  timestamp.txt, the LMS's own field in its file name (Blackboard's `_attempt_<date>` right after
  the student's id), the date of the zip entry or of the downloaded file. A date anywhere else
  in a file name is the student's text, and ignored. Canvas's `_LATE_` mark is reported, never
  taken as a date;
- a Canvas file's student is its user id alone: the name Canvas wrote and the file name the
  student chose decide nothing;
- roster ids are checked (letters, digits and . _ @ + -, no `..`), compared in Unicode NFC and
  without case; two ids that differ only in case or normalization make the roster refused;
- links and special files are never followed, and zip entries are read in bounded pieces
  (MAX_ENTRY, MAX_ARCHIVE), so a small zip cannot fill the grader's memory.
"""
import csv
import re
import stat
import unicodedata
import zipfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath

from nbgrader.utils import parse_utc

from . import files, late
from .workspace import LANGUAGES, Course, assignments, release_directory

ROSTER_COLUMNS = ("id", "first_name", "last_name", "email")
ROSTER_ID = re.compile(r"[^\W_][\w.@+-]{0,63}")
"""What a roster id may be (letters of any script, digits, . _ @ + -): it becomes a folder name
under submitted/."""
MAX_ENTRY = 32 << 20
"""Largest notebook taken from a download (a course notebook is well under 1 MB)."""
MAX_ARCHIVE = 1 << 30
"""Largest total read from one download."""
_ATTEMPT = r"_attempt_(\d{4})-(\d\d)-(\d\d)-(\d\d)-(\d\d)-(\d\d)(?:_|$)"
CANVAS = re.compile(r"(?P<name>[^\W_]+)(?P<late>_LATE)?_(?P<user>\d+)_(?P<submission>\d+)_"
                    r"(?P<file>.+)")
"""Canvas's download name, `<name>_<user id>_<submission id>_<the student's file name>` (with
`_LATE` after the name when Canvas judged it late): only the user id identifies the student."""


@dataclass
class Found:
    """One downloaded file."""
    name: str
    """Its path inside the folder or zip."""
    data: bytes
    timestamp: datetime
    """When it was submitted, in UTC (naive, as nbgrader stores it)."""
    explicit: bool
    """True if the LMS or nbgrader wrote the time down (not just a file's date)."""
    student: str = None
    lms_late: bool = False
    """The LMS marked it late (Canvas's `_LATE_`): reported, never a date."""


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
    lms_late: list = field(default_factory=list)
    """Imported files the LMS marked late (Canvas's _LATE_) that are not in `late`."""
    deadline: datetime = None
    policy: object = None
    """The assignment's late policy (autograder.late.LatePolicy)."""
    ignored: list = field(default_factory=list)
    """(file name, why) for files that are not submissions of this assignment, or unsafe."""


def normal(text):
    """How ids and names are compared: Unicode NFC, without case."""
    return unicodedata.normalize("NFC", text).casefold()


def read_roster(path):
    """{id: row} from a CSV with columns id,first_name,last_name,email (a UTF-8 file; a
    spreadsheet's byte-order mark is fine)."""
    with open(path, newline="", encoding="utf-8-sig") as f:
        rows = list(csv.DictReader(f))
    missing = [c for c in ROSTER_COLUMNS if rows and c not in rows[0]]
    if not rows or missing:
        raise RuntimeError(f"roster {path} must be a CSV with a header row and columns "
                           f"{','.join(ROSTER_COLUMNS)} (missing: {', '.join(missing) or 'rows'})")
    roster, seen, problems = {}, {}, []
    for row in rows:
        sid = unicodedata.normalize("NFC", (row["id"] or "").strip())
        if not ROSTER_ID.fullmatch(sid) or ".." in sid:
            problems.append(f"{sid!r} is not a usable id (letters, digits and . _ @ + - only, "
                            "at most 64, starting with a letter or digit, no '..')")
            continue
        if normal(sid) in seen:
            problems.append(f"{seen[normal(sid)]!r} and {sid!r} differ only in case or "
                            "Unicode normalization: files could not be told apart")
            continue
        seen[normal(sid)] = sid
        roster[sid] = {c: unicodedata.normalize("NFC", (row[c] or "").strip())
                       for c in ROSTER_COLUMNS}
        roster[sid]["id"] = sid
        roster[sid].update({k: (v or "").strip() for k, v in row.items()
                            if k not in ROSTER_COLUMNS and k})
    if problems:
        raise RuntimeError(f"roster {path} refused:\n" + "\n".join(f"  {p}" for p in problems))
    return roster


def _zip_entries(source, report):
    with zipfile.ZipFile(source) as zf:
        total = 0
        for info in zf.infolist():
            kind = stat.S_IFMT(info.external_attr >> 16)  # 0 when the zip says nothing
            if info.is_dir():
                continue
            if kind and kind != stat.S_IFREG:
                report.ignored.append((info.filename, "a link or special file in the zip "
                                                      "(never followed)"))
                continue
            if info.file_size > MAX_ENTRY:
                report.ignored.append((info.filename, f"larger than {MAX_ENTRY >> 20} MB"))
                continue
            with zf.open(info) as handle:  # never trust the size the entry claims
                data = handle.read(MAX_ENTRY + 1)
            if len(data) > MAX_ENTRY:
                report.ignored.append((info.filename, f"larger than {MAX_ENTRY >> 20} MB"))
                continue
            total += len(data)
            if total > MAX_ARCHIVE:
                raise RuntimeError(f"{source} holds more than {MAX_ARCHIVE >> 30} GB of "
                                   "notebooks: refusing the rest")
            yield PurePosixPath(info.filename), data, datetime(*info.date_time,
                                                               tzinfo=UTC)


def _folder_entries(source, report):
    taken = files.walk(source, max_file=MAX_ENTRY, max_total=MAX_ARCHIVE)
    report.ignored += [(rel, why) for rel, why in taken.skipped]
    for rel, path, _ in taken.files:
        try:
            data = files.read(path, MAX_ENTRY)
            date = datetime.fromtimestamp(Path(path).lstat().st_mtime, UTC)
        except (OSError, ValueError) as exc:
            report.ignored.append((rel, f"cannot be read ({exc})"))
            continue
        yield PurePosixPath(rel), data, date


def _entries(source, report):
    """(posix path, bytes, file date) for every regular file of a folder or zip."""
    source = Path(source)
    if source.is_file() and zipfile.is_zipfile(source):
        return list(_zip_entries(source, report))
    if source.is_dir() and not source.is_symlink():
        return list(_folder_entries(source, report))
    raise RuntimeError(f"{source} is neither a folder nor a zip file")


def _students_named(stem, roster):
    """Roster ids that appear in a file name as whole words (not inside a longer word),
    compared without case, in NFC."""
    stem = normal(stem)
    return [sid for sid in roster if re.search(
        rf"(?<![^\W_]){re.escape(normal(sid))}(?![^\W_])", stem)]


def _attempt_stamp(stem, assignment, student):
    """The LMS's own submission time, when the name is `<assignment>_<id>_attempt_<date>`."""
    m = re.match(re.escape(normal(assignment)) + "_" + re.escape(normal(student)) + _ATTEMPT,
                 normal(stem))
    return datetime(*map(int, m.groups()), tzinfo=UTC) if m else None


def canvas_ids(roster):
    """{Canvas user id: roster id} from the roster's `canvas_id` column (empty if it has none);
    two students with one Canvas id make the roster refused."""
    ids = {}
    for sid, row in roster.items():
        cid = (row.get("canvas_id") or "").strip()
        if not cid:
            continue
        if not cid.isdigit():
            raise RuntimeError(f"roster: canvas_id {cid!r} of {sid} is not a Canvas user id "
                               "(digits only)")
        if cid in ids:
            raise RuntimeError(f"roster: {ids[cid]} and {sid} have the same canvas_id {cid}")
        ids[cid] = sid
    return ids


def scan(source, assignment, roster, report):
    """The submissions of `assignment` in `source`, each with its student when one matches."""
    entries = _entries(source, report)
    by_canvas = canvas_ids(roster)
    stamps = {str(p.parent): parse_utc(d.decode(errors="replace").strip()) for p, d, _ in entries
              if p.name == "timestamp.txt" and len(d) < 100}
    others = [a for a in assignments() if a != assignment]
    ids = {normal(sid): sid for sid in roster}
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
            named = [ids[normal(path.parts[-3])]] if normal(path.parts[-3]) in ids else []
        elif by_canvas and (canvas := CANVAS.fullmatch(path.stem)):
            # Canvas download: the student is Canvas's user id, through the roster; the rest
            # of the name (the file name the student chose) decides nothing.
            own = canvas["file"]
            if assignment not in own and any(o in own for o in others):
                report.ignored.append((str(path), "a submission of another assignment"))
                continue
            user = canvas["user"]
            if user not in by_canvas:
                report.unmatched.append((str(path), f"Canvas user id {user} is in no roster "
                                                    "row's canvas_id"))
                continue
            named = [by_canvas[user]]
            item = Found(str(path), data, parse_utc(date), False, lms_late=bool(canvas["late"]))
        else:  # LMS download: the student id is somewhere in the file name
            stem = path.stem
            if assignment not in stem and any(o in stem for o in others):
                report.ignored.append((str(path), "a submission of another assignment"))
                continue
            named = _students_named(stem.replace(assignment, " "), roster)
            stamp = _attempt_stamp(stem, assignment, named[0]) if len(named) == 1 else None
            item = Found(str(path), data, parse_utc(stamp or date), stamp is not None)
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
        files_ = sorted((f for f in found if f.student == student), key=lambda f: f.timestamp)
        if len(files_) > 1 and not all(f.explicit for f in files_):
            report.duplicates.append((student, [f.name for f in files_]))
            continue
        chosen[student] = files_[-1]
        report.superseded += [f.name for f in files_[:-1]]
    return chosen


def _inside(base, *parts):
    """base/parts, refused unless it stays inside base (ids are checked; this makes sure)."""
    target = base.joinpath(*parts).resolve()
    if base.resolve() not in target.parents:
        raise RuntimeError(f"refusing to write outside {base}: {target}")
    return target


def collect(assignment, source, roster_csv, deadline=None, course=None, late_policy=None):
    """Import the submissions in `source` for the students of `roster_csv`; returns a Report.
    `late_policy` (autograder.late) is kept for every later grading of the assignment."""
    course = course or Course()
    roster = read_roster(roster_csv)
    deadline = parse_utc(deadline) if deadline else None
    if late_policy:
        late.keep(course.root, assignment, late_policy)
    # the same notebook name in every language's release: whichever was released
    notebooks = sorted({p.stem for lang in LANGUAGES
                        for p in (course.root / release_directory(lang) / assignment).glob(
                            "*.ipynb")})
    if len(notebooks) != 1:
        raise RuntimeError(f"release {assignment} first (python -m autograder release "
                           f"{assignment}): collect needs its one notebook, found {notebooks}")
    report = Report(deadline=deadline, policy=late.policy_for(
        course.root, assignment, course.config().CoursePenalty.get("policy", "none")))
    chosen = choose(scan(source, assignment, roster, report), report)
    with course.gradebook() as gb:
        for sid, row in roster.items():
            gb.update_or_create_student(sid, first_name=row["first_name"],
                                        last_name=row["last_name"], email=row["email"])
        if deadline:
            gb.update_or_create_assignment(assignment, duedate=deadline)
    submitted = course.root / "submitted"
    for student, item in chosen.items():
        folder = _inside(submitted, student, assignment)
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / f"{notebooks[0]}.ipynb"
        if target.is_symlink():
            target.unlink()
        if not target.exists() or target.read_bytes() != item.data:  # keep the file date if same
            files.write_atomic(target, item.data)
        (folder / "timestamp.txt").write_text(item.timestamp.strftime("%Y-%m-%d %H:%M:%S.%f UTC"))
        report.imported.append(item)
        if deadline and item.timestamp > deadline:
            report.late.append(item)
        elif item.lms_late:
            report.lms_late.append(item)
    return report
