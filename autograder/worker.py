"""A grading worker: a long-lived process that grades one submitted notebook at a time, each in a
fresh kernel, without writing to the gradebook (the grading process is its only writer).

For each task it repairs tampered metadata (autograder.repair), runs nbgrader's sanitize chain,
executes the notebook in a fresh kernel forked by its sandbox's zygote (autograder.kernels),
judges its test cells outside the kernel (autograder.judge), re-runs the answer cells alone in a
clean room when the submission's program differs from the instructor's, runs the rest of
nbgrader's chain except the gradebook writers (autograder.steps), and writes the result for the
grading process to save. Protocol (autograder.records): one Task per line on stdin; on the
original stdout, a progress line as each run of the notebook starts, then one Reply per line;
what the worker itself logs goes to the submission's log file.

Run as `python -m autograder.worker --root R --db URL --slot K`; the grading process starts N
of them (K = 0..N-1, which also picks the sandbox's user when run as root).
"""
import argparse
import codecs
import contextlib
import hashlib
import json
import logging
import os
import resource
import shutil
import sys
import time
from pathlib import Path

import nbformat
from nbclient.exceptions import CellTimeoutError
from nbconvert.preprocessors.sanitize import SanitizeHTML
from nbformat.v4 import new_output
from nbgrader.preprocessors import Execute

from course import environment, i18n
from course.i18n import _

from . import bareroom, cells, cleanroom, files, judge, kernels, repair
from .records import RUNNING, Reply, Task
from .steps import Steps
from .text import for_terminal
from .workspace import Course


class OutputLimit(RuntimeError):
    """The notebook sent more than the sandbox's output allowance."""


class LimitedExecute(Execute):
    """nbgrader's Execute, stopping a notebook once the messages that grow it (outputs, display
    updates, comm messages: everything but status) pass `limit` bytes: a print loop, or one
    display updated forever, would otherwise fill the grader's memory first."""
    limit = 8 << 20

    def preprocess(self, nb, resources=None, km=None):
        self._output_bytes = 0
        return super().preprocess(nb, resources, km=km)

    async def _async_handle_timeout(self, timeout, cell=None):
        """Interrupt a cell over its time limit once; if it is still running one more limit
        later (it ignores interrupts, or broke its own channels), stop the notebook."""
        if getattr(self, "_interrupted", None) is cell:
            raise CellTimeoutError.error_from_timeout_and_cell(
                "Cell execution timed out and did not stop when interrupted", timeout, cell)
        self._interrupted = cell
        return await super()._async_handle_timeout(timeout, cell)

    def process_message(self, msg, cell, cell_index):
        if msg.get("msg_type") != "status":
            self._output_bytes += len(json.dumps(msg.get("content", {}), default=str))
            if self._output_bytes > self.limit:
                raise OutputLimit(f"the notebook sent more than {self.limit >> 20} MB of output")
        return super().process_message(msg, cell, cell_index)


def execute(nb, executor, cwd, student, lang="en"):
    """Run every cell of `nb` with nbgrader's Execute in a fresh kernel started in `cwd`, without a
    sandbox (--no-sandbox). The kernel inherits this process's environment, so the hidden tests
    draw this student's cases (course.grading.seeds reads BACKPROP_STUDENT_ID) and speak the
    submission's language (course.i18n reads BACKPROP_LANG)."""
    os.environ[environment.STUDENT_ID] = student
    os.environ[i18n.ENV] = lang
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


class Phases(dict):
    """Seconds spent in each part of grading one notebook: the profile the grading benchmark
    prints (benchmarks/bench_grading.py), kept in each reply and the submission's log."""

    @contextlib.contextmanager
    def __call__(self, name):
        start = time.monotonic()
        try:
            yield
        finally:
            self.add(name, time.monotonic() - start)

    def add(self, name, seconds):
        self[name] = round(self.get(name, 0.0) + seconds, 4)


def submission_lang(nb):
    """The language a submitted notebook was released in (its metadata.backprop.lang, which the
    release of a translation carries), "en" if it says none: the grader answers in it."""
    meta = nb.metadata.get("backprop") if isinstance(nb.metadata, dict) else None
    said = meta.get("lang") if isinstance(meta, dict) else None
    return said if isinstance(said, str) and said in i18n.LANGUAGES else i18n.DEFAULT


