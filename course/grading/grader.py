"""The grader's half: the instructor's references, this student's cases, and the verdicts.

A hidden test compares the student's outputs on this student's cases with the reference of
solutions/reference/<assignment>.py (found through BACKPROP_SOLUTIONS; students never have that
folder), then with centred differences of the forward function. Two routes reach this module:
- direct (plain nbgrader, the project's tests): the kernel that runs the notebook has the
  reference and calls `judge_cases` itself;
- sandboxed (the course's grading pipeline): the grader writes `case_file` for the kernel
  (inputs only), the kernel records what the student's function returned (course.grading.kernel),
  and the grader, outside the kernel, calls `judge` on the record.
"""
import hashlib
import importlib.util
import os
from pathlib import Path

from .. import environment
from ..i18n import N_, _
from ..tolerance import NUMERIC
from . import seeds, wire
from .check import failures, run_cases
from .report import GradingError

SOLUTIONS_ENV = environment.SOLUTIONS

_loaded = {}
"""{(assignment, hash of the references): module}."""
_hashes = {}
"""{the references' sizes, times and inodes: their hash}."""


_HOW = N_("the course's nbgrader_config.py sets it: run `backprop-grade install-course <course "
        "folder>` (or `python -m autograder install-course`) for a course folder of your own")


def solutions_dir():
    path = os.environ.get(SOLUTIONS_ENV)
    if not path:
        raise GradingError(_("Hidden tests cannot find the instructor's references: the "
                             "environment variable {env} is not set for this grading run. It "
                             "names the folder holding reference/<assignment>.py; {how}.",
                             env=SOLUTIONS_ENV, how=_(_HOW)))
    return Path(path)


