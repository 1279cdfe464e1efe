"""Class insight for the instructor: what the class got wrong in one assignment, and what to teach
next. Read-only: the gradebook says who passed each exercise and how many points it cost; the
autograded notebooks say why the others failed (the judge's diagnosis, autograder/judge.py: the
named mistakes the student's hints showed, the wrong outputs, the first stage that disagrees).

For each exercise (a group of test cells under one answer cell, as `export` groups them): the
students who passed, who left the answer as released (blank), who failed; for the failures the
named mistakes, the first wrong stages and, for failures no hint names, groups by what went wrong
(the failing outputs and stage), so that a misconception no hint knows still shows as a group.
Pages, pictures and tables are written by autograder/insight_page.py.
"""
import json
from pathlib import Path

import nbformat
from nbgrader.api import MissingEntry

from course.i18n import N_

from . import cells
from .export import exercises
from .judge import DIAGNOSIS
from .workspace import Course, sources

TEACH_NEXT = 5
"""How many misconceptions the "teach next" list names."""


def _read(path):
    """A notebook written by the release or the grader (not validated again: hundreds are read),
    None if it is missing or unreadable (no diagnosis for it)."""
    try:
        raw = json.loads(Path(path).read_text(encoding="utf-8"))
        # outputs are never read here: left out, the notebook is converted 4 times faster
        cells = [{k: v for k, v in c.items() if k != "outputs"} for c in raw["cells"]]
        nb = nbformat.from_dict({"cells": cells, "metadata": raw.get("metadata", {})})
        for cell in nb.cells:  # on disk a source may be a list of lines
            if isinstance(cell.get("source"), list):
                cell.source = "".join(cell.source)
        return nb
    except Exception:
        return None


def _normal(source):
    return "\n".join(line.rstrip() for line in source.strip().splitlines())


def sections(assignment, lang="en", source=None):
    """{answer grade id: the heading of the notebook section that holds it} (the nearest
    markdown heading above the answer cell), from the source notebook of `lang`."""
    found = {}
    folder = Path(source or sources(lang)) / assignment
    for path in sorted(folder.glob("*.ipynb")):
        heading = ""
        for cell in (_read(path) or {"cells": []})["cells"]:
            if cell.cell_type == "markdown":
                titles = [line.lstrip("#").strip() for line in cell.source.splitlines()
                          if line.startswith("#")]
                heading = titles[-1] if titles else heading
            elif cells.is_answer(cell):
                found[cells.grade_id(cell)] = heading
    return found


def _starters(course, assignment):
    """{answer grade id: its released source}: an answer left as released is blank."""
    starters = {}
    for path in sorted((course.root / "release" / assignment).glob("*.ipynb")):
        for cell in (_read(path) or {"cells": []})["cells"]:
            if cells.is_answer(cell):
                starters[cells.grade_id(cell)] = _normal(cell.source)
    return starters


def _graded_notebooks(course, assignment, student):
    folder = course.root / "autograded" / student / assignment
    return [nb for nb in map(_read, sorted(folder.glob("*.ipynb"))) if nb is not None]


def _diagnoses(nbs):
    """{test grade id: [diagnosis entries]} of the judged hidden test cells; {answer grade id:
    source}."""
    found, answers = {}, {}
    for nb in nbs:
        for cell in nb.cells:
            meta = cell.metadata.get("backprop")
            if cells.is_test(cell) and isinstance(meta, dict) and \
                    isinstance(meta.get(DIAGNOSIS), list):
                found[cells.grade_id(cell)] = [d for d in meta[DIAGNOSIS] if isinstance(d, dict)]
            elif cells.is_answer(cell):
                answers[cells.grade_id(cell)] = _normal(cell.source)
    return found, answers


def group_label(entry):
    """The group of an unnamed failure: what went wrong, on which outputs, from which stage."""
    kind = entry.get("kind") or "other"
    wrong = ", ".join(map(str, entry.get("wrong") or ()))
    stage = entry.get("stage")
    return " | ".join(p for p in (kind, wrong and f"outputs {wrong}",
                                  stage and f"stage {stage}") if p)


NO_DIAGNOSIS = N_("no diagnosis recorded")
"""The group of a failure whose hidden checks recorded nothing wrong: a visible test or the clean
room failed it, or it was graded without the sandbox (or before the judge kept diagnoses)."""


