"""Benchmark (not a test): this pipeline against sequential `nbgrader autograde`, side by side.

    .venv/bin/python benchmarks/bench_grading.py [-n 40] [-j 2] [-k 8]

On the demo class (autograder.demo, n students, collected twice into two identical course
folders) it measures, in one run:
  1. wall time of `nbgrader autograde` (sequential) and of `python -m autograder grade -j N`,
     and their ratio (target >= 1.7 on 2 cores), with the peak RSS of each whole process tree;
  2. the cost per graded notebook with one worker against a bare kernel start + execution of the
     same (sanitized) notebooks with nbclient, on k of them (target within 1.5x).
The machine's load average is printed too: other work on the machine skews every number.
"""
import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import nbformat
import psutil
from nbclient import NotebookClient

from autograder.collect import collect
from autograder.demo import ASSIGNMENT, build_class
from autograder.release import release
from autograder.workspace import REPO, Course, env


def run_measured(cmd):
    """(seconds, peak RSS in MiB of the process and all its descendants, exit code)."""
    start = time.monotonic()
    proc = subprocess.Popen(cmd, cwd=REPO, env=env(), stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    peak, root = 0, psutil.Process(proc.pid)

    def sample():
        nonlocal peak
        while proc.poll() is None:
            try:
                tree = [root, *root.children(recursive=True)]
                peak = max(peak, sum(p.memory_info().rss for p in tree if p.is_running()))
            except psutil.Error:
                pass
            time.sleep(0.1)
    sampler = threading.Thread(target=sample)
    sampler.start()
    code = proc.wait()
    sampler.join()
    return time.monotonic() - start, peak / 2**20, code


def bare(notebooks, cwd):
    """Seconds to start a kernel and execute each notebook, one after the other."""
    start = time.monotonic()
    for path, student in notebooks:
        os.environ["BACKPROP_STUDENT_ID"] = student
        nb = nbformat.read(str(path), as_version=4)
        NotebookClient(nb, timeout=60, allow_errors=True,
                       resources={"metadata": {"path": str(cwd)}}).execute()
    return time.monotonic() - start


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-n", type=int, default=40, help="students (default: %(default)s)")
    parser.add_argument("-j", type=int, default=os.cpu_count(), help="workers (default: CPUs)")
    parser.add_argument("-k", type=int, default=8, help="notebooks for the overhead measure")
    args = parser.parse_args()
    os.environ.update(env())  # bare kernels need BACKPROP_SOLUTIONS like the graded ones
    bindir = Path(sys.executable).parent
    with tempfile.TemporaryDirectory(prefix="bench-grading-") as tmp:
        ours, theirs, single = (Course(Path(tmp) / d) for d in ("ours", "nbgrader", "single"))
        print(f"building a class of {args.n} ...", flush=True)
        for course in (ours, theirs, single):
            release([ASSIGNMENT], course=course)
        roster, archive = build_class(ours, ASSIGNMENT, args.n)
        for course in (ours, theirs, single):
            collect(ASSIGNMENT, archive, roster, course=course)
        load = os.getloadavg()[0]

        print("sequential nbgrader autograde ...", flush=True)
        t_seq, rss_seq, _ = run_measured([str(bindir / "nbgrader"), "autograde", ASSIGNMENT,
                                          *theirs.args()])
        print(f"pipeline, {args.j} workers ...", flush=True)
        t_par, rss_par, code = run_measured([sys.executable, "-m", "autograder", "grade",
                                             ASSIGNMENT, "-j", str(args.j),
                                             "--root", str(ours.root)])
        if code:
            sys.exit("the pipeline failed: see " + str(ours.root / "logs"))

        # Overhead: k notebooks as the pipeline graded them (sanitized; bare re-executes them
        # from the top), one worker vs bare nbclient.
        sample = sorted((ours.root / "autograded").glob(f"*/{ASSIGNMENT}/{ASSIGNMENT}.ipynb"))
        sample = sample[:args.k]
        students = [p.parents[1].name for p in sample]
        print(f"overhead on {len(sample)} notebooks ...", flush=True)
        t_bare = bare(list(zip(sample, students)), Path(tmp))
        t_one, _, _ = run_measured([sys.executable, "-m", "autograder", "grade", ASSIGNMENT,
                                    "-j", "1", "--root", str(single.root),
                                    *[a for s in students for a in ("--student", s)]])

    n = args.n
    print(f"\nload average at start: {load:.1f} on {os.cpu_count()} CPUs")
    print(f"sequential nbgrader autograde: {t_seq:7.1f} s  ({t_seq / n:.2f} s/notebook), "
          f"peak RSS {rss_seq:.0f} MiB")
    print(f"pipeline with {args.j} workers:     {t_par:7.1f} s  ({t_par / n:.2f} s/notebook), "
          f"peak RSS {rss_par:.0f} MiB")
    print(f"speed-up: {t_seq / t_par:.2f}x (target >= 1.7x)")
    print(f"per notebook, 1 worker: {t_one / len(sample):.2f} s; bare kernel start + execution: "
          f"{t_bare / len(sample):.2f} s; ratio {t_one / t_bare:.2f}x (target <= 1.5x, "
          "includes the pipeline's own start-up)")


if __name__ == "__main__":
    main()
