"""Autograde every collected submission of an assignment, N notebooks at a time.

This process is the gradebook's only writer: it records each submission and saves its grades
with nbgrader's own SaveAutoGrades and AssignLatePenalties, while workers (autograder.pool's
processes, or Dask workers: autograder.cluster) run the rest of nbgrader's autograde chains,
sanitizing and executing each notebook in a fresh sandboxed kernel and only reading the
gradebook. A submission that cannot be graded gets a reason, and the batch goes on; a failure of
the grader itself (a worker that died, a full disk) is never remembered as a grade, so the next
run grades that submission again. A submission graded before is skipped unless it, or the
assignment's source, the course's references or its nbgrader_config.py changed (a sha256
fingerprint), or `force` is given; regrading never touches manual grades (nbgrader's
SaveAutoGrades only sets auto_score).

Nothing is lost to an interrupted run (Ctrl-C, SIGTERM, a dead machine): a submission's new
autograded folder is built aside and swapped in once complete, its state written after, and every
submission a run takes on stays queued until its result is saved, so the next run, `--force` or
not, grades exactly the ones left.
"""
import hashlib
import json
import os
import shutil
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from . import files, late
from .progress import Progress, duration, table
from .records import Reply, Task
from .sandbox import TIMEOUTS
from .text import for_terminal
from .workspace import Course

# nbformat and nbgrader are imported inside the functions that use them: importing them takes
# seconds, which the workers, started first, spend importing the same in parallel.


@dataclass
class Outcome:
    """How grading one student's submission went."""
    student: str
    status: str
    """"graded", "failed", or "unchanged" (graded before, skipped)."""
    score: float = None
    max_score: float = None
    seconds: float = None
    """Time spent executing the notebook(s) (kernel start included)."""
    reason: str = ""
    """Why it failed, for the instructor."""
    fingerprint: str = ""
    """What the grade was computed from; empty when the grader failed (graded again next run)."""
    log: str = ""
    flags: list = field(default_factory=list)
    """What the instructor should look at: repairs of a tampered notebook, an execution stopped
    early, clean-room disagreements, files left out of the submission."""
    unenforced: list = field(default_factory=list)
    """Sandbox limits the machine did not let this run enforce (autograder.cgroups)."""
    phases: dict = field(default_factory=dict)
    """Seconds per part of the grading, the worker's and this process's (the profile)."""
    late: float = 0.0
    """Seconds after the due date the submission came in (nbgrader's), whatever it loses."""
    penalty: float = 0.0
    """Points the late policy took off (included in `score`)."""


class DiskFull(RuntimeError):
    """The disk filled up: the batch stopped, every finished submission saved."""


class Interrupted(KeyboardInterrupt):
    """The run was stopped (Ctrl-C, SIGTERM): its message says what was saved."""

    def __init__(self, message="interrupted (Ctrl-C)", code=130):
        super().__init__(message)
        self.code = code
        """The exit status: 128 + the signal's number."""


def _first(exc):
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0][:200]


def submissions(course, assignment):
    """({student: submitted folder}, {student: why refused}) for every submission of
    `assignment`, sorted by student. A student folder or an assignment folder that is a
    symbolic link, or is not a folder, is never followed: it is refused, with the reason."""
    base = course.root / "submitted"
    found, refused = {}, {}
    for student in sorted(os.listdir(base)) if base.is_dir() else []:
        folder = base / student / assignment
        if not os.path.lexists(folder):
            continue
        if (base / student).is_symlink() or folder.is_symlink():
            refused[student] = "the submission folder is a symbolic link (never followed)"
        elif not folder.is_dir():
            refused[student] = "the submission is not a folder"
        else:
            found[student] = folder
    return found, refused


def fingerprint(folder, assignment, course):
    """sha256 of what determines a grade: the submitted files (regular files only, never through
    a link), and what the course grades them with: the assignment's source folder, the
    references (every one: a reference may build on another's, 08 on 05's layers), the
    course's nbgrader_config.py and the assignment's kept late policy."""
    digest = hashlib.sha256()
    for base in (Path(folder), course.source / assignment):
        _hash_files(digest, base)
    _hash_files(digest, course.solutions / "reference")
    for path in (course.config_file, late.policy_file(course.root, assignment)):
        digest.update(str(path.name).encode() + b"\0" + _bytes(path) + b"\0")
    return digest.hexdigest()


