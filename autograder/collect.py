"""Import downloaded submissions into nbgrader's submitted/<student>/<assignment>/ layout.

A download (a folder or a .zip) is one of two kinds, decided for the whole of it:
- **nbgrader's layout**, the folder `nbgrader collect` fills: every notebook in it is
  `<student>/<assignment>/<notebook>.ipynb` (or under one `submitted/`), with timestamp.txt,
  and every `<student>` is a roster id;
- **an LMS download**: everything else. Each notebook belongs to its LMS entry, the first part of
  its path (top down) that the LMS wrote: Moodle's `<Full Name>_<participant id>_assignsubmission_
  file_` folder or file, Canvas's `<name>[_LATE]_<user id>_<submission id>_<file>`, or a name that
  carries a roster id (`jdoe_02_chain_rule.ipynb`, Blackboard's `02_chain_rule_jdoe_attempt_
  <date>.ipynb`). Folders above it that name no student (`Downloads/02_chain_rule/`) are the
  instructor's; whatever lies below it is the student's, so a student's own `bob/02_chain_rule/`
  folders inside their entry are theirs, never Bob's submission.

Canvas and Moodle ids are mapped through the roster's `canvas_id` and `moodle_id` columns, never
through a name; without the column their files are reported with the fix. A file that names no
student, or several, is reported, never guessed. Files are copied byte for byte: a broken
notebook is imported as it is and fails (with its reason) at grading.

When a file was submitted comes only from what the students do not write (docs/security.md):
the LMS's own field in its name (Blackboard's `_attempt_<date>` right after the id), the date of
the zip entry or of the downloaded file; in nbgrader's layout, timestamp.txt too, but never
earlier than the file's own date (a student writes it with their own `nbgrader submit`, or
edits it). Files that are not notebooks are reported by name and never read, and entries are
read in bounded pieces (MAX_ENTRY, MAX_ARCHIVE), so no download can fill the grader's memory.
"""
import re
import stat
import zipfile
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path, PurePosixPath

from nbgrader.utils import parse_utc

from . import files, late
from .roster import lms_ids, normal, read_roster
from .text import for_terminal
from .workspace import LANGUAGES, Course, assignments, release_directory

MAX_ENTRY = 32 << 20
"""Largest notebook taken from a download (a course notebook is well under 1 MB)."""
MAX_ARCHIVE = 1 << 30
"""Largest total of notebooks read from one download."""
MAX_STAMP = 1 << 10
"""Largest timestamp.txt read (nbgrader writes about 30 bytes)."""
SAME_TIME = timedelta(seconds=2)
"""Dates closer than this tell nothing apart: a zip stores times to 2 s."""
STAMP = re.compile(r"\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\d(\.\d{1,6})?( ?(UTC|Z|[+-]\d\d:?\d\d))?")
"""A timestamp.txt as nbgrader writes it (`2025-01-03 08:30:00.000000 UTC`): anything else is
no date (dateutil alone would read "-1" as the first of this month)."""
SKIPPED_PARTS = ("__MACOSX", ".ipynb_checkpoints")
"""Folders of copies a zip tool or Jupyter leaves, never submissions."""
_ATTEMPT = r"_attempt_(\d{4})-(\d\d)-(\d\d)-(\d\d)-(\d\d)-(\d\d)(?:_|$)"
CANVAS = re.compile(r"(?P<name>[^\W_]+)(?P<late>_LATE)?_(?P<user>\d+)_(?P<submission>\d+)_"
                    r"(?P<file>.+)")
"""Canvas's download name, `<name>_<user id>_<submission id>_<the student's file name>` (with
`_LATE` after the name when Canvas judged it late): only the user id identifies the student."""
MOODLE = re.compile(r"(?P<name>.+?)_(?P<user>\d+)_assignsubmission_[a-z]+_(?P<file>.*)")
"""Moodle's "Download all submissions" name, a folder `<Full Name>_<participant id>_
assignsubmission_file_` (or, without folders, that prefix before the file name): only the
participant id identifies the student."""


