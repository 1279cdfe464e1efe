"""`make demo`: the whole round trip on a simulated class of each of 02, 07 and 08, in work/demo/
(or --root).

The class (about 40 students) is built from the released notebook with autograder.submissions:
correct answers, differently written correct answers and typical backprop bugs (the variants
file), blank notebooks, one file that is not JSON and one whose kernel dies. They arrive as an
LMS download (a zip of `<id>_<assignment>.ipynb` files, dated attempts, one stranger, plus a few
in nbgrader's submitted/ layout), then go through release, collect, grade, feedback and export.
"""
import argparse
import csv
import os
import shutil
import sys
import tempfile
import zipfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

import nbformat

from . import cells
from .submissions import build_submission, load_variants, submit
from .workspace import WORK, Course

ASSIGNMENT = "02_chain_rule"
ASSIGNMENTS = (ASSIGNMENT, "07_autograd", "08_digits")
"""What `make demo` grades: the chain rule's circuit, the autograd engine, and the digits network
(the longest notebook to run)."""
FIRST = ["ada", "alan", "barbara", "claude", "donald", "edsger", "frances", "grace", "hedy",
         "ivan", "john", "katherine", "leslie", "margaret", "niklaus", "ole", "peter", "radia",
         "shafi", "tim", "ursula", "vint", "whitfield", "xavier", "yoshua", "zhang", "anita",
         "bjarne", "cynthia", "dennis", "elena", "fei", "geoffrey", "hal", "ingrid", "judea",
         "ken", "lynn", "marvin", "noam", "olga", "pat", "quinn", "raj", "sophie"]
DEADLINE = datetime(2025, 3, 1, 23, 59, tzinfo=UTC)
LATE_POLICY = "per-day:10,cap:50"
"""The demo course's policy: its one late student (two hours late) loses 10 % of the score."""
BUG_WEIGHT = {"max": 3, "bwd": 2, "mul": 2}
KILL_KERNEL = "import os\nos._exit(1)  # simulates a crash that takes the kernel down\n"


