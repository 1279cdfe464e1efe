"""The one checker of the course, used by visible tests, hidden tests, the grader and the
project's own tests.

What every check shares:
- check: run_case (one case, explained) and expect (the visible test's form);
- compare, report, hints: what is wrong with an output, in words, and the mistake it looks like;
- guard: around every call of the student's code (warnings collected, helpers refused);
- drivers, cache: how a check calls layers, networks and staged passes;
- spec: Exercise, what an instructor writes per hidden test; seeds: per-student cases.

Hidden tests, by where they run:
- hidden: the hidden test cell's entry point;
- kernel: in a sandboxed student kernel, run the calls and record what came back;
- grader: outside it (or directly under plain nbgrader), the reference, the cases, the verdicts;
- wire: how values cross between the two (tagged JSON, never pickle).
"""
from .check import expect, run_case
from .hints import Case, Mistake
from .report import GradingError
from .spec import Exercise

__all__ = ["expect", "run_case", "Case", "Mistake", "GradingError", "Exercise"]
