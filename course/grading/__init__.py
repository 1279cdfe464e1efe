"""Checks shared by visible tests, hidden tests and the project's tests (one checker everywhere)."""
from .check import expect, run_case
from .hints import Case, Mistake
from .report import GradingError
from .spec import Exercise

__all__ = ["expect", "run_case", "Case", "Mistake", "GradingError", "Exercise"]
