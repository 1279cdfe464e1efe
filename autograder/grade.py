"""Autograde every collected submission of an assignment, N notebooks at a time.

This process is the gradebook's only writer: it sanitizes each submission and saves its grades
with nbgrader's own preprocessors (autograder.steps), while worker processes (autograder.pool)
only execute notebooks, each in a fresh kernel. A submission that cannot be graded gets a reason,
and the batch goes on. A submission graded before is skipped unless it, or the assignment's
source or reference, changed (a sha256 fingerprint), or `force` is given; regrading never
touches manual grades (nbgrader's SaveAutoGrades only sets auto_score).
"""
import hashlib
import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path

import nbformat

from .pool import Pool
from .progress import Progress, table
from .steps import Steps
from .workspace import SOLUTIONS, SOURCES, Course


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


def submissions(course, assignment):
    """{student: submitted folder} for every submission of `assignment`, sorted by student."""
    base = course.root / "submitted"
    found = sorted(base.glob(f"*/{assignment}")) if base.exists() else []
    return {p.parent.name: p for p in found if p.is_dir()}


def fingerprint(folder, assignment):
    """sha256 of what determines a grade: the submitted files, the assignment's source folder
    and its hidden-test reference."""
    digest = hashlib.sha256()
    reference = SOLUTIONS / "reference" / f"{assignment}.py"
    sources = SOURCES / assignment
    for base in (Path(folder), sources, reference):
        files = sorted(p for p in ([base] if base.is_file() else base.rglob("*")) if p.is_file())
        for path in files:
            if ".ipynb_checkpoints" in path.parts or "__pycache__" in path.parts:
                continue
            digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
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
    with course.gradebook() as gb:
        return [nb.name for nb in gb.find_assignment(assignment).notebooks]


def _prepare(steps, assignment, student, folder, notebook, log):
    """Sanitize one submitted notebook; a worker task, or a failure reason."""
    src = Path(folder) / f"{notebook}.ipynb"
    if not src.exists():
        return None, f"{notebook}.ipynb is missing from the submission"
    try:
        nb = nbformat.read(str(src), as_version=4)
    except Exception as exc:  # invalid JSON, not a notebook, wrong nbformat
        return None, f"{notebook}.ipynb is not a readable notebook ({type(exc).__name__}: " \
                     f"{str(exc).strip().splitlines()[0][:120] if str(exc).strip() else ''})"
    dest = steps.coursedir.format_path(steps.coursedir.autograded_directory, student, assignment)
    resources = steps.resources(assignment, student, notebook, dest)
    try:
        nb = steps.sanitize(nb, resources)
    except Exception as exc:  # e.g. CheckCellMetadata: a student edited nbgrader's metadata
        return None, f"nbgrader could not sanitize {notebook}.ipynb: {exc}"
    stage = _state_dir(steps.course, assignment, student)
    task = {"student": student, "notebook": notebook, "cwd": dest, "log": str(log),
            "input": str(stage / f"{notebook}.in.ipynb"),
            "output": str(stage / f"{notebook}.out.ipynb"), "cell_timeout": steps.cell_timeout}
    nbformat.write(nb, task["input"])
    return task, None


def grade(assignment, course=None, workers=None, cell_timeout=None, notebook_timeout=300,
          force=False, students=None, quiet=False):
    """Grade the submissions of `assignment` (all, or `students`); a list of Outcomes."""
    course = course or Course()
    steps = Steps(course)
    if cell_timeout:
        steps.cell_timeout = cell_timeout
    notebooks = _notebooks(course, assignment)
    found = submissions(course, assignment)
    if students:
        found = {s: found[s] for s in students if s in found}
    outcomes, todo = {}, []
    for student, folder in found.items():
        fp, last = fingerprint(folder, assignment), _last(course, assignment, student)
        if not force and last and last.fingerprint == fp:
            outcomes[student] = Outcome(**{**asdict(last), "status": "unchanged"})
        else:
            todo.append((student, folder, fp))
    bar = Progress(len(todo), f"grading {assignment}", stream=open(os.devnull, "w") if quiet else None)
    pool = Pool(workers or os.cpu_count() or 1, notebook_timeout)
    waiting, partial = 0, {}
    for student, folder, fp in todo:
        _state_dir(course, assignment, student).mkdir(parents=True, exist_ok=True)
        log = course.root / "logs" / assignment / f"{student}.log"
        log.parent.mkdir(parents=True, exist_ok=True)
        log.write_text(f"grading {assignment} for {student} from {folder}\n")
        outcome = Outcome(student, "graded", seconds=0.0, fingerprint=fp, log=str(log))
        partial[student] = [outcome, len(notebooks)]
        steps.start_submission(assignment, student, folder)
        for notebook in notebooks:
            task, reason = _prepare(steps, assignment, student, folder, notebook, log)
            if task:
                pool.submit(task)
                waiting += 1
            else:
                _done(steps, assignment, partial, outcomes, bar, {"student": student, "notebook":
                      notebook, "log": str(log)}, {"status": "failed", "reason": reason}, course)
    for _ in range(waiting):
        _done(steps, assignment, partial, outcomes, bar, *pool.results.get(), course)
    pool.close()
    bar.close()
    return [outcomes[s] for s in sorted(outcomes)]


def _done(steps, assignment, partial, outcomes, bar, task, reply, course):
    """Save one executed notebook's grades (or its failure); finish the student when complete."""
    student, notebook = task["student"], task["notebook"]
    outcome = partial[student][0]
    outcome.seconds += reply.get("seconds") or 0.0
    if reply["status"] == "ok":
        try:
            dest = steps.coursedir.format_path(steps.coursedir.autograded_directory, student,
                                               assignment)
            nb = nbformat.read(task["output"], as_version=4)
            steps.finish(nb, steps.resources(assignment, student, notebook, dest), dest)
        except Exception as exc:
            reply = {"status": "failed", "reason": f"saving the grades failed: {exc}"}
    if reply["status"] != "ok":
        steps.record_failure(assignment, student, notebook, reply["reason"])
        outcome.status = "failed"
        outcome.reason = "; ".join(filter(None, [outcome.reason, reply["reason"]]))
    with open(task["log"], "a") as log:
        log.write(f"{notebook}: {reply['status']} {reply.get('reason', '')}\n")
    partial[student][1] -= 1
    if partial[student][1]:
        return
    with course.gradebook() as gb:
        submission = gb.find_submission(assignment, student)
        outcome.score, outcome.max_score = submission.score, submission.max_score
    outcome.seconds = round(outcome.seconds, 2)
    _remember(course, assignment, outcome)
    outcomes[student] = outcome
    bar.step(failed=outcome.status == "failed")


def summary(outcomes):
    """The table printed after grading: one row per submission."""
    rows = [{**asdict(o), "score": "" if o.score is None else f"{o.score:g}/{o.max_score:g}"}
            for o in outcomes]
    counts = {s: sum(o.status == s for o in outcomes) for s in ("graded", "failed", "unchanged")}
    return table(rows, [("student", "student"), ("status", "status"), ("score", "score"),
                        ("seconds", "exec s"), ("reason", "reason")]) + \
        "\n" + ", ".join(f"{n} {s}" for s, n in counts.items())
