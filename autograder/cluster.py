"""Grading on Dask distributed: the same batch, on a LocalCluster or on a running scheduler.

    backprop-grade grade 02_chain_rule --cluster local:4          # a LocalCluster, this batch
    backprop-grade grade 02_chain_rule --cluster tcp://host:8786  # `dask scheduler` elsewhere

DaskPool is an autograder.pool.Executor, as the local Pool is, so autograder.grade.Batch drives
it unchanged: the grading process stays the gradebook's only
writer, and each task returns its result (the executed notebook, its flags and its log) instead
of writing anything. What a worker needs travels with the work, never as a path of the
instructor's machine:
- once per batch, scattered to every worker: the assignment's package (its source folder, the
  hidden-test references, a snapshot of the gradebook, the course's nbgrader_config.py);
- with each task: the submitted notebook and the submission's data files.

On the worker (`grade_task`), the package is unpacked once into a course folder of its own, and
each task runs autograder.worker.grade_one in the worker process's own sandbox (bubblewrap, the
limits, the clean room: the same protocol as the local pool). The notebook time limit is enforced
there: past it the sandbox is killed with every process in it. A worker without bubblewrap
refuses the task with the reason. A worker that dies mid-task is replaced by Dask, which runs
the task again elsewhere up to ALLOWED_FAILURES times; past that the submission fails with the
reason, on the grader's side, so the next run grades it again.
"""
import atexit
import base64
import hashlib
import io
import os
import queue
import socket
import tempfile
import threading
import time
import zipfile
from pathlib import Path

from course import environment

from . import files, sandbox
from .records import Reply

CONNECT_SECONDS = sandbox.TIMEOUTS.scheduler
ALLOWED_FAILURES = 2
"""Workers a task may kill (die under) before it fails (a LocalCluster's setting; a running
scheduler has its own, `distributed.scheduler.allowed-failures`)."""


class DaskPool:
    """Tasks of one batch on a Dask cluster (an Executor); results come back on `results` as
    (Task, Reply) pairs."""

    def __init__(self, address, course, assignment, notebook_timeout, sandboxed=True):
        import dask
        from distributed import Client, LocalCluster
        self.course, self.timeout, self.sandboxed = course, notebook_timeout, sandboxed
        self.results, self.cluster, self.futures = queue.Queue(), None, {}
        self.missing = []  # each worker reports the limits it could not enforce, in its flags
        self.read_db = "(the package's snapshot)"
        if address.startswith("local:"):
            workers = int(address.split(":", 1)[1])
            with dask.config.set({"distributed.scheduler.allowed-failures": ALLOWED_FAILURES}):
                self.cluster = LocalCluster(n_workers=workers, threads_per_worker=1,
                                            processes=True, dashboard_address=None,
                                            silence_logs=40)
            address = self.cluster.scheduler_address
        try:
            self.client = Client(address, timeout=f"{CONNECT_SECONDS}s")
        except (OSError, TimeoutError) as exc:
            raise RuntimeError(f"cannot reach the Dask scheduler at {address} within "
                               f"{CONNECT_SECONDS} s ({exc}): is `dask scheduler` running "
                               "there, and the port open?") from None
        self.package = self.client.scatter(package(course, assignment), broadcast=True)
        self.lock = threading.Lock()

    def submit(self, task):
        future = self.client.submit(grade_task, task, _read_or_none(task.input),
                                    _data_files(task.data_folder), self.package, self.timeout,
                                    self.sandboxed, key=f"grade-{task.student}-"
                                    f"{task.notebook}-{time.monotonic_ns()}", pure=False)
        future.add_done_callback(lambda f, task=task: self._finished(task, f))
        with self.lock:
            self.futures[future.key] = future

    def _finished(self, task, future):
        try:
            reply = future.result()
        except Exception as exc:  # the worker died too often, or the task itself crashed
            reply = Reply.failed(f"the Dask cluster could not grade it ({type(exc).__name__}: "
                                 f"{str(exc)[:300]})", grader_failed=True)
        notebook, log, reply.notebook, reply.log = reply.notebook, reply.log, None, ""
        if notebook is not None:
            files.write_atomic(Path(task.output), notebook.encode())
        if log:
            with open(task.log, "a") as handle:
                handle.write(log)
        with self.lock:
            self.futures.pop(future.key, None)
        self.results.put((task, reply))

    def cancel(self):
        with self.lock:
            pending = list(self.futures.values())
        self.client.cancel(pending)

    def close(self):
        try:
            self.client.close()
        finally:
            if self.cluster is not None:
                self.cluster.close()


