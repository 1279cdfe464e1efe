"""Grading on Dask (autograder/cluster.py): a LocalCluster and a separately started scheduler
grade exactly as the local pool does, a killed worker loses nothing, an unreachable scheduler
fails in seconds, and a worker without bubblewrap says so."""
import csv
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import psutil
import pytest
from nbgrader.api import Gradebook

from autograder.__main__ import main
from autograder.collect import collect
from autograder.demo import build_class
from autograder.submissions import build_submission, submit
from autograder.workspace import REPO, env
from tests.pipeline_course import new_course
from tests.test_hostile import CASES, _submit_class

pytestmark = pytest.mark.cluster

A = "02_chain_rule"
CLASS = 16


def _cli(course, *argv):
    assert main([*map(str, argv), "--root", str(course.root)]) == 0


def _gradebook(course):
    """Every grade of every submission: (auto score, manual score, needs manual grade)."""
    with Gradebook(course.db_url, "backprop") as gb:
        return {(s.student.id, g.name): (g.auto_score, g.manual_score, g.needs_manual_grade)
                for s in gb.assignment_submissions(A) for nb in s.notebooks for g in nb.grades}


def _csv(course):
    _cli(course, "export", A, "--out", course.root / "export")
    with open(course.root / "export" / f"{A}_grades.csv", encoding="utf-8-sig") as f:
        return list(csv.DictReader(f))


def _demo_class(path):
    course = new_course(path)
    _cli(course, "release", A)
    roster, archive = build_class(course, A, CLASS)
    collect(A, archive, roster, course=course)
    return course


@pytest.fixture(scope="module")
def local_pool(tmp_path_factory):
    """The demo class and the hostile matrix, graded by this machine's worker pool."""
    demo = _demo_class(tmp_path_factory.mktemp("pool-demo"))
    _cli(demo, "grade", A, "-j", "2")
    hostile = new_course(tmp_path_factory.mktemp("pool-hostile"))
    _cli(hostile, "release", A)
    _submit_class(hostile, tuple(CASES))
    _cli(hostile, "grade", A, "-j", "2", "--cell-timeout", 6, "--notebook-timeout", 60)
    return demo, hostile


def test_a_local_cluster_grades_the_demo_class_exactly_as_the_local_pool(local_pool, tmp_path):
    demo, _ = local_pool
    course = _demo_class(tmp_path / "dask-demo")
    _cli(course, "grade", A, "--cluster", "local:2")
    assert _gradebook(course) == _gradebook(demo)
    assert _csv(course) == _csv(demo)


def test_a_local_cluster_grades_the_hostile_matrix_exactly_as_the_local_pool(local_pool,
                                                                             tmp_path):
    _, hostile = local_pool
    course = new_course(tmp_path / "dask-hostile")
    _cli(course, "release", A)
    _submit_class(course, tuple(CASES))
    _cli(course, "grade", A, "--cluster", "local:2", "--cell-timeout", 6,
         "--notebook-timeout", 60)
    assert _gradebook(course) == _gradebook(hostile)


def test_an_unreachable_scheduler_fails_in_seconds_with_a_clear_message(tmp_path, capsys):
    course = new_course(tmp_path / "course")
    _cli(course, "release", A)
    release = nbformat.read(str(course.root / "release" / A / f"{A}.ipynb"), as_version=4)
    submit(course.root, "ada", A, build_submission(release, A))
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # nothing listens there
    started = time.monotonic()
    code = main(["grade", A, "--cluster", f"tcp://127.0.0.1:{port}", "--root", str(course.root)])
    assert code == 1 and time.monotonic() - started < 30
    assert f"cannot reach the Dask scheduler at tcp://127.0.0.1:{port}" in capsys.readouterr().err


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _start(argv, environment=None, log=None):
    return subprocess.Popen(argv, cwd=REPO, env=environment or env(), stdout=log,
                            stderr=subprocess.STDOUT, start_new_session=True)


def _wait_for_workers(address, n, deadline=120):
    from distributed import Client
    with Client(address, timeout="20s") as client:
        client.wait_for_workers(n, timeout=deadline)


def _stop(*procs):
    for proc in procs:
        try:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=20)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            os.killpg(proc.pid, signal.SIGKILL)


