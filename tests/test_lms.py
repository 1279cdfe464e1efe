"""Grades for an LMS (`export --format canvas|moodle`) and Canvas's download names in `collect`.

The gradebook is nbgrader's own, filled through its API with known scores, so every exported
cell can be checked exactly.
"""
import csv
import zipfile

import nbformat
import pytest

from autograder import cells
from autograder.__main__ import main
from autograder.collect import collect
from tests.pipeline_course import new_course

A, B = "02_chain_rule", "03_sigmoid_neuron"
ROSTER = ("id,first_name,last_name,email,canvas_id,sis_user_id,sis_login_id,section,idnumber\n"
          "jdoe,Jane,Doe,jd@x.edu,1001,S-1,jdoe,Mon,20251\n"
          "max,Max,Lee,ml@x.edu,1002,,,Tue,20252\n"
          "ann,Ann,Bell,ab@x.edu,,S-3,,Tue,20253\n")


@pytest.fixture
def graded(tmp_path):
    """A gradebook where jdoe has A (7.5 of 10, 1 point off for lateness) and B (5 of 5), max
    has only A (10 of 10), and ann has nothing."""
    course = new_course(tmp_path / "course")
    with course.gradebook() as gb:
        for name, points in ((A, (4, 6)), (B, (5,))):
            gb.update_or_create_assignment(name)
            gb.update_or_create_notebook(name, name)
            for i, p in enumerate(points):
                gb.update_or_create_grade_cell(f"test_{i}", name, name, max_score=p,
                                               cell_type="code")
        for sid, first, last in (("jdoe", "Jane", "Doe"), ("max", "Max", "Lee"),
                                 ("ann", "Ann", "Bell")):
            gb.update_or_create_student(sid, first_name=first, last_name=last)
        for student, assignment, scores in (("jdoe", A, (4, 4.5)), ("jdoe", B, (5,)),
                                            ("max", A, (4, 6))):
            gb.add_submission(assignment, student)
            for i, score in enumerate(scores):
                grade = gb.find_grade(f"test_{i}", assignment, assignment, student)
                grade.auto_score = score
            if student == "jdoe" and assignment == A:
                nb = gb.find_submission_notebook(assignment, assignment, student)
                nb.late_submission_penalty = 1.0
        gb.db.commit()
    (tmp_path / "roster.csv").write_text(ROSTER)
    return course


def _export(course, tmp_path, *args):
    assert main(["export", *args, "--roster", str(tmp_path / "roster.csv"), "--root",
                 str(course.root), "--out", str(tmp_path / "out")]) == 0


def test_canvas_gradebook_csv(graded, tmp_path):
    """Is Canvas's import CSV its export's header, then Points Possible, then one row per roster
    student with Canvas's identifiers, the total after the penalty, and an empty cell for no
    submission?"""
    _export(graded, tmp_path, A, B, "--format", "canvas", "--column", f"{A}=Chain rule (1234)")
    text = (tmp_path / "out" / "grades_canvas.csv").read_bytes().decode()
    assert text.split("\r\n") == [
        "Student,ID,SIS User ID,SIS Login ID,Section,Chain rule (1234),03_sigmoid_neuron",
        "Points Possible,,,,,10,5",
        '"Doe, Jane",1001,S-1,jdoe,Mon,7.5,5',
        '"Lee, Max",1002,,,Tue,10,',
        '"Bell, Ann",,S-3,,Tue,,',
        ""]


def test_moodle_grade_import_csv(graded, tmp_path, capsys):
    """Is Moodle's import CSV one identifier column (email or ID number) and one column per grade
    item, with the same totals?"""
    _export(graded, tmp_path, A, "--format", "moodle")
    assert (tmp_path / "out" / f"{A}_moodle.csv").read_text().splitlines() == [
        f"Email address,{A}", "jd@x.edu,7.5", "ml@x.edu,10", "ab@x.edu,"]
    _export(graded, tmp_path, A, B, "--format", "moodle", "--moodle-key", "idnumber")
    assert (tmp_path / "out" / "grades_moodle.csv").read_text().splitlines() == [
        f"ID number,{A},{B}", "20251,7.5,5", "20252,10,", "20253,,"]