def _read_or_none(path):
    try:
        return base64.b64encode(files.read(path)).decode()
    except (OSError, ValueError):
        return None  # the worker then reports the notebook unreadable, as the local pool does


def _data_files(folder):
    """{relative path: base64 bytes} of the submission's laid-out data files (the autograded
    folder the grading process prepared: the student's files and the source's on top)."""
    return {rel: base64.b64encode(files.read(path)).decode()
            for rel, path, _ in files.walk(folder, ignore=["*.ipynb"]).files}


def package(course, assignment):
    """What every worker needs for one assignment, as zip bytes: the course's source folder, its
    references, a snapshot of the gradebook (SQLite, whatever the course's database) and its
    nbgrader_config.py (a course folder's own, with its late policy and settings)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        source = course.root / "source" / assignment
        for rel, path, _ in files.walk(source).files:
            zf.write(path, f"source/{assignment}/{rel}")
        # every reference of the course: one assignment's may build on another's (06 on 05's)
        for path in sorted((course.solutions / "reference").glob("*.py")):
            zf.write(path, f"solutions/reference/{path.name}")
        zf.write(course.config_file, "nbgrader_config.py")
        zf.writestr("gradebook.db", _snapshot(course))
        zf.writestr("assignment", assignment)
    return buffer.getvalue()


def _snapshot(course):
    """The gradebook as SQLite bytes (for PostgreSQL too: the assignment's tables copied)."""
    if course.db_url.startswith("sqlite:///"):
        return Path(course.db_url.removeprefix("sqlite:///")).read_bytes()
    from sqlalchemy import MetaData, create_engine
    with tempfile.TemporaryDirectory() as tmp:
        target = Path(tmp) / "snapshot.db"
        source_engine, target_engine = create_engine(course.db_url), \
            create_engine(f"sqlite:///{target}")
        meta = MetaData()
        meta.reflect(source_engine)
        meta.create_all(target_engine)
        with source_engine.connect() as src, target_engine.begin() as dst:
            for table in meta.sorted_tables:
                rows = [dict(r._mapping) for r in src.execute(table.select())]
                if rows:
                    dst.execute(table.insert(), rows)
        source_engine.dispose()
        target_engine.dispose()
        return target.read_bytes()


# --- on the worker ----------------------------------------------------------------------------

_courses, _zygote = {}, {}


def _course(package_bytes):
    """The package unpacked into a course folder of this worker process (once per package):
    (Steps for it, its gradebook URL)."""
    key = hashlib.sha256(package_bytes).hexdigest()
    if key not in _courses:
        from .steps import Steps
        from .workspace import Course
        root = Path(tempfile.mkdtemp(prefix="bp-dask-", dir=_local_directory()))
        atexit.register(__import__("shutil").rmtree, root, True)
        with zipfile.ZipFile(io.BytesIO(package_bytes)) as zf:
            zf.extractall(root / "package")
        (root / "course").mkdir()
        (root / "course" / "source").symlink_to(root / "package" / "source")
        db = f"sqlite:///{root / 'package' / 'gradebook.db'}"
        course = Course(root / "course", db, config=root / "package" / "nbgrader_config.py")
        steps = Steps(course)
        # After the configuration is read: an installed course's sets the variable to the
        # references beside it, which here are the package's.
        os.environ[environment.SOLUTIONS] = str(root / "package" / "solutions")
        _courses[key] = (steps, db, root)
    return _courses[key]


def _local_directory():
    """The Dask worker's own scratch folder (its nanny removes it), else the system's temp."""
    try:
        from distributed import get_worker
        return get_worker().local_directory
    except (ImportError, ValueError):
        return tempfile.gettempdir()


def _worker_zygote():
    """This worker process's sandbox, started at its first task, stopped when it exits."""
    if "zygote" not in _zygote:
        from . import cgroups, kernels
        sandbox.check()
        slot = os.getpid() % 1000
        groups = cgroups.make([slot], sandbox.LIMITS)
        atexit.register(groups.remove)
        zygote = kernels.Zygote(slot, cgroup_procs=groups.procs(slot),
                                log=Path(_local_directory()) / f"sandbox-{slot}.log")
        atexit.register(zygote.stop)
        _zygote["zygote"], _zygote["missing"] = zygote, groups.missing + kernels.unenforced()
    return _zygote["zygote"], _zygote["missing"]


def grade_task(task, notebook_bytes, data, package_bytes, timeout, sandboxed=True):
    """One notebook, graded on this worker: the Reply of autograder.worker.grade_one, with the
    executed notebook and the log's text instead of files. `notebook_bytes` (base64, None if
    unreadable) and `data` ({relative path: base64 bytes}) are the submission's files."""
    import logging
    from dataclasses import replace

    from .worker import grade_one
    host = socket.gethostname()
    try:
        zygote, missing = _worker_zygote() if sandboxed else (None, [])
    except sandbox.Unavailable as exc:
        raise RuntimeError(f"worker {host} cannot sandbox kernels: {exc}") from None
    steps, db, root = _course(package_bytes)
    # this task's package's references (a long-lived worker may hold several packages)
    os.environ[environment.SOLUTIONS] = str(root / "package" / "solutions")
    work = Path(tempfile.mkdtemp(prefix="task-", dir=root))
    try:
        notebook = work / Path(task.input).name
        if notebook_bytes is not None:
            notebook.write_bytes(base64.b64decode(notebook_bytes))
        autograded = steps.staging(task.assignment, task.student)
        autograded.mkdir(parents=True, exist_ok=True)
        for rel, content in data.items():
            (autograded / rel).parent.mkdir(parents=True, exist_ok=True)
            (autograded / rel).write_bytes(base64.b64decode(content))
        local = replace(task, input=str(notebook), output=str(work / "out.ipynb"),
                        log=str(work / "log"), read_db=db)
        log = logging.getLogger(f"autograder.dask.{os.getpid()}")
        handler = logging.FileHandler(local.log)
        log.addHandler(handler)
        log.setLevel(logging.INFO)
        log.info("worker %s (Dask, %s) grading %s for %s", os.getpid(), host, task.notebook,
                 task.student)
        for what in missing:
            log.info("sandbox limit not enforced on %s: %s", host, what)
        timer = _Watchdog(timeout, zygote)
        try:
            reply = grade_one(steps, local, log, zygote, on_run=lambda name: timer.restart())
        finally:
            timer.cancel()
            log.removeHandler(handler)
            handler.close()
            if zygote is not None:
                zygote.halted = False
        if timer.fired:
            reply = Reply.failed(f"the notebook did not finish within {timeout:g} s (killed)",
                                 seconds=timeout)
        out = work / "out.ipynb"
        reply.notebook = out.read_text() if out.exists() else None
        reply.log = (work / "log").read_text() if (work / "log").exists() else ""
        return reply
    finally:
        __import__("shutil").rmtree(work, ignore_errors=True)
        __import__("shutil").rmtree(autograded, ignore_errors=True)


class _Watchdog:
    """Kills the sandbox (the kernel and everything it started) once `seconds` have passed."""

    def __init__(self, seconds, zygote):
        self.fired, self.seconds, self.zygote = False, seconds, zygote
        self.timer = None
        self.restart()

    def restart(self):
        """The whole limit again, from now: a new run of the notebook starts."""
        if self.timer is not None:
            self.timer.cancel()
        self.timer = threading.Timer(self.seconds, self._fire, args=(self.zygote,))
        self.timer.daemon = True
        self.timer.start()

    def _fire(self, zygote):
        self.fired = True
        if zygote is not None:
            zygote.halted = True  # no new sandbox for this task (its clean room, say)
            zygote.stop()

    def cancel(self):
        self.timer.cancel()
