"""Measured grading accuracy: do the tests fail every bug and pass every correct answer?

For one assignment, the instructor's notebook (answers and hidden tests) runs once in this
process; then every simulated answer (solutions/variants) and every automatic mutant of the
instructor's answers (autograder.mutants) is run from a snapshot of the namespace taken just
before its cell, followed by the rest of the notebook. A test cell fails as under nbgrader: it
raises, or writes to stderr. Cell source is plain Python (IPython magics are dropped).

    python -m autograder.accuracy [assignment ...] [--out report.md]
"""
import argparse
import ast
import contextlib
import io
import json
import signal
import subprocess
import sys

from . import cells
from . import mutants as mutation
from .sandbox import TIMEOUTS
from .submissions import load_variants, source_notebook
from .workspace import REPO, assignments, env

CELL_SECONDS = TIMEOUTS.accuracy_cell
PROBES = 10  # fresh students whose random cases decide whether a surviving mutant is equivalent


class _Timeout(Exception):
    pass


def _alarm(signum, frame):
    raise _Timeout()


def _cells(assignment):
    """[(kind, grade_id, source)] of the code cells, kind in code / solution / test."""
    out = []
    for cell in source_notebook(assignment).cells:
        if cell.cell_type != "code":
            continue
        kind = ("solution" if cells.is_solution(cell) else
                "test" if cells.is_grade(cell) else "code")
        src = "\n".join(line for line in cell.source.splitlines()
                        if not line.lstrip().startswith("%"))
        out.append((kind, cells.grade_id(cell), src))
    return out


def _run(source, ns, name):
    """Execute one cell: (True if it raised nothing and wrote nothing to stderr, the keys of
    the hints its failure message shows)."""
    err = io.StringIO()
    signal.signal(signal.SIGALRM, _alarm)
    signal.alarm(CELL_SECONDS)
    try:
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(err):
            exec(compile(source, f"<{name}>", "exec"), ns)
        return not err.getvalue(), ()
    except BaseException as error:  # SystemExit, a timeout, anything: the cell failed
        return False, tuple(getattr(error, "hints", ()))
    finally:
        signal.alarm(0)
        import matplotlib.pyplot as plt
        plt.close("all")


class Runner:
    """The instructor notebook of one assignment, run once, with snapshots before each answer."""

    def __init__(self, assignment):
        self.assignment = assignment
        self.cells = _cells(assignment)
        self.snapshots = {}
        ns = {"__name__": "__main__"}
        failed = []
        for i, (kind, gid, src) in enumerate(self.cells):
            if kind == "solution":
                self.snapshots[i] = dict(ns)
            if not _run(src, ns, gid or f"cell{i}")[0] and kind == "test":
                failed.append(gid)
        if failed:
            raise RuntimeError(f"{assignment}: the instructor's own notebook fails {failed}")
        self.index = {gid: i for i, (_, gid, _) in enumerate(self.cells) if gid}
        self.ns = ns

    def failures(self, answers, only_tests=None):
        """(test grade_ids that fail when solution cells are replaced by `answers`, the
        namespace after (valid until the next call), the keys of the hints the failing tests
        show)."""
        start = min(self.index[g] for g in answers)
        # The one namespace, restored in place: functions defined by earlier cells keep it as
        # their globals, so they see what this run's cells bind, as in a kernel (07's
        # `class Value(Value)` makes the engine's methods build the new class).
        ns = self.ns
        ns.clear()
        ns.update(self.snapshots[start])
        failed, hints = set(), set()
        # With `only_tests`, the verdict is known once the last of them has run. A failure with
        # no hint needs nothing more (a mutant's namespace is read after only when it passed or
        # showed a hint), so the rest of the notebook, widgets and later exercises, is skipped.
        last = max(self.index[g] for g in only_tests) if only_tests else None
        for i, (kind, gid, src) in enumerate(self.cells[start:], start):
            if last is not None and i > last and failed and not hints:
                break
            if kind == "test" and only_tests is not None and gid not in only_tests:
                continue
            ok, shown = _run(answers.get(gid, src), ns, gid or f"cell{i}")
            if kind == "test" and not ok:
                failed.add(gid)
                hints |= set(shown)
        return failed, ns, hints

    def tests_of(self, solution_id):
        """Test cells that follow a solution cell, up to the next solution cell."""
        out = []
        for kind, gid, _ in self.cells[self.index[solution_id] + 1:]:
            if kind == "solution":
                break
            if kind == "test":
                out.append(gid)
        return out