def load(assignment):
    """The instructor's reference module for an assignment, cached per process by the contents of
    the references: a long-lived process (a Dask worker) reloads a reference the instructor
    edited, and one that another reference loads (08 builds on 05's layers)."""
    path = solutions_dir() / "reference" / f"{assignment}.py"
    if not _readable(path):
        raise GradingError(_("Hidden tests cannot find the reference of {assignment}: "
                             "{env}={folder} has no reference/{assignment}.py (no file "
                             "{path}, or it cannot be read). Point {env} at the folder "
                             "holding reference/; {how}.", assignment=assignment,
                             env=SOLUTIONS_ENV, folder=os.environ[SOLUTIONS_ENV], path=path,
                             how=_(_HOW)))
    key = (assignment, _contents(path.parent))
    if key not in _loaded:
        spec = importlib.util.spec_from_file_location(f"backprop_reference_{assignment}", path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        _loaded[key] = module
    return _loaded[key]


def _contents(folder):
    """sha256 of every reference in `folder`. Hashing them all takes 0.3 ms, and hidden tests
    load references often: the hash is kept until a file's size, time or inode changes."""
    try:
        entries = sorted((e for e in os.scandir(folder) if e.name.endswith(".py")),
                         key=lambda e: e.name)
    except OSError:
        entries = []
    stamp = (str(folder), *(_stamp(e) for e in entries))
    if stamp not in _hashes:
        digest = hashlib.sha256(str(folder).encode())
        for entry in entries:
            try:
                data = Path(entry.path).read_bytes()
            except OSError:  # one unreadable reference: the others still count
                data = b"unreadable"
            digest.update(entry.name.encode() + b"\0" + data + b"\0")
        _hashes[stamp] = digest.hexdigest()
    return _hashes[stamp]


def _stamp(entry):
    try:
        st = entry.stat()
        return entry.name, st.st_size, st.st_mtime_ns, st.st_ino
    except OSError:
        return entry.name, None


def _readable(path):
    try:
        return path.is_file() and os.access(path, os.R_OK)
    except OSError:  # a folder on the way that this user may not enter
        return False


def exercise(assignment, name):
    """The Exercise (course.grading.spec) of one hidden test."""
    return load(assignment).EXERCISES[name]


def cases(assignment, name, student=None):
    """This student's input dicts for one exercise: the fixed ones, then the random draws."""
    ex = exercise(assignment, name)
    rng = seeds.rng(assignment, name, student)
    return [dict(c) for c in ex.fixed] + [ex.draw(rng) for _ in range(ex.cases)]


def passed_message(ex):
    return _("{title}: all {n} hidden cases pass.", title=_(ex.title),
             n=len(ex.fixed) + ex.cases)


def plan(ex, todo, calls=None):
    """What `check.failures` runs for an exercise's cases: each against the reference (or any
    of its accepted answers, Exercise.also), then against centred differences (if the exercise
    has a forward function), with `calls[i]` for case i if given (a sandboxed kernel's replayed
    results), else the exercise's call."""
    out = []
    for i, inputs in enumerate(todo, 1):
        checks = [(ex.accepted(inputs) if ex.also else ex.expected(inputs), ex.tol)]
        if ex.forward is not None:
            checks.append((lambda inputs=inputs: ex.numeric(inputs), NUMERIC))
        out.append((inputs, checks, dict(call=calls[i - 1] if calls else ex.call,
                                         label=" " + _("(case {i} of {n})", i=i,
                                                       n=len(todo)))))
    return out


def _options(ex):
    return dict(title=_(ex.title), forbid=ex.forbid, topic=ex.topic, verdict=ex.verdict)


def judge_cases(ex, name, fn, todo, calls=None):
    """Run every case; raise GradingError on the first failure (check.run_cases)."""
    run_cases(fn, plan(ex, todo, calls), exercise=name, mistakes=ex.mistakes, **_options(ex))


def evidence(assignment, name, fn, students):
    """The failing cases (hints.Case) of `fn` on the hidden cases of each of `students`: what a
    hint shown to one of them should hold on (the accuracy report's check of its hints)."""
    ex = exercise(assignment, name)
    found = []
    for student in students:
        todo = cases(assignment, name, student)
        found += [f.case for f in failures(fn, plan(ex, todo), exercise=name, **_options(ex))
                  if f.case is not None]
    return found


# --- sandboxed: what goes to the kernel, and the verdict on what comes back ---------------------

def call_spec(call):
    """How a sandboxed kernel finds a course-level call driver: {"name", "args"?} or None."""
    if call is None:
        return None
    spec = getattr(call, "sandbox_spec", None) or (
        {"name": wire.dotted(call)} if wire.dotted(call) else None)
    if spec is None:
        raise ValueError(f"{call!r} is not a course-level driver: give the Exercise a kernel_call")
    return spec


def case_file(assignment, name, student):
    """What a sandboxed kernel gets for one exercise: data, never an expected value."""
    ex = exercise(assignment, name)
    todo = cases(assignment, name, student)
    prepared = [ex.prepare(dict(c)) if ex.prepare else c for c in todo]
    return {"title": _(ex.title), "call": call_spec(ex.kernel_call or ex.call),
            "forbid": list(ex.forbid), "cases": [wire.encode(c) for c in prepared]}


def judge(assignment, name, fn_name, results, student):
    """The verdict on one recorded hidden check: None if it passes, else the message."""
    error = diagnose(assignment, name, fn_name, results, student)
    return None if error is None else str(error)


def diagnose(assignment, name, fn_name, results, student):
    """`judge`'s verdict as the GradingError itself (its message, and the mistakes, wrong
    outputs and first wrong stage behind it), None if the check passes."""
    ex = exercise(assignment, name)
    todo = cases(assignment, name, student)
    if not isinstance(results, list) or len(results) != len(todo) or \
            not all(isinstance(r, dict) for r in results):
        return GradingError(_("{title}: the hidden test did not record a result for each of its "
                              "{n} cases, so it cannot be checked.", title=_(ex.title),
                              n=len(todo)), kind="no record")
    calls = [wire.replay(r) for r in results]
    try:
        judge_cases(ex, name, wire.Named(fn_name), todo, calls)
    except GradingError as error:
        return error
    return None
