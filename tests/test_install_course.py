"""`backprop-grade install-course DIR`: this course in an instructor's own nbgrader course folder,
graded in full by plain nbgrader commands run from that folder."""
import filecmp
import os
import stat
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from traitlets.config.loader import PyFileConfigLoader

from autograder.install import BEGIN, END, install_course
from autograder.submissions import build_submission, submit
from autograder.workspace import SOLUTIONS, SOURCES, env
from course.grading import grader
from course.grading.report import GradingError

A = "02_chain_rule"
INSTRUCTOR = 'c = get_config()\nc.CourseDirectory.course_id = "ml101"\nc.Execute.timeout = 90\n'


def load_config(folder, monkeypatch):
    """The course's nbgrader_config.py as nbgrader reads it (it sets BACKPROP_SOLUTIONS: the
    test's environment is restored after)."""
    monkeypatch.setenv("BACKPROP_SOLUTIONS", "unset by the config")
    return PyFileConfigLoader("nbgrader_config.py", path=str(folder)).load_config()


def test_config_block_keeps_the_instructors_settings_and_a_rerun_changes_nothing(
        tmp_path, monkeypatch):
    """Is the block appended after the instructor's settings, which still win, and does a second
    run leave the file byte for byte as the first left it?"""
    course = tmp_path / "ml101"
    course.mkdir()
    (course / "nbgrader_config.py").write_text(INSTRUCTOR)
    install_course(course, [A])
    first = (course / "nbgrader_config.py").read_text()
    assert first.startswith(INSTRUCTOR) and first.count(BEGIN) == 1 and first.count(END) == 1
    install_course(course, [A])
    assert (course / "nbgrader_config.py").read_text() == first
    config = load_config(course, monkeypatch)
    assert config.CourseDirectory.course_id == "ml101" and config.Execute.timeout == 90
    assert config.CourseDirectory.root == str(course)
    assert config.AssignLatePenalties.plugin_class == "autograder.late.CoursePenalty"
    assert "nbgrader.preprocessors.ClearHiddenTests" in config.GenerateFeedback.preprocessors
    solutions = course / ".backprop" / "solutions"
    assert os.environ["BACKPROP_SOLUTIONS"] == str(solutions)
    for ref in (SOLUTIONS / "reference").glob("*.py"):
        assert filecmp.cmp(ref, solutions / "reference" / ref.name, shallow=False)
    assert filecmp.cmp(SOURCES / A / f"{A}.ipynb", course / "source" / A / f"{A}.ipynb", False)
    assert stat.S_IMODE((course / ".backprop").stat().st_mode) == 0o700
    assert stat.S_IMODE(course.stat().st_mode) & 0o007 == 0


def test_an_empty_folder_gets_a_config_of_its_own(tmp_path, monkeypatch):
    """Does an empty folder get an nbgrader_config.py with the course's id and settings?"""
    install_course(tmp_path, [A])
    config = load_config(tmp_path, monkeypatch)
    assert config.CourseDirectory.course_id == "backprop"
    assert config.CoursePenalty.policy == "none"


def test_the_instructors_files_are_never_overwritten(tmp_path):
    """Is a folder that is neither a course nor empty refused, and is a source notebook the
    instructor changed refused by name unless --force?"""
    (tmp_path / "notes.txt").write_text("mine")
    with pytest.raises(RuntimeError, match="neither an nbgrader course folder .* nor empty"):
        install_course(tmp_path, [A])
    (tmp_path / "nbgrader_config.py").write_text(INSTRUCTOR)
    edited = tmp_path / "source" / A / f"{A}.ipynb"
    edited.parent.mkdir(parents=True)
    edited.write_text("{}")
    with pytest.raises(RuntimeError, match=f"--force.*\n  {edited}"):
        install_course(tmp_path, [A])
    assert edited.read_text() == "{}"
    install_course(tmp_path, [A], force=True)
    assert filecmp.cmp(SOURCES / A / f"{A}.ipynb", edited, shallow=False)


def test_a_missing_reference_names_the_setting(tmp_path, monkeypatch):
    """When the references cannot be found, does the hidden test's message name the variable,
    the file it looked for, and the command that sets it?"""
    monkeypatch.setattr(grader, "_loaded", {})
    monkeypatch.delenv("BACKPROP_SOLUTIONS")
    with pytest.raises(GradingError, match="BACKPROP_SOLUTIONS is not set.*install-course"):
        grader.load(A)
    monkeypatch.setenv("BACKPROP_SOLUTIONS", str(tmp_path))
    with pytest.raises(GradingError, match=f"BACKPROP_SOLUTIONS={tmp_path} has no "
                       f"reference/{A}.py .*install-course"):
        grader.load(A)