def _graded(assignment, cell_source):
    """The graded functions (exercise names) a cell defines."""
    from course.grading.grader import load
    exercises = load(assignment).EXERCISES
    return [n.name for n in ast.parse(cell_source).body
            if isinstance(n, (ast.FunctionDef, ast.ClassDef)) and n.name in exercises]


def _equivalent(assignment, cell_source, ns):
    """True if every graded function the cell defines agrees with the reference on fresh cases."""
    from course.grading import GradingError
    from course.grading.check import run_case
    from course.grading.grader import cases, load
    exercises = load(assignment).EXERCISES
    names = _graded(assignment, cell_source)
    if not names:
        return False
    for name in names:
        ex = exercises[name]
        for probe in range(PROBES):
            for inputs in cases(assignment, name, student=f"mutation-probe-{probe}"):
                try:
                    with contextlib.redirect_stdout(io.StringIO()):
                        run_case(ns[name], inputs, ex.expected(inputs), title=name, call=ex.call,
                                 tol=ex.tol)
                except (GradingError, Exception):
                    return False
    return True


def _hints_borne_out(assignment, cell_source, ns, shown):
    """Which of the hint keys `shown` for a mutant its behaviour bears out: the hint holds on
    every failing case of PROBES fresh students (and on at least one), for an exercise the cell
    defines. A mutant has no author to say what its mistake is; this is the evidence."""
    from course.grading.grader import evidence, exercise
    from course.grading.hints import common
    right = set()
    students = [f"hint-probe-{p}" for p in range(PROBES)]
    for name in _graded(assignment, cell_source):
        with contextlib.redirect_stdout(io.StringIO()):
            found = evidence(assignment, name, ns[name], students)
        right |= {m.key for m in common(found, name, exercise(assignment, name).mistakes)}
    return set(shown) & right


def _hint_counts(shown, right):
    return dict(shown=sorted(shown), right=len(set(shown) & set(right)),
                wrong=sorted(set(shown) - set(right)))


def measure(assignment):
    """Per solution cell: bugs caught, alternatives accepted, mutants caught/equivalent/missed,
    and the hints shown on bugs and mutants, right and wrong."""
    runner = Runner(assignment)
    report = {}
    for kind, gid, _ in runner.cells:
        # An answer cell with no test of its own (e.g. 06's paste-your-layers cell) is not a
        # graded exercise: its mutants are nobody's to catch.
        if kind == "solution" and runner.tests_of(gid):
            report[gid] = dict(bugs=[], alternatives=[], mutants=dict(total=0, caught=0,
                               equivalent=[], missed=[]), hints=dict(right=0, wrong=[]))
    for name, v in load_variants(assignment).items():
        failed, _, shown = runner.failures(v.answers)
        row = dict(name=name, note=v.note, expected=sorted(v.fails), failed=sorted(failed),
                   ok=failed == set(v.fails) if v.kind == "bug" else not failed)
        gid = sorted(v.answers)[0]
        if v.kind == "bug":
            row["hints"] = _hint_counts(shown, v.hints)
            report[gid]["hints"]["right"] += row["hints"]["right"]
            report[gid]["hints"]["wrong"] += [f"bug {name}: {k}" for k in row["hints"]["wrong"]]
        report[gid]["bugs" if v.kind == "bug" else "alternatives"].append(row)
    for _, gid, _ in runner.cells:
        if gid not in report:
            continue
        full = cells.answers(source_notebook(assignment))[gid]
        tests = set(runner.tests_of(gid))
        stats, hints = report[gid]["mutants"], report[gid]["hints"]
        for mid, text, change in mutation.mutants(gid, full):
            stats["total"] += 1
            failed, ns, shown = runner.failures({gid: text}, only_tests=tests)
            if failed:
                stats["caught"] += 1
                if shown:
                    counts = _hint_counts(shown, _hints_borne_out(assignment, text, ns, shown))
                    hints["right"] += counts["right"]
                    hints["wrong"] += [f"mutant {mid} ({change}): {k}" for k in counts["wrong"]]
            elif _equivalent(assignment, text, ns):
                stats["equivalent"].append(f"{mid} ({change})")
            else:
                stats["missed"].append(f"{mid} ({change})")
    return report


