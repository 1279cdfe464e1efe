"""Autograde every collected submission of an assignment, N notebooks at a time.

This process is the gradebook's only writer: it records each submission and saves its grades
with nbgrader's own SaveAutoGrades and AssignLatePenalties, while worker processes
(autograder.pool, autograder.worker) run the rest of nbgrader's autograde chains, sanitizing and
executing each notebook in a fresh kernel and only reading the gradebook. A submission that
cannot be graded gets a reason, and the batch goes on. A submission graded before is skipped
unless it, or the assignment's source or reference, changed (a sha256 fingerprint), or `force` is
given; regrading never touches manual grades (nbgrader's SaveAutoGrades only sets auto_score).
"""
import hashlib
import json
import os
import shutil
from dataclasses import asdict, dataclass
from pathlib import Path

from . import files
from .pool import Pool
from .progress import Progress, table
from .workspace import SOLUTIONS, SOURCES, Course

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
    log: str = ""
    flags: list = None
    """What the instructor should look at: repairs of a tampered notebook, an execution stopped
    early, clean-room disagreements."""


def submissions(course, assignment):
    """{student: submitted folder} for every submission of `assignment`, sorted by student.
    A student folder or assignment folder that is a symbolic link is never followed."""
    base = course.root / "submitted"
    found = sorted(base.glob(f"*/{assignment}")) if base.exists() else []
    return {p.parent.name: p for p in found
            if not p.is_symlink() and not p.parent.is_symlink() and p.is_dir()}


def fingerprint(folder, assignment):
    """sha256 of what determines a grade: the submitted files (regular files only, never through
    a link), the assignment's source folder and its hidden-test reference."""
    digest = hashlib.sha256()
    reference = SOLUTIONS / "reference" / f"{assignment}.py"
    for base in (Path(folder), SOURCES / assignment):
        taken = files.walk(base, ignore=(".ipynb_checkpoints", "__pycache__"))
        for rel, path, _ in taken.files:
            try:
                data = files.read(path)
            except (OSError, ValueError) as exc:
                data = f"unreadable: {exc}".encode()
            digest.update(rel.encode() + b"\0" + data + b"\0")
        digest.update("".join(f"{rel}:{why}\0" for rel, why in taken.skipped).encode())
    digest.update(reference.name.encode() + b"\0" + reference.read_bytes() + b"\0")
    return digest.hexdigest()


def _state_dir(course, assignment, student):
    return course.root / ".autograder" / assignment / student


def _last(course, assignment, student):
    path = _state_dir(course, assignment, student) / "state.json"
    return Outcome(**json.loads(path.read_text())) if path.exists() else None


def _remember(course, assignment, outcome):
    path = _state_dir(course, assignment, outcome.student) / "state.json"
    path.write_text(json.dumps(asdict(outcome), indent=1))


def _notebooks(course, assignment):
    from nbgrader.api import MissingEntry
    with course.gradebook() as gb:
        try:
            return [nb.name for nb in gb.find_assignment(assignment).notebooks]
        except MissingEntry:
            raise RuntimeError(f"{assignment} is not in the gradebook {course.db_url}: release "
                               f"it first (python -m autograder release {assignment})") from None


def _read_only_gradebook(course, assignment):
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


def grade(assignment, course=None, workers=None, cell_timeout=None, notebook_timeout=300,
          force=False, students=None, quiet=False, sandboxed=True):
    """Grade the submissions of `assignment` (all, or `students`); a list of Outcomes.
    Kernels run in bubblewrap sandboxes and are re-checked in a clean room unless `sandboxed`
    is False (for trusted notebooks only: without it a notebook can change its own grade)."""
    if sandboxed:
        from .sandbox import check
        check()
    course = course or Course()
    found = submissions(course, assignment)
    if students:
        missing = [s for s in students if s not in found]
        if missing:
            raise RuntimeError(f"no submission of {assignment} from {', '.join(missing)} "
                               f"in {course.root / 'submitted'}")
        found = {s: found[s] for s in students}
    unchanged, todo = {}, []
    for student, folder in found.items():
        fp, last = fingerprint(folder, assignment), _last(course, assignment, student)
        if not force and last and last.fingerprint == fp:
            unchanged[student] = Outcome(**{**asdict(last), "status": "unchanged"})
        else:
            todo.append((student, folder, fp))
    if not todo:
        return [unchanged[s] for s in sorted(unchanged)]
    pool = Pool(min(workers or os.cpu_count() or 1, len(todo)), notebook_timeout, course,
                sandboxed)
    from .steps import Steps
    steps = Steps(course)
    try:
        notebooks = _notebooks(course, assignment)
    except RuntimeError:
        pool.close()
        raise
    read_db = _read_only_gradebook(course, assignment)
    bar = Progress(len(todo), f"grading {assignment}",
                   stream=open(os.devnull, "w") if quiet else None)
    batch = Batch(steps, assignment, notebooks, bar)
    waiting = 0
    for student, folder, fp in todo:
        for task in batch.start(student, folder, fp, read_db, cell_timeout):
            if task.get("missing"):
                batch.done(task, {"status": "failed", "reason": task["missing"]})
            else:
                pool.submit(task)
                waiting += 1
    for _ in range(waiting):
        batch.done(*pool.results.get())
    pool.close()
    bar.close()
    outcomes = {**unchanged, **batch.outcomes}
    return [outcomes[s] for s in sorted(outcomes)]