def run_sandboxed(nb, steps, task, data, trusted, zygote, phases=None, lang="en", bare=None):
    """Execute `nb` in a fresh kernel of the sandbox (speaking `lang`; with `bare` = (stubs,
    folders to hide), a kernel of the bare room), then judge its test cells outside it.
    Returns (verdicts, why it stopped early or None, the kernel's log)."""
    phases = Phases() if phases is None else phases
    student = task.student
    started = time.monotonic()
    zygote.ensure()
    scratch = kernels.Scratch(zygote)
    if bare is not None:
        scratch.strip(*bare)
    # the connection file (the kernel's key) beside the submission's other state, never in /tmp
    private = Path(task.output).parent / f"conn-{scratch.name}"
    private.mkdir(mode=0o700)
    try:
        scratch.add_files(data)
        for assignment, exercise in sorted({c for src in trusted.values()
                                            for c in judge.test_calls(src)[0]}):
            scratch.add_case(assignment, exercise,
                             judge.grader.case_file(assignment, exercise, student))
        executor = steps.executor(task.cell_timeout, LimitedExecute)
        executor.limit = zygote.limits.output
        executor.kernel_manager_class = kernels.kernel_manager(zygote, scratch, student, private,
                                                                lang)
        first = []
        executor.on_cell_start = lambda **_: first or first.append(time.monotonic())
        stopped = None
        try:
            executor.preprocess(nb, {"metadata": {"path": str(scratch.work)}})
        except kernels.SandboxError:
            raise
        except Exception as exc:  # the kernel died, printed too much, ...: judge what ran
            stopped = _explain(exc)
        ran = time.monotonic()
        phases.add("kernel start", (first[0] if first else ran) - started)
        phases.add("cells", ran - (first[0] if first else ran))
        for cell in nb.cells:  # the executor stopped before these: say so in each
            if stopped and cells.is_test(cell) and cell.get("execution_count") is None:
                cell.outputs = [new_output("error", ename="NotRun", evalue=f"not run: {stopped}",
                                           traceback=[f"not run: {stopped}"])]
        records = judge.parse_records(scratch.record())
        log = scratch.kernel_log()
    finally:
        if zygote.alive():
            zygote.kill(scratch.name)
        scratch.remove()
        shutil.rmtree(private, ignore_errors=True)
    with phases("judge"):
        verdicts = judge.judge(nb, records, student, trusted)
    return verdicts, stopped, log


def _files_digest(folder):
    digest = hashlib.sha256()
    for rel, path, _size in files.walk(folder, ignore=files.NOT_DATA).files:
        digest.update(rel.encode() + b"\0" + files.read(path) + b"\0")
    return digest.hexdigest()


def same_program(nb, clean, data, source_folder):
    """True if running the repaired submission `nb` is running the clean-room notebook `clean`:
    the same code cells in the same order with the same sources, and the same data files
    beside them. The clean room would then only repeat the run, so it is not needed."""
    code = [c.source for c in nb.cells if c.cell_type == "code"]
    return code == [c.source for c in clean.cells] and \
        _files_digest(data) == _files_digest(source_folder)


def _bare_room(nb, clean, steps, task, data, trusted, zygote, verdicts, phases, lang, on_run):
    """Run the clean room's program again where the exercise's forbidden helpers do not exist
    (autograder/bareroom.py), if a cell they decide passed in `nb`; the flags."""
    forbid = bareroom.forbidding(task.assignment)
    judged = bareroom.judged_cells(trusted, forbid) if forbid else set()
    if not any(verdicts[g].passed for g in judged if g in verdicts):
        return []
    overlay = (bareroom.stubs(task.assignment, forbid), bareroom.hidden_folders())
    whole = bareroom.notebook(clean, judged)
    ran, own = bareroom.slim(whole, judged), Phases()
    with phases("bare room"):
        on_run("bare room")
        bare = run_sandboxed(ran, steps, task, data, trusted, zygote, own, lang, overlay)[0]
        if any(verdicts[g].passed and not bare[g].passed for g in judged
               if g in verdicts and g in bare):  # the slim program may have left out too much
            on_run("bare room, the whole program")
            ran, own = whole, Phases(**{f"{k} (slim)": v for k, v in own.items()})
            bare = run_sandboxed(ran, steps, task, data, trusted, zygote, own, lang, overlay)[0]
            own.add("whole program", 0.0)  # the profile says it was needed
    for name, seconds in own.items():  # its parts, for the profile
        phases.add(f"bare room: {name}", seconds)
    return bareroom.combine(nb, verdicts, bare, judged, bareroom.first_refusal(ran))


