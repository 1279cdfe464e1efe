"""Faults of the grader's own making must never be remembered as grades: a worker killed in the
middle of a notebook, and a disk that fills up during a batch."""
import json
import os
import re
import signal
import subprocess
import sys
import textwrap
import time

import nbformat
import pytest
from nbgrader.api import Gradebook

from autograder import cells
from autograder.__main__ import main
from autograder.submissions import build_submission, submit
from autograder.workspace import REPO, SOURCES, env
from tests.pipeline_course import new_course

pytestmark = pytest.mark.pipeline

A = "02_chain_rule"
SLOW = "import time\ntime.sleep(4)  # slow enough to be caught mid-notebook\n"


def _class(course, students, slow=()):
    _cli(course, "release", A)
    release = nbformat.read(str(course.root / "release" / A / f"{A}.ipynb"), as_version=4)
    for student in students:
        nb = build_submission(release, A)
        if student in slow:
            nb.cells.insert(1, nbformat.v4.new_code_cell(SLOW))
        submit(course.root, student, A, nb)


def _cli(course, *argv):
    assert main([*map(str, argv), "--root", str(course.root)]) == 0


def _scores(course):
    with Gradebook(course.db_url, "backprop") as gb:
        return {s.student.id: s.score for s in gb.assignment_submissions(A)}


def _state(course, student):
    path = course.root / ".autograder" / A / student / "state.json"
    return json.loads(path.read_text()) if path.exists() else None


def test_a_worker_killed_mid_notebook_loses_nothing(tmp_path):
    """Kill -9 the worker grading a notebook: is that notebook graded again on a fresh worker,
    everyone ends graded at full marks, and no sandbox scratch or connection file is left?"""
    course = new_course(tmp_path / "course")
    students = ("ada", "bob", "cyd")
    _class(course, students, slow=("bob",))
    before = set(os.listdir("/tmp"))
    proc = subprocess.Popen([sys.executable, "-m", "autograder", "grade", A, "-j", "1",
                             "--root", str(course.root)], cwd=REPO, env=env(),
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    log = course.root / "logs" / A / "bob.log"
    deadline, victim = time.monotonic() + 120, None
    while victim is None and time.monotonic() < deadline:
        m = log.exists() and re.search(r"worker (\d+) grading", log.read_text())
        victim = int(m.group(1)) if m else None
        time.sleep(0.1)
    assert victim, "bob's notebook never started"
    time.sleep(1.0)  # inside the slow cell
    os.kill(victim, signal.SIGKILL)
    out, _ = proc.communicate(timeout=300)
    assert proc.returncode == 0, out
    assert all(_state(course, s)["status"] == "graded" for s in students), out
    assert len(set(_scores(course).values())) == 1, _scores(course)  # all equal: full marks
    assert re.findall(r"worker (\d+) grading .* for bob", log.read_text())[-1] != str(victim)
    leftovers = {n for n in set(os.listdir("/tmp")) - before if n.startswith("bp-")}
    assert not leftovers
    assert not list((course.root / ".autograder").rglob("conn-*"))


def test_a_grader_failure_is_never_remembered(tmp_path):
    """When the worker dies on both tries, is the student failed with a reason but no
    fingerprint, so that a plain rerun grades the notebook again?"""
    course = new_course(tmp_path / "course")
    _class(course, ("ada",))
    from autograder import grade as grading
    from autograder.pool import Pool
    from autograder.records import Reply

    class Broken(Pool):
        def submit(self, task):  # every worker dies: the grader's fault, not the student's
            self.results.put((task, Reply.failed("the grading worker died while grading",
                                                 grader_failed=True)))
    original = grading._executor

    def broken(course_, assignment, n, limit, sandboxed, cluster):
        pool = Broken(n, limit, course_, sandboxed)
        pool.read_db = grading.read_only_gradebook(course_, assignment)
        return pool
    grading._executor = broken
    try:
        (outcome,) = grading.grade(A, course, workers=1, quiet=True)
    finally:
        grading._executor = original
    assert outcome.status == "failed" and "died" in outcome.reason
    assert _state(course, "ada")["fingerprint"] == ""
    (again,) = grading.grade(A, course, workers=1, quiet=True)
    source = nbformat.read(str(SOURCES / A / f"{A}.ipynb"), as_version=4)
    autograded = sum(cells.meta(c)["points"] for c in source.cells if cells.is_test(c))
    assert again.status == "graded" and again.score == autograded and not again.reason


CHECK = textwrap.dedent("""\
    import json, sys
    from pathlib import Path
    from nbgrader.api import Gradebook
    root, A = Path(sys.argv[1]), sys.argv[2]
    broken = [str(p) for p in root.rglob("*") if p.name.endswith(".tmp")]
    for p in [*root.glob(f".autograder/{A}/*/state.json"), *root.glob(f"autograded/*/{A}/*.ipynb")]:
        try:
            json.loads(p.read_text())
        except ValueError:
            broken.append(str(p))
    states = {p.parent.name: json.loads(p.read_text())
              for p in root.glob(f".autograder/{A}/*/state.json")}
    with Gradebook(f"sqlite:///{root}/gradebook.db", "backprop") as gb:
        scores = {s.student.id: s.score for s in gb.assignment_submissions(A)}
    print(json.dumps({"broken": broken, "states": states, "scores": scores}))
""")


def _in_a_small_disk(root, size, script):
    """Run a shell script with the course folder `root` on a tmpfs of `size` bytes, in a mount
    namespace of its own (the host never sees it); the folder's files are copied in first."""
    wrap = ["unshare", "--mount", "--propagation", "private"]
    if os.geteuid() != 0:
        wrap = ["unshare", "--user", "--map-root-user", "--mount", "--propagation", "private"]
    setup = (f"set -e; cp -a {root} {root}.seed; mount -t tmpfs -o size={size} tmpfs {root}; "
             f"cp -a {root}.seed/. {root}/; set +e; ")
    return subprocess.run([*wrap, "/bin/sh", "-c", setup + script], cwd=REPO, env=env(),
                          capture_output=True, text=True, timeout=900)


def _size(folder):
    """Bytes of the regular files under `folder` (what a tmpfs holding it needs)."""
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file() and not p.is_symlink())


