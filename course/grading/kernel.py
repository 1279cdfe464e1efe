"""The student's kernel's half of sandboxed grading: run the checks' calls, record what came back.

Under the grading pipeline the kernel runs with BACKPROP_CASES (a folder of this student's case
inputs, written by the grader: data only, no expected values) and BACKPROP_RECORD (a file the
kernel appends one JSON line to per check). Nothing here decides a grade: code that patches numpy
or this module can change what is recorded, but not what it is compared with (course.grading.grader
does that, outside the kernel).
"""
import json
import os

from .. import environment
from ..i18n import _
from ..tolerance import EXACT
from . import wire
from .drivers import positional
from .guard import forbidden, quiet
from .report import GradingError

CASES_ENV, RECORD_ENV = environment.CASES, environment.RECORD


def sandboxed():
    """True when the grading pipeline runs this kernel (cases come from the grader)."""
    return bool(os.environ.get(CASES_ENV))


def recording():
    """True when checks should record their calls for the grader."""
    return bool(os.environ.get(RECORD_ENV))


def _execution_count():
    try:
        from IPython import get_ipython
        shell = get_ipython()
        # IPython counts the running cell before it runs it: the cell's own number is one less
        # (what ipykernel puts in the execute reply, and so in the notebook)
        return int(shell.execution_count) - 1 if shell is not None else None
    except Exception:
        return None


def load_cases(assignment, name):
    """The grader's case file for one exercise: {"title", "call", "forbid", "cases"}."""
    path = os.path.join(os.environ[CASES_ENV], assignment, f"{name}.json")
    with open(path) as handle:
        spec = json.load(handle)
    spec["cases"] = [wire.decode(c) for c in spec["cases"]]
    return spec


def write(entry):
    """Append one check's record (tagged with the cell's execution count) for the grader."""
    path = os.environ.get(RECORD_ENV)
    if not path:
        return
    entry = {**entry, "count": _execution_count()}
    with open(path, "a") as handle:
        handle.write(json.dumps(entry) + "\n")


def outcome(call, fn, inputs, forbid, title):
    """Run one call of the student's code; what happened, as data."""
    try:
        with forbidden(forbid, title), quiet() as caught:
            got = call(fn, dict(inputs))
        result = {"value": wire.encode(got)}
        if caught:
            result["warning"] = str(caught[0].message)[:500]
        return result
    except NotImplementedError:
        return {"raised": "NotImplementedError", "message": ""}
    except GradingError as exc:
        return {"grading_error": str(exc)[:4000]}
    except Exception as exc:  # any failure of the student's code is a result, not a crash
        return {"raised": type(exc).__name__, "message": str(exc)[:1000]}


def _driver(spec):
    """The course-level call driver a case file names (a plain positional call if none)."""
    if spec is None:
        return positional
    target = wire.resolve(spec["name"])
    return target(*spec["args"]) if "args" in spec else target


def record_hidden(assignment, name, fn):
    """A hidden test in the sandbox: run `fn` on the grader's cases and record every result."""
    spec = load_cases(assignment, name)
    call = _driver(spec["call"])
    results = [outcome(call, fn, inputs, spec["forbid"], spec["title"])
               for inputs in spec["cases"]]
    write({"kind": "hidden", "assignment": assignment, "exercise": name,
           "fn": getattr(fn, "__name__", type(fn).__name__), "results": results})
    print(_("{title}: your code ran on {n} hidden cases; the grader checks what it returned.",
            title=spec["title"], n=len(results)))


def record_visible(fn, inputs, expected, title, exercise, options):
    """A visible check (expect) in the sandbox: record its call and result for the grader, who
    repeats the comparison; returns the replayed call the kernel's own check then uses."""
    tol = options.get("tol", EXACT)
    entry = {"kind": "visible", "fn": getattr(fn, "__name__", type(fn).__name__),
             "title": title, "exercise": exercise, "inputs": wire.encode(dict(inputs)),
             "expected": wire.encode(dict(expected)), "rtol": tol.rtol, "atol": tol.atol}
    entry["result"] = outcome(options.get("call") or positional, fn, inputs,
                              options.get("forbid", ()), title)
    write(entry)
    return wire.replay(entry["result"])