def _first_line(text):
    return (text.strip().splitlines() or [""])[0][:200]


def combine(nb, verdicts, clean, note=""):
    """The lower of the two verdicts per test cell; the flags for the instructor. `note` says
    what the clean room left out of the student's own cells."""
    flags = []
    for cell in nb.cells:
        gid = cells.grade_id(cell)
        mine, theirs = verdicts.get(gid), clean.get(gid)
        if mine is None or theirs is None or mine.passed == theirs.passed:
            continue
        if mine.passed:
            message = _("Clean-room check (your answer cells and your own definitions, in the "
                        "instructor's notebook, in a fresh process{note}): {message}",
                        note=note, message=theirs.message)
            cell.outputs = list(cell.outputs) + [judge.error_output(message, "CleanRoomCheck")]
            flags.append(f"{gid}: passed in the notebook, failed in the clean room "
                         f"({_first_line(theirs.message)})")
        else:
            flags.append(f"{gid}: failed in the notebook, passed in the clean room (the "
                         "notebook's failure stands)")
    return flags


def harmless(nb):
    """The graded notebook as the instructor's browser may show it (formgrader, feedback): the
    student's markdown and the kernel's HTML outputs sanitized, scripts and SVG (which can hold
    scripts) left out (nbconvert's SanitizeHTML)."""
    return SanitizeHTML().preprocess(nb, {})[0]


class QuotedFormatter(logging.Formatter):
    """Log lines whose arguments (file names, flags, reasons: the student's text) have their
    control characters escaped: a line of the log is always the grader's."""

    def format(self, record):
        if isinstance(record.args, tuple):
            record.args = tuple(for_terminal(a) if isinstance(a, str) else a
                                for a in record.args)
        return super().format(record)


def grade_one(steps, task, log, zygote=None, on_run=None):
    """Repair, sanitize, execute (in `zygote`'s sandbox, or unsandboxed without one) and judge
    one submitted notebook, in the language it was released in; its Reply. `on_run(name)`
    is called as each run of the notebook starts (each gets the whole time limit)."""
    previous = i18n.lang()
    try:
        return _grade_one(steps, task, log, zygote, on_run or (lambda name: None))
    finally:
        i18n.use(previous)