def plan(assignment, n):
    """[(student id, kind, answers or None)]: who submits what."""
    variants = sorted(load_variants(assignment).items())
    bugs = [(k, v.answers) for k, v in variants if v.kind == "bug"]
    alts = [(k, v.answers) for k, v in variants if v.kind == "alternative"]
    kinds = [("correct", {})] * max(1, n // 4) + [(f"alt:{k}", a) for k, a in alts[: n // 8]]
    kinds += [("blank", None)] * 3 + [("broken", None), ("kernel-dies", None)]
    # Some gates trip more students than others, as in a real class (names start with the gate).
    weight = lambda name: BUG_WEIGHT.get(name.split("_")[0], 1)  # noqa: E731
    weighted = [b for _, _, b in sorted((i, -weight(b[0]), b) for b in bugs
                                        for i in range(weight(b[0])))]
    kinds += [(f"bug:{k}", a) for k, a in weighted[: max(0, n - len(kinds))]]
    kinds += [("correct", {})] * max(0, n - len(kinds))
    return [(f"{FIRST[i % len(FIRST)]}{i:02d}", kind, answers)
            for i, (kind, answers) in enumerate(kinds[:n])]


def _notebook_bytes(release_nb, assignment, kind, answers):
    if kind == "broken":
        return b'{"cells": [ {"cell_type": "code", "source": "truncated upl'
    if kind == "kernel-dies":
        first = next(iter(cells.answers(release_nb)))
        answers = {first: KILL_KERNEL}
    nb = build_submission(release_nb, assignment, answers=answers, blank=kind == "blank")
    return nbformat.writes(nb).encode()


def _add(zf, name, data, when):
    zf.writestr(zipfile.ZipInfo(name, date_time=when.timetuple()[:6]), data)


def build_class(course, assignment=ASSIGNMENT, n=40, out=None):
    """Write the roster CSV and the downloads zip of a simulated class; returns (roster, zip)."""
    out = Path(out or course.root / "downloads")
    out.mkdir(parents=True, exist_ok=True)
    release_nb = nbformat.read(str(course.root / "release" / assignment / f"{assignment}.ipynb"),
                               as_version=4)
    students = plan(assignment, n)
    n = len(students)
    roster = out / "roster.csv"
    with open(roster, "w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["id", "first_name", "last_name", "email"])
        for sid, kind, _ in students:
            writer.writerow([sid, sid.rstrip("0123456789").title(), kind.split(":")[0].title(),
                             f"{sid}@example.edu"])
    archive = out / f"{assignment}_downloads.zip"
    with tempfile.TemporaryDirectory() as tmp, zipfile.ZipFile(archive, "w") as zf:
        for i, (sid, kind, answers) in enumerate(students):
            data = _notebook_bytes(release_nb, assignment, kind, answers)
            late = i == 5  # one student hands in two hours late
            when = DEADLINE + timedelta(hours=2) if late else DEADLINE - timedelta(hours=n - i)
            if i % 10 == 3:  # some in nbgrader's folders, within the LMS download: dated by the zip
                folder = submit(tmp, sid, assignment, data, when)
                for path in folder.iterdir():
                    _add(zf, f"submitted/{sid}/{assignment}/{path.name}", path.read_bytes(), when)
            elif i % 7 == 2:  # dated attempts: an earlier broken one, then the real one
                stamp = f"{when:%Y-%m-%d-%H-%M-%S}"
                early = f"{when - timedelta(days=1):%Y-%m-%d-%H-%M-%S}"
                _add(zf, f"{assignment}_{sid}_attempt_{early}.ipynb", b"{}", when)
                _add(zf, f"{assignment}_{sid}_attempt_{stamp}.ipynb", data, when)
            else:  # the LMS dates the file in the zip
                _add(zf, f"{sid}_{assignment}.ipynb", data, when)
        _add(zf, f"stranger_{assignment}.ipynb", data, DEADLINE)  # not on the roster
    return roster, archive


def run(root=None, n=40, workers=None, assignments=ASSIGNMENTS):
    """The round trip of each assignment; prints what each step did and where the results are."""
    from .__main__ import main
    from .bundle import bundle
    from .feedback import feedback
    course = Course(root or WORK / "demo")
    for name in ("submitted", "autograded", "feedback", "export", ".autograder", "logs"):
        shutil.rmtree(course.root / name, ignore_errors=True)
    (course.root / "gradebook.db").unlink(missing_ok=True)
    common = ["--root", str(course.root)]
    for assignment in assignments:
        if main(["release", assignment] + common):
            return 1
    print(f"student bundle: {bundle(list(assignments), None, course)}")
    for assignment in assignments:
        roster, archive = build_class(course, assignment, n)
        print(f"\n{assignment}: simulated class of {n} students, roster {roster}, "
              f"downloads {archive}\n")
        for argv in (["collect", assignment, str(archive), "--roster", str(roster),
                      "--deadline", DEADLINE.isoformat(), "--late-policy", LATE_POLICY],
                     ["grade", assignment, "-j", str(workers or os.cpu_count())],
                     ["feedback", assignment], ["export", assignment]):
            print(f"\n$ python -m autograder {' '.join(argv)} --root {course.root}")
            if argv[0] == "feedback":  # 40 lines of paths: say where they are instead
                pages = feedback(assignment, course)
                print(f"{len(pages)} feedback pages in {course.root / 'feedback'}/<student>/")
                continue
            if main(argv + common):
                return 1
    return 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(prog="python -m autograder.demo", description=__doc__)
    parser.add_argument("--root", help="course folder for the demo (default: work/demo)")
    parser.add_argument("-n", type=int, default=40, help="students (default: %(default)s)")
    parser.add_argument("-j", "--workers", type=int, help="grading workers (default: CPU count)")
    parser.add_argument("assignments", nargs="*", default=list(ASSIGNMENTS),
                        help="assignments to run (default: %(default)s)")
    args = parser.parse_args()
    sys.exit(run(args.root, args.n, args.workers, args.assignments))