def _nbgrader(course, *args):
    """Plain `nbgrader ...` run from the course folder, as an instructor would, with nothing of
    this repository's environment (BACKPROP_SOLUTIONS unset)."""
    environ = {k: v for k, v in env().items() if k != "BACKPROP_SOLUTIONS"}
    proc = subprocess.run([str(Path(sys.executable).parent / "nbgrader"), *args], cwd=course,
                          env=environ, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, f"nbgrader {' '.join(args)}:\n{proc.stdout}{proc.stderr}"[-4000:]


def _code_scores(course, student):
    from nbgrader.api import Gradebook
    with Gradebook(f"sqlite:///{course}/gradebook.db", "ml101") as gb:
        sub = gb.find_submission(A, student)
        return {g.name: (g.score, g.max_score) for nb in sub.notebooks for g in nb.grades
                if g.cell_type == "code"}


def _errors(notebook):
    nb = nbformat.read(str(notebook), as_version=4)
    return [o["evalue"] for c in nb.cells for o in c.get("outputs", [])
            if o.get("output_type") == "error"]


@pytest.mark.e2e
def test_plain_nbgrader_in_an_installed_course_gives_full_marks(tmp_path):
    """In a course folder of the instructor's, after install-course, do plain generate_assignment
    and autograde give a correct submission every autograded point (hidden tests included), does
    the feedback show no hidden test's code, and does the message say what is missing once the
    references are gone?"""
    course = tmp_path / "ml101"
    course.mkdir()
    (course / "nbgrader_config.py").write_text(INSTRUCTOR)
    proc = subprocess.run([sys.executable, "-m", "autograder", "install-course", str(course), A],
                          env=env(), capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    _nbgrader(course, "generate_assignment", A)
    release = nbformat.read(str(course / "release" / A / f"{A}.ipynb"), as_version=4)
    submit(course, "ada", A, build_submission(release, A))
    _nbgrader(course, "autograde", A, "--create")
    got = _code_scores(course, "ada")
    assert sum(m for _, m in got.values()) >= 15 and all(s == m for s, m in got.values()), got
    assert _errors(course / "autograded" / "ada" / A / f"{A}.ipynb") == []
    _nbgrader(course, "generate_feedback", A)
    page = next((course / "feedback" / "ada" / A).glob("*.html")).read_text()
    assert "hidden.check(" not in page and "hidden cases pass" in page
    # The references gone: every hidden test fails with the setting and the file it needs.
    solutions = course / ".backprop" / "solutions"
    solutions.rename(course / ".backprop" / "moved")
    _nbgrader(course, "autograde", A, "--force")
    errors = _errors(course / "autograded" / "ada" / A / f"{A}.ipynb")
    assert errors and all(f"BACKPROP_SOLUTIONS={solutions} has no reference/{A}.py" in e
                          for e in errors), errors
    lost = {g: s for g, (s, _) in _code_scores(course, "ada").items() if s == 0}
    assert len(lost) == len(errors), lost


def test_an_edited_reference_is_never_overwritten(tmp_path):
    """After the instructor edits an installed reference, does a rerun of install-course refuse
    by naming it (exit 1, no traceback), install nothing, keep the edit, and replace it only with
    --force?"""
    install_course(tmp_path, [A])
    reference = tmp_path / ".backprop" / "solutions" / "reference" / f"{A}.py"
    reference.write_text(reference.read_text() + "\n# the instructor's edit\n")
    edited_text = reference.read_text()
    manifest = (tmp_path / ".backprop" / "installed.json").read_text()
    with pytest.raises(RuntimeError, match=f"nothing was installed.*--force.*\n  {reference}$"):
        install_course(tmp_path, [A])
    assert reference.read_text() == edited_text
    assert (tmp_path / ".backprop" / "installed.json").read_text() == manifest
    proc = subprocess.run([sys.executable, "-m", "autograder", "install-course", str(tmp_path),
                           A], env=env(), capture_output=True, text=True, timeout=120)
    assert proc.returncode == 1 and str(reference) in proc.stderr, proc.stderr
    assert "Traceback" not in proc.stderr
    install_course(tmp_path, [A], force=True)
    assert filecmp.cmp(SOLUTIONS / "reference" / f"{A}.py", reference, shallow=False)
    install_course(tmp_path, [A])  # recorded as installed: a rerun changes nothing, refuses nothing


def _sha(path):
    import hashlib
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_file_the_installer_wrote_is_updated_by_a_rerun(tmp_path):
    """Is a reference the installer wrote and nobody edited replaced by a plain rerun when the
    course's changes (no --force needed)?"""
    install_course(tmp_path, [A])
    reference = tmp_path / ".backprop" / "solutions" / "reference" / f"{A}.py"
    manifest = tmp_path / ".backprop" / "installed.json"
    old = "# what an earlier version of the course installed\n"
    reference.write_text(old)
    text = manifest.read_text().replace(_sha(SOLUTIONS / "reference" / f"{A}.py"), _sha(reference))
    manifest.write_text(text)
    install_course(tmp_path, [A])
    assert filecmp.cmp(SOLUTIONS / "reference" / f"{A}.py", reference, shallow=False)


def test_a_copied_course_is_a_course_of_its_own(tmp_path):
    """In a copy of an installed course folder (next term's), does `nbgrader db student add`
    write the copy's gradebook, not the original's, and do the references come from the copy?"""
    first = tmp_path / "ml101-spring"
    first.mkdir()
    (first / "nbgrader_config.py").write_text(INSTRUCTOR)
    install_course(first, [A])
    text = (first / "nbgrader_config.py").read_text()
    assert str(first) not in text and str(tmp_path) not in text
    second = tmp_path / "ml101-fall"
    import shutil
    shutil.copytree(first, second, symlinks=True)
    _nbgrader(second, "db", "student", "add", "ada", "--first-name=Ada", "--last-name=L")
    assert (second / "gradebook.db").exists() and not (first / "gradebook.db").exists()
    from autograder.workspace import Course
    course = Course(second)
    assert course.solutions == second / ".backprop" / "solutions"
    assert course.config_file == second / "nbgrader_config.py"
    assert env(course)["BACKPROP_SOLUTIONS"] == str(second / ".backprop" / "solutions")


def test_an_edited_reference_is_reloaded_by_a_long_lived_process(tmp_path, monkeypatch):
    """Does a process that loaded a reference (a Dask worker grading batch after batch) load it
    again once the instructor edits it, and keep the loaded one while nothing changes?"""
    import shutil
    shutil.copytree(SOLUTIONS / "reference", tmp_path / "reference")
    monkeypatch.setenv("BACKPROP_SOLUTIONS", str(tmp_path))
    first = grader.load(A)
    assert grader.load(A) is first and not hasattr(first, "EDITED")
    path = tmp_path / "reference" / f"{A}.py"
    path.write_text(path.read_text() + "\nEDITED = True\n")
    assert grader.load(A).EDITED is True


EDIT = '''
import dataclasses as _dc  # the instructor's edit: mul_backward's reference without the swap
EXERCISES["mul_backward"] = _dc.replace(EXERCISES["mul_backward"],
                                        reference=lambda x, y, dout: (dout * x, dout * y))
'''
LATE = INSTRUCTOR + 'c.CoursePenalty.policy = "per-day:25"\n'


def _grading(course, student):
    from nbgrader.api import Gradebook
    with Gradebook(f"sqlite:///{course}/gradebook.db", "ml101") as gb:
        sub = gb.find_submission(A, student)
        return ({g.name: g.score for nb in sub.notebooks for g in nb.grades},
                sub.late_submission_penalty)


def _cli(*argv):
    proc = subprocess.run([sys.executable, "-m", "autograder", *map(str, argv)], env=env(),
                          capture_output=True, text=True, timeout=600)
    return proc.returncode, proc.stdout + proc.stderr


@pytest.mark.e2e
def test_backprop_grade_and_plain_nbgrader_agree_on_an_installed_course(tmp_path):
    """On an installed course whose instructor edited a reference and set a late policy in the
    course's nbgrader_config.py, do `backprop-grade grade` (local workers and Dask) and plain
    `nbgrader autograde` give the same grades and the same late penalty; and does an edit of the
    course's reference make a plain rerun grade again (not "unchanged")?"""
    from datetime import UTC, datetime
    course = tmp_path / "ml101"
    course.mkdir()
    (course / "nbgrader_config.py").write_text(LATE)
    assert _cli("install-course", course, A)[0] == 0
    reference = course / ".backprop" / "solutions" / "reference" / f"{A}.py"
    reference.write_text(reference.read_text() + EDIT)
    code, out = _cli("release", A, "--root", course)
    assert code == 0, out
    from autograder.workspace import Course
    with Course(course).gradebook() as gb:
        gb.update_or_create_assignment(A, duedate=datetime(2025, 3, 1, 12))
    release = nbformat.read(str(course / "release" / A / f"{A}.ipynb"), as_version=4)
    submit(course, "ada", A, build_submission(release, A), datetime(2025, 3, 2, 18, tzinfo=UTC))
    code, out = _cli("grade", A, "--root", course, "-j", "1")
    assert code == 0 and "1 graded, 0 failed, 0 unchanged" in out, out
    ours, our_penalty = _grading(course, "ada")
    assert f"ada: 1d 6h late, lost {our_penalty:g} points" in out, out
    assert ours["mul_backward_hidden"] == 0, ours  # the course's edited reference judged it
    _nbgrader(course, "autograde", A, "--force")
    theirs, their_penalty = _grading(course, "ada")
    assert ours == theirs and our_penalty == their_penalty > 0, (ours, theirs, our_penalty)
    # On Dask: the package carries the course's config and references, so the same again.
    code, out = _cli("grade", A, "--root", course, "--force", "--cluster", "local:1")
    assert code == 0 and "1 graded" in out, out
    assert _grading(course, "ada") == (ours, our_penalty)
    # The edit undone: the course's reference changed, so the plain rerun grades ada again.
    reference.write_text(reference.read_text().replace(EDIT, ""))
    code, out = _cli("grade", A, "--root", course, "-j", "1")
    assert code == 0 and "1 graded, 0 failed, 0 unchanged" in out, out
    assert _grading(course, "ada")[0]["mul_backward_hidden"] > 0


def _own_assignment(course, name):
    """An assignment of the instructor's own in nbgrader's plain form: an answer cell and a
    2-point test cell of asserts, no reference of this course."""
    def meta(**kw):
        return {"nbgrader": {"schema_version": 3, "locked": False, "solution": False,
                             "grade": False, **kw}}
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("Write `double(x)`."),
        nbformat.v4.new_code_cell("def double(x):\n    ### BEGIN SOLUTION\n    return 2 * x\n"
                                  "    ### END SOLUTION", metadata=meta(solution=True,
                                                                     grade_id="double")),
        nbformat.v4.new_code_cell("assert double(2) == 4\nassert double(-1) == -2",
                                  metadata=meta(grade=True, locked=True, points=2,
                                                grade_id="test_double"))])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    folder = course / "source" / name
    folder.mkdir(parents=True)
    nbformat.write(nb, str(folder / f"{name}.ipynb"))


