"""Time of `backprop-grade insight` on a class of 200. Target: under 10 s on 2 cores.

    .venv/bin/python benchmarks/bench_insight.py [--root GRADED_COURSE] [-n 200] [--assignment A]

The class of 200 is a graded class (default: a demo class of 40 graded here first with
`python -m autograder.demo -n 40`, about two minutes) repeated: each graded student is copied
under new ids, with their gradebook scores (through nbgrader's API) and their graded notebooks,
in a temporary course folder. The timed part is the command itself, as an instructor runs it
(a new Python process: imports, gradebook, 200 graded notebooks, the page, the heat map, the
CSV and JSON), three times, then the same reading and writing in this process with its imports
done (nbformat, nbgrader and matplotlib take seconds to import on a loaded machine: that part does
not grow with the class); the times are printed, never asserted.
"""
import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from autograder.workspace import Course

REPO = Path(__file__).resolve().parent.parent


def graded_course(root, assignment):
    """A graded demo class at `root`, made if it has no graded submission of `assignment`."""
    if not list((Path(root) / "autograded").glob(f"*/{assignment}")):
        subprocess.run([sys.executable, "-m", "autograder.demo", "--root", str(root), "-n", "40",
                        "-j", "2", assignment], check=True, stdout=subprocess.DEVNULL)
    return Course(root)


def grow(source, target, assignment, n):
    """A copy of the graded course `source` at `target` with `n` graded students."""
    for name in ("release", "autograded"):
        shutil.copytree(source.root / name, target / name, symlinks=True)
    shutil.copy(source.root / "gradebook.db", target / "gradebook.db")
    course = Course(target)
    with course.gradebook() as gb:
        originals = [(s.student_id, {g.name: (g.auto_score, g.manual_score) for nb in s.notebooks
                                     for g in nb.grades})
                     for s in gb.assignment_submissions(assignment)]
        count, copy = len(originals), 0
        while count < n:
            copy += 1
            for student, grades in originals:
                if count >= n:
                    break
                new = f"{student}_c{copy}"
                gb.update_or_create_student(new)
                gb.add_submission(assignment, new)
                for name, (auto, manual) in grades.items():
                    grade = gb.find_grade(name, assignment, assignment, new)
                    grade.auto_score, grade.manual_score = auto, manual
                shutil.copytree(target / "autograded" / student, target / "autograded" / new)
                count += 1
        gb.db.commit()
    return course, count


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--root", help="a graded course folder (default: a demo class of 40 in "
                        "a temporary folder)")
    parser.add_argument("-n", type=int, default=200, help="students (default: %(default)s)")
    parser.add_argument("--assignment", default="02_chain_rule")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-insight-") as tmp:
        source = graded_course(args.root or Path(tmp) / "demo", args.assignment)
        course, count = grow(source, Path(tmp) / "class", args.assignment, args.n)
        env = {**os.environ, "MPLBACKEND": "Agg"}
        times = []
        for _ in range(3):
            start = time.perf_counter()
            subprocess.run([sys.executable, "-m", "autograder", "insight", args.assignment,
                            "--root", str(course.root), "--out", str(Path(tmp) / "out")],
                           check=True, stdout=subprocess.DEVNULL, env=env, cwd=REPO)
            times.append(time.perf_counter() - start)
        from autograder.insight import collect
        from autograder.insight_page import write
        work = []
        for _ in range(3):  # the same work in this process, its imports done: what grows with n
            start = time.perf_counter()
            write(collect(args.assignment, course), Path(tmp) / "out")
            work.append(time.perf_counter() - start)
        load = os.getloadavg()[0]
        print(f"insight of {args.assignment} for a class of {count}: "
              + ", ".join(f"{t:.2f} s" for t in times)
              + f" (best {min(times):.2f} s; target 10 s; {os.cpu_count()} cores, load average "
              f"{load:.1f}); of which reading and writing, imports done: best "
              f"{min(work):.2f} s")


if __name__ == "__main__":
    main()