def _grade_one(steps, task, log, zygote, on_run):
    start, phases = time.monotonic(), Phases()
    res = steps.resources(task.assignment, task.student, task.notebook, task.read_db)
    bom = False
    try:
        with phases("read and repair"):
            raw = files.read(task.input)
            bom = raw.startswith(codecs.BOM_UTF8)  # Windows editors write one: harmless
            nb = nbformat.reads(raw.decode("utf-8-sig"), as_version=4)
            nbformat.validate(nb)
    except Exception as exc:  # not JSON, not UTF-8, not a notebook, unknown nbformat
        return Reply.failed(f"{Path(task.input).name} is not a readable notebook "
                            f"({_explain(exc)})")
    with phases("read and repair"):
        source = nbformat.read(steps.source_notebook(task.assignment, task.notebook),
                               as_version=4)
        answers = {cells.grade_id(c): repair.answer_source(nb, c) for c in source.cells
                   if cells.is_answer(c)}
        flags = [f"{task.notebook}: {note}" for note in repair.repair(nb, source)]
    if task.renamed:
        flags.append(task.renamed)
    if bom:
        flags.append(f"{task.notebook}: a UTF-8 byte-order mark before the notebook was "
                     "ignored")
    lang = submission_lang(nb)
    i18n.use(lang)  # what the grader itself writes into the notebook (the judge's verdicts)
    sanitized = None
    try:
        with phases("nbgrader sanitize"):
            nb = sanitized = steps.sanitize(nb, dict(res))
        on_run("notebook")
        if zygote is not None:
            trusted, data = cells.tests(source), res["metadata"]["path"]
            verdicts, stopped, kernel_log = run_sandboxed(nb, steps, task, data, trusted, zygote,
                                                          phases, lang)
            # quoted line by line: whatever the kernel printed can never pass for the grader's
            quoted = "".join(f"\n  kernel| {for_terminal(line)}"
                             for line in kernel_log.splitlines())
            log.info("the kernel's own output:" + (quoted or " (none)"))  # escaped line by line
            if stopped:
                flags.append(f"{task.notebook}: execution stopped early: {stopped}")
            clean, left_out = cleanroom.notebook(source, answers, nb)
            folder = steps.source_folder(task.assignment)
            with phases("clean room"):
                if not same_program(nb, clean, data, folder):
                    on_run("clean room")
                    clean_verdicts = run_sandboxed(clean, steps, task, folder, trusted,
                                                   zygote, lang=lang)[0]
                    flags += combine(nb, verdicts, clean_verdicts,
                                     cleanroom.left_out_note(left_out))
            flags += _bare_room(nb, clean, steps, task, folder, trusted, zygote, verdicts,
                                phases, lang, on_run)
        else:
            with phases("cells"):
                nb = execute(nb, steps.executor(task.cell_timeout), res["metadata"]["path"],
                             task.student, lang)
        with phases("nbgrader checks"):
            nb = steps.check(nb, dict(res))
            nbformat.write(harmless(nb), task.output)
        return Reply("ok", seconds=time.monotonic() - start, flags=flags, phases=dict(phases))
    except kernels.SandboxError as exc:  # the grader's side failed, not the submission
        log.exception("the sandbox failed while grading %s", task.input)
        return Reply.failed(f"the grader's sandbox failed ({exc}); graded again on the next run",
                            grader_failed=True, seconds=time.monotonic() - start)
    except SystemError as exc:  # the worker's interpreter itself went wrong (CPython 3.11's
        # "AST constructor recursion depth mismatch", left by an earlier notebook's deep
        # recursion): not this submission's doing; a fresh worker grades it again
        log.exception("the grading worker's interpreter failed while grading %s", task.input)
        return Reply.failed(f"the grading worker's interpreter failed ({_explain(exc)}); graded "
                            "again by a fresh worker", grader_failed=True,
                            seconds=time.monotonic() - start)
    except Exception as exc:  # any failure belongs to this submission only, never to the batch
        log.exception("grading %s failed", task.input)
        reply = Reply.failed(_explain(exc), seconds=time.monotonic() - start, flags=flags,
                             disk_full=files.disk_full(exc))  # the grader's disk: batch stops
        if sanitized is not None and not reply.disk_full:  # executed in place up to the failure
            nbformat.write(harmless(sanitized), task.output)  # for the formgrader
            reply.partial = True
        return reply


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--root", required=True, help="nbgrader course folder")
    parser.add_argument("--db", required=True, help="gradebook URL (for the configuration)")
    parser.add_argument("--slot", type=int, default=0, help="this worker's number (sandbox user)")
    parser.add_argument("--cgroup-procs", action="append", default=[],
                        help="a cgroup.procs file the sandbox joins (repeatable)")
    parser.add_argument("--no-sandbox", action="store_true", help="run kernels unsandboxed")
    args = parser.parse_args()
    steps = Steps(Course(args.root, args.db))
    zygote = None
    if not args.no_sandbox:
        sandbox_log = Path(args.root) / "logs" / f"sandbox-{args.slot}.log"
        zygote = kernels.Zygote(args.slot, cgroup_procs=args.cgroup_procs, log=sandbox_log)
        zygote.start()  # now: it imports while the grading process prepares
    # Keep the real stdout for replies; everything printed otherwise lands in the current log.
    replies = os.fdopen(os.dup(1), "w", buffering=1)
    log = logging.getLogger("autograder.worker")
    log.setLevel(logging.INFO)
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(QuotedFormatter("%(asctime)s %(levelname)s %(message)s"))
    log.addHandler(handler)
    replies.write(json.dumps({"ready": os.getpid()}) + "\n")
    try:
        for line in sys.stdin:
            task = Task.from_json(line)
            sys.stdout.flush()
            sys.stderr.flush()
            with open(task.log, "a") as sink:
                os.dup2(sink.fileno(), 1)
                os.dup2(sink.fileno(), 2)
            log.info("worker %d grading %s for %s", os.getpid(), task.input, task.student)
            reply = grade_one(steps, task, log, zygote, on_run=lambda name: replies.write(
                json.dumps({RUNNING: name}) + "\n"))
            peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss >> 10
            log.info("done (the grading worker's peak memory so far: %d MB): %s", peak, reply)
            sys.stdout.flush()
            sys.stderr.flush()
            replies.write(reply.to_json() + "\n")
    finally:
        if zygote is not None:
            zygote.stop()


if __name__ == "__main__":
    main()