def test_a_student_the_lms_cannot_match_is_named(graded, tmp_path, capsys):
    """Does an export refuse a roster where a student has no identifier the LMS matches by, and
    say which students and which columns?"""
    (tmp_path / "roster.csv").write_text("id,first_name,last_name,email\njdoe,Jane,Doe,\n")
    assert main(["export", A, "--format", "canvas", "--roster", str(tmp_path / "roster.csv"),
                 "--root", str(graded.root)]) == 1
    err = capsys.readouterr().err
    assert "canvas_id, sis_user_id, sis_login_id" in err and err.rstrip().endswith("jdoe")
    assert main(["export", A, "--format", "moodle", "--roster", str(tmp_path / "roster.csv"),
                 "--root", str(graded.root)]) == 1
    assert "`email` column, which is empty or missing for: jdoe" in capsys.readouterr().err
    assert main(["export", A, "--format", "moodle", "--root", str(graded.root)]) == 1
    assert "needs --roster" in capsys.readouterr().err


def test_lms_csv_cells_never_start_a_formula(graded, tmp_path):
    """Do names, ids, sections and emails a student could have chosen reach Canvas's and
    Moodle's CSVs with a leading apostrophe when they would start a formula, while the totals
    stay numbers?"""
    (tmp_path / "roster.csv").write_text(
        "id,first_name,last_name,email,canvas_id,sis_user_id,sis_login_id,section\n"
        "jdoe,+1,=HYPERLINK(\"http://evil\"),@jd.x,1001,-S1,\t=cmd,@SUM(1)\n"
        "max,Max,Lee,-2+3@x,1002,,,Tue\n")
    _export(graded, tmp_path, A, "--format", "canvas")
    with open(tmp_path / "out" / f"{A}_canvas.csv", newline="") as f:
        rows = list(csv.reader(f))
    assert rows[2] == ["'=HYPERLINK(\"http://evil\"), +1", "1001", "'-S1", "'=cmd",
                       "'@SUM(1)", "7.5"]
    assert rows[3] == ["Lee, Max", "1002", "", "", "Tue", "10"]
    _export(graded, tmp_path, A, "--format", "moodle")
    with open(tmp_path / "out" / f"{A}_moodle.csv", newline="") as f:
        assert list(csv.reader(f))[1:] == [["'@jd.x", "7.5"], ["'-2+3@x", "10"]]


@pytest.fixture
def released(tmp_path):
    course = new_course(tmp_path / "course")
    (course.root / "release" / A).mkdir(parents=True)
    cells.write(cells.notebook([cells.code("x = 1")]), course.root / "release" / A / f"{A}.ipynb")
    (tmp_path / "roster.csv").write_text(ROSTER)
    return course


def _nb(text):
    return nbformat.writes(cells.notebook([cells.code(f"answer = {text!r}")])).encode()


def test_canvas_download_names_are_matched_by_canvas_user_id(released, tmp_path):
    """Are Canvas's `name_userid_submissionid_file` and `name_LATE_userid_...` files matched by the
    user id through the roster's canvas_id, whatever name the student gave the file or Canvas
    wrote, with Canvas's LATE mark reported but never taken as a date?"""
    when = (2025, 1, 1, 9, 0, 0)
    archive = tmp_path / "submissions.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for name, text in ((f"doejane_1001_555_{A}.ipynb", "jdoe"),
                           # Max named his file after Jane: the Canvas user id still says Max.
                           (f"leemax_LATE_1002_556_jdoe_{A}-1.ipynb", "max"),
                           ("stranger_1999_557_Untitled.ipynb", "stranger"),
                           ("bellann_1003_558_03_sigmoid_neuron.ipynb", "other assignment")):
            zf.writestr(zipfile.ZipInfo(name, date_time=when), _nb(text))
    report = collect(A, archive, tmp_path / "roster.csv", "2025-01-02T00:00:00Z", released)
    assert {f.student: f.name for f in report.imported} == {
        "jdoe": f"doejane_1001_555_{A}.ipynb", "max": f"leemax_LATE_1002_556_jdoe_{A}-1.ipynb"}
    assert b"'max'" in (released.root / "submitted/max" / A / f"{A}.ipynb").read_bytes()
    assert report.late == [] and [f.student for f in report.lms_late] == ["max"]
    assert dict(report.unmatched) == {
        "stranger_1999_557_Untitled.ipynb": "Canvas user id 1999 is in no roster row's canvas_id"}
    assert dict(report.ignored) == {
        "bellann_1003_558_03_sigmoid_neuron.ipynb": "a submission of another assignment"}