def _renamed(task, folder, notebook, notebooks):
    """A missing notebook with exactly one unknown notebook beside it (a renamed download, e.g.
    "02_chain_rule (1).ipynb"): grade that one, and say so."""
    others = [Path(folder) / rel for rel, _, _ in files.walk(folder).files
              if rel.endswith(".ipynb") and "/" not in rel and Path(rel).stem not in notebooks]
    if len(others) == 1:
        task["input"] = str(others[0])
        task["renamed"] = (f"{notebook}: graded {others[0].name} in place of the missing "
                           f"{notebook}.ipynb")


class Batch:
    """The submissions of one run in flight: a student's Outcome is complete, and remembered,
    once every one of its notebooks has come back from a worker."""

    def __init__(self, steps, assignment, notebooks, bar):
        self.steps, self.assignment, self.notebooks, self.bar = steps, assignment, notebooks, bar
        self.outcomes = {}
        """Finished students: {student: Outcome}."""
        self.pending = {}
        """{student: (Outcome so far, notebooks still out)}."""

    def start(self, student, folder, fp, read_db, cell_timeout):
        """Record the submission and lay out its folder; the worker tasks of its notebooks (a
        task with "missing" set has no notebook to grade)."""
        course, assignment = self.steps.course, self.assignment
        stage = _state_dir(course, assignment, student)
        stage.mkdir(parents=True, exist_ok=True)
        log = course.root / "logs" / assignment / f"{student}.log"
        log.parent.mkdir(parents=True, exist_ok=True)
        log.write_text(f"grading {assignment} for {student} from {folder}\n")
        _, skipped = self.steps.start_submission(assignment, student, folder)
        flags = [f"left out of the submission: {rel} ({why})" for rel, why in skipped]
        self.pending[student] = (Outcome(student, "graded", seconds=0.0, fingerprint=fp,
                                         log=str(log), flags=flags), len(self.notebooks))
        tasks = []
        for notebook in self.notebooks:
            task = {"assignment": assignment, "student": student, "notebook": notebook,
                    "input": str(Path(folder) / f"{notebook}.ipynb"), "log": str(log),
                    "output": str(stage / f"{notebook}.out.ipynb"), "read_db": read_db,
                    "cell_timeout": cell_timeout}
            if not os.path.lexists(task["input"]):
                _renamed(task, folder, notebook, self.notebooks)
            if not os.path.lexists(task["input"]):
                task["missing"] = f"{notebook}.ipynb is missing"
            tasks.append(task)
        return tasks

    def done(self, task, reply):
        """Save one graded notebook (or its failure); finish the student when all are in."""
        import nbformat
        student, notebook = task["student"], task["notebook"]
        outcome, left = self.pending[student]
        outcome.seconds += reply.get("seconds") or 0.0
        outcome.flags += reply.get("flags") or []
        if reply["status"] == "ok":
            try:
                self.steps.save(nbformat.read(task["output"], as_version=4), self.assignment,
                                student, notebook)
            except Exception as exc:
                reply = {"status": "failed", "reason": f"saving the grades failed: {exc}"}
        if reply["status"] != "ok":
            ran = nbformat.read(task["output"], as_version=4) if reply.get("partial") else None
            self.steps.record_failure(self.assignment, student, notebook, reply["reason"], ran)
            outcome.status = "failed"
            outcome.reason = "; ".join(filter(None, [outcome.reason, reply["reason"]]))
        with open(task["log"], "a") as log:
            log.write(f"{notebook}: {reply['status']} {reply.get('reason', '')}\n")
            log.writelines(f"  flag: {flag}\n" for flag in reply.get("flags") or [])
        self.pending[student] = (outcome, left - 1)
        if left > 1:
            return
        del self.pending[student]
        with self.steps.course.gradebook() as gb:
            submission = gb.find_submission(self.assignment, student)
            outcome.score, outcome.max_score = submission.score, submission.max_score
        outcome.seconds = round(outcome.seconds, 2)
        _remember(self.steps.course, self.assignment, outcome)
        self.outcomes[student] = outcome
        self.bar.step(failed=outcome.status == "failed")


def summary(outcomes):
    """The table printed after grading: one row per submission."""
    rows = [{**asdict(o), "score": "" if o.score is None else f"{o.score:g}/{o.max_score:g}"}
            for o in outcomes]
    counts = {s: sum(o.status == s for o in outcomes) for s in ("graded", "failed", "unchanged")}
    for row, o in zip(rows, outcomes):
        row["flags"] = f"{len(o.flags)}: {o.flags[0][:70]}" if o.flags else ""
    return table(rows, [("student", "student"), ("status", "status"), ("score", "score"),
                        ("seconds", "exec s"), ("reason", "reason"), ("flags", "flags")]) + \
        "\n" + ", ".join(f"{n} {s}" for s, n in counts.items())