@pytest.mark.e2e
def test_an_assignment_of_the_instructors_own_is_released_graded_and_exported(tmp_path):
    """Is an assignment the instructor wrote in plain nbgrader form (no reference of ours),
    beside the installed ones, released, graded (a right and a wrong answer), given feedback and
    exported by backprop-grade, with the same grades as plain nbgrader autograde; and is a late
    submission shown as late by grade and export under the late policy "none" (losing
    nothing)?"""
    from datetime import UTC, datetime

    from autograder.workspace import Course
    course = tmp_path / "ml101"
    course.mkdir()
    (course / "nbgrader_config.py").write_text(INSTRUCTOR)
    assert _cli("install-course", course, A)[0] == 0
    _own_assignment(course, "hw_double")
    code, out = _cli("release", "hw_double", "--root", course)
    assert code == 0, out
    release = nbformat.read(str(course / "release" / "hw_double" / "hw_double.ipynb"), 4)
    assert "BEGIN SOLUTION" not in nbformat.writes(release)
    with Course(course).gradebook() as gb:
        gb.update_or_create_assignment("hw_double", duedate=datetime(2025, 3, 1, 12))
    for student, body in (("ada", "    return 2 * x"), ("bob", "    return x + 1")):
        nb = nbformat.from_dict(release)
        nb.cells[1].source = f"def double(x):\n{body}\n"
        submit(course, student, "hw_double", nb,
               datetime(2025, 3, 1, 10 if student == "ada" else 14, 30, tzinfo=UTC))
    code, out = _cli("grade", "hw_double", "--root", course, "-j", "1")
    assert code == 0 and "2 graded, 0 failed" in out, out
    assert "late (1, " in out and "bob: 2h 30m late, lost nothing" in out, out
    code, out = _cli("feedback", "hw_double", "--root", course)
    assert code == 0 and "2 feedback pages" in out, out
    code, out = _cli("export", "hw_double", "--root", course)
    assert code == 0 and "bob: 2h 30m late, lost nothing" in out, out
    import csv
    with open(course / "export" / "hw_double_grades.csv", encoding="utf-8-sig") as f:
        rows = {r["id"]: r for r in csv.DictReader(f)}
    assert (float(rows["ada"]["total"]), float(rows["bob"]["total"])) == (2.0, 0.0), rows
    ours = {s: _scores_of(course, "hw_double", s) for s in ("ada", "bob")}
    _nbgrader(course, "autograde", "hw_double", "--force")
    assert ours == {s: _scores_of(course, "hw_double", s) for s in ("ada", "bob")}


