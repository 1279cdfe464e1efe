"""Benchmark (not a test): secure grading against sequential `nbgrader autograde`, side by side.

    .venv/bin/python benchmarks/bench_grading.py [-n 40] [-j 2] [-k 8] [--rounds 2]
        [--assignment 02_chain_rule --assignment 05_vectorized_layers] [--baseline CHECKOUT]
        [--realistic]

On the demo class (autograder.demo: n students of each assignment, the same downloads collected
into identical course folders) it measures, in one run:
  1. wall time of `nbgrader autograde` (sequential, plain kernels) and of
     `backprop-grade grade -j N` (sandboxed kernels, clean room where needed), in ABBA order over
     --rounds, and their ratio (target >= 3x on 2 cores);
  2. the cost per graded notebook with one worker against a bare kernel start plus execution of
     the same (sanitized) notebooks with nbclient, on k of them (target <= 1.2x), with the
     pipeline's one-off start-up (its sandboxes and zygotes) separated out;
  3. the profile: the median seconds per part of grading one notebook, from the outcomes.
With --realistic, the class is not the demo class (every kind of answer the demo shows, crashes
and oddities included) but what a real class hands in: a third of the students wrote a scratch
cell of their own (a helper and a print), a third have a typical bug (the assignment's simulated
bugs in turn), two left the notebook blank, the rest answered correctly.
With --baseline, the pipeline of another checkout (an earlier commit, with its own .venv from
`make install-test`: git worktree add --detach ../base <commit>) grades a copy of the same class
in the same ABBA rounds, so that a change's cost is measured under the same load.
The load average before and after is printed with the figures: other work skews every number.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import nbformat
import psutil
from nbclient import NotebookClient

from autograder import cells
from autograder.collect import collect
from autograder.demo import build_class
from autograder.release import release
from autograder.submissions import build_submission, load_variants, submit
from autograder.workspace import REPO, Course, env
from course import environment


def run_measured(cmd, cwd=REPO, environ=None):
    """(seconds, peak RSS in MiB of the process and all its descendants, exit code)."""
    start = time.monotonic()
    proc = subprocess.Popen(cmd, cwd=cwd, env=environ or env(), stdout=subprocess.DEVNULL,
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
    """Seconds to start a plain kernel and execute each notebook, one after the other."""
    start = time.monotonic()
    for path, student in notebooks:
        os.environ[environment.STUDENT_ID] = student
        nb = nbformat.read(str(path), as_version=4)
        NotebookClient(nb, timeout=60, allow_errors=True,
                       resources={"metadata": {"path": str(cwd)}}).execute()
    return time.monotonic() - start


SCRATCH = ("def my_check(a, b):\n    \"\"\"My own helper.\"\"\"\n    return abs(a - b) < 1e-9\n\n\n"
           "print('scratch: trying things out', my_check(1.0, 1.0))\n")
"""A student's own cell: the clean room then runs (it keeps the helper, not the print)."""


def realistic_class(courses, assignment, n):
    """Submit the same realistic class of `n` students into every course of `courses`."""
    import nbformat
    release_nb = nbformat.read(str(courses[0].root / "release" / assignment /
                                   f"{assignment}.ipynb"), as_version=4)
    bugs = [v for v in load_variants(assignment).values() if v.kind == "bug"]
    for i in range(n):
        if i < 2:
            nb = build_submission(release_nb, assignment, blank=True)
        elif i % 3 == 1:
            nb = build_submission(release_nb, assignment, bugs[i % len(bugs)].answers)
        else:
            nb = build_submission(release_nb, assignment)
            if i % 3 == 0:
                first = next(j for j, c in enumerate(nb.cells) if cells.is_solution(c))
                nb.cells.insert(first, nbformat.v4.new_code_cell(SCRATCH))
        for course in courses:
            submit(course.root, f"student{i:03d}", assignment, nb)


