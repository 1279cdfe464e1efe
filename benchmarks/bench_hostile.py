"""How long the hostile matrix takes to grade, against a clean class of the same size.

Builds two classes of 02 in temporary course folders: every case of tests/test_hostile.py (plus
its good students and buggy baseline), and as many plain correct submissions; grades each with
`python -m autograder grade` (sandboxed, clean room), and prints both wall times. Also grades the
clean class with --no-sandbox, to show what the sandbox and the clean room cost.

    .venv/bin/python benchmarks/bench_hostile.py [-j 2]
"""
import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the repo's tests/ helpers

from autograder.__main__ import main  # noqa: E402
from tests.pipeline_course import new_course  # noqa: E402
from tests.test_hostile import (  # noqa: E402
    BASELINE,
    CASES,
    CELL_TIMEOUT,
    GOOD,
    NOTEBOOK_TIMEOUT,
    A,
    _submit_class,
)


def _grade(course, workers, *extra):
    started = time.monotonic()
    assert main(["grade", A, "-j", str(workers), "--cell-timeout", str(CELL_TIMEOUT),
                 "--notebook-timeout", str(NOTEBOOK_TIMEOUT), "--root", str(course.root),
                 *extra]) == 0
    return time.monotonic() - started


def run(workers):
    hostile_class = GOOD + (BASELINE,) + tuple(CASES)
    clean_class = tuple(f"clean-{i:02d}" for i in range(len(hostile_class)))
    with tempfile.TemporaryDirectory() as tmp:
        rows = []
        for label, students, extra in (("clean", clean_class, ()),
                                       ("hostile", hostile_class, ()),
                                       ("clean --no-sandbox", clean_class, ("--no-sandbox",))):
            course = new_course(Path(tmp) / label.replace(" ", ""))
            assert main(["release", A, "--root", str(course.root)]) == 0
            _submit_class(course, students)
            rows.append((label, len(students), _grade(course, workers, *extra)))
    print(f"\n{'batch':<22}{'notebooks':>10}{'wall s':>9}{'s/notebook':>12}")
    for label, n, seconds in rows:
        print(f"{label:<22}{n:>10}{seconds:>9.1f}{seconds / n:>12.2f}")
    print(f"hostile / clean: {rows[1][2] / rows[0][2]:.2f}x; "
          f"sandbox + clean room / no sandbox: {rows[0][2] / rows[2][2]:.2f}x; "
          f"load average {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-j", "--workers", type=int, default=2)
    run(parser.parse_args().workers)