def _hash_files(digest, base):
    taken = files.walk(base, ignore=(".ipynb_checkpoints", "__pycache__"))
    for rel, path, _ in taken.files:
        digest.update(rel.encode() + b"\0" + _bytes(path) + b"\0")
    digest.update("".join(f"{rel}:{why}\0" for rel, why in taken.skipped).encode())


def _bytes(path):
    try:
        return files.read(path)
    except FileNotFoundError:
        return b"(none)"
    except (OSError, ValueError) as exc:
        return f"unreadable: {exc}".encode()


def _state_dir(course, assignment, student):
    return course.root / ".autograder" / assignment / student


def _last(course, assignment, student):
    path = _state_dir(course, assignment, student) / "state.json"
    try:
        return Outcome(**json.loads(path.read_text()))
    except (OSError, ValueError, TypeError):  # none yet, or from an older version: grade again
        return None


def _remember(course, assignment, outcome):
    """Write state.json atomically: a crash or a full disk leaves the old one or the new one.
    The submission is no longer queued."""
    path = _state_dir(course, assignment, outcome.student) / "state.json"
    files.write_atomic(path, json.dumps(asdict(outcome), indent=1).encode())
    _queued(course, assignment, outcome.student).unlink(missing_ok=True)


def _queued(course, assignment, student):
    """A file that exists from the start of a run that grades the submission until its result is
    saved: a run stopped on the way (Ctrl-C, SIGTERM, a dead machine) leaves it, and the next
    run grades the submission again, `--force` or not."""
    return _state_dir(course, assignment, student) / "queued"


def _stale(course, layout, assignment, student, last, fp, force):
    """True if the submission must be graded (its last result does not stand)."""
    folder = course.root / layout.format(nbgrader_step=_AUTOGRADED, student_id=student,
                                         assignment_id=assignment)
    return (force or last is None or last.fingerprint != fp
            or _queued(course, assignment, student).exists()
            or (last.status == "graded" and not folder.is_dir()))


_AUTOGRADED = "autograded"


def _layout(course):
    """nbgrader's directory_structure and autograded folder, from the course's configuration
    without importing nbgrader (the workers, started first, spend those seconds importing it)."""
    settings = course.config().CourseDirectory
    layout = settings.get("directory_structure", "{nbgrader_step}/{student_id}/{assignment_id}")
    return layout.replace("{nbgrader_step}", settings.get("autograded_directory", _AUTOGRADED))


def _notebooks(course, assignment):
    from nbgrader.api import MissingEntry
    with course.gradebook() as gb:
        try:
            return [nb.name for nb in gb.find_assignment(assignment).notebooks]
        except MissingEntry:
            raise RuntimeError(f"{assignment} is not in the gradebook {course.db_url}: release "
                               f"it first (python -m autograder release {assignment})") from None


def read_only_gradebook(course, assignment):
    """The URL workers read the gradebook from. SQLite: a snapshot copy, so the only process
    that opens the real file is the writer; other databases handle concurrent readers."""
    from nbgrader.api import Gradebook
    with Gradebook(course.db_url):
        pass  # creates nbgrader's "default_course" row now, so a worker never has to write it
    if not course.db_url.startswith("sqlite:///"):
        return course.db_url
    snapshot = course.root / ".autograder" / assignment / "gradebook-snapshot.db"
    snapshot.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(course.db_url.removeprefix("sqlite:///"), snapshot)
    return f"sqlite:///{snapshot}"


