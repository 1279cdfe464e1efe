"""Benchmark (not a test): grading throughput on Dask against the local pool, in one run.

    .venv/bin/python benchmarks/bench_cluster.py [-n 40] [--assignment 02_chain_rule]

Grades the demo class (autograder.demo) of n students, sandboxed with the clean room where
needed, four ways, each from scratch in a course folder of its own: the local pool with 2
workers, and Dask LocalClusters of 1 and 2 single-threaded workers (their start-up included, as
an instructor's run would have it), then the local pool again (ABBA against load drift). Prints
notebooks per minute and seconds per notebook for each, with the load average; the seconds per
notebook with one Dask worker is where docs/cluster.md's term estimate starts.

    .venv/bin/python benchmarks/bench_cluster.py --term [-n 10]

instead grades n students of every assignment on a LocalCluster of one worker and prints the
median seconds a worker spends per notebook of each, then the term estimate: 2,000 students x
every notebook, how many workers finish it in an hour, and the core-hours it takes.
"""
import argparse
import json
import math
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from autograder.collect import collect
from autograder.demo import build_class
from autograder.release import release
from autograder.workspace import REPO, Course, env


def graded(tmp, name, assignment, roster, archive, extra):
    course = Course(Path(tmp) / name)
    release([assignment], course=course)
    collect(assignment, archive, roster, course=course)
    started = time.monotonic()
    subprocess.run([sys.executable, "-m", "autograder", "grade", assignment, "--root",
                    str(course.root), *extra], cwd=REPO, env=env(), check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.monotonic() - started


def term(n, students=2000):
    """Median worker seconds per notebook of every assignment, and the term's arithmetic."""
    from autograder.workspace import assignments
    medians = {}
    with tempfile.TemporaryDirectory(prefix="bench-term-") as tmp:
        for assignment in assignments():
            seed = Course(Path(tmp) / f"seed-{assignment}")
            release([assignment], course=seed)
            roster, archive = build_class(seed, assignment, n)
            graded(tmp, assignment, assignment, roster, archive, ["--cluster", "local:1"])
            states = (Path(tmp) / assignment / ".autograder" / assignment).glob("*/state.json")
            outcomes = [json.loads(p.read_text()) for p in states]
            done = [o["seconds"] for o in outcomes if o["status"] == "graded"]
            if not done:
                sys.exit(f"{assignment}: nothing graded ({[o['reason'] for o in outcomes][:3]})")
            medians[assignment] = statistics.median(done)
    load = os.getloadavg()
    total = sum(students * t for t in medians.values())
    print(f"\nload average (1, 5, 15 min) after: {', '.join(f'{v:.1f}' for v in load)}")
    print("median worker seconds per notebook, sandbox and clean room on, one Dask worker:")
    for assignment, t in medians.items():
        print(f"  {assignment:24s} {t:5.2f} s  x {students} students = {students * t:8.0f} s")
    print(f"one term: {students} students x {len(medians)} notebooks = "
          f"{students * len(medians)} notebooks, {total:.0f} worker-seconds = "
          f"{total / 3600:.1f} worker-hours")
    print(f"finished in one hour by {math.ceil(total / 3600)} single-core workers "
          f"(e.g. {math.ceil(total / 3600 / 8)} machines of 8 cores)")


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-n", type=int, default=40, help="students (default: %(default)s)")
    parser.add_argument("--assignment", default="02_chain_rule")
    parser.add_argument("--term", action="store_true", help="the term estimate instead")
    args = parser.parse_args()
    if args.term:
        return term(args.n)
    runs = [("local pool, 2 workers", ["-j", "2"]), ("Dask, 1 worker", ["--cluster", "local:1"]),
            ("Dask, 2 workers", ["--cluster", "local:2"]),
            ("local pool, 2 workers (again)", ["-j", "2"])]
    with tempfile.TemporaryDirectory(prefix="bench-cluster-") as tmp:
        seed = Course(Path(tmp) / "seed")
        release([args.assignment], course=seed)
        roster, archive = build_class(seed, args.assignment, args.n)
        load = os.getloadavg()
        seconds = {label: graded(tmp, f"run{i}", args.assignment, roster, archive, extra)
                   for i, (label, extra) in enumerate(runs)}
    print(f"\nload average (1, 5, 15 min) at the start: {', '.join(f'{v:.1f}' for v in load)}, "
          f"{os.cpu_count()} CPUs; {args.n} notebooks of {args.assignment} per run")
    for label, t in seconds.items():
        print(f"  {label:30s} {t:6.1f} s  {60 * args.n / t:6.1f} notebooks/min  "
              f"{t / args.n:.2f} s/notebook")


if __name__ == "__main__":
    main()
