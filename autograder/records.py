"""The records that cross a process boundary while grading: a Task goes from the grading process
to a worker (a pipe's line, or a Dask task's argument), a Reply comes back. Each field is
declared once, with its reason, so that the local pool, Dask and the worker agree by
construction rather than by a comment; `from_json` refuses a key it does not know.
(The kernel's own records, which cross the sandbox, are course/grading/wire.py's.)
"""
import json
from dataclasses import asdict, dataclass, field, fields


class _Json:
    def to_json(self):
        return json.dumps(asdict(self))

    @classmethod
    def from_json(cls, text):
        data = json.loads(text) if isinstance(text, str) else dict(text)
        unknown = set(data) - {f.name for f in fields(cls)}
        if unknown:
            raise ValueError(f"{cls.__name__} has no field {', '.join(sorted(unknown))}")
        return cls(**data)


@dataclass
class Task(_Json):
    """One notebook of one submission, to be graded."""

    assignment: str
    """The assignment's name, as nbgrader knows it."""
    student: str
    """The student's id in the gradebook."""
    notebook: str
    """The notebook's name, without .ipynb."""
    input: str
    """The submitted notebook's path (on a Dask worker: its copy there)."""
    output: str
    """Where the worker writes the executed notebook: a staging file of the submission."""
    log: str
    """The submission's log file (the worker's messages about it go there)."""
    read_db: str
    """The gradebook the worker reads (nbgrader's sanitize chain): a read-only snapshot."""
    data_folder: str
    """The submission's laid-out files (its own, the source's on top): the kernel's folder."""
    cell_timeout: float | None = None
    """Seconds a cell may run (None: nbgrader's Execute.timeout from the configuration)."""
    renamed: str = ""
    """Set when another notebook is graded in place of a missing one: the flag saying so."""
    missing: str = ""
    """Set when there is nothing to grade: why. Such a task never reaches a worker."""
    tries: int = 0
    """How many times it was tried already, each ended by a failure of the grader's."""


RUNNING = "run"
"""The key of a worker's progress line ({"run": "clean room"}): another run of the notebook has
started, and it gets the whole notebook time limit of its own."""


@dataclass
class Reply(_Json):
    """What became of a Task."""

    status: str
    """"ok" (executed and checked: the grades are in the output notebook) or "failed"."""
    reason: str = ""
    """Why it failed, for the instructor's table and the formgrader's comment."""
    seconds: float = 0.0
    """Wall time the worker spent on it."""
    flags: list[str] = field(default_factory=list)
    """What the instructor should look at although it was graded (a repaired cell, a clean-room
    or bare-room verdict that differed, a limit hit)."""
    phases: dict[str, float] = field(default_factory=dict)
    """Seconds per part of grading it (worker.Phases): the grading benchmark's profile."""
    partial: bool = False
    """The output notebook holds the run as far as it went (for the formgrader, never graded)."""
    grader_failed: bool = False
    """The failure is the grader's (a worker that died or did not start, a sandbox that failed,
    a Dask cluster that could not run it), not the submission's: tried once more on a fresh
    worker, and never remembered, so that the next run grades it again."""
    restart: bool = False
    """The worker's state is unknown (it was late, or is gone): replace it before the next task."""
    disk_full: bool = False
    """The grader's disk is full: the batch stops, everything finished is saved."""
    notebook: str | None = None
    """On Dask: the executed notebook's text (the worker's files stay on its machine)."""
    log: str = ""
    """On Dask: what the worker logged about it."""

    @classmethod
    def failed(cls, reason, **more):
        return cls("failed", reason=reason, **more)

    @property
    def ok(self):
        return self.status == "ok"