def grade(assignment, course=None, workers=None, cell_timeout=None,
          notebook_timeout=TIMEOUTS.notebook,
          force=False, students=None, quiet=False, sandboxed=True, require_limits=False,
          cluster=None):
    """Grade the submissions of `assignment` (all, or `students`); a list of Outcomes.
    Kernels run in bubblewrap sandboxes and are re-checked in a clean room unless `sandboxed`
    is False (for trusted notebooks only: without it a notebook can change its own grade).
    `cluster`: None for this machine's worker processes, else a Dask address ("local:N" or
    "tcp://host:port", autograder.cluster)."""
    if sandboxed and cluster is None:
        from .sandbox import check
        check()
    course = course or Course()
    found, refused = submissions(course, assignment)
    if students:
        missing = [s for s in students if s not in found and s not in refused]
        if missing:
            raise RuntimeError(f"no submission of {assignment} from {', '.join(missing)} "
                               f"in {course.root / 'submitted'}")
        found = {s: found[s] for s in students if s in found}
        refused = {s: refused[s] for s in students if s in refused}
    unchanged, todo, layout = {}, [], _layout(course)
    for student, why in refused.items():
        unchanged[student] = Outcome(student, "failed", reason=why, seconds=0.0)
        _state_dir(course, assignment, student).mkdir(parents=True, exist_ok=True)
        _remember(course, assignment, unchanged[student])
    for student, folder in found.items():
        fp, last = fingerprint(folder, assignment, course), _last(course, assignment, student)
        if _stale(course, layout, assignment, student, last, fp, force):
            todo.append((student, folder, fp))
        else:
            unchanged[student] = Outcome(**{**asdict(last), "status": "unchanged"})
    if not todo:
        return [unchanged[s] for s in sorted(unchanged)]
    notebooks = _notebooks(course, assignment)
    for student, _, _ in todo:  # before any is started: a stopped run leaves them all queued
        _queued(course, assignment, student).parent.mkdir(parents=True, exist_ok=True)
        _queued(course, assignment, student).touch()
    pool = batch = None
    try:
        pool = _executor(course, assignment, min(workers or os.cpu_count() or 1, len(todo)),
                         notebook_timeout, sandboxed, cluster)
        if require_limits and pool.missing:
            raise RuntimeError("refusing to grade (--require-limits): this machine does not let "
                               "the sandbox enforce " + "; ".join(pool.missing))
        from .steps import Steps
        bar = Progress(len(todo), f"grading {assignment}",
                       stream=open(os.devnull, "w") if quiet else None)
        batch = Batch(Steps(course), assignment, notebooks, bar, pool.missing)
        batch.run(pool, todo, pool.read_db, cell_timeout)
        bar.close()
    except KeyboardInterrupt as exc:
        done = len(batch.outcomes) if batch else 0
        raise Interrupted(_stopped(exc, done, len(todo)), getattr(exc, "code", 130)) from None
    finally:
        if pool is not None:
            pool.close()
    outcomes = {**unchanged, **batch.outcomes}
    return [outcomes[s] for s in sorted(outcomes)]


def _stopped(exc, done, queued):
    """The one line an interrupted run ends with."""
    why = str(exc) or "interrupted (Ctrl-C)"
    return (f"{why}: {done} of {queued} submissions graded and saved; the other {queued - done} "
            "keep their previous results (autograded notebooks, grades) and are graded by the "
            "next run of the same command (no --force needed)")


def _executor(course, assignment, n, notebook_timeout, sandboxed, cluster):
    """What runs the tasks: this machine's worker processes, or a Dask cluster."""
    if cluster is None:
        from .pool import Pool
        pool = Pool(n, notebook_timeout, course, sandboxed)
        pool.read_db = read_only_gradebook(course, assignment)
        return pool
    from .cluster import DaskPool
    return DaskPool(cluster, course, assignment, notebook_timeout, sandboxed)


def _renamed(task, folder, notebook, notebooks):
    """A missing notebook with exactly one unknown notebook beside it (a renamed download, e.g.
    "02_chain_rule (1).ipynb"): grade that one, and say so."""
    others = [Path(folder) / rel for rel, _, _ in files.walk(folder).files
              if rel.endswith(".ipynb") and "/" not in rel and Path(rel).stem not in notebooks]
    if len(others) == 1:
        task.input = str(others[0])
        task.renamed = (f"{notebook}: graded {others[0].name} in place of the missing "
                        f"{notebook}.ipynb")


