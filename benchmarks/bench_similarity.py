"""Precision and recall of answer similarity (autograder/similarity.py) on simulated classes with
planted copies.

    .venv/bin/python benchmarks/bench_similarity.py [--threshold T] [--min-overlap N]

For every assignment with simulated answers (solutions/variants), a class of independently
written students: student i takes the i-th variant (a typical bug or a differently written
correct answer) of every answer cell that has one, the instructor's answer elsewhere, so no two
of them share a variant; two students who wrote the instructor's answer everywhere, and two who
left the starter code. Then, for every second independent student, a planted copy: their
answers with the variables renamed, independent statements reordered, the comments and
docstrings changed, or all three. A reported pair is right if it is a planted pair; every planted
pair not reported is missed. The starter-only and instructor's-answer students must never make
a pair (they are counted as false pairs if they do).
"""
import argparse
import ast
import re
import time

from autograder.similarity import SETTINGS, defaults, pairs, plain_answers
from autograder.submissions import load_variants
from autograder.workspace import assignments

KINDS = ("renamed", "reordered", "comments", "all three")


def _assigned(source):
    """Names bound in the code (arguments, assignment targets, loop variables), not functions."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return []
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.arg):
            names.add(node.arg)
        elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names.add(node.id)
    # a name the test reads; `self` and `cls`, which nobody renames
    return sorted(names - {"BUGGY_WIRES", "self", "cls"})


def rename(source):
    for i, name in enumerate(_assigned(source)):
        source = re.sub(rf"(?<![\w.]){re.escape(name)}\b", f"val_{i}_{name[::-1]}", source)
    return source


def reorder(source):
    """Swap every pair of adjacent one-line assignments in a function body that do not read or
    write each other's names."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return source
    lines = source.splitlines()
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if not isinstance(body, list):
            continue
        i = 0
        while i + 1 < len(body):
            a, b = body[i], body[i + 1]
            if all(isinstance(s, ast.Assign) and s.lineno == s.end_lineno for s in (a, b)):
                wa = {n.id for t in a.targets for n in ast.walk(t) if isinstance(n, ast.Name)}
                wb = {n.id for t in b.targets for n in ast.walk(t) if isinstance(n, ast.Name)}
                ra = {n.id for n in ast.walk(a.value) if isinstance(n, ast.Name)}
                rb = {n.id for n in ast.walk(b.value) if isinstance(n, ast.Name)}
                if not (wa & rb or wb & ra or wa & wb):
                    la, lb = a.lineno - 1, b.lineno - 1
                    lines[la], lines[lb] = lines[lb], lines[la]
                    i += 2
                    continue
            i += 1
    return "\n".join(lines) + "\n"


def recomment(source, who):
    """Comments removed, new ones added, docstrings rewritten (in words of the copier's own)."""
    out = []
    for line in source.splitlines():
        code = re.sub(r"\s+#.*$", "", line) if "#" in line and "'" not in line \
            and '"' not in line else line
        if code.strip().startswith("#"):
            continue
        if code.strip().startswith(('"""', "'''")):
            indent = code[:len(code) - len(code.lstrip())]
            code = f'{indent}"""Worked out by {who}, see my notes."""' if code.count('"""') == 2 \
                or code.count("'''") == 2 else code
        out.append(code)
        if code.rstrip().endswith(":") and code.lstrip().startswith("def "):
            indent = " " * (len(code) - len(code.lstrip()) + 4)
            out.append(f"{indent}# worked this out from the lecture")
    return "\n".join(out) + "\n"


def transform(source, kind, who):
    if kind in ("renamed", "all three"):
        source = rename(source)
    if kind in ("reordered", "all three"):
        source = reorder(source)
    if kind in ("comments", "all three"):
        source = recomment(source, who)
    return source


def build(assignment):
    """(answers {student: {cell: source}}, planted {(original, copy): kind}, order, starter,
    solution)."""
    order, starter, solution = plain_answers(assignment)
    by_cell = {}
    for _name, v in sorted(load_variants(assignment).items()):
        for cell, source in v.answers.items():
            if len(v.answers) == 1:
                by_cell.setdefault(cell, []).append(source)
    width = max((len(v) for v in by_cell.values()), default=0)
    answers, planted = {}, {}
    for i in range(width):
        answers[f"s{i:02d}"] = {c: (by_cell.get(c, [])[i] if i < len(by_cell.get(c, []))
                                    else solution[c]) for c in order}
    for i, student in enumerate(sorted(answers)):
        if i % 2 == 0:
            kind = KINDS[(i // 2) % len(KINDS)]
            copy = f"{student}_copy"
            answers[copy] = {c: transform(s, kind, copy) for c, s in answers[student].items()}
            planted[(student, copy)] = kind
    for j in range(2):
        answers[f"ref{j}"] = {c: solution[c] for c in order}
        answers[f"starter{j}"] = {c: starter[c] for c in order}
    return answers, planted, order, starter, solution


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    for name, (value, help_text) in SETTINGS.items():
        parser.add_argument(f"--{name.replace('_', '-')}", type=type(value), default=value,
                            help=f"{help_text} (default: %(default)s)")
    args = parser.parse_args()
    settings = {name: getattr(args, name) for name in defaults()}
    found_right, found_wrong, missed, students = 0, [], [], 0
    by_kind = {k: [0, 0] for k in KINDS}
    start = time.perf_counter()
    for assignment in assignments():
        answers, planted, order, starter, solution = build(assignment)
        if not planted:
            continue
        students += len(answers)
        reported = {(p.first, p.second): p for p in pairs(answers, order, starter, solution,
                                                          settings)}
        for key, kind in planted.items():
            by_kind[kind][1] += 1
            if key in reported:
                found_right += 1
                by_kind[kind][0] += 1
            else:
                missed.append(f"{assignment} {key[0]} ({kind})")
        found_wrong += [f"{assignment} {a}-{b} {p.score:.2f}" for (a, b), p in reported.items()
                        if (a, b) not in planted]
        print(f"{assignment}: {len(answers)} students, {len(planted)} planted pairs, "
              f"{len(reported)} reported")
    seconds = time.perf_counter() - start
    total = found_right + len(missed)
    precision = found_right / max(1, found_right + len(found_wrong))
    print(f"\nsettings: {settings}")
    print(f"{students} students, {total} planted pairs; reported {found_right + len(found_wrong)}:"
          f" {found_right} planted, {len(found_wrong)} not")
    print(f"precision {precision:.3f}, recall {found_right / max(1, total):.3f} "
          f"(in {seconds:.1f} s)")
    print("recall by kind of copy: " + ", ".join(f"{k} {r}/{n}" for k, (r, n) in by_kind.items()))
    print("missed: " + ("; ".join(missed) or "none"))
    print("false pairs: " + ("; ".join(found_wrong) or "none"))


if __name__ == "__main__":
    main()
