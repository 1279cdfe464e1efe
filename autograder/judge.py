"""Verdicts reached outside the student's kernel, from what the kernel recorded.

After a sandboxed run, every test cell is judged here, in the grading worker, with pristine
libraries and the instructor's reference: a hidden test cell passes only if its record holds the
student's results for every case and they match; a visible test cell passes only if it raised
nothing in the kernel and every `expect` it recorded also passes when compared here. The cells'
outputs are then rewritten so that nbgrader's own scoring (an error output = no credit) agrees.
What the kernel printed cannot pass a test: no record, no credit.
"""
import ast
import json
from dataclasses import dataclass

from nbformat.v4 import new_output

from course.grading import grader, hidden, wire
from course.grading.check import run_case
from course.grading.report import GradingError
from course.i18n import _
from course.tolerance import EXACT, Tolerance

from . import borrowed, cells


@dataclass
class Verdict:
    passed: bool
    message: str = ""


def parse_records(text):
    """The kernel's records, one dict per line (lines that are not a JSON object are skipped:
    the kernel could have written anything there)."""
    records = []
    for line in text.splitlines():
        try:
            entry = json.loads(line)
        except (ValueError, RecursionError):
            continue
        if isinstance(entry, dict):
            records.append(entry)
    return records


def test_calls(source):
    """(hidden checks [(assignment, exercise)], number of expect calls) in a test cell's source
    (the instructor's: nbgrader restores test cells from the gradebook before they run)."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return [], 0
    checks, expects = [], 0
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        if name == hidden.FUNCTION and len(node.args) >= 2 and all(
                isinstance(a, ast.Constant) and isinstance(a.value, str) for a in node.args[:2]):
            checks.append((node.args[0].value, node.args[1].value))
        elif name == "expect":
            expects += 1
    return checks, expects


def error_output(message, name="GradingError"):
    return new_output("error", ename=name, evalue=message, traceback=[f"{name}: {message}"])


def _kernel_error(cell):
    for out in cell.get("outputs", []):
        if out.get("output_type") == "error":
            return f"{out.get('ename', 'Error')}: {str(out.get('evalue', ''))[:300]}"
    return None


DIAGNOSIS = "diagnosis"
"""The key, under a judged test cell's metadata.backprop, of what the judge found per hidden
check: [{"exercise", "passed", "hints", "wrong", "stage", "kind", "values"}]. The autograded
notebook keeps it, and the instructor's class insight (autograder/insight.py) reads it back; no
grade depends on it. It is written on every judged test cell, so a submitted notebook cannot
bring its own."""


def diagnosis(exercise, error=None, kind=None, values=None):
    """One hidden check's entry of DIAGNOSIS: passed if neither `error` nor `kind`; `values`,
    the fingerprint of what a failing check returned (autograder/borrowed.py)."""
    return {"exercise": exercise, "passed": error is None and kind is None,
            "hints": list(getattr(error, "hints", ())), "wrong": list(getattr(error, "wrong", ())),
            "stage": getattr(error, "stage", None),
            "kind": kind or getattr(error, "kind", None) or ("other" if error else None),
            "values": values}


def _judge_hidden(checks, recs, student, cell):
    """None if every hidden check of the cell recorded passing results, else the message."""
    messages, found = [], []
    for assignment, exercise in checks:
        rec = next((r for r in recs if r.get("kind") == "hidden"
                    and r.get("assignment") == assignment and r.get("exercise") == exercise), None)
        if rec is None:
            why = _kernel_error(cell)
            messages.append(_("the hidden test of {exercise} did not run (the cell stopped with "
                              "{why}).", exercise=exercise, why=why) if why else
                            _("the hidden test of {exercise} did not run.", exercise=exercise))
            found.append(diagnosis(exercise, kind="did not run"))
            continue
        error = None
        try:
            error = grader.diagnose(assignment, exercise, rec.get("fn", ""), rec.get("results"),
                                    student)
        except GradingError as raised:
            error = raised
        except Exception as raised:  # an unreadable record is a failed test, not a crash
            error = GradingError(_("the hidden test's record of {exercise} is unreadable "
                                   "({error}).", exercise=exercise, error=raised),
                                 kind="unreadable record")
        found.append(diagnosis(exercise, error, values=None if error is None else
                               borrowed.recorded(assignment, exercise, rec.get("results"))))
        if error is not None:
            messages.append(str(error))
    cell.metadata["backprop"] = {DIAGNOSIS: found}
    return "\n".join(messages) or None


def _judge_visible(rec):
    try:
        inputs = wire.decode(rec["inputs"], functions=False)
        expected = wire.decode(rec["expected"], functions=False)
        tol = Tolerance(float(rec.get("rtol", EXACT.rtol)),
                        float(rec.get("atol", EXACT.atol)))
        run_case(wire.Named(rec.get("fn", "")), dict(inputs), dict(expected),
                 title=str(rec.get("title", "")), exercise=str(rec.get("exercise", "")),
                 call=wire.replay(rec["result"]), tol=tol)
    except GradingError as error:
        return str(error)
    except Exception as error:
        return _("a visible check's record is unreadable ({error}).",
                 error=type(error).__name__)
    return None


def judge(nb, records, student, trusted):
    """Judge every test cell of an executed notebook in place; {grade_id: Verdict}.

    `trusted` maps each test cell's grade_id to the instructor's source of that cell."""
    verdicts = {}
    for cell in nb.cells:
        grade_id = cells.grade_id(cell)
        if not cells.is_test(cell) or grade_id not in trusted:
            continue
        count = cell.get("execution_count")
        recs = [r for r in records if count is not None and r.get("count") == count]
        checks, expects = test_calls(trusted[grade_id])
        if checks:
            message = _judge_hidden(checks, recs, student, cell)
            if message:
                cell.outputs = [error_output(message)]
            else:
                text = "".join(grader.passed_message(grader.exercise(a, e)) + "\n"
                               for a, e in checks)
                cell.outputs = [new_output("stream", name="stdout", text=text)]
            verdicts[grade_id] = Verdict(message is None, message or "")
            continue
        cell.metadata.pop("backprop", None)  # visible tests: the judge writes no diagnosis
        # visible tests: what the kernel said, and the same comparisons repeated here
        outputs = [o for o in cell.outputs if o.get("output_type") != "execute_result"
                   and not (o.get("output_type") == "stream" and o.get("name") == "stderr")]
        message = _kernel_error(cell)
        visible = [r for r in recs if r.get("kind") == "visible"]
        if message is None and expects and not visible:
            message = _("this test cell did not run its checks.")
        if message is None:
            message = next(filter(None, (_judge_visible(r) for r in visible)), None)
            if message:
                message = _("Checked again outside your notebook: {message}", message=message)
        if message and not any(o.get("output_type") == "error" for o in outputs):
            outputs.append(error_output(message))
        cell.outputs = outputs
        verdicts[grade_id] = Verdict(message is None, message or "")
    return verdicts
