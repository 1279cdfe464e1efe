"""Hidden tests: check a student's function on this student's random cases.

A hidden test cell is one line, e.g. `hidden.check("02_chain_rule", "mul_backward", mul_backward)`.
The cases and the reference come from the instructor's solutions/reference/<assignment>.py,
found through BACKPROP_SOLUTIONS (nbgrader_config.py sets it); students never have that folder.
"""
import importlib.util
import os
from pathlib import Path

from . import seeds
from .check import run_case
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
    """Check `fn` on every case against the reference, then against centred differences."""
    ex = load(assignment).EXERCISES[name]
    todo = cases(assignment, name)
    for i, inputs in enumerate(todo, 1):
        opts = dict(title=ex.title, exercise=name, call=ex.call, mistakes=ex.mistakes,
                    forbid=ex.forbid, label=f" (case {i} of {len(todo)})")
        run_case(fn, inputs, ex.expected(inputs), rtol=ex.rtol, atol=ex.atol, **opts)
        if ex.forward is not None:
            run_case(fn, inputs, ex.numeric(inputs), rtol=NUMERIC_RTOL, atol=NUMERIC_ATOL,
                     **opts)
    print(f"{ex.title}: all {len(todo)} hidden cases pass.")
