"""The class roster: a CSV with columns id,first_name,last_name,email (and any others an LMS
needs: canvas_id, moodle_id, sis_user_id, section, idnumber ...).

Rosters come from spreadsheets, so the file is read as Excel writes it: UTF-8 with or without a
byte-order mark, UTF-16 ("Unicode text"), or CP949 (Korean Excel's default "CSV"), separated by
commas, semicolons (Excel where the decimal mark is a comma) or tabs. Ids become folder names
under submitted/, so they are checked (letters of any script, digits, . _ @ + -, no `..`) and
compared in Unicode NFC without case; two ids that differ only so make the roster refused.
"""
import csv
import io
import re
import unicodedata

ROSTER_COLUMNS = ("id", "first_name", "last_name", "email")
ROSTER_ID = re.compile(r"[^\W_][\w.@+-]{0,63}")
"""What a roster id may be (letters of any script, digits, . _ @ + -): it becomes a folder name
under submitted/."""
MAX_ROSTER = 16 << 20
"""Largest roster read (a class of thousands is well under 1 MB)."""
ENCODINGS = ("utf-8-sig", "cp949")
"""Tried in this order: UTF-8 (a BOM is fine) first, since CP949 would also decode some UTF-8
text as wrong Hangul; CP949 only when the bytes are not UTF-8."""
SAVE_AS = "save it from Excel as \"CSV UTF-8 (Comma delimited)\""
"""The one-line fix for a roster that cannot be read."""


def normal(text):
    """How ids and names are compared: Unicode NFC, without case."""
    return unicodedata.normalize("NFC", text).casefold()


def _text(path):
    with open(path, "rb") as f:
        data = f.read(MAX_ROSTER + 1)
    if len(data) > MAX_ROSTER:
        raise RuntimeError(f"roster {path} is larger than {MAX_ROSTER >> 20} MB: is it a roster?")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    for encoding in ENCODINGS:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise RuntimeError(f"roster {path} is neither UTF-8 nor CP949 text: {SAVE_AS}")


def _delimiter(header):
    """The separator the header row uses most: , ; or tab."""
    return max(",;\t", key=header.count)


def _rows(path):
    text = _text(path)
    header = text.lstrip("\ufeff").partition("\n")[0]
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"), newline=""),
                               delimiter=_delimiter(header)))
    missing = [c for c in ROSTER_COLUMNS if rows and c not in rows[0]]
    if not rows or missing:
        # none of the columns at all: most likely not a CSV as expected, rather than a typo
        fix = SAVE_AS if len(missing) == len(ROSTER_COLUMNS) else "add the missing columns"
        raise RuntimeError(f"roster {path} must be a CSV with a header row and columns "
                           f"{','.join(ROSTER_COLUMNS)} (missing: {', '.join(missing) or 'rows'}; "
                           f"its header reads {header.strip()[:200]!r}): {fix}")
    return rows


def _problem(sid, seen):
    if not ROSTER_ID.fullmatch(sid) or ".." in sid:
        return (f"{sid!r} is not a usable id (letters, digits and . _ @ + - only, at most 64, "
                "starting with a letter or digit, no '..')")
    if normal(sid) in seen:
        return (f"{seen[normal(sid)]!r} and {sid!r} differ only in case or Unicode "
                "normalization: files could not be told apart")
    return None


def read_roster(path):
    """{id: row} from the roster CSV (see the module's docstring); RuntimeError, with the fix,
    for a file that cannot be read or ids that cannot be used."""
    roster, seen, problems = {}, {}, []
    for row in _rows(path):
        sid = unicodedata.normalize("NFC", (row["id"] or "").strip())
        problem = _problem(sid, seen)
        if problem:
            problems.append(problem)
            continue
        seen[normal(sid)] = sid
        roster[sid] = {c: unicodedata.normalize("NFC", (row[c] or "").strip())
                       for c in ROSTER_COLUMNS}
        roster[sid]["id"] = sid
        roster[sid].update({k.strip(): (v or "").strip() for k, v in row.items()
                            if k not in ROSTER_COLUMNS and k and isinstance(v, str)})
    if problems:
        raise RuntimeError(f"roster {path} refused:\n" + "\n".join(f"  {p}" for p in problems))
    return roster


def lms_ids(roster, column, what):
    """{LMS user id: roster id} from the roster's `column` (canvas_id, moodle_id), None if the
    roster has no such column; two students with one id make the roster refused."""
    if not any(column in row for row in roster.values()):
        return None
    ids = {}
    for sid, row in roster.items():
        lms_id = (row.get(column) or "").strip()
        if not lms_id:
            continue
        if not lms_id.isdigit():
            raise RuntimeError(f"roster: {column} {lms_id!r} of {sid} is not a {what} (digits "
                               "only)")
        if lms_id in ids:
            raise RuntimeError(f"roster: {ids[lms_id]} and {sid} have the same {column} {lms_id}")
        ids[lms_id] = sid
    return ids
