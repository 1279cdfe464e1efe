"""A grading worker: a long-lived process that grades one submitted notebook at a time, each in a
fresh kernel, without writing to the gradebook (the grading process is its only writer).

For each task it runs nbgrader's sanitize chain, executes the notebook, runs the rest of
nbgrader's chain except the gradebook writers (autograder.steps), and writes the result for the
grading process to save. Protocol: one JSON task per line on stdin, one JSON reply per line on
the original stdout; everything else the worker and its kernel write goes to the submission's
log file (fd 1 and 2 point at it during the task).

Run as `python -m autograder.worker --root R --db URL`; the grading process starts N of them.
A sandbox (e.g. bubblewrap) can wrap the whole worker command, or just `execute`, the one place
a kernel starts.
"""
import argparse
import json
import logging
import os
import sys
import time

import nbformat

from .steps import Steps
from .workspace import Course


def execute(nb, executor, cwd, student):
    """Run every cell of `nb` with nbgrader's Execute in a fresh kernel started in `cwd`. The
    kernel inherits this process's environment, so the hidden tests draw this student's cases
    (course.grading.seeds reads BACKPROP_STUDENT_ID)."""
    os.environ["BACKPROP_STUDENT_ID"] = student
    nb, _ = executor.preprocess(nb, {"metadata": {"path": str(cwd)}})
    return nb


def _explain(exc):
    """The failure reason an instructor reads in the summary table."""
    name, text = type(exc).__name__, str(exc).strip()
    if name == "DeadKernelError":
        return "the kernel died while executing (os._exit, a crash, or out of memory)"
    return f"{name}: {text.splitlines()[0][:160] if text else 'no message'}"


def grade_one(steps, task, log):
    """Sanitize, execute and check one submitted notebook; returns the reply dict."""
    start = time.monotonic()
    res = steps.resources(task["assignment"], task["student"], task["notebook"], task["read_db"])
    try:
        nb = nbformat.read(task["input"], as_version=4)
    except Exception as exc:  # not JSON, not a notebook, unknown nbformat
        return {"status": "failed", "reason": f"{task['notebook']}.ipynb is not a readable "
                f"notebook ({_explain(exc)})", "seconds": 0.0}
    sanitized = None
    try:
        nb = sanitized = steps.sanitize(nb, dict(res))
        nb = execute(nb, steps.executor(task["cell_timeout"]), res["metadata"]["path"],
                     task["student"])
        nb = steps.check(nb, dict(res))
        nbformat.write(nb, task["output"])
        return {"status": "ok", "seconds": time.monotonic() - start}
    except Exception as exc:  # any failure belongs to this submission only, never to the batch
        log.exception("grading %s failed", task["input"])
        reply = {"status": "failed", "reason": _explain(exc), "seconds": time.monotonic() - start}
        if sanitized is not None:  # executed in place up to the failure: for the formgrader
            nbformat.write(sanitized, task["output"])
            reply["partial"] = True
        return reply


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--root", required=True, help="nbgrader course folder")
    parser.add_argument("--db", required=True, help="gradebook URL (for the configuration)")
    args = parser.parse_args()
    steps = Steps(Course(args.root, args.db))
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
        log.info("worker %d grading %s for %s", os.getpid(), task["input"], task["student"])
        reply = grade_one(steps, task, log)
        log.info("done: %s", reply)
        sys.stdout.flush()
        sys.stderr.flush()
        replies.write(json.dumps(reply) + "\n")


if __name__ == "__main__":
    main()
