import os

import pytest

from autograder.workspace import SOLUTIONS

os.environ.setdefault("BACKPROP_SOLUTIONS", str(SOLUTIONS))
os.environ.setdefault("MPLBACKEND", "Agg")

SLOW_TIERS = {"hostile", "e2e", "pipeline", "accuracy", "postgres", "browser", "lab", "system",
              "cluster", "hub"}
"""Markers of the slow tiers (pyproject.toml describes each): `make test-fast` leaves them out."""


def pytest_collection_modifyitems(items):
    for item in items:
        if SLOW_TIERS & {mark.name for mark in item.iter_markers()}:
            item.add_marker(pytest.mark.slow)
