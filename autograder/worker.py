"""A grading worker: a long-lived process that grades one submitted notebook at a time, each in a
fresh kernel, without writing to the gradebook (the grading process is its only writer).

For each task it repairs tampered metadata (autograder.repair), runs nbgrader's sanitize chain,
executes the notebook in a sandboxed kernel (autograder.sandbox), judges its test cells outside
the kernel (autograder.judge), re-runs the answer cells alone in a clean room, runs the rest of
nbgrader's chain except the gradebook writers (autograder.steps), and writes the result for the
grading process to save. Protocol: one JSON task per line on stdin, one JSON reply per line on
the original stdout; everything else the worker and its kernel write goes to the submission's
log file (fd 1 and 2 point at it during the task).

Run as `python -m autograder.worker --root R --db URL --slot K`; the grading process starts N
of them (K = 0..N-1, which also picks the sandbox's uid).
"""
import argparse
import json
import logging
import os
import sys
import time
from pathlib import Path

import nbformat
from nbformat.v4 import new_notebook, new_output
from nbgrader.preprocessors import Execute

from . import cells, files, judge, repair, sandbox
from .steps import Steps
from .workspace import Course


class OutputLimit(RuntimeError):
    """The notebook printed more than the sandbox's output allowance."""


def limited(executor_class, limit):
    """A subclass of nbgrader's Execute that stops a notebook whose outputs pass `limit` bytes
    (a print loop would otherwise fill the grader's memory before any time limit)."""
    class LimitedExecute(executor_class):
        def preprocess(self, nb, resources=None, km=None):
            self._output_bytes = 0
            return super().preprocess(nb, resources, km=km)

        def output(self, outs, msg, display_id, cell_index):
            content = msg.get("content", {})
            self._output_bytes += sum(len(str(v)) for v in content.values())
            if self._output_bytes > limit:
                raise OutputLimit(f"the notebook printed more than {limit >> 20} MB of output")
            return super().output(outs, msg, display_id, cell_index)
    return LimitedExecute


def execute(nb, executor, cwd, student):
    """Run every cell of `nb` with nbgrader's Execute in a fresh kernel started in `cwd`, without a
    sandbox (--no-sandbox). The kernel inherits this process's environment, so the hidden tests
    draw this student's cases (course.grading.seeds reads BACKPROP_STUDENT_ID)."""
    os.environ["BACKPROP_STUDENT_ID"] = student
    nb, _ = executor.preprocess(nb, {"metadata": {"path": str(cwd)}})
    return nb


def _explain(exc):
    """The failure reason an instructor reads in the summary table."""
    name, text = type(exc).__name__, str(exc).strip()
    if name == "DeadKernelError":
        return "the kernel died while executing (os._exit, a crash, or out of memory)"
    if name == "CellTimeoutError":
        return "a cell did not finish within the cell time limit"
    return f"{name}: {text.splitlines()[0][:160] if text else 'no message'}"


def run_sandboxed(nb, steps, task, data, trusted, slot):
    """Execute `nb` in a fresh sandboxed kernel, then judge its test cells outside it.
    Returns (verdicts, why it stopped early or None)."""
    student = task["student"]
    scratch = sandbox.Scratch()
    try:
        files.copy(data, scratch.work, ignore=["*.ipynb"])
        for assignment, exercise in {c for src in trusted.values()
                                     for c in judge.test_calls(src)[0]}:
            folder = scratch.cases / assignment
            folder.mkdir(parents=True, exist_ok=True)
            spec = judge.grader.case_file(assignment, exercise, student)
            (folder / f"{exercise}.json").write_text(json.dumps(spec))
        executor = steps.executor(task["cell_timeout"],
                                  limited(Execute, sandbox.LIMITS.output))
        executor.kernel_manager_class = sandbox.kernel_manager(scratch, student, slot)
        stopped = None
        try:
            executor.preprocess(nb, {"metadata": {"path": str(scratch.work)}})
        except Exception as exc:  # the kernel died, printed too much, ...: judge what ran
            stopped = _explain(exc)
        for cell in nb.cells:  # the executor stopped before these: say so in each
            if stopped and cells.is_test(cell) and cell.get("execution_count") is None:
                cell.outputs = [new_output("error", ename="NotRun", evalue=f"not run: {stopped}",
                                           traceback=[f"not run: {stopped}"])]
        records = judge.read_records(scratch.record)
    finally:
        scratch.remove()
    return judge.judge(nb, records, student, trusted), stopped