def _scores_of(course, assignment, student):
    from nbgrader.api import Gradebook
    with Gradebook(f"sqlite:///{course}/gradebook.db", "ml101") as gb:
        sub = gb.find_submission(assignment, student)
        return {g.name: g.score for nb in sub.notebooks for g in nb.grades}


def test_the_korean_sources_of_an_installed_course_are_copied_not_linked(tmp_path):
    """Does `--lang ko` on an installed course copy the Korean notebooks into DIR/source_ko (no
    link into the repository, which other users of a classroom server may not read), keeping a
    file the instructor edited there on the next run?"""
    from autograder.workspace import Course, sources
    install_course(tmp_path, [A])
    Course(tmp_path, lang="ko")
    copied = tmp_path / "source_ko" / A / f"{A}.ipynb"
    assert not (tmp_path / "source_ko").is_symlink() and not copied.is_symlink()
    assert filecmp.cmp(sources("ko") / A / f"{A}.ipynb", copied, shallow=False)
    copied.write_text(copied.read_text().replace("}", "} ", 1))
    edited = copied.read_text()
    Course(tmp_path, lang="ko")
    assert copied.read_text() == edited


def test_the_dask_package_carries_the_courses_config_and_references(tmp_path):
    """Does the package a Dask worker grades from hold the installed course's own
    nbgrader_config.py (its late policy) and its edited reference, not the repository's?"""
    import io
    import zipfile

    from autograder.cluster import package
    from autograder.workspace import Course
    (tmp_path / "nbgrader_config.py").write_text(LATE)
    install_course(tmp_path, [A])
    reference = tmp_path / ".backprop" / "solutions" / "reference" / f"{A}.py"
    reference.write_text(reference.read_text() + EDIT)
    course = Course(tmp_path)
    with course.gradebook():
        pass
    with zipfile.ZipFile(io.BytesIO(package(course, A))) as zf:
        assert zf.read("nbgrader_config.py") == (tmp_path / "nbgrader_config.py").read_bytes()
        assert zf.read(f"solutions/reference/{A}.py") == reference.read_bytes()
        assert zf.read(f"source/{A}/{A}.ipynb") == \
            (tmp_path / "source" / A / f"{A}.ipynb").read_bytes()