@dataclass
class Entry:
    """One notebook (or timestamp.txt) of a download, read."""
    path: PurePosixPath
    """Its path inside the folder or zip."""
    data: bytes
    date: datetime
    """The zip entry's or the file's date (aware, UTC)."""


@dataclass
class Found:
    """One downloaded notebook, with its student."""
    name: str
    """Its path inside the folder or zip."""
    data: bytes
    timestamp: datetime
    """When it was submitted, in UTC (naive, as nbgrader stores it)."""
    source: str
    """Where `timestamp` comes from (the LMS's attempt field, the zip entry's date ...)."""
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
    """(student, [file names], what is in submitted/ for them) for students with several files
    and no way to tell the latest: none of them imported."""
    superseded: list = field(default_factory=list)
    """(file name, why) for older attempts, skipped because a later one was imported."""
    late: list = field(default_factory=list)
    """Imported files submitted after the deadline."""
    lms_late: list = field(default_factory=list)
    """Imported files the LMS marked late (Canvas's _LATE_) that are not in `late`."""
    deadline: datetime = None
    """The deadline, aware (as given), or None."""
    policy: object = None
    """The assignment's late policy (autograder.late.LatePolicy)."""
    ignored: list = field(default_factory=list)
    """(file name, why) for files that are not submissions of this assignment, or unsafe."""
    dates: list = field(default_factory=list)
    """(file or folder name, why) for dates a person should check: a timestamp.txt that
    disagrees with its file or is no date (imported with the date said), a top folder that kept
    a download from being read as nbgrader's layout."""
    layout: str = "LMS download"
    """The kind of download: "LMS download" or "nbgrader's layout"."""


def _too_large(limit):
    return f"larger than {limit >> 20} MB" if limit >= 1 << 20 else f"larger than {limit} bytes"


def _skip(path):
    return any(p in SKIPPED_PARTS for p in path.parts)


def _wanted(path):
    """Only notebooks and nbgrader's timestamp.txt are ever read."""
    return path.suffix == ".ipynb" or path.name == "timestamp.txt"


def _unwanted(path, report):
    if _skip(path):
        return
    if path.suffix.lower() == ".zip":  # a student's own zip: its folder keeps the LMS's name
        report.ignored.append((str(path), "a zip inside the download (not opened): unzip it "
                                          "into a folder of the same name to import it"))
    else:
        report.ignored.append((str(path), "not a notebook (not read)"))


def _zip_entries(source, report):
    with zipfile.ZipFile(source) as zf:
        total = 0
        for info in zf.infolist():
            path = PurePosixPath(info.filename)
            kind = stat.S_IFMT(info.external_attr >> 16)  # 0 when the zip says nothing
            if info.is_dir():
                continue
            if not _wanted(path) or _skip(path):  # by name, before a byte is read
                _unwanted(path, report)
                continue
            if kind and kind != stat.S_IFREG:
                report.ignored.append((info.filename, "a link or special file in the zip "
                                                      "(never followed)"))
                continue
            limit = MAX_ENTRY if path.suffix == ".ipynb" else MAX_STAMP
            with zf.open(info) as handle:  # never trust the size the entry claims
                data = handle.read(limit + 1)
            if len(data) > limit:
                report.ignored.append((info.filename, _too_large(limit)))
                continue
            total += len(data)
            if total > MAX_ARCHIVE:
                raise RuntimeError(f"{source} holds more than {MAX_ARCHIVE >> 30} GB of "
                                   "notebooks: refusing the rest (nothing was imported)")
            yield Entry(path, data, datetime(*info.date_time, tzinfo=UTC))