def clean_room(steps, task, source, answers, trusted, slot):
    """Run the student's answer cells alone, in the instructor's notebook (every other cell as
    the instructor wrote it), in a fresh sandbox; {grade_id: Verdict}."""
    kept = []
    for cell in source.cells:
        if cell.cell_type != "code":
            continue
        new = nbformat.from_dict(dict(cell))
        if cells.is_answer(cell):
            new.source = answers.get(cells.grade_id(cell), "")
        new.outputs, new.execution_count = [], None
        kept.append(new)
    nb = new_notebook(cells=kept, metadata=source.metadata)
    verdicts, _ = run_sandboxed(nb, steps, task, steps.source_folder(task["assignment"]),
                                trusted, slot)
    return verdicts


def _first_line(text):
    return (text.strip().splitlines() or [""])[0][:200]


def combine(nb, verdicts, clean):
    """The lower of the two verdicts per test cell; the flags for the instructor."""
    flags = []
    for cell in nb.cells:
        gid = cells.grade_id(cell)
        mine, theirs = verdicts.get(gid), clean.get(gid)
        if mine is None or theirs is None or mine.passed == theirs.passed:
            continue
        if mine.passed:
            message = ("Clean-room check (your answer cells alone, in a fresh process): "
                       + theirs.message)
            cell.outputs = list(cell.outputs) + [new_output(
                "error", ename="CleanRoomCheck", evalue=message, traceback=[message])]
            flags.append(f"{gid}: passed in the notebook, failed in the clean room "
                         f"({_first_line(theirs.message)})")
        else:
            flags.append(f"{gid}: failed in the notebook, passed in the clean room (the "
                         "notebook's failure stands)")
    return flags


def grade_one(steps, task, log, slot=0, sandboxed=True):
    """Repair, sanitize, execute (sandboxed) and judge one submitted notebook; the reply dict."""
    start = time.monotonic()
    res = steps.resources(task["assignment"], task["student"], task["notebook"], task["read_db"])
    try:
        nb = nbformat.reads(files.read(task["input"]).decode("utf-8"), as_version=4)
        nbformat.validate(nb)
    except Exception as exc:  # not JSON, not UTF-8, not a notebook, unknown nbformat
        return {"status": "failed", "reason": f"{Path(task['input']).name} is not a readable "
                f"notebook ({_explain(exc)})", "seconds": 0.0}
    source = nbformat.read(steps.source_notebook(task["assignment"], task["notebook"]),
                           as_version=4)
    answers = {cells.grade_id(c): repair.answer_source(nb, c) for c in source.cells
               if cells.is_answer(c)}
    flags = [f"{task['notebook']}: {note}" for note in repair.repair(nb, source)]
    if task.get("renamed"):
        flags.append(task["renamed"])
    sanitized = None
    try:
        nb = sanitized = steps.sanitize(nb, dict(res))
        if sandboxed:
            trusted = cells.tests(source)
            verdicts, stopped = run_sandboxed(nb, steps, task, res["metadata"]["path"],
                                              trusted, slot)
            if stopped:
                flags.append(f"{task['notebook']}: execution stopped early: {stopped}")
            flags += combine(nb, verdicts, clean_room(steps, task, source, answers, trusted,
                                                      slot))
        else:
            nb = execute(nb, steps.executor(task["cell_timeout"]), res["metadata"]["path"],
                         task["student"])
        nb = steps.check(nb, dict(res))
        nbformat.write(nb, task["output"])
        return {"status": "ok", "seconds": time.monotonic() - start, "flags": flags}
    except Exception as exc:  # any failure belongs to this submission only, never to the batch
        log.exception("grading %s failed", task["input"])
        reply = {"status": "failed", "reason": _explain(exc), "seconds": time.monotonic() - start,
                 "flags": flags}
        if sanitized is not None:  # executed in place up to the failure: for the formgrader
            nbformat.write(sanitized, task["output"])
            reply["partial"] = True
        return reply


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--root", required=True, help="nbgrader course folder")
    parser.add_argument("--db", required=True, help="gradebook URL (for the configuration)")
    parser.add_argument("--slot", type=int, default=0, help="this worker's number (sandbox uid)")
    parser.add_argument("--no-sandbox", action="store_true", help="run kernels unsandboxed")
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
        reply = grade_one(steps, task, log, args.slot, not args.no_sandbox)
        log.info("done: %s", reply)
        sys.stdout.flush()
        sys.stderr.flush()
        replies.write(json.dumps(reply) + "\n")


if __name__ == "__main__":
    main()