def table(reports):
    """Markdown table: one row per exercise (solution cell), with totals."""
    lines = ["| assignment | exercise | bugs caught | correct alternatives accepted | "
             "mutants caught | equivalent mutants | missed mutants | hints shown: right / "
             "wrong |",
             "|---|---|---|---|---|---|---|---|"]
    tot = [0] * 9
    for assignment, report in reports.items():
        for gid, r in report.items():
            b_ok = sum(x["ok"] for x in r["bugs"])
            a_ok = sum(x["ok"] for x in r["alternatives"])
            m, h = r["mutants"], r["hints"]
            vals = [b_ok, len(r["bugs"]), a_ok, len(r["alternatives"]), m["caught"],
                    m["total"], len(m["equivalent"]), h["right"], len(h["wrong"])]
            tot = [t + v for t, v in zip(tot, vals)]
            lines.append(f"| {assignment} | {gid} | {b_ok}/{len(r['bugs'])} | "
                         f"{a_ok}/{len(r['alternatives'])} | {m['caught']}/{m['total']} | "
                         f"{len(m['equivalent'])} | {len(m['missed'])} | "
                         f"{h['right']} / {len(h['wrong'])} |")
    missed = tot[5] - tot[4] - tot[6]
    lines.append(f"| **total** | | **{tot[0]}/{tot[1]}** | **{tot[2]}/{tot[3]}** | "
                 f"**{tot[4]}/{tot[5]}** | {tot[6]} | **{missed}** | **{tot[7]} / {tot[8]}** |")
    lines += ["", "## Surviving mutants", "",
              f"A mutant that no test fails is run against the reference on {PROBES} fresh "
              "students' random cases. *Equivalent* ones agree everywhere the course defines the "
              "function (e.g. `dout * 1.0` -> `dout / 1.0`); *missed* ones differ and are defects "
              "of the tests.", ""]
    for assignment, report in reports.items():
        for r in report.values():
            for label in ("missed", "equivalent"):
                lines += [f"- {label}: {assignment} {m}" for m in r["mutants"][label]]
    lines += ["", "## Hints", "",
              "A hint shown for a simulated bug is right if the bug's author listed it "
              "(solutions/variants); one shown for a mutant is right if it holds on every "
              f"failing case of {PROBES} fresh students. Wrong ones:", ""]
    lines += [f"- WRONG HINT: {assignment} {w}" for assignment, report in reports.items()
              for r in report.values() for w in r["hints"]["wrong"]] or ["- none"]
    for assignment, report in reports.items():
        for r in report.values():
            lines += [f"- WRONG VERDICT: {assignment} {x['name']} failed {x['failed']}, "
                      f"expected {x.get('expected', [])}" for x in r["bugs"] + r["alternatives"]
                      if not x["ok"]]
    return "\n".join(lines)


def measure_in_subprocess(assignment):
    """Each assignment in a fresh interpreter, so one notebook's side effects stay there."""
    proc = subprocess.run([sys.executable, "-m", "autograder.accuracy", "--json", assignment],
                          cwd=REPO, env=env(), capture_output=True, text=True, timeout=1200)
    if proc.returncode != 0:
        raise RuntimeError(f"accuracy run of {assignment} failed:\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout)


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m autograder.accuracy", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("assignments", nargs="*", help="default: every assignment with variants")
    parser.add_argument("--out", help="also write the markdown report to this file")
    parser.add_argument("--json", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.json:
        print(json.dumps(measure(args.assignments[0])))
        return 0
    return report(args.assignments, args.out)


def report(names=None, out=None):
    """Measure `names` (default: every assignment with variants), print the table and, with
    `out`, write it as a markdown file."""
    names = names or [a for a in assignments() if load_variants(a)]
    text = table({a: measure_in_subprocess(a) for a in names})
    print(text)
    if out:
        with open(out, "w") as fh:
            fh.write("# Grading accuracy\n\nGenerated by `python -m autograder accuracy`.\n\n"
                     + text + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