def _folder_entries(source, report):
    # The walk only lists (names and sizes); the caps apply to what is read, notebooks alone.
    taken = files.walk(source, max_file=float("inf"), max_total=float("inf"), text_names=False)
    report.ignored += [(rel, why) for rel, why in taken.skipped]
    total = 0
    for rel, path, size in taken.files:
        rel = PurePosixPath(rel)
        if not _wanted(rel) or _skip(rel):
            _unwanted(rel, report)
            continue
        limit = MAX_ENTRY if rel.suffix == ".ipynb" else MAX_STAMP
        if size > limit:
            report.ignored.append((str(rel), _too_large(limit)))
            continue
        try:
            data = files.read(path, limit)
            date = datetime.fromtimestamp(Path(path).lstat().st_mtime, UTC)
        except (OSError, ValueError) as exc:
            report.ignored.append((str(rel), f"cannot be read ({exc})"))
            continue
        total += len(data)
        if total > MAX_ARCHIVE:
            raise RuntimeError(f"{source} holds more than {MAX_ARCHIVE >> 30} GB of notebooks: "
                               "refusing the rest (nothing was imported)")
        yield Entry(rel, data, date)


def _entries(source, report):
    """An Entry for every notebook and timestamp.txt of a folder or zip."""
    source = Path(source)
    if source.is_file() and zipfile.is_zipfile(source):
        return list(_zip_entries(source, report))
    if source.is_dir() and not source.is_symlink():
        return list(_folder_entries(source, report))
    raise RuntimeError(f"{source} is neither a folder nor a zip file")


def _students_named(text, roster):
    """Roster ids that appear in a name as whole words (not inside a longer word), compared
    without case, in NFC."""
    text = normal(text)
    return [sid for sid in roster if re.search(
        rf"(?<![^\W_]){re.escape(normal(sid))}(?![^\W_])", text)]


def _attempt_stamp(stem, assignment, student):
    """The LMS's own submission time, when the name is `<assignment>_<id>_attempt_<date>`."""
    m = re.match(re.escape(normal(assignment)) + "_" + re.escape(normal(student)) + _ATTEMPT,
                 normal(stem))
    return datetime(*map(int, m.groups()), tzinfo=UTC) if m else None


def canvas_ids(roster):
    """{Canvas user id: roster id} from the roster's `canvas_id` column (None if it has none)."""
    return lms_ids(roster, "canvas_id", "Canvas user id")


def _nbgrader_parts(path):
    """(student, assignment, file) if `path` is `[submitted/]<student>/<assignment>/<file>`."""
    parts = path.parts[1:] if path.parts[0] == "submitted" and len(path.parts) == 4 \
        else path.parts
    return parts if len(parts) == 3 else None


def strangers_in_layout(notebooks, assignment, roster):
    """The top folders that are no roster id, if every notebook of the download sits in
    nbgrader's <student>/<assignment>/ folders (of a known assignment); None if not all do.
    Only a download in that shape whose top folders are all students (an empty list) is read as
    nbgrader's layout: `Downloads/02_chain_rule/<Canvas file>` has the shape too."""
    known = {assignment, *assignments()}
    layouts = [_nbgrader_parts(e.path) for e in notebooks]
    if not layouts or not all(p and p[1] in known for p in layouts):
        return None
    ids = {normal(sid) for sid in roster}
    return sorted({p[0] for p in layouts if normal(p[0]) not in ids})


def _stamp(entries, folder, report):
    """nbgrader's timestamp.txt in `folder`, or None (with a note when it is no date)."""
    entry = entries.get(folder / "timestamp.txt")
    if entry is None:
        return None
    text = entry.data.decode(errors="replace").strip()
    try:
        if not STAMP.fullmatch(text):
            raise ValueError(text)
        return parse_utc(text).replace(tzinfo=UTC)
    except (ValueError, OverflowError):
        report.dates.append((str(entry.path), f"is not a date ({text[:40]!r}): the file's own "
                                              "date is used"))
        return None


