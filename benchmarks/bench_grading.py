"""Benchmark (not a test): this pipeline against sequential `nbgrader autograde`, side by side.

    .venv/bin/python benchmarks/bench_grading.py [-n 40] [-j 2] [-k 8]

On the demo class (autograder.demo, n students, collected twice into two identical course
folders) it measures, in one run:
  1. wall time of `nbgrader autograde` (sequential) and of `python -m autograder grade -j N`,
     in ABBA order over --rounds, and their ratio (target >= 1.7 on 2 cores), with the peak RSS
     of each whole process tree;
  2. the cost per graded notebook with one worker against a bare kernel start + execution of the
     same (sanitized) notebooks with nbclient, on k of them (target within 1.5x), with the
     pipeline's one-off start-up separated out.
The machine's load average is printed too: other work on the machine skews every number.
"""
import argparse
import os
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
    parser.add_argument("--rounds", type=int, default=2,
                        help="rounds of the side-by-side comparison (default: %(default)s)")
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
        seq = [str(bindir / "nbgrader"), "autograde", ASSIGNMENT, *theirs.args()]
        par = [sys.executable, "-m", "autograder", "grade", ASSIGNMENT, "-j", str(args.j),
               "--root", str(ours.root)]
        # ABBA order (sequential, pipeline, pipeline, sequential) with --rounds 2, so a load
        # that rises or falls during the run weighs on both alike; later rounds use --force.
        t_seq = t_par = rss_seq = rss_par = 0.0
        order = [(seq, "sequential nbgrader autograde"), (par, f"pipeline, {args.j} workers")]
        for r in range(args.rounds):
            for cmd, label in (order if r % 2 == 0 else order[::-1]):
                print(f"round {r + 1}: {label} ...", flush=True)
                t, rss, code = run_measured(cmd + (["--force"] if r else []))
                if cmd is par:
                    if code:
                        sys.exit("the pipeline failed: see " + str(ours.root / "logs"))
                    t_par, rss_par = t_par + t, max(rss_par, rss)
                else:
                    t_seq, rss_seq = t_seq + t, max(rss_seq, rss)

        # Overhead: k notebooks as the pipeline graded them (sanitized; bare re-executes them
        # from the top), one worker vs bare nbclient. Grading 1 and then all k with one worker
        # separates the pipeline's start-up from its cost per notebook.
        sample = sorted((ours.root / "autograded").glob(f"*/{ASSIGNMENT}/{ASSIGNMENT}.ipynb"))
        sample = sample[:args.k]
        students = [p.parents[1].name for p in sample]
        print(f"overhead on {len(sample)} notebooks ...", flush=True)
        t_bare = bare(list(zip(sample, students)), Path(tmp))
        one = [sys.executable, "-m", "autograder", "grade", ASSIGNMENT, "-j", "1", "--force",
               "--root", str(single.root)]
        t_first, _, _ = run_measured(one + ["--student", students[0]])
        t_all, _, _ = run_measured(one + [a for s in students for a in ("--student", s)])

    n, k = args.n * args.rounds, len(sample)
    steady = (t_all - t_first) / (k - 1)
    print(f"\nload average at start: {load:.1f} on {os.cpu_count()} CPUs")
    print(f"sequential nbgrader autograde: {t_seq:7.1f} s for {n} notebooks "
          f"({t_seq / n:.2f} s/notebook), peak RSS {rss_seq:.0f} MiB")
    print(f"pipeline with {args.j} workers:     {t_par:7.1f} s for {n} notebooks "
          f"({t_par / n:.2f} s/notebook), peak RSS {rss_par:.0f} MiB (whole process tree)")
    print(f"speed-up: {t_seq / t_par:.2f}x (target >= 1.7x)")
    print(f"bare kernel start + execution: {t_bare / k:.2f} s/notebook")
    print(f"pipeline, 1 worker: {steady:.2f} s/notebook ({steady / (t_bare / k):.2f}x bare, "
          f"target <= 1.5x); start-up {t_first - steady:.1f} s; all {k} with start-up "
          f"{t_all / k:.2f} s/notebook ({t_all / t_bare:.2f}x)")


if __name__ == "__main__":
    main()