KINDS = (N_("wrong value"), N_("wrong form"), N_("not written"), N_("did not run"),
         N_("no record"), N_("unreadable record"), N_("other"))
"""What went wrong in a failure (GradingError.kind), as the page names it; any other kind is
the name of the exception the student's code raised."""
NOT_A_MISCONCEPTION = {"not written", "did not run", "no record", "unreadable record",
                       NO_DIAGNOSIS}
"""Kinds of failure the "teach next" list leaves out: the code did not run or record, or the
failure has no diagnosis; the exercise's table still shows them."""


def _exercise_rows(gb, assignment):
    """[(exercise, answer grade id, [(test grade id, max points)])] in notebook order, of the
    exercises graded automatically (hand-graded answers are left out)."""
    groups = exercises(gb, assignment)
    order, tests, answers = [], {}, set()
    for nb in gb.find_assignment(assignment).notebooks:
        hand = {c.name for c in nb.solution_cells}
        position = {c.name: i for i, c in enumerate(nb.source_cells)}
        for cell in sorted(nb.grade_cells, key=lambda c: position.get(c.name, len(position))):
            if cell.name in hand:
                continue
            ex = groups.get(cell.name, cell.name)
            if ex not in tests:
                order.append(ex)
            tests.setdefault(ex, []).append((cell.name, cell.max_score))
        answers |= {c.name for c in nb.solution_cells} | {c.name for c in nb.source_cells}
    return [(ex, next((a for a in (f"{ex}_answer", ex) if a in answers), ex), tests[ex])
            for ex in order]


def _scores(gb, assignment):
    """{student: {grade cell: score}} of every submission, in two queries (a class of 200 read
    through the objects' relations takes a query per submission and notebook)."""
    from nbgrader.api import (
        Assignment,
        BaseCell,
        Grade,
        SubmittedAssignment,
        SubmittedNotebook,
    )
    subs = gb.db.query(SubmittedAssignment.student_id).join(
        Assignment, SubmittedAssignment.assignment_id == Assignment.id).filter(
        Assignment.name == assignment)
    scores = {student: {} for (student,) in subs}
    grades = gb.db.query(SubmittedAssignment.student_id, BaseCell.name, Grade.score).select_from(
        Grade).join(SubmittedNotebook, Grade.notebook_id == SubmittedNotebook.id).join(
        SubmittedAssignment, SubmittedNotebook.assignment_id == SubmittedAssignment.id).join(
        Assignment, SubmittedAssignment.assignment_id == Assignment.id).join(
        BaseCell, Grade.cell_id == BaseCell.id).filter(Assignment.name == assignment)
    for student, cell, score in grades:
        scores[student][cell] = score or 0
    return scores


def _submitted(course, assignment):
    folder = course.root / "submitted"
    return sorted(p.parent.name for p in folder.glob(f"*/{assignment}") if p.is_dir()) \
        if folder.is_dir() else []


def collect(assignment, course=None, lang="en"):
    """The insight of one assignment as plain data (what insight_page writes as JSON)."""
    course = course or Course()
    with course.gradebook() as gb:
        try:
            rows = _exercise_rows(gb, assignment)
        except MissingEntry:
            known = sorted(a.name for a in gb.assignments)
            raise RuntimeError(f"no assignment {assignment} in the gradebook {course.db_url} "
                               f"(known: {', '.join(known) or 'none'}): check the name, or "
                               "release it first") from None
        roster = sorted(s.id for s in gb.students)
        scores = _scores(gb, assignment)
    if not scores:
        raise RuntimeError(f"nothing graded for {assignment} in {course.db_url}: run `grade "
                           f"{assignment}` first (no insight written)")
    heading = sections(assignment, lang, course.source if lang == "en" else None)
    starters = _starters(course, assignment)
    out = {"assignment": assignment, "lang": lang, "graded": sorted(scores),
           "not_graded": sorted(set(_submitted(course, assignment)) - set(scores)),
           "missing": sorted(set(roster) - set(scores) - set(_submitted(course, assignment))),
           "no_notebook": [], "exercises": []}
    diagnosed = {}
    for student in scores:
        nbs = _graded_notebooks(course, assignment, student)
        if not nbs:
            out["no_notebook"].append(student)
        diagnosed[student] = _diagnoses(nbs)
    for ex, answer, tests in rows:
        out["exercises"].append(_exercise(ex, answer, tests, scores, diagnosed, starters,
                                          heading.get(answer, "")))
    out["teach_next"] = teach_next(out["exercises"])
    return out


