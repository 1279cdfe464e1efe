"""Run All time of every notebook: each solution notebook (the instructor's answers, hidden tests
removed; autograder/solutions.py) executed top to bottom in a fresh kernel, as a student's
*Run → Run All Cells*. Target: < 10 s per notebook on a laptop CPU.

    .venv/bin/python benchmarks/bench_run_all.py [assignment ...] [--repeat N] [--lang ko]

Two figures per notebook: the cells alone (from the first cell's start to the last cell's end,
what a student waits for after the kernel is up) and the whole run including the kernel's start.
Timings are printed, never asserted: they depend on the machine and on what else runs on it (the
load average is printed with them).
"""
import argparse
import os
import statistics
import time
from datetime import datetime

from nbclient import NotebookClient

from autograder import solutions, translate
from autograder.workspace import SOURCES, assignments

TARGET_S = 10.0


def _cells_seconds(nb):
    """From the first code cell's start to the last one's end, by the kernel's own timestamps."""
    starts, ends = [], []
    for cell in nb.cells:
        timing = cell.get("metadata", {}).get("execution", {})
        if "iopub.execute_input" in timing and "shell.execute_reply" in timing:
            starts.append(datetime.fromisoformat(timing["iopub.execute_input"].rstrip("Z")))
            ends.append(datetime.fromisoformat(timing["shell.execute_reply"].rstrip("Z")))
    return (max(ends) - min(starts)).total_seconds()


def run_once(assignment, lang):
    nb = solutions.clean(assignment, None if lang == "en" else
                         translate.output_notebook(assignment, lang))
    os.environ.setdefault("MPLBACKEND", "Agg")
    folder = (SOURCES if lang == "en" else translate.source_root(lang)) / assignment
    client = NotebookClient(nb, timeout=120, kernel_name="python3", record_timing=True,
                            resources={"metadata": {"path": str(folder)}})
    start = time.perf_counter()
    client.execute()
    total = time.perf_counter() - start
    errors = [o for c in nb.cells for o in c.get("outputs", []) if o.output_type == "error"]
    if errors:
        raise RuntimeError(f"{assignment}: {errors[0].ename}: {errors[0].evalue}")
    return _cells_seconds(nb), total


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("assignments", nargs="*")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--lang", default="en")
    args = parser.parse_args(argv)
    print(f"load average {os.getloadavg()[0]:.2f}, {os.cpu_count()} CPUs, "
          f"median of {args.repeat} runs, language {args.lang}")
    print(f"{'notebook':24} {'cells':>8} {'with kernel start':>18}")
    for assignment in args.assignments or assignments():
        runs = [run_once(assignment, args.lang) for _ in range(args.repeat)]
        cells = statistics.median(r[0] for r in runs)
        total = statistics.median(r[1] for r in runs)
        flag = "" if total < TARGET_S else f"  over the {TARGET_S:.0f} s target"
        print(f"{assignment:24} {cells:7.2f}s {total:17.2f}s{flag}")


if __name__ == "__main__":
    main()