def _nbgrader_found(entry, assignment, roster, stamps, report):
    """A notebook of nbgrader's layout: its student is its top folder; its date timestamp.txt,
    never earlier than the file's own date."""
    student, folder, _ = _nbgrader_parts(entry.path)
    if folder != assignment:
        report.ignored.append((str(entry.path), f"a submission of {folder}"))
        return None
    ids = {normal(sid): sid for sid in roster}  # every top folder is one (strangers_in_layout)
    stamp = _stamp(stamps, entry.path.parent, report)
    when, source = entry.date, "the file's date"
    if stamp and stamp + SAME_TIME < entry.date:
        report.dates.append((str(entry.path), f"timestamp.txt says {stamp:%Y-%m-%d %H:%M:%S}, "
                             f"earlier than the file's own date {entry.date:%Y-%m-%d %H:%M:%S} "
                             "UTC: the file's date is used (the student writes timestamp.txt)"))
    elif stamp:
        when, source = stamp, "timestamp.txt"
    return Found(str(entry.path), entry.data, parse_utc(when), source, ids[normal(student)])


def _lms_id(kind, user, ids, column, path, report):
    """The roster student of an LMS user id, or None with the reason reported."""
    if ids is None:
        report.unmatched.append((str(path), f"a {kind} file (user id {user}), and the roster has "
                                            f"no {column} column to say whose: add a {column} "
                                            f"column with each student's {kind} id"))
        return None
    if user not in ids:
        report.unmatched.append((str(path), f"{kind} user id {user} is in no roster row's "
                                            f"{column}"))
        return None
    return ids[user]


def _lms_entry(parts, assignment, roster, lms, path, report):
    """(index, student, LMS late mark) of the LMS entry among `parts` (of `path`, top down):
    the first that names a student or an LMS id; student None when it names no usable one
    (reported). None if no part does. The parts below the entry are never looked at."""
    for i, name in enumerate(parts):
        matched, student, lms_late = _entry_kind(name, assignment, roster, lms, path, report)
        if matched:
            return i, student, lms_late
    return None


def _entry_kind(name, assignment, roster, lms, path, report):
    """(is an LMS entry, its student, LMS late mark) for one part of a path."""
    if moodle := MOODLE.fullmatch(name):
        return True, _lms_id("Moodle", moodle["user"], lms["moodle"], "moodle_id", path,
                             report), False
    if canvas := CANVAS.fullmatch(name):
        return True, _lms_id("Canvas", canvas["user"], lms["canvas"], "canvas_id", path,
                             report), bool(canvas["late"])
    named = _students_named(name.replace(assignment, " "), roster)
    if len(named) > 1:
        report.unmatched.append((str(path), f"names several students ({', '.join(named)})"))
        return True, None, False
    return bool(named), (named or [None])[0], False


def _lms_found(entry, assignment, roster, lms, report):
    """A notebook of an LMS download: its student is its LMS entry's (the first part of its path,
    top down, that the LMS wrote); everything below that entry is the student's own."""
    path, others = entry.path, [a for a in assignments() if a != assignment]
    own = str(path)
    if assignment not in own and any(o in own for o in others):
        report.ignored.append((own, "a submission of another assignment"))
        return None
    parts = [*path.parts[:-1], path.stem]
    owner = _lms_entry(parts, assignment, roster, lms, path, report)
    if owner is None:
        report.unmatched.append((own, "names no student of the roster"))
        return None
    index, student, lms_late = owner
    if student is None:
        return None
    # the LMS's own date field is only in the name the LMS gave the file itself
    at_file = index == len(parts) - 1
    stamp = _attempt_stamp(path.stem, assignment, student) if at_file else None
    source = "the LMS's attempt field" if stamp else "the download's date of the file"
    return Found(own, entry.data, parse_utc(stamp or entry.date), source, student,
                 lms_late=lms_late)