def _exercise(ex, answer, tests, scores, diagnosed, starters, section):
    points = sum(p for _, p in tests)
    row = {"exercise": ex, "section": section, "points": points, "passed": [], "blank": [],
           "failed": [], "lost": 0.0, "mistakes": {}, "stages": {}, "unnamed": {}, "groups": {},
           "lost_by": {}}
    for student, got in sorted(scores.items()):
        lost = points - sum(got.get(g, 0) for g, _ in tests)
        if lost <= 1e-9:
            row["passed"].append(student)
            continue
        row["lost"] += lost
        found, answers = diagnosed[student]
        if answer in starters and answers.get(answer, starters[answer]) == starters[answer]:
            row["blank"].append(student)
            continue
        row["failed"].append(student)
        entries = [e for g, _ in tests for e in found.get(g, ()) if not e.get("passed")]
        named = sorted({h for e in entries for h in e.get("hints") or ()})
        for key in named:
            row["mistakes"].setdefault(key, []).append(student)
        for stage in sorted({e["stage"] for e in entries if e.get("stage")}):
            row["stages"].setdefault(stage, []).append(student)
        if not named:
            key = min(entries, key=group_label) if entries else None
            label = group_label(key) if key else NO_DIAGNOSIS
            row["unnamed"].setdefault(label, []).append(student)
            row["groups"][label] = {k: key.get(k) for k in ("kind", "wrong", "stage")} \
                if key else {"kind": NO_DIAGNOSIS, "wrong": [], "stage": None}
        row["lost_by"][student] = lost
    return row


def teach_next(rows, n=TEACH_NEXT):
    """The misconceptions (named, or a group no hint names) that cost the class the most points:
    [{exercise, mistake, named, students, points, section}], most points first."""
    found = []
    for row in rows:
        lost = row.get("lost_by", {})
        for named, groups in ((True, row["mistakes"]), (False, row["unnamed"])):
            for key, who in groups.items():
                if not named and row["groups"][key]["kind"] in NOT_A_MISCONCEPTION:
                    continue
                found.append({"exercise": row["exercise"], "mistake": key, "named": named,
                              "students": len(who), "points": sum(lost[s] for s in who),
                              "section": row["section"]})
    found.sort(key=lambda t: (-t["points"], -t["students"], t["exercise"], t["mistake"]))
    return found[:n]


def term(insights):
    """Across assignments: every named mistake seen in more than one, with its students in each
    and those who made it in two or more (a misconception that persists)."""
    seen = {}
    for ins in insights:
        for row in ins["exercises"]:
            for key, who in row["mistakes"].items():
                seen.setdefault(key, {}).setdefault(ins["assignment"], set()).update(who)
    out = []
    for key, by in sorted(seen.items()):
        if len(by) < 2:
            continue
        counts = {}
        for who in by.values():
            for s in who:
                counts[s] = counts.get(s, 0) + 1
        out.append({"mistake": key, "assignments": {a: sorted(w) for a, w in by.items()},
                    "persisting": sorted(s for s, c in counts.items() if c > 1)})
    return out


def class_prints(course, assignment):
    """({student: {exercise: fingerprint}} of the failing hidden checks in the class's graded
    notebooks, [every graded student])."""
    students = sorted(p.parent.name for p in (course.root / "autograded").glob(f"*/{assignment}")
                      if p.is_dir())
    failing = {}
    for student in students:
        for nb in _graded_notebooks(course, assignment, student):
            for cell in nb.cells:
                meta = cell.metadata.get("backprop")
                entries = meta.get(DIAGNOSIS) if isinstance(meta, dict) else None
                for entry in entries if isinstance(entries, list) else ():
                    if isinstance(entry, dict) and not entry.get("passed") and \
                            isinstance(entry.get("values"), str):
                        failing.setdefault(student, {})[entry["exercise"]] = entry["values"]
    return failing, students