def test_a_roster_giving_two_students_one_canvas_id_is_refused(released, tmp_path):
    """Is a roster where two students share a canvas_id refused, naming both?"""
    (tmp_path / "roster.csv").write_text("id,first_name,last_name,email,canvas_id\n"
                                         "jdoe,J,D,j@x,7\nmax,M,L,m@x,7\n")
    with pytest.raises(RuntimeError, match="jdoe and max have the same canvas_id 7"):
        collect(A, tmp_path, tmp_path / "roster.csv", course=released)


def _zip(path, names, when=(2025, 1, 1, 9, 0, 0)):
    with zipfile.ZipFile(path, "w") as zf:
        for name, text in names.items():
            zf.writestr(zipfile.ZipInfo(name, date_time=when), _nb(text))
    return path


def _collect(course, tmp_path, source, capsys):
    status = main(["collect", A, str(source), "--roster", str(tmp_path / "roster.csv"),
                   "--root", str(course.root)])
    out = capsys.readouterr()
    return status, out.out + out.err


def test_canvas_files_are_never_filed_by_name_without_a_canvas_id_column(released, tmp_path,
                                                                         capsys):
    """With a roster that has no canvas_id column, is Max's Canvas file (named after Jane by
    Max) reported with the fix, and nobody's submission, rather than filed under Jane?"""
    (tmp_path / "roster.csv").write_text("id,first_name,last_name,email\njdoe,J,D,j@x\n"
                                         "max,M,L,m@x\n")
    archive = _zip(tmp_path / "submissions.zip", {f"leemax_1002_556_jdoe_{A}.ipynb": "max"})
    status, out = _collect(released, tmp_path, archive, capsys)
    assert status == 1
    assert f"leemax_1002_556_jdoe_{A}.ipynb: a Canvas file (user id 1002), and the roster has " \
           "no canvas_id column to say whose: add a canvas_id column" in out
    assert not (released.root / "submitted").exists()


MOODLE = ("Jane Doe_555_assignsubmission_file_", "Max Lee_556_assignsubmission_file_",
          "Eve Stranger_999_assignsubmission_file_")


def test_moodle_download_is_matched_by_participant_id(released, tmp_path, capsys):
    """Is Moodle's "Download all submissions" zip (a folder per participant) imported by the
    participant id through the roster's moodle_id, whatever the name says, with strangers and
    online-text entries reported?"""
    (tmp_path / "roster.csv").write_text("id,first_name,last_name,email,moodle_id\n"
                                         "jdoe,Jane,Doe,j@x,556\nmax,Max,Lee,m@x,555\n")
    archive = _zip(tmp_path / "moodle.zip", {  # the names swapped: only the id counts
        f"{MOODLE[0]}/{A}.ipynb": "to max", f"{MOODLE[1]}/my notebook.ipynb": "to jdoe",
        f"{MOODLE[2]}/{A}.ipynb": "eve"})
    with zipfile.ZipFile(archive, "a") as zf:
        zf.writestr("Ann Bell_557_assignsubmission_onlinetext_/onlinetext.html", "<p>hi</p>")
    status, out = _collect(released, tmp_path, archive, capsys)
    assert status == 0 and "imported 2 submissions" in out
    assert b"to max" in (released.root / "submitted/max" / A / f"{A}.ipynb").read_bytes()
    assert b"to jdoe" in (released.root / "submitted/jdoe" / A / f"{A}.ipynb").read_bytes()
    assert f"{MOODLE[2]}/{A}.ipynb: Moodle user id 999 is in no roster row's moodle_id" in out
    assert "onlinetext.html: not a notebook (not read)" in out
    (tmp_path / "roster.csv").write_text("id,first_name,last_name,email\njdoe,J,D,j@x\n")
    status, out = _collect(released, tmp_path, archive, capsys)
    assert status == 1 and "add a moodle_id column" in out