def test_a_full_disk_stops_the_batch_cleanly_and_the_rest_resumes(tmp_path):
    """The disk fills up half-way through a batch: does grade stop with a clear message, every
    finished submission saved whole and nothing half-written, and does a rerun once there is
    space grade the rest, to exactly what a batch with space gives?"""
    students = [f"s{i}" for i in range(8)]
    clean = new_course(tmp_path / "clean")
    _class(clean, students)
    before = _size(clean.root)
    _cli(clean, "grade", A, "-j", "1", "--no-sandbox")
    per_student = (_size(clean.root) - before) // len(students)
    root = tmp_path / "course"
    new_course(root)
    _class(new_course(root), students)
    used = _size(root)
    grade = f"{sys.executable} -m autograder grade {A} -j 1 --no-sandbox --root {root}"
    check = f"{sys.executable} -c '{CHECK}' {root} {A}"
    done = _in_a_small_disk(root, used + 3 * per_student + (256 << 10),
                            f"{grade} > {root}.out 2>&1; echo EXIT=$?; cat {root}.out; "
                            f"{check}; mount -o remount,size=512m {root}; "
                            f"{grade} > {root}.out 2>&1; echo EXIT=$?; {check}")
    first, second = done.stdout.split("EXIT=")[1:]
    assert first.startswith("1"), done.stdout + done.stderr
    assert "the disk is full" in first and "graded by the next run" in first, first
    stopped = json.loads(first.strip().splitlines()[-1])
    assert stopped["broken"] == []
    finished = [s for s, st in stopped["states"].items() if st["status"] == "graded"]
    assert 0 < len(finished) < len(students), stopped["states"]
    assert all(stopped["scores"][s] == stopped["states"][s]["score"] for s in finished)
    assert second.startswith("0"), done.stdout[-3000:]
    resumed = json.loads(second.strip().splitlines()[-1])
    assert resumed["broken"] == [] and resumed["scores"] == _scores(clean)
    assert all(resumed["states"][s]["status"] == "graded" for s in students)


