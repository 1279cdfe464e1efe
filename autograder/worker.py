"""A grading worker: a long-lived process that executes one notebook at a time, each in a fresh
kernel, and never touches the gradebook (the grading process is its only writer).

Protocol: one JSON task per line on stdin, one JSON reply per line on the original stdout.
Everything else the worker and the kernel write (nbclient's log, the kernel's stderr) goes to the
submission's log file: fd 1 and 2 are pointed at it for the duration of each task.

Run as `python -m autograder.worker`; the grading process starts N of them. A sandbox (e.g.
bubblewrap) can wrap the whole worker command, or just `execute`, the one place a kernel starts.
"""
import json
import logging
import os
import sys
import time

import nbformat
from nbgrader.preprocessors import Execute


def execute(nb, cwd, student, cell_timeout, log=None):
    """Run every cell of `nb` in a fresh python3 kernel started in `cwd`; returns the executed
    notebook. The kernel inherits this process's environment, so the hidden tests draw this
    student's cases (course.grading.seeds reads BACKPROP_STUDENT_ID)."""
    os.environ["BACKPROP_STUDENT_ID"] = student
    # "immediate": the kernel is thrown away after one notebook, so there is nothing to wait for.
    executor = Execute(timeout=cell_timeout, interrupt_on_timeout=True, shutdown_kernel="immediate",
                       extra_arguments=["--HistoryManager.hist_file=:memory:"])
    if log is not None:
        executor.log = log
    nb, _ = executor.preprocess(nb, {"metadata": {"path": str(cwd)}})
    return nb


def _explain(exc):
    """The failure reason an instructor reads in the summary table."""
    name = type(exc).__name__
    if name == "DeadKernelError":
        return "the kernel died while executing (os._exit, a crash, or out of memory)"
    if name in ("CellTimeoutError", "TimeoutError"):
        return f"a cell did not finish in time: {exc}"
    return f"{name}: {str(exc).strip().splitlines()[0] if str(exc).strip() else 'no message'}"


def run_task(task, log):
    """Execute one task's notebook and write the executed copy; returns the reply dict."""
    start = time.monotonic()
    try:
        nb = nbformat.read(task["input"], as_version=4)
        nb = execute(nb, task["cwd"], task["student"], task["cell_timeout"], log)
        nbformat.write(nb, task["output"])
        return {"status": "ok", "seconds": time.monotonic() - start}
    except Exception as exc:  # any failure belongs to this submission only, never to the batch
        log.exception("executing %s failed", task["input"])
        return {"status": "failed", "reason": _explain(exc), "seconds": time.monotonic() - start}


def main():
    # Keep the real stdout for replies; everything printed otherwise lands in the current log.
    replies = os.fdopen(os.dup(1), "w", buffering=1)
    log = logging.getLogger("autograder.worker")
    log.setLevel(logging.INFO)
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
    log.addHandler(handler)
    replies.write(json.dumps({"ready": os.getpid()}) + "\n")
    for line in sys.stdin:
        task = json.loads(line)
        sys.stdout.flush()
        sys.stderr.flush()
        with open(task["log"], "a") as sink:
            os.dup2(sink.fileno(), 1)
            os.dup2(sink.fileno(), 2)
        log.info("worker %d executing %s for %s", os.getpid(), task["input"], task["student"])
        reply = run_task(task, log)
        log.info("done: %s", reply)
        sys.stdout.flush()
        sys.stderr.flush()
        replies.write(json.dumps(reply) + "\n")


if __name__ == "__main__":
    main()