def test_canvas_files_under_a_folder_named_for_the_assignment_are_canvas_files(released,
                                                                                tmp_path,
                                                                                capsys):
    """Are Canvas files unzipped under Downloads/<assignment>/ matched by their user id, not
    taken for nbgrader's <student>/<assignment>/ layout?"""
    folder = tmp_path / "Downloads" / A
    folder.mkdir(parents=True)
    (folder / f"doejane_1001_555_{A}.ipynb").write_bytes(_nb("jdoe"))
    (folder / f"leemax_1002_556_{A}.ipynb").write_bytes(_nb("max"))
    status, out = _collect(released, tmp_path, tmp_path / "Downloads", capsys)
    assert status == 0 and "LMS download: imported 2 submissions" in out
    assert b"'jdoe'" in (released.root / "submitted/jdoe" / A / f"{A}.ipynb").read_bytes()
    # Downloads/<assignment>/<file> has the shape of <student>/<assignment>/<file>
    archive = _zip(tmp_path / "dl.zip", {f"Downloads/{A}/doejane_1001_555_{A}.ipynb": "jdoe 2"})
    status, out = _collect(released, tmp_path, archive, capsys)
    assert status == 0 and "LMS download: imported 1 submissions" in out
    assert "Downloads/: is no roster id, so the download is read as an LMS download" in out
    assert b"jdoe 2" in (released.root / "submitted/jdoe" / A / f"{A}.ipynb").read_bytes()


def test_two_dated_canvas_files_of_one_student_keep_the_latest(released, tmp_path, capsys):
    """Of two Canvas files of one student with different dates, is the later imported and the
    earlier listed as older, not 'several undated files'?"""
    archive = tmp_path / "submissions.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for name, text, when in ((f"doejane_1001_555_{A}.ipynb", "first", (2025, 1, 1, 9, 0, 0)),
                                 (f"doejane_1001_555_{A}-1.ipynb", "second",
                                  (2025, 1, 1, 11, 0, 0))):
            zf.writestr(zipfile.ZipInfo(name, date_time=when), _nb(text))
    status, out = _collect(released, tmp_path, archive, capsys)
    assert status == 0
    assert b"second" in (released.root / "submitted/jdoe" / A / f"{A}.ipynb").read_bytes()
    assert f"doejane_1001_555_{A}.ipynb: older than doejane_1001_555_{A}-1.ipynb (by the " \
           "download's date of the file), which was imported" in out
    assert "undated" not in out


def test_a_zip_a_student_handed_in_is_named_and_imported_once_unzipped(released, tmp_path,
                                                                        capsys):
    """Is a student's own zip in a Canvas download reported with how to import it, and once
    unzipped into a folder of its name, is the notebook inside matched by that folder's Canvas
    user id?"""
    folder = tmp_path / "dl"
    folder.mkdir()
    _zip(folder / "doejane_1001_555_work.zip", {f"max/{A}/{A}.ipynb": "jane's"})
    status, out = _collect(released, tmp_path, folder, capsys)
    assert status == 1 and "doejane_1001_555_work.zip: a zip inside the download (not " \
        "opened): unzip it into a folder of the same name to import it" in out
    with zipfile.ZipFile(folder / "doejane_1001_555_work.zip") as zf:
        zf.extractall(folder / "doejane_1001_555_work")
    (folder / "doejane_1001_555_work.zip").unlink()
    status, out = _collect(released, tmp_path, folder, capsys)
    assert status == 0
    assert b"jane's" in (released.root / "submitted/jdoe" / A / f"{A}.ipynb").read_bytes()
    assert not (released.root / "submitted/max").exists()
