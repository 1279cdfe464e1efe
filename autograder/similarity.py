"""Answer similarity as evidence for a person to review, never a grade.

Each student's answer cells, in notebook order, make one document; copydetect (Lingenfelter's
implementation of winnowing, Schleimer, Wilkerson and Aiken 2003) fingerprints it after its
tokenizer has replaced every name by one letter and dropped comments, so renamed variables and
changed comments do not hide a copy. The fingerprints of the released starter code and of the
instructor's solution are boilerplate: removed from every document before comparing, so starter
code alone, or the textbook answer written by two students independently, never makes a pair.

A pair is reported when both students' remaining fingerprinted code overlaps the other's by at
least `threshold` and the overlap is at least `min_overlap` tokens long (SETTINGS). Nothing here
changes a grade: the page says so, and the gradebook is only read.
"""
import ast
import html
import io
from dataclasses import dataclass, field

from course import i18n
from course.i18n import N_, _

SETTINGS = {
    "threshold": (0.5, "the share (0-1) of each student's own answer code, starter code and the "
                  "instructor's solution removed, found in the other's; both must reach it"),
    "min_overlap": (40, "the least number of shared tokens (after names are replaced by one "
                    "letter) for a pair: below it, short answers agree by necessity"),
    "common": (0.1, "code found in more than this share of the class (and in at least 3 "
               "students) is ignored, as MOSS ignores passages that appear in many "
               "submissions: a shared idiom, a lecture example, a hint everyone used"),
    "noise": (20, "k, the length in tokens of the fingerprinted k-grams: matches shorter than "
              "this are never seen (copydetect's noise threshold)"),
    "window": (1, "the winnowing window: one fingerprint is kept per window of k-grams. "
               "copydetect hashes k-grams with Python's hash(), which each process salts "
               "differently, so a window above 1 keeps different k-grams, and gives different "
               "scores, from run to run; 1 keeps them all: the same scores every run"),
}
"""name: (default, help): the thresholds the command takes as options."""

EVIDENCE = N_("Similarity is evidence for a person to review, never a grade and never a "
              "verdict: two answers can agree because the exercise leaves little room, because "
              "students worked from the same lecture example, or because they collaborated as "
              "allowed. No grade was changed.")


@dataclass
class Pair:
    first: str
    second: str
    score: float
    """The smaller of the two shares of each one's code found in the other's."""
    overlap: int
    """Shared tokens."""
    cells: list = field(default_factory=list)
    """[(answer grade id, first's source, second's source)] of the cells either changed from the
    starter and the solution."""


def defaults():
    return {name: value for name, (value, _) in SETTINGS.items()}


def _document(cells_in_order, answers):
    return "\n".join(answers.get(cell, "") for cell in cells_in_order) + "\n"


def _fingerprint(text, settings, boilerplate=()):
    from copydetect import CodeFingerprint  # imported when used: `backprop-grade` starts fast
    return CodeFingerprint("answers.py", settings["noise"], settings["window"],
                           boilerplate=list(boilerplate), fp=io.StringIO(text))


def boilerplate(order, starter, solution, settings):
    """Every k-gram hash of the starter code and of the solution, cell by cell and whole (a
    window of 1: winnowing a student's document may keep a k-gram the solution's did not)."""
    every = {**settings, "window": 1}
    hashes = set()
    for answers in (starter, solution):
        hashes |= set(_fingerprint(_document(order, answers), every).hashes)
        for cell in order:
            hashes |= set(_fingerprint(answers.get(cell, ""), every).hashes)
    return hashes