def scan(source, assignment, roster, report):
    """The submissions of `assignment` in `source`, each with its student when one matches."""
    entries = _entries(source, report)
    notebooks = [e for e in entries if e.path.suffix == ".ipynb"]
    strangers = strangers_in_layout(notebooks, assignment, roster)
    if strangers:
        report.dates += [(f"{top}/", "is no roster id, so the download is read as an LMS "
                                     "download and no timestamp.txt is used: to read it as "
                                     "nbgrader's layout, add it to the roster or remove its "
                                     "folder") for top in strangers]
    if strangers == []:
        report.layout = "nbgrader's layout"
        stamps = {e.path: e for e in entries if e.path.name == "timestamp.txt"}
        found = [_nbgrader_found(e, assignment, roster, stamps, report) for e in notebooks]
    else:
        report.ignored += [(str(e.path), "a timestamp.txt in an LMS download is the student's "
                                         "own file: not used for dates")
                           for e in entries if e.path.name == "timestamp.txt"]
        lms = {"canvas": canvas_ids(roster), "moodle": lms_ids(roster, "moodle_id",
                                                               "Moodle participant id")}
        found = [_lms_found(e, assignment, roster, lms, report) for e in notebooks]
    return [f for f in found if f]


def choose(found, report):
    """One file per student: the only one, or the latest when it is dated later than every
    other (by SAME_TIME at least); with two latest files of the same time, none."""
    chosen = {}
    for student in sorted({f.student for f in found}):
        files_ = sorted((f for f in found if f.student == student), key=lambda f: f.timestamp)
        if len(files_) > 1 and files_[-1].timestamp - files_[-2].timestamp < SAME_TIME:
            report.duplicates.append((student, [f.name for f in files_], None))
            continue
        chosen[student] = files_[-1]
        report.superseded += [(f.name, f"older than {files_[-1].name} (by "
                                       f"{files_[-1].source}), which was imported")
                              for f in files_[:-1]]
    return chosen


def _inside(base, *parts):
    """base/parts, refused unless it stays inside base (ids are checked; this makes sure)."""
    target = base.joinpath(*parts).resolve()
    if base.resolve() not in target.parents:
        raise RuntimeError(f"refusing to write outside {base}: {target}")
    return target


def _deadline(text):
    """The deadline as an aware datetime (late.parse_deadline), or None."""
    if not text:
        return None
    try:
        return late.parse_deadline(text)
    except ValueError as exc:
        raise RuntimeError(str(exc)) from None


def _policy(course, assignment, text):
    """The late policy `text` states (checked), else the assignment's or the course's."""
    try:
        if text:
            return late.LatePolicy.parse(text)
        return late.policy_for(course.root, assignment,
                               course.config().CoursePenalty.get("policy", "none"))
    except ValueError as exc:
        raise RuntimeError(str(exc)) from None


def _release_notebook(course, assignment):
    # the same notebook name in every language's release: whichever was released
    notebooks = sorted({p.stem for lang in LANGUAGES
                        for p in (course.root / release_directory(lang) / assignment).glob(
                            "*.ipynb")})
    if len(notebooks) != 1:
        raise RuntimeError(f"release {assignment} first (python -m autograder release "
                           f"{assignment}): collect needs its one notebook, found {notebooks}")
    return notebooks[0]


def _earlier_import(folder):
    """What a previous collect left for a student whose files are ambiguous now."""
    stamp = folder / "timestamp.txt"
    if not any(folder.glob("*.ipynb")):
        return "nothing was imported for them before"
    when = stamp.read_text().strip()[:40] if stamp.is_file() else "no timestamp.txt"
    return (f"{folder} still holds an earlier import ({when}): it stays as it is and `grade` "
            "grades it, unless you remove that folder")


def _write(folder, notebook, item):
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{notebook}.ipynb"
    if target.is_symlink():
        target.unlink()
    if not target.exists() or target.read_bytes() != item.data:  # keep the file date if same
        files.write_atomic(target, item.data)
    files.write_atomic(folder / "timestamp.txt",
                       item.timestamp.strftime("%Y-%m-%d %H:%M:%S.%f UTC").encode())


