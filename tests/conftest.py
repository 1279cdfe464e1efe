import os

import pytest

from autograder.workspace import SOLUTIONS

os.environ.setdefault("BACKPROP_SOLUTIONS", str(SOLUTIONS))
os.environ.setdefault("MPLBACKEND", "Agg")

SLOW_TIERS = {"hostile", "e2e", "pipeline", "accuracy", "postgres", "browser", "lab", "system",
              "cluster", "hub"}
"""Markers of the slow tiers (pyproject.toml describes each): `make test-fast` leaves them out."""


SPLIT = {"test_accuracy.py", "test_e2e_assignments.py", "test_record_protocol.py",
         "test_browser.py"}
"""Modules whose tests may run on different pytest-xdist workers (`--dist loadgroup`): one group
per assignment (or per test, for the browser), each with its own module-scoped fixtures. Every
other module is one group, so its module-scoped fixtures (a class graded once) are built once.
Without the split, the accuracy and end-to-end tiers each ran all eight assignments on one worker
while the other core idled."""


def _group(item):
    module = item.nodeid.split("::")[0]
    if module.rsplit("/", 1)[-1] not in SPLIT:
        return module
    params = getattr(getattr(item, "callspec", None), "params", {})
    # No "]" in a group name: pytest-xdist reads `nodeid@group` as a group only when the "@"
    # comes after the last "]" (a parametrized id may hold an "@"); with one in the name every
    # test became its own unit, and each worker built the assignment's fixtures again.
    name = "-".join(map(str, params.values())) or item.name
    return f"{module}:{name.replace('[', '(').replace(']', ')')}"


@pytest.hookimpl(tryfirst=True)  # before pytest-xdist reads the groups
def pytest_collection_modifyitems(items):
    for item in items:
        if SLOW_TIERS & {mark.name for mark in item.iter_markers()}:
            item.add_marker(pytest.mark.slow)
        item.add_marker(pytest.mark.xdist_group(_group(item)))
