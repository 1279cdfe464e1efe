"""Hidden tests: check a student's function on this student's random cases.

A hidden test cell is one line, e.g. `hidden.check("02_chain_rule", "mul_backward", mul_backward)`.
The cases and the reference come from the instructor's solutions/reference/<assignment>.py,
found through BACKPROP_SOLUTIONS (nbgrader_config.py sets it); students never have that folder.

Two ways to run: directly (plain nbgrader, the project's tests), where this process has the
reference and decides; or sandboxed (the course's grading pipeline), where the kernel only runs
the student's code on case inputs the grader wrote and records what came back
(course.grading.record), and the grader decides outside with `judge` below.
"""
import importlib.util
import os
from pathlib import Path

from . import record, seeds
from .check import run_case
from .drivers import positional
from .report import GradingError

NUMERIC_RTOL, NUMERIC_ATOL = 1e-4, 1e-6
"""Against the centred-difference oracle (h=1e-6, float64): truncation O(h^2) and rounding
O(1e-16/h) leave ~1e-9 absolute error on values of order 1, so 1e-4 relative never fails a
correct answer while any real mistake (a wrong term, sign or factor) is far above it."""

_loaded = {}


def solutions_dir():
    path = os.environ.get("BACKPROP_SOLUTIONS")
    if not path:
        raise GradingError("Hidden tests need the instructor's solutions folder: set "
                           "BACKPROP_SOLUTIONS (the repository's nbgrader_config.py does).")
    return Path(path)


def load(assignment):
    """The instructor's reference module for an assignment (cached per process)."""
    if assignment not in _loaded:
        path = solutions_dir() / "reference" / f"{assignment}.py"
        spec = importlib.util.spec_from_file_location(f"backprop_reference_{assignment}", path)
        if spec is None or not path.exists():
            raise GradingError(f"No reference for assignment {assignment} at {path}.")
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        _loaded[assignment] = module
    return _loaded[assignment]


def cases(assignment, name, student=None):
    """This student's input dicts for one exercise: the fixed ones, then the random draws."""
    ex = load(assignment).EXERCISES[name]
    rng = seeds.rng(assignment, name, student)
    return [dict(c) for c in ex.fixed] + [ex.draw(rng) for _ in range(ex.cases)]


def check(assignment, name, fn):
    """Check `fn` on every case against the reference, then against centred differences.
    In a sandboxed kernel: run `fn` on the grader's cases and record the results instead."""
    if record.sandboxed():
        return _record(assignment, name, fn)
    ex = load(assignment).EXERCISES[name]
    _judge_cases(ex, name, fn, cases(assignment, name))
    print(passed_message(ex))


def passed_message(ex):
    return f"{ex.title}: all {len(ex.fixed) + ex.cases} hidden cases pass."


def _judge_cases(ex, name, fn, todo, calls=None):
    """Run every case (with `calls[i]` for case i if given, else the exercise's call)."""
    for i, inputs in enumerate(todo, 1):
        call = calls[i - 1] if calls else ex.call
        opts = dict(title=ex.title, exercise=name, call=call, mistakes=ex.mistakes,
                    forbid=ex.forbid, label=f" (case {i} of {len(todo)})")
        run_case(fn, inputs, ex.expected(inputs), rtol=ex.rtol, atol=ex.atol, **opts)
        if ex.forward is not None:
            run_case(fn, inputs, ex.numeric(inputs), rtol=NUMERIC_RTOL, atol=NUMERIC_ATOL,
                     **opts)


# --- sandboxed: the grader's half ---------------------------------------------------------------

def call_spec(call):
    """How a sandboxed kernel finds a course-level call driver: {"name", "args"?} or None."""
    if call is None:
        return None
    spec = getattr(call, "sandbox_spec", None) or (
        {"name": record.dotted(call)} if record.dotted(call) else None)
    if spec is None:
        raise ValueError(f"{call!r} is not a course-level driver: give the Exercise a kernel_call")
    return spec


def case_file(assignment, name, student):
    """What a sandboxed kernel gets for one exercise: data, never an expected value."""
    ex = load(assignment).EXERCISES[name]
    todo = cases(assignment, name, student)
    prepared = [ex.prepare(dict(c)) if ex.prepare else c for c in todo]
    return {"title": ex.title, "call": call_spec(ex.kernel_call or ex.call),
            "forbid": list(ex.forbid), "cases": [record.encode(c) for c in prepared]}


def judge(assignment, name, fn_name, results, student):
    """The verdict on one recorded hidden check: None if it passes, else the message."""
    ex = load(assignment).EXERCISES[name]
    todo = cases(assignment, name, student)
    if not isinstance(results, list) or len(results) != len(todo) or \
            not all(isinstance(r, dict) for r in results):
        return (f"{ex.title}: the hidden test did not record a result for each of its "
                f"{len(todo)} cases, so it cannot be checked.")
    calls = [record.replay(r, ex.finish) for r in results]
    try:
        _judge_cases(ex, name, record.Named(fn_name), todo, calls)
    except GradingError as error:
        return str(error)
    return None


# --- sandboxed: the kernel's half ---------------------------------------------------------------

def _kernel_call(spec):
    if spec is None:
        return positional
    target = record.resolve(spec["name"])
    return target(*spec["args"]) if "args" in spec else target


def _record(assignment, name, fn):
    spec = record.load_cases(assignment, name)
    call = _kernel_call(spec["call"])
    results = [record.outcome(call, fn, inputs, spec["forbid"], spec["title"])
               for inputs in spec["cases"]]
    record.write({"kind": "hidden", "assignment": assignment, "exercise": name,
                  "fn": getattr(fn, "__name__", type(fn).__name__), "results": results})
    print(f"{spec['title']}: your code ran on {len(results)} hidden cases; the grader checks "
          "what it returned.")