@pytest.fixture
def scheduler(tmp_path):
    """A real `dask scheduler` on a loopback port, and a way to add `dask worker`s to it."""
    bindir = Path(sys.executable).parent
    port = _free_port()
    address = f"tcp://127.0.0.1:{port}"
    log = open(tmp_path / "dask.log", "w")
    procs = [_start([str(bindir / "dask"), "scheduler", "--host", "127.0.0.1", "--port",
                     str(port), "--dashboard-address", "127.0.0.1:0"], log=log)]

    def worker(environment=None):
        procs.append(_start([str(bindir / "dask"), "worker", address, "--nthreads", "1",
                             "--nworkers", "1", "--host", "127.0.0.1",
                             "--dashboard-address", "127.0.0.1:0"], environment, log))
    yield address, worker
    _stop(*procs[::-1])
    log.close()


def test_a_separately_started_scheduler_and_workers_grade_the_class(scheduler, local_pool,
                                                                    tmp_path):
    address, worker = scheduler
    worker()
    worker()
    _wait_for_workers(address, 2)
    demo, _ = local_pool
    course = _demo_class(tmp_path / "remote-demo")
    _cli(course, "grade", A, "--cluster", address)
    assert _gradebook(course) == _gradebook(demo)


def test_a_worker_without_bubblewrap_refuses_its_tasks_with_the_reason(scheduler, tmp_path):
    address, worker = scheduler
    hidden = tmp_path / "bin"
    hidden.mkdir()
    for path in Path("/usr/bin").iterdir():
        if path.name != "bwrap":
            (hidden / path.name).symlink_to(path)
    worker({**env(), "PATH": f"{Path(sys.executable).parent}:{hidden}"})
    _wait_for_workers(address, 1)
    course = new_course(tmp_path / "course")
    _cli(course, "release", A)
    release = nbformat.read(str(course.root / "release" / A / f"{A}.ipynb"), as_version=4)
    submit(course.root, "ada", A, build_submission(release, A))
    _cli(course, "grade", A, "--cluster", address)
    state = (course.root / ".autograder" / A / "ada" / "state.json").read_text()
    assert '"status": "failed"' in state and "cannot sandbox kernels" in state
    assert "bubblewrap is not installed" in state
    assert '"fingerprint": ""' in state  # not the student's doing: graded again next run


def _busy_dask_worker(grader):
    """A Dask worker process (below the grading process) whose sandbox is running a kernel."""
    for process in grader.children(recursive=True):
        try:
            if "/run/zygote.py" in " ".join(process.cmdline()) and \
                    any(child.children() for child in process.children()):
                while process is not None and "multiprocessing" not in " ".join(
                        process.cmdline()):
                    process = process.parent()
                return process
        except psutil.Error:
            continue
    return None


def test_a_worker_killed_mid_batch_loses_nothing(tmp_path):
    """kill -9 a Dask worker while its sandbox runs a (slow) notebook: is every submission
    still graded, once, at the score it deserves?"""
    course = new_course(tmp_path / "course")
    _cli(course, "release", A)
    release = nbformat.read(str(course.root / "release" / A / f"{A}.ipynb"), as_version=4)
    students = ("ada", "bob", "cyd", "dee")
    for student in students:
        nb = build_submission(release, A)
        nb.cells.insert(1, nbformat.v4.new_code_cell("import time\ntime.sleep(5)"))
        submit(course.root, student, A, nb)
    proc = subprocess.Popen([sys.executable, "-m", "autograder", "grade", A, "--cluster",
                             "local:2", "--root", str(course.root)], cwd=REPO, env=env(),
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    grader, victim, deadline = psutil.Process(proc.pid), None, time.monotonic() + 180
    while victim is None and time.monotonic() < deadline and proc.poll() is None:
        victim = _busy_dask_worker(grader)
        time.sleep(0.2)
    assert victim is not None, "no worker was ever seen grading"
    victim.kill()
    out, _ = proc.communicate(timeout=400)
    assert proc.returncode == 0, out
    with Gradebook(course.db_url, "backprop") as gb:
        scores = {s.student.id: s.score for s in gb.assignment_submissions(A)}
    assert set(scores) == set(students) and len(set(scores.values())) == 1, scores
    assert all('"status": "graded"' in (course.root / ".autograder" / A / s / "state.json")
               .read_text() for s in students)