def collect(assignment, source, roster_csv, deadline=None, course=None, late_policy=None):
    """Import the submissions in `source` for the students of `roster_csv`; returns a Report.
    `late_policy` (autograder.late) is kept for every later grading of the assignment. Bad input
    (roster, deadline, policy) is refused before anything is written."""
    course = course or Course()
    roster = read_roster(roster_csv)
    deadline = _deadline(deadline)
    due = deadline.astimezone(UTC).replace(tzinfo=None) if deadline else None
    notebook = _release_notebook(course, assignment)
    report = Report(deadline=deadline, policy=_policy(course, assignment, late_policy))
    chosen = choose(scan(source, assignment, roster, report), report)
    if late_policy and chosen:  # a run that imports nothing changes nothing
        late.keep(course.root, assignment, late_policy)
    submitted = course.root / "submitted"
    report.duplicates = [(s, names, _earlier_import(_inside(submitted, s, assignment)))
                         for s, names, _ in report.duplicates]
    with course.gradebook() as gb:
        for sid, row in roster.items():
            gb.update_or_create_student(sid, first_name=row["first_name"],
                                        last_name=row["last_name"], email=row["email"])
        if deadline:
            gb.update_or_create_assignment(assignment, duedate=due)
    for student, item in chosen.items():
        _write(_inside(submitted, student, assignment), notebook, item)
        report.imported.append(item)
        if due and item.timestamp > due:
            report.late.append(item)
        elif item.lms_late:
            report.lms_late.append(item)
    return report


def _duration(seconds):
    minutes = int(seconds // 60)
    days, hours, minutes = minutes // 1440, minutes // 60 % 24, minutes % 60
    return " ".join(f"{n}{u}" for n, u in ((days, "d"), (hours, "h"), (minutes, "m")) if n) \
        or f"{seconds:.0f}s"


def _late_lines(report):
    due = report.deadline.astimezone(UTC).replace(tzinfo=None) if report.deadline else None
    lines = []
    for f in report.late:
        seconds = (f.timestamp - due).total_seconds()
        lines.append(f"{f.student}: {f.name} ({f.timestamp:%Y-%m-%d %H:%M:%S} UTC by "
                     f"{f.source}, {_duration(seconds)} late) {report.policy.describe(seconds)}")
    return lines


def summary(report, assignment):
    """What collect did, for the terminal: every name a student chose escaped (text.py)."""
    head = [f"{report.layout}: imported {len(report.imported)} submissions of {assignment}"]
    if report.deadline:
        head.append(f"deadline: {late.describe_deadline(report.deadline)}")
    sections = [
        ("late (after the deadline, imported)", _late_lines(report)),
        ("marked late by Canvas (not late by --deadline, or no --deadline; imported)",
         [f"{f.student}: {f.name}" for f in report.lms_late]),
        ("dates to check (imported with the date said)", [f"{n}: {w}" for n, w in report.dates]),
        ("unmatched (not imported)", [f"{n}: {why}" for n, why in report.unmatched]),
        ("duplicates (none imported: several files of the same time; remove the unwanted ones "
         "from the download, or collect the one to grade alone)",
         [f"{s}: {', '.join(names)}; {there}" for s, names, there in report.duplicates]),
        ("older attempts (skipped: the latest attempt was imported)",
         [f"{n}: {why}" for n, why in report.superseded]),
        ("ignored", [f"{n}: {why}" for n, why in report.ignored])]
    for title, lines in sections:
        if lines:
            head += [f"{title}:", *(f"  {line}" for line in lines)]
    return "\n".join(for_terminal(line) for line in head)


def nothing_imported(report, source):
    """Why a run imported nothing (the CLI then exits 1), or None if it imported something."""
    if report.imported:
        return None
    ignored = f" ({len(report.ignored)} ignored, listed above)" if report.ignored else ""
    if not report.unmatched and not report.duplicates:
        return for_terminal(f"nothing imported from {source}: it holds no notebook of this "
                            f"assignment{ignored}")
    counts = [f"{len(items)} {what}" for items, what in (
        (report.unmatched, "unmatched"), (report.duplicates, "students with duplicates"),
        (report.ignored, "ignored")) if items]
    return for_terminal(f"nothing imported from {source}: {', '.join(counts)} (listed above)")
