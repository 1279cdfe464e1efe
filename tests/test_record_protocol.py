"""The sandboxed protocol reaches the same verdicts as a direct check, for every exercise of
every assignment, on the instructor's answers and every simulated student answer (bugs and
correct alternatives): the kernel only records (course.grading.kernel), the grader judges
(course.grading.grader.judge), and nothing is lost in between -- not a pass, not a failure,
not the message a student reads."""
import ast
import contextlib
import io
import json

import pytest

from autograder.accuracy import Runner
from autograder.submissions import load_variants
from autograder.workspace import assignments
from course.grading import GradingError, grader, hidden, kernel

STUDENT = "protocol-check"


def _checked(runner):
    """{exercise: name of the checked function} from the source's hidden test cells."""
    out = {}
    for kind, _, source in runner.cells:
        for node in ast.walk(ast.parse(source)) if kind == "test" else ():
            if isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "check" \
                    and len(node.args) == 3 and isinstance(node.args[2], ast.Name):
                out[node.args[1].value] = node.args[2].id
    return out


def _direct(assignment, exercise, fn):
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            hidden.check(assignment, exercise, fn)
    except GradingError as error:
        return str(error)
    return None


def _recorded(assignment, exercise, fn, tmp_path, monkeypatch):
    cases = tmp_path / "cases"
    (cases / assignment).mkdir(parents=True, exist_ok=True)
    (cases / assignment / f"{exercise}.json").write_text(
        json.dumps(grader.case_file(assignment, exercise, STUDENT)))
    log = tmp_path / "record.jsonl"
    log.unlink(missing_ok=True)
    monkeypatch.setenv(kernel.CASES_ENV, str(cases))
    monkeypatch.setenv(kernel.RECORD_ENV, str(log))
    with contextlib.redirect_stdout(io.StringIO()):
        hidden.check(assignment, exercise, fn)
    monkeypatch.delenv(kernel.CASES_ENV)
    monkeypatch.delenv(kernel.RECORD_ENV)
    (entry,) = [json.loads(line) for line in log.read_text().splitlines()]
    return grader.judge(assignment, exercise, entry["fn"], entry["results"], STUDENT)


@pytest.mark.parametrize("assignment", assignments())
def test_recorded_verdicts_equal_direct_verdicts(assignment, tmp_path, monkeypatch):
    monkeypatch.setenv("BACKPROP_STUDENT_ID", STUDENT)
    runner = Runner(assignment)
    checked = _checked(runner)
    answer_sets = [("reference", {})] + [(n, v.answers)
                                         for n, v in load_variants(assignment).items()]
    compared = failures = 0
    first = next((g, s) for k, g, s in runner.cells if k == "solution")
    for name, answers in answer_sets:
        _, ns = runner.failures(answers or dict([first]))  # the reference: its own first answer
        for exercise, fn_name in checked.items():
            if fn_name not in ns:
                continue
            direct = _direct(assignment, exercise, ns[fn_name])
            recorded = _recorded(assignment, exercise, ns[fn_name], tmp_path, monkeypatch)
            assert recorded == direct, (assignment, name, exercise)
            compared += 1
            failures += direct is not None
    assert compared >= len(checked) and failures > 0
