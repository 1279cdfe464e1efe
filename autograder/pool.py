"""N grading workers (autograder.worker processes), each driven by one thread of this process.

A worker executes one notebook at a time. If it does not answer within the notebook time limit,
it is killed together with its sandbox and replaced, and that submission alone gets the failure.
A task whose failure is the grader's (a worker that died, a sandbox that failed: the reply's
`grader_failed`) is tried once more on a fresh worker; if it fails again the batch keeps it out
of the fingerprints, so the next run grades it again.

`Pool` and cluster.DaskPool are the two `Executor`s a Batch runs on.

The pool makes the run's control groups (autograder.cgroups) and removes them when it closes;
`missing` names the limits they could not enforce.
"""
import json
import queue
import select
import subprocess
import sys
import threading
from dataclasses import replace
from typing import Protocol

import psutil

from . import cgroups, kernels, sandbox
from .records import RUNNING, Reply, Task
from .workspace import REPO, env

STARTUP_ALLOWANCE = sandbox.TIMEOUTS.worker_start


class Executor(Protocol):
    """What a Batch (autograder.grade) runs on: the local Pool, or cluster.DaskPool."""

    results: queue.Queue
    """(Task, Reply) pairs, one per submitted task, as they finish."""
    read_db: str
    """The read-only gradebook the workers read (set by the grading process)."""
    missing: list
    """Sandbox limits this run cannot enforce, each with its reason."""

    def submit(self, task: Task) -> None:
        """Grade `task`: its reply comes back on `results`."""

    def cancel(self) -> None:
        """Drop the tasks not yet started (the batch is stopping)."""

    def close(self) -> None:
        """Wait for the workers to stop, and free what the run made."""


LATE, GONE = object(), object()
"""What Worker._reply gives instead of a reply: none came in time; the worker's pipe closed."""

RETRIES = 1
"""How many more times a task is tried after a failure on the grader's side."""


def worker_command(course, slot=0, sandboxed=True, cgroup_procs=()):
    """The command that starts worker number `slot` (its kernels run in sandboxes of their own,
    autograder.sandbox, unless sandboxed is False)."""
    argv = [sys.executable, "-m", "autograder.worker", "--root", str(course.root),
            "--db", course.db_url, "--slot", str(slot)]
    argv += [f"--cgroup-procs={path}" for path in cgroup_procs]
    return argv + ([] if sandboxed else ["--no-sandbox"])


def kill_tree(proc):
    """Kill a worker and every process it started (its kernel runs in a session of its own, so a
    process-group kill would miss it)."""
    try:
        family = psutil.Process(proc.pid).children(recursive=True)
    except psutil.NoSuchProcess:
        family = []
    for p in family:
        try:
            p.kill()
        except psutil.NoSuchProcess:
            pass
    proc.kill()
    proc.wait()
    psutil.wait_procs(family, timeout=5)


class Worker:
    """One worker process and the pipe to it."""

    def __init__(self, course, slot=0, sandboxed=True, cgroup_procs=()):
        # Until its first task points them at a submission's log, the worker's own messages
        # (e.g. why it could not start) go to logs/workers.log.
        self.log = log = course.root / "logs" / "workers.log"
        log.parent.mkdir(parents=True, exist_ok=True)
        command = worker_command(course, slot, sandboxed, cgroup_procs)
        with open(log, "a") as sink:
            self.proc = subprocess.Popen(command, cwd=REPO,
                                         env=env(course), stdin=subprocess.PIPE,
                                         stdout=subprocess.PIPE, stderr=sink, text=True,
                                         bufsize=1)
        self.fresh = True

    def _reply(self, wait):
        """The next line from the worker, parsed; LATE if none came within `wait` seconds; GONE
        if its pipe closed. A closed pipe means the worker died even while the system has not
        reaped it yet (it closes a killed process's files before it becomes waitable), so this
        never asks the process table."""
        ready, _, _ = select.select([self.proc.stdout], [], [], wait)
        if not ready:
            return LATE
        line = self.proc.stdout.readline()
        return json.loads(line) if line else GONE

    def run(self, task, limit):
        """Send one task; the worker's Reply, or a failure if it is late or dies."""
        if self.fresh:  # its start-up (imports) is not the notebook's time
            self.fresh = False
            if not isinstance(self._reply(STARTUP_ALLOWANCE), dict):
                return Reply.failed(f"the grading worker did not start (see {self.log})",
                                    restart=True, grader_failed=True)
        try:
            self.proc.stdin.write(task.to_json() + "\n")
            self.proc.stdin.flush()
        except BrokenPipeError:
            return Reply.failed("the grading worker died before the task", grader_failed=True)
        reply = self._reply(limit)
        while isinstance(reply, dict) and RUNNING in reply:  # each run gets the whole limit
            reply = self._reply(limit)
        if reply is LATE:
            return Reply.failed(f"the notebook did not finish within {limit:g} s (killed)",
                                seconds=limit, restart=True)
        if reply is GONE:
            return Reply.failed("the grading worker died while grading", grader_failed=True)
        return Reply.from_json(reply)

    def alive(self):
        return self.proc.poll() is None

    def close(self):
        if self.alive():
            self.proc.stdin.close()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                kill_tree(self.proc)


class Pool:
    """Run tasks on `n` workers (an Executor); results come back on `results` as (Task, Reply)
    pairs."""

    def __init__(self, n, limit, course, sandboxed=True, limits=sandbox.LIMITS):
        self.n, self.limit, self.course, self.sandboxed = n, limit, course, sandboxed
        self.groups = cgroups.make(range(n), limits) if sandboxed else cgroups.Groups()
        self.missing = self.groups.missing + kernels.unenforced() if sandboxed else []
        """Limits the machine does not let this run enforce (the cgroups' and why)."""
        self.tasks, self.results = queue.Queue(), queue.Queue()
        self.threads = [threading.Thread(target=self._drive, args=(slot,), daemon=True)
                        for slot in range(n)]
        for t in self.threads:
            t.start()

    def _worker(self, slot):
        return Worker(self.course, slot, self.sandboxed, self.groups.procs(slot))

    def _drive(self, slot):
        worker = self._worker(slot)  # now: it imports while the grading process prepares
        while True:
            task = self.tasks.get()
            if task is None:
                break
            if worker is None or not worker.alive():
                worker = self._worker(slot)
            reply = worker.run(task, self.limit)
            if reply.restart or reply.grader_failed or not worker.alive():
                kill_tree(worker.proc)
                worker = None
            if reply.grader_failed and task.tries < RETRIES:
                self.submit(replace(task, tries=task.tries + 1))
                continue
            self.results.put((task, reply))
        if worker is not None:
            worker.close()

    def submit(self, task):
        self.tasks.put(task)

    def cancel(self):
        """Drop the tasks not yet started (the batch is stopping)."""
        while True:
            try:
                self.tasks.get_nowait()
            except queue.Empty:
                return

    def close(self):
        for _ in self.threads:
            self.tasks.put(None)
        for t in self.threads:
            t.join()
        self.groups.remove()