class Batch:
    """The submissions of one run in flight: a student's Outcome is complete, and remembered,
    once every one of its notebooks has come back from a worker. Whatever goes wrong with one
    submission stays with it; a full disk stops the batch with everything finished saved."""

    def __init__(self, steps, assignment, notebooks, bar, unenforced=()):
        self.steps, self.assignment, self.notebooks, self.bar = steps, assignment, notebooks, bar
        self.unenforced = list(unenforced)
        self.outcomes = {}
        """Finished students: {student: Outcome}."""
        self.pending = {}
        """{student: (Outcome so far, notebooks still out)}."""

    def run(self, pool, todo, read_db, cell_timeout):
        waiting = 0
        try:
            for student, folder, fp in todo:
                for task in self._start_safely(student, folder, fp, read_db, cell_timeout):
                    if task.missing:
                        self.done(task, Reply.failed(task.missing))
                    else:
                        pool.submit(task)
                        waiting += 1
            for _ in range(waiting):
                task, reply = pool.results.get()
                waiting -= 1
                self._done_safely(task, reply)
        except DiskFull as exc:
            pool.cancel()
            left = sorted(set(self.pending) | {s for s, _, _ in todo if s not in self.outcomes})
            raise DiskFull(f"{exc}: stopped with {len(self.outcomes)} submissions graded and "
                           f"saved; {len(left)} not graded ({', '.join(left[:10])}"
                           f"{' ...' if len(left) > 10 else ''}) are graded by the next run "
                           "once there is space") from None

    def _start_safely(self, student, folder, fp, read_db, cell_timeout):
        try:
            return self.start(student, folder, fp, read_db, cell_timeout)
        except Exception as exc:
            if files.disk_full(exc):
                raise DiskFull(f"the disk is full ({_first(exc)})") from None
            outcome = Outcome(student, "failed", seconds=0.0, fingerprint="",
                              reason=f"could not be prepared for grading: {exc}",
                              unenforced=self.unenforced)
            self.pending.pop(student, None)
            self._finish(outcome)
            return []

    def _done_safely(self, task, reply):
        try:
            self.done(task, reply)
        except Exception as exc:
            if files.disk_full(exc):
                raise DiskFull(f"the disk is full ({_first(exc)})") from None
            outcome, _ = self.pending.pop(task.student, (None, 0))
            if outcome is not None:
                outcome.status, outcome.fingerprint = "failed", ""
                outcome.reason = f"saving the grades failed: {exc}"
                self._finish(outcome, remember=False)

    def start(self, student, folder, fp, read_db, cell_timeout):
        """Record the submission and lay out its folder; the Tasks of its notebooks (one with
        `missing` set has no notebook to grade)."""
        course, assignment = self.steps.course, self.assignment
        stage = _state_dir(course, assignment, student)
        stage.mkdir(parents=True, exist_ok=True)
        log = course.root / "logs" / assignment / f"{student}.log"
        log.parent.mkdir(parents=True, exist_ok=True)
        log.write_text(f"grading {assignment} for {student} from {folder}\n" + "".join(
            f"sandbox limit not enforced on this machine: {what}\n" for what in self.unenforced))
        _, skipped = self.steps.start_submission(assignment, student, folder)
        flags = [f"left out of the submission: {rel} ({why})" for rel, why in skipped]
        self.pending[student] = (Outcome(student, "graded", seconds=0.0, fingerprint=fp,
                                         log=str(log), flags=flags, unenforced=self.unenforced),
                                 len(self.notebooks))
        tasks = []
        for notebook in self.notebooks:
            task = Task(assignment, student, notebook,
                        input=str(Path(folder) / f"{notebook}.ipynb"), log=str(log),
                        output=str(stage / f"{notebook}.out.ipynb"), read_db=read_db,
                        cell_timeout=cell_timeout,
                        data_folder=str(self.steps.staging(assignment, student)))
            if not os.path.lexists(task.input):
                _renamed(task, folder, notebook, self.notebooks)
            if not os.path.lexists(task.input):
                task.missing = f"{notebook}.ipynb is missing"
            tasks.append(task)
        return tasks

    def done(self, task, reply):
        """Save one graded notebook (or its failure); finish the student when all are in."""
        import nbformat
        student, notebook = task.student, task.notebook
        outcome, left = self.pending[student]
        outcome.seconds += reply.seconds
        outcome.flags += reply.flags
        for name, seconds in reply.phases.items():
            outcome.phases[name] = round(outcome.phases.get(name, 0.0) + seconds, 4)
        saving = time.monotonic()
        if reply.disk_full:
            raise DiskFull(f"the disk is full ({reply.reason})")
        if reply.grader_failed:  # not the submission's doing: never remembered
            outcome.fingerprint = ""
        if reply.ok:
            try:
                self.steps.save(nbformat.read(task.output, as_version=4), self.assignment,
                                student, notebook)
            except Exception as exc:
                if files.disk_full(exc):
                    raise
                reply = Reply.failed(f"saving the grades failed: {exc}")
        if not reply.ok:
            ran = nbformat.read(task.output, as_version=4) if reply.partial else None
            self.steps.record_failure(self.assignment, student, notebook, reply.reason, ran)
            outcome.status = "failed"
            outcome.reason = "; ".join(filter(None, [outcome.reason, reply.reason]))
        outcome.phases["gradebook writes"] = round(
            outcome.phases.get("gradebook writes", 0.0) + time.monotonic() - saving, 4)
        with open(task.log, "a") as log:
            log.write(f"{notebook}: {reply.status} {for_terminal(reply.reason)}\n")
            log.writelines(f"  flag: {for_terminal(flag)}\n" for flag in reply.flags)
        self.pending[student] = (outcome, left - 1)
        if left > 1:
            return
        del self.pending[student]
        for stale in Path(task.output).parent.glob("conn-*"):  # a killed worker's
            shutil.rmtree(stale, ignore_errors=True)
        self.steps.commit(self.assignment, student)
        with self.steps.course.gradebook() as gb:
            submission = gb.find_submission(self.assignment, student)
            outcome.score, outcome.max_score = submission.score, submission.max_score
            outcome.late = float(submission.total_seconds_late or 0.0)
            outcome.penalty = float(submission.late_submission_penalty or 0.0)
        self._finish(outcome)

    def _finish(self, outcome, remember=True):
        outcome.seconds = round(outcome.seconds or 0.0, 2)
        if remember:
            _remember(self.steps.course, self.assignment, outcome)
        self.outcomes[outcome.student] = outcome
        self.bar.step(failed=outcome.status == "failed")