def pairs(answers, order, starter, solution, settings=None):
    """Pairs of students whose answers are similar beyond the settings' thresholds, most similar
    first. `answers`: {student: {answer grade id: source}}; `order`: the answer grade ids in
    notebook order; `starter`, `solution`: {answer grade id: source}."""
    from copydetect import compare_files
    settings = {**defaults(), **(settings or {})}
    common = boilerplate(order, starter, solution, settings)
    docs = {s: _document(order, a) for s, a in sorted(answers.items())}
    prints = {s: _fingerprint(d, settings, common) for s, d in docs.items()}
    seen = {}
    for fp in prints.values():
        for h in fp.hashes:
            seen[h] = seen.get(h, 0) + 1
    most = max(2, int(settings["common"] * len(prints)))
    shared = {h for h, n in seen.items() if n > most}
    if shared:
        prints = {s: _fingerprint(d, settings, common | shared) for s, d in docs.items()}
    students, found = sorted(prints), []
    for i, a in enumerate(students):
        for b in students[i + 1:]:
            fa, fb = prints[a], prints[b]
            if not fa.hashes or not fb.hashes or not fa.hashes & fb.hashes:
                continue
            overlap, (sa, sb), _ = compare_files(fa, fb)
            score = float(min(sa, sb))
            if score >= settings["threshold"] and overlap >= settings["min_overlap"]:
                found.append(Pair(a, b, round(score, 3), int(overlap),
                                  _changed(order, answers[a], answers[b], starter, solution)))
    return sorted(found, key=lambda p: (-p.score, p.first, p.second))


def _same(x, y):
    return x.split() == y.split()


def _changed(order, a, b, starter, solution):
    out = []
    for cell in order:
        mine, theirs = a.get(cell, ""), b.get(cell, "")
        plain = [starter.get(cell, ""), solution.get(cell, "")]
        if not all(any(_same(x, p) for p in plain) for x in (mine, theirs)):
            out.append((cell, mine, theirs))
    return out


def plain_answers(assignment, course=None):
    """(answer grade ids in notebook order, {id: released starter}, {id: solution}) from the
    source notebook, the starter made by nbgrader's ClearSolutions with the course's stub."""
    from nbformat.v4 import new_code_cell
    from nbgrader.preprocessors import ClearSolutions

    from . import cells
    from .submissions import source_answers, source_notebook
    from .workspace import Course
    config = (course or Course()).config()
    clear = ClearSolutions(config=config, enforce_metadata=False)
    order = list(cells.answers(source_notebook(assignment)))
    starter = {}
    for gid, source in cells.answers(source_notebook(assignment)).items():
        cell = new_code_cell(source)
        clear._replace_solution_region(cell, "python")
        starter[gid] = cell.source
    return order, starter, source_answers(assignment)


def class_answers(assignment, course):
    """{student: {answer grade id: source}} of every graded notebook of the assignment."""
    from . import cells
    from .insight import _graded_notebooks
    found = {}
    for folder in sorted((course.root / "autograded").glob(f"*/{assignment}")):
        nbs = _graded_notebooks(course, assignment, folder.parent.name)
        if nbs:
            found[folder.parent.name] = {cells.grade_id(c): c.source for nb in nbs
                                         for c in nb.cells if cells.is_answer(c)}
    return found


# --- the visible worked example, written into an answer -----------------------------------------

TRIVIAL = {0.0, 1.0, -1.0, 2.0, -2.0, 0.5, -0.5}
"""Numbers any answer may hold: never evidence of a hard-coded result."""


def _numbers(tree):
    """Every number written in the code, a leading minus included."""
    found, negated = set(), set()
    for node in ast.walk(tree):  # a parent before its children
        sign = 1.0
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub) and \
                isinstance(node.operand, ast.Constant):
            node, sign = node.operand, -1.0
            negated.add(id(node))
        elif id(node) in negated:
            continue
        if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)) and \
                not isinstance(node.value, bool):
            found.add(sign * float(node.value))
    return found


def numbers(source):
    try:
        return _numbers(ast.parse(source))
    except (SyntaxError, ValueError):
        return set()


def worked_examples(test_source):
    """The telling expected numbers of each `expect` call of a visible test cell: those not in
    TRIVIAL, kept when there are two or more, or one that is not a whole number."""
    try:
        tree = ast.parse(test_source)
    except SyntaxError:
        return []
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "expect" and \
                len(node.args) >= 3:
            values = numbers(ast.unparse(node.args[2])) - TRIVIAL
            if len(values) >= 2 or any(v != int(v) for v in values):
                out.append(sorted(values))
    return out


