import os

import pytest

from autograder.workspace import SOLUTIONS, assignments

os.environ.setdefault("BACKPROP_SOLUTIONS", str(SOLUTIONS))
os.environ.setdefault("MPLBACKEND", "Agg")

SLOW_TIERS = {"hostile", "e2e", "pipeline", "accuracy", "postgres", "browser", "lab", "system",
              "cluster", "hub"}
"""Markers of the slow tiers (pyproject.toml describes each): `make test-fast` leaves them out."""


ASSIGNMENTS = set(assignments())

SPLIT = {"test_accuracy.py", "test_e2e_assignments.py", "test_record_protocol.py",
         "test_browser.py", "test_browser_circuits.py"}
"""Modules whose tests may run on different pytest-xdist workers (`--dist loadgroup`): one group
per assignment (or per test, for the browser), each with its own module-scoped fixtures. Every
other module is one group, so its module-scoped fixtures (a class graded once) are built once.
Without the split, the accuracy and end-to-end tiers each ran all eight assignments on one worker
while the other core idled."""


def _group(item):
    """The item's pytest-xdist group: its module; in a SPLIT module, the assignment it is
    parametrized with, else its test function. Every worker must compute the same names, and a
    name must hold no "]": pytest-xdist reads `nodeid@group` as a group only when the "@" comes
    after the last "]" (a parametrized id may hold an "@"), and treats the test alone otherwise."""
    module = item.nodeid.split("::")[0]
    if module.rsplit("/", 1)[-1] not in SPLIT:
        return module
    params = getattr(getattr(item, "callspec", None), "params", {})
    assignment = next((v for v in params.values() if isinstance(v, str) and v in ASSIGNMENTS),
                      None)
    return f"{module}:{assignment or item.originalname}"


@pytest.hookimpl(tryfirst=True)  # before pytest-xdist reads the groups
def pytest_collection_modifyitems(items):
    for item in items:
        if SLOW_TIERS & {mark.name for mark in item.iter_markers()}:
            item.add_marker(pytest.mark.slow)
        item.add_marker(pytest.mark.xdist_group(_group(item)))