def reflagged(course, assignment, students):
    """[(student, [cell, ...])] of answers graded by hand that nbgrader flags "needs manual
    grading" again after regrading them (its SaveAutoGrades does so for every manually graded
    cell; the manual score is kept, and counts)."""
    from nbgrader.api import MissingEntry
    found = []
    with course.gradebook() as gb:
        for student in students:
            try:
                sub = gb.find_submission(assignment, student)
            except MissingEntry:  # a submission refused before it was recorded
                continue
            cells = [g.name for nb in sub.notebooks for g in nb.grades
                     if g.manual_score is not None and g.needs_manual_grade]
            if cells:
                found.append((student, cells))
    return found


def summary(outcomes):
    """The table printed after grading: one row per submission, then the totals and the sandbox
    limits this machine did not enforce."""
    rows = [{**asdict(o), "score": "" if o.score is None else f"{o.score:g}/{o.max_score:g}"}
            for o in outcomes]
    counts = {s: sum(o.status == s for o in outcomes) for s in ("graded", "failed", "unchanged")}
    for row, o in zip(rows, outcomes):
        row["flags"] = f"{len(o.flags)}: {o.flags[0][:70]}" if o.flags else ""
    text = table(rows, [("student", "student"), ("status", "status"), ("score", "score"),
                        ("seconds", "exec s"), ("reason", "reason"), ("flags", "flags")]) + \
        "\n" + ", ".join(f"{n} {s}" for s, n in counts.items())
    late = [o for o in outcomes if o.late > 0]
    if late:  # shown under every policy, "none" included: lateness is information too
        text += f"\nlate ({len(late)}, after the due date in the gradebook):\n" + "\n".join(
            f"  {o.student}: {duration(o.late)} late, "
            + (f"lost {o.penalty:g} points" if o.penalty else "lost nothing") for o in late)
    unenforced = sorted({what for o in outcomes if o.status != "unchanged"
                         for what in o.unenforced})
    if unenforced:
        text += "\nsandbox limits NOT enforced on this machine: " + "; ".join(unenforced)
    return text

