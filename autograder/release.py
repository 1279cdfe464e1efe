"""Build the student release of assignments and check that nothing graded leaks into it."""
from pathlib import Path

from course.grading import hidden
from course.grading.grader import SOLUTIONS_ENV

from .cells import INSTRUCTOR_MARKERS
from .workspace import SOLUTIONS, Course, assignments, nbgrader

LEAK_MARKERS = (*INSTRUCTOR_MARKERS, hidden.CALL, SOLUTIONS_ENV, "solutions/reference")
"""Text that only instructor material contains. Any of it in a release notebook is a leak."""
REFERENCE_MARKERS = ("EXERCISES = {", "EXERCISES = dict(", "VARIANTS = {")
"""Text that only a reference implementation or a variants table contains."""
CODE_MARKERS = (*INSTRUCTOR_MARKERS, *REFERENCE_MARKERS)
"""What code files are checked against: the `course` package legitimately names hidden.check
and BACKPROP_SOLUTIONS in its own code."""


def leaks(folder, markers=None, solutions=SOLUTIONS):
    """(file, marker) pairs for every leak found under `folder`: instructor-only text (notebooks and
    documents against LEAK_MARKERS, code against CODE_MARKERS unless `markers` is given), any copy
    of a file from solutions/ (the repository's and `solutions`, a course's own), and any folder
    named `solutions`."""
    solution_texts = {p.read_bytes() for base in {Path(SOLUTIONS), Path(solutions)}
                      for p in base.rglob("*") if p.is_file() and "__pycache__" not in p.parts}
    found = []
    for path in sorted(Path(folder).rglob("*")):
        if path.is_dir():
            if path.name == "solutions":
                found.append((path, "a solutions/ folder"))
            continue
        data = path.read_bytes()
        if data in solution_texts:
            found.append((path, "a copy of a file from solutions/"))
        text = data.decode(errors="replace")
        used = markers or (CODE_MARKERS if path.suffix == ".py" else LEAK_MARKERS)
        found += [(path, m) for m in used if m in text]
    return found


def check_no_leaks(folder, what, solutions=SOLUTIONS):
    """Raise, naming every leak, if `folder` contains instructor material."""
    bad = leaks(folder, solutions=solutions)
    if bad:
        raise RuntimeError(f"{what} leaks instructor material, refusing to continue:\n" + "\n".join(
            f"  {p.relative_to(folder) if p != Path(folder) else p}: {m}" for p, m in bad))


def release(names=None, force=True, course=None):
    """Generate the release of each assignment into <root>/release/<name> (another language's:
    <root>/release_<lang>/<name>, from its generated notebooks); returns their folders. The
    assignments are the course's own: its source folders (this course's, installed, and the
    instructor's own, in plain nbgrader form)."""
    course = course or Course()
    names = names or course.assignments()
    course.check(*names, release=True)
    missing = [n for n in names if not any((course.source_dir() / n).glob("*.ipynb"))]
    if missing:
        how = (f"write translations/{course.lang}/<name>.md and run `python -m autograder "
               "translate` (make solutions)" if course.lang != "en" and
               all(n in assignments() for n in missing) else
               "put the assignment's notebooks there (nbgrader's source layout)")
        raise RuntimeError(f"no {course.lang} notebooks of {', '.join(missing)} under "
                           f"{course.source_dir()}: {how}")
    out = []
    for name in names:
        nbgrader("generate_assignment", name, *(["--force"] if force else []), course=course)
        folder = course.release_dir / name
        check_no_leaks(folder, f"the release of {name}", course.solutions)
        out.append(folder)
    return out