def _queued(course):
    return {p.parent.name for p in (course.root / ".autograder" / A).glob("*/queued")}


@pytest.mark.parametrize("sig, code, why", [(signal.SIGINT, 130, r"interrupted \(Ctrl-C\)"),
                                            (signal.SIGTERM, 143, "stopped by SIGTERM")])
def test_an_interrupted_grade_loses_nothing_and_a_plain_rerun_resumes(tmp_path, sig, code, why):
    """Ctrl-C (or SIGTERM) a `grade --force` once its first student is done: does it end with
    one line (no traceback) and exit 130 (143), does every student keep an autograded notebook
    and their grades, and does a plain rerun grade exactly the students left (not
    "unchanged")?"""
    course = new_course(tmp_path / "course")
    students = ("ada", "bob", "cyd")
    _class(course, students, slow=("bob", "cyd"))
    _cli(course, "grade", A, "-j", "1")
    scores = _scores(course)
    proc = subprocess.Popen([sys.executable, "-m", "autograder", "grade", A, "--force", "-j", "1",
                             "--root", str(course.root)], cwd=REPO, env=env(),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 180
    while not (_queued(course) and len(_queued(course)) < 3) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert len(_queued(course)) == 2, "no student finished"
    proc.send_signal(sig)
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == code, out + err
    last = err.strip().splitlines()[-1]  # after the progress bar's lines
    assert "Traceback" not in err and not last.startswith("grading"), err
    assert re.fullmatch(rf"error: {why}: 1 of 3 .*graded and saved.*other 2 keep "
                        r"their previous results.*next run.*", last), err
    left = _queued(course)
    for student in students:
        assert (course.root / "autograded" / student / A / f"{A}.ipynb").exists(), student
    assert _scores(course) == scores  # nothing lost in the gradebook either
    done = (set(students) - left).pop()
    kept = _state(course, done)
    rerun = subprocess.run([sys.executable, "-m", "autograder", "grade", A, "-j", "1",
                            "--root", str(course.root)], cwd=REPO, env=env(),
                           capture_output=True, text=True, timeout=300)
    assert rerun.returncode == 0, rerun.stdout + rerun.stderr
    assert "2 graded, 0 failed, 1 unchanged" in rerun.stdout, rerun.stdout
    assert _state(course, done) == kept and not _queued(course)
    assert all(_state(course, s)["status"] == "graded" for s in students)
    assert _scores(course) == scores


def test_a_machine_that_dies_while_swapping_in_a_result_loses_nothing(tmp_path):
    """If the machine dies between the two renames that swap a new autograded folder in (the
    previous result moved aside, the new one not yet in place), does the next run put the
    previous result back before anything else, and does a complete swap leave only the new
    one?"""
    from autograder.steps import Steps
    steps = Steps(new_course(tmp_path / "course"))
    final, staged = steps.autograded(A, "ada"), steps.staging(A, "ada")
    final.mkdir(parents=True)
    (final / "result").write_text("previous")
    staged.mkdir(parents=True)
    (staged / "result").write_text("new")
    final.rename(staged.with_name("previous"))  # the first rename done, then the power went
    steps.recover(A, "ada")
    assert (final / "result").read_text() == "previous"
    steps.commit(A, "ada")
    assert (final / "result").read_text() == "new"
    assert not staged.exists() and not staged.with_name("previous").exists()