def visible_tests(nb):
    """{answer grade id: [the visible test cells' sources after it, up to the next answer]}."""
    from . import cells
    found, current = {}, None
    for cell in nb.cells:
        if cells.is_answer(cell):
            current = cells.grade_id(cell)
        elif current and cells.is_test(cell) and not cells.hidden_part(cell.source):
            found.setdefault(current, []).append(cell.source)
    return found


def hardcoded(answers, tests, solution):
    """[(student, answer grade id, numbers)] of answers holding every telling number of one of
    the visible worked examples of their cell, numbers the instructor's solution does not
    hold (`tests`: visible_tests of the source notebook)."""
    found = []
    for student, cells_ in sorted(answers.items()):
        for cell, source in cells_.items():
            written = numbers(source) - numbers(solution.get(cell, ""))
            for test in tests.get(cell, ()):
                hit = next((v for v in worked_examples(test) if set(v) <= written), None)
                if hit:
                    found.append((student, cell, hit))
                    break
    return found


def page(assignment, found, settings, students, lang="en", written=(), taken=()):
    """The HTML page: the statement, the settings with their help, each pair side by side, the
    answers that hold a worked example's numbers, the hidden checks that returned another
    student's right values (`taken`: autograder/borrowed.py's matches)."""
    previous = i18n.lang()
    i18n.use(lang)
    try:
        return _page(assignment, found, settings, students, lang, written, taken)
    finally:
        i18n.use(previous)


def _page(assignment, found, settings, students, lang, written, taken=()):
    e = html.escape
    title = e(_("Answer similarity: {assignment}", assignment=assignment))
    parts = [f"<!DOCTYPE html><html lang=\"{lang}\"><head><meta charset=\"utf-8\"><title>"
             f"{title}</title><style>body{{font-family:sans-serif;margin:1em}}table{{border-"
             "collapse:collapse}td,th{border:1px solid #999;padding:.25em .5em;vertical-align:"
             "top;text-align:left}pre{margin:0;white-space:pre-wrap}</style></head><body>",
             f"<h1>{title}</h1><p><strong>{e(_(EVIDENCE))}</strong></p>",
             "<p>" + e(_("{n} students compared; {pairs} pairs at or above the thresholds.",
                         n=students, pairs=len(found))) + "</p><ul>"]
    for name, (_default, help_text) in SETTINGS.items():
        parts.append(f"<li><code>--{name.replace('_', '-')} {settings[name]}</code>: "
                     f"{e(help_text)}</li>")
    parts.append("</ul>")
    for p in found:
        parts.append("<h2>" + e(_("{first} and {second}: similarity {score:.2f}, {overlap} "
                                  "shared tokens", first=p.first, second=p.second,
                                  score=p.score, overlap=p.overlap)) + "</h2>")
        parts.append(f"<table><tr><th scope=\"col\">{e(_('answer cell'))}</th>"
                     f"<th scope=\"col\">{e(p.first)}</th><th scope=\"col\">{e(p.second)}</th>"
                     "</tr>")
        for cell, mine, theirs in p.cells:
            parts.append(f"<tr><th scope=\"row\">{e(cell)}</th><td><pre>{e(mine)}</pre></td>"
                         f"<td><pre>{e(theirs)}</pre></td></tr>")
        parts.append("</table>")
    if written:
        parts.append("<h2>" + e(_("Answers that hold the numbers of a visible worked example "
                                  "(hard-coded?)")) + "</h2><ul>")
        parts += [f"<li>{e(student)}, <code>{e(cell)}</code>: "
                  f"{e(', '.join(f'{v:g}' for v in values))}</li>"
                  for student, cell, values in written]
        parts.append("</ul>")
    if taken:
        heading = _("Hidden checks that returned another student's right values (each "
                    "student's hidden cases are drawn for them)")
        parts.append(f"<h2>{e(heading)}</h2><ul>")
        parts += ["<li>" + e(_("{student}, {exercise}: the values that are right for {other}'s "
                               "cases", student=student, exercise=exercise, other=other))
                  + "</li>" for student, exercise, other in taken]
        parts.append("</ul>")
    parts.append("</body></html>")
    return "\n".join(parts)