def test_the_change_check_hashes_what_the_course_grades_with(tmp_path):
    """Does a submission's fingerprint change when the course's own source (a hidden test
    edited in DIR/source), one of its references, or its nbgrader_config.py (the late policy)
    changes, and stay the same otherwise?"""
    from autograder.grade import fingerprint
    from autograder.workspace import Course
    course_dir = tmp_path / "ml101"
    course_dir.mkdir()
    (course_dir / "nbgrader_config.py").write_text(INSTRUCTOR)
    install_course(course_dir, [A])
    submitted = tmp_path / "submitted"
    submitted.mkdir()
    (submitted / f"{A}.ipynb").write_text("{}")
    seen = [fingerprint(submitted, A, Course(course_dir))]
    assert fingerprint(submitted, A, Course(course_dir)) == seen[0]
    for path, edit in ((course_dir / "source" / A / f"{A}.ipynb", "hidden test edited"),
                       (course_dir / ".backprop/solutions/reference/05_vectorized_layers.py",
                        "# another reference"),
                       (course_dir / "nbgrader_config.py", "c.CoursePenalty.policy = 'zero'")):
        path.write_text(path.read_text() + f"\n{edit}\n")
        seen.append(fingerprint(submitted, A, Course(course_dir)))
    assert len(set(seen)) == 4, seen