def profile(course, assignments):
    """{part: median seconds per notebook} over every graded outcome of the course."""
    parts = {}
    for assignment in assignments:
        for state in (course.root / ".autograder" / assignment).glob("*/state.json"):
            outcome = json.loads(state.read_text())
            if outcome["status"] == "graded":
                for name, seconds in outcome.get("phases", {}).items():
                    parts.setdefault(name, []).append(seconds)
    return {name: statistics.median(values) for name, values in parts.items()}


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-n", type=int, default=40, help="students (default: %(default)s)")
    parser.add_argument("-j", type=int, default=os.cpu_count(), help="workers (default: CPUs)")
    parser.add_argument("-k", type=int, default=8, help="notebooks for the overhead measure")
    parser.add_argument("--rounds", type=int, default=2,
                        help="rounds of the side-by-side comparison (default: %(default)s)")
    parser.add_argument("--assignment", action="append",
                        help="assignments graded (default: 02_chain_rule, 05_vectorized_layers)")
    parser.add_argument("--realistic", action="store_true",
                        help="a realistic class (scratch cells, typical bugs, a few blank) "
                             "instead of the demo class")
    parser.add_argument("--baseline", type=Path,
                        help="a checkout of another commit, with its own .venv, whose pipeline "
                             "grades a copy of the class in the same rounds")
    args = parser.parse_args()
    assignments = args.assignment or ["02_chain_rule", "05_vectorized_layers"]
    base = args.baseline.resolve() if args.baseline else None
    if base and not (base / ".venv" / "bin" / "python").exists():
        parser.error(f"{base} has no .venv: run `make install-test` there first")
    os.environ.update(env())  # bare kernels need BACKPROP_SOLUTIONS like the graded ones
    bindir = Path(sys.executable).parent
    with tempfile.TemporaryDirectory(prefix="bench-grading-") as tmp:
        ours, theirs, single, before = (Course(Path(tmp) / d)
                                        for d in ("ours", "nbgrader", "single", "baseline"))
        courses = (ours, theirs, single, *((before,) if base else ()))
        print(f"building a class of {args.n} for {', '.join(assignments)} ...", flush=True)
        for course in courses:
            release(assignments, course=course)
        for assignment in assignments:
            if args.realistic:
                realistic_class(courses, assignment, args.n)
                continue
            roster, archive = build_class(ours, assignment, args.n,
                                          out=Path(tmp) / "downloads" / assignment)
            for course in courses:
                collect(assignment, archive, roster, course=course)
        load_before = os.getloadavg()
        runs = {"seq": ([[str(bindir / "nbgrader"), "autograde", a, *theirs.args()]
                         for a in assignments], REPO, None),
                "par": ([[sys.executable, "-m", "autograder", "grade", a, "-j", str(args.j),
                          "--root", str(ours.root)] for a in assignments], REPO, None)}
        order = [("seq", "sequential nbgrader autograde"), ("par", f"pipeline, {args.j} workers")]
        if base:  # its own interpreter, references and working folder; nothing of this one's
            runs["base"] = ([[str(base / ".venv" / "bin" / "python"), "-m", "autograder", "grade",
                              a, "-j", str(args.j), "--root", str(before.root)]
                             for a in assignments], base,
                            {**env(), environment.SOLUTIONS: str(base / "solutions")})
            order.append(("base", f"baseline pipeline ({base.name}), {args.j} workers"))
        # ABBA order (sequential, pipeline, pipeline, sequential) with --rounds 2, so a load
        # that rises or falls during the run weighs on both alike; later rounds use --force.
        totals = {kind: 0.0 for kind in runs}
        peaks = {kind: 0.0 for kind in runs}
        for r in range(args.rounds):
            for kind, label in (order if r % 2 == 0 else order[::-1]):
                print(f"round {r + 1}: {label} ...", flush=True)
                cmds, cwd, environ = runs[kind]
                for cmd in cmds:
                    t, rss, code = run_measured(cmd + (["--force"] if r else []), cwd, environ)
                    if code and kind != "seq":
                        sys.exit(f"the {label} failed: see {cmd[-1]}/logs")
                    totals[kind] += t
                    peaks[kind] = max(peaks[kind], rss)
        parts = profile(ours, assignments)

        # Overhead: k notebooks as the pipeline graded them (sanitized; bare re-executes them
        # from the top), one worker vs bare nbclient. Grading 1 and then all k with one worker
        # separates the pipeline's start-up from its cost per notebook.
        first = assignments[0]
        sample = sorted((ours.root / "autograded").glob(f"*/{first}/{first}.ipynb"))[:args.k]
        students = [p.parents[1].name for p in sample]
        print(f"overhead on {len(sample)} notebooks of {first} ...", flush=True)
        t_bare = bare(list(zip(sample, students)), Path(tmp))
        one = [sys.executable, "-m", "autograder", "grade", first, "-j", "1", "--force",
               "--root", str(single.root)]
        t_first, _, _ = run_measured(one + ["--student", students[0]])
        t_all, _, _ = run_measured(one + [a for s in students for a in ("--student", s)])
        load_after = os.getloadavg()

    n, k = args.n * args.rounds * len(assignments), len(sample)
    steady = (t_all - t_first) / (k - 1)
    t_seq, t_par = totals["seq"], totals["par"]
    print(f"\nload average (1, 5, 15 min): before {', '.join(f'{v:.1f}' for v in load_before)}, "
          f"after {', '.join(f'{v:.1f}' for v in load_after)}, on {os.cpu_count()} CPUs")
    print(f"sequential nbgrader autograde: {t_seq:7.1f} s for {n} notebooks "
          f"({t_seq / n:.2f} s/notebook), peak RSS {peaks['seq']:.0f} MiB")
    print(f"secure pipeline, {args.j} workers:  {t_par:7.1f} s for {n} notebooks "
          f"({t_par / n:.2f} s/notebook), peak RSS {peaks['par']:.0f} MiB (whole process tree)")
    print(f"speed-up: {t_seq / t_par:.2f}x (target >= 3x)")
    if base:
        t_base = totals["base"]
        print(f"baseline pipeline ({base.name}): {t_base:7.1f} s for {n} notebooks "
              f"({t_base / n:.2f} s/notebook), peak RSS {peaks['base']:.0f} MiB; "
              f"this pipeline takes {t_par / t_base:.2f}x its time")
    print(f"bare kernel start + execution: {t_bare / k:.2f} s/notebook")
    print(f"secure pipeline, 1 worker: {steady:.2f} s/notebook ({steady / (t_bare / k):.2f}x "
          f"bare, target <= 1.2x); start-up {t_first - steady:.1f} s")
    print("profile, median seconds per notebook (workers, then the gradebook writer):")
    for name, seconds in parts.items():
        print(f"  {name:20s} {seconds:6.3f}")


if __name__ == "__main__":
    main()
