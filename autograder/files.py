"""Reading folders a student controls without being led anywhere else.

Every path under a submission is the student's to choose: a link to the instructor's source, a
FIFO that blocks whoever opens it, a link to /proc/self/mem, a file of 10 GB. So nothing here
follows a link (lstat, O_NOFOLLOW), opens anything but a regular file, or reads past a cap; what
is left out is reported, never silently dropped and never a crash.
"""
import errno
import fnmatch
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

MAX_FILE = 64 << 20
"""Largest submitted data file taken (a notebook course hands in small files)."""
MAX_TOTAL = 256 << 20
"""Largest sum of the files taken from one folder."""
NOT_DATA = ("*.ipynb", "timestamp.txt", ".ipynb_checkpoints", "__pycache__")
"""What a kernel is not given of a submission's folder: the notebooks themselves (they are run,
not read) and what the exchange or collect wrote beside them."""


@dataclass
class Taken:
    """What a walk took and what it left out."""
    files: list = field(default_factory=list)
    """(relative path, absolute path, size) of the regular files taken, sorted."""
    skipped: list = field(default_factory=list)
    """(relative path, why) of everything left out."""


def _kind(mode):
    if stat.S_ISLNK(mode):
        return "a symbolic link (never followed)"
    if stat.S_ISFIFO(mode):
        return "a FIFO"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "not a regular file"


def _text_name(name):
    """True if a file name is text (UTF-8): the only names a notebook, a log, JSON or the
    gradebook can carry. Linux allows any bytes; Python hands the others over as surrogates."""
    try:
        name.encode("utf-8")
        return True
    except UnicodeEncodeError:
        return False


def printable(path):
    """A path that may not be UTF-8, as text that can be shown (its odd bytes as \\xNN)."""
    return os.fsencode(str(path)).decode("utf-8", "backslashreplace")


def _ignored(name, ignore):
    return any(fnmatch.fnmatch(name, glob) for glob in ignore)


def walk(folder, ignore=(), max_file=MAX_FILE, max_total=MAX_TOTAL, text_names=True):
    """The regular files under `folder` (itself never a link), links and special files left out.
    `ignore`: file or folder name globs to leave out silently (e.g. nbgrader's ignore list).
    `text_names`: leave out names that are not UTF-8 (what a kernel, a log and the gradebook
    are handed); collect, which renames what it imports, reads them all."""
    taken, total = Taken(), 0
    root = Path(folder)
    try:
        if stat.S_ISLNK(os.lstat(root).st_mode):
            taken.skipped.append((".", "the folder is a symbolic link (never followed)"))
            return taken
    except OSError as exc:
        taken.skipped.append((".", f"cannot be read ({exc.strerror})"))
        return taken
    pending = [Path()]
    while pending:
        rel_dir = pending.pop()
        try:
            entries = sorted(os.scandir(root / rel_dir), key=lambda e: e.name)
        except OSError as exc:
            taken.skipped.append((str(rel_dir), f"cannot be listed ({exc.strerror})"))
            continue
        for entry in entries:
            rel = rel_dir / entry.name
            if _ignored(entry.name, ignore):
                continue
            if text_names and not _text_name(entry.name):
                taken.skipped.append((printable(rel), "its name is not UTF-8 text"))
                continue
            try:
                info = entry.stat(follow_symlinks=False)
            except OSError as exc:
                taken.skipped.append((str(rel), f"cannot be read ({exc.strerror})"))
                continue
            if stat.S_ISDIR(info.st_mode):
                pending.append(rel)
            elif not stat.S_ISREG(info.st_mode):
                taken.skipped.append((str(rel), _kind(info.st_mode)))
            elif info.st_size > max_file:
                taken.skipped.append((str(rel), f"larger than {max_file >> 20} MB"))
            elif total + info.st_size > max_total:
                taken.skipped.append((str(rel), f"past the {max_total >> 20} MB allowance"))
            else:
                total += info.st_size
                taken.files.append((str(rel), entry.path, info.st_size))
    taken.files.sort()
    return taken


def read(path, limit=MAX_FILE):
    """The bytes of a regular file, never through a link, never past `limit` bytes (OSError or
    ValueError otherwise)."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise ValueError(f"{Path(path).name} is a symbolic link (never followed)") from None
        raise
    return _regular(fd, Path(path).name, limit)


def _regular(fd, name, limit):
    """The bytes of the open file `fd` if it is a regular file of at most `limit` bytes."""
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(handle.fileno())
        if not stat.S_ISREG(info.st_mode):
            raise ValueError(f"{name} is {_kind(info.st_mode)}")
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise ValueError(f"{name} is larger than {limit >> 20} MB")
    return data


def read_beneath(root, rel, limit=MAX_FILE):
    """The bytes of the regular file `rel` under the folder `root`, opening every component of
    `rel` without following links (a student may have replaced any of them with one), never
    past `limit` bytes."""
    fd = os.open(root, os.O_RDONLY | os.O_DIRECTORY)
    try:
        parts = Path(rel).parts
        for part in parts[:-1]:
            if part in ("..", "/"):
                raise ValueError(f"{rel} leaves {root}")
            nxt = os.open(part, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW, dir_fd=fd)
            os.close(fd)
            fd = nxt
        leaf = os.open(parts[-1], os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK, dir_fd=fd)
    finally:
        os.close(fd)
    return _regular(leaf, rel, limit)


def copy(folder, dest, ignore=(), max_file=MAX_FILE, max_total=MAX_TOTAL):
    """Copy the regular files of `folder` into `dest` (created as needed); returns the Taken,
    whose `skipped` also lists files that changed into something else while being copied."""
    taken = walk(folder, ignore, max_file, max_total)
    dest = Path(dest)
    kept = []
    for rel, path, size in taken.files:
        try:
            data = read(path, max_file)
        except (OSError, ValueError) as exc:
            taken.skipped.append((rel, f"cannot be read ({exc})"))
            continue
        target = dest / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        kept.append((rel, path, size))
    taken.files = kept
    return taken


def write_atomic(path, data):
    """Write `data` to `path` all at once: readers (and a crash, or a full disk) see the old file
    or the new one, never half of it."""
    path = Path(path)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()


def disk_full(exc):
    """True if `exc`, or what caused it, says the disk is full (an OSError, or SQLite's own
    "database or disk is full" under SQLAlchemy's wrapper)."""
    seen = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT):
            return True
        if "database or disk is full" in str(exc) or "No space left on device" in str(exc):
            return True
        exc = getattr(exc, "orig", None) or exc.__cause__ or exc.__context__
    return False
