"""`python -m autograder collect`: LMS downloads and nbgrader's layout, matched to a roster."""
import zipfile
from datetime import datetime

import nbformat
import pytest
from nbgrader.api import Gradebook

from autograder import cells
from autograder.__main__ import main
from autograder.collect import collect
from tests.pipeline_course import new_course

A = "02_chain_rule"
ROSTER = "id,first_name,last_name,email\njdoe,Jane,Doe,jd@x.edu\nmax,Max,Lee,ml@x.edu\n" \
         "ann_b,Ann,Bell,ab@x.edu\nbo,Bo,Ng,bn@x.edu\nannie,Annie,Ok,ao@x.edu\n"


def _nb(text):
    return cells.notebook([cells.code(f"answer = {text!r}")])


@pytest.fixture
def course(tmp_path):
    """A course whose release of A holds its one notebook (all collect needs from a release)."""
    course = new_course(tmp_path / "course")
    (course.root / "release" / A).mkdir(parents=True)
    cells.write(_nb("release"), course.root / "release" / A / f"{A}.ipynb")
    (tmp_path / "roster.csv").write_text(ROSTER)
    return course


def _downloads(path, files):
    with zipfile.ZipFile(path, "w") as zf:
        for name, (data, when) in files.items():
            zf.writestr(zipfile.ZipInfo(name, date_time=when), data)
    return path


def test_lms_zip_is_matched_to_the_roster(course, tmp_path):
    """Are files matched by the id in their name, and are strangers, ambiguous names, undated
    duplicates, other assignments and late files reported instead of imported or guessed?"""
    early, late = (2025, 1, 1, 9, 0, 0), (2025, 1, 2, 9, 0, 0)
    nb = lambda t: nbformat.writes(_nb(t)).encode()  # noqa: E731
    archive = _downloads(tmp_path / "dl.zip", {
        f"jdoe_{A}.ipynb": (nb("jdoe"), early),
        f"{A}_ann_b_attempt_2025-01-01-08-00-00.ipynb": (nb("ann old"), early),
        f"{A}_ann_b_attempt_2025-01-01-10-00-00.ipynb": (nb("ann new"), early),
        f"max_{A}.ipynb": (b"{not json", late),
        f"bo_{A}.ipynb": (nb("bo 1"), early), f"bo_{A} (1).ipynb": (nb("bo 2"), early),
        f"annie_and_jdoe_{A}.ipynb": (nb("pair"), early),
        f"eve_{A}.ipynb": (nb("eve"), early),
        "annie_01_perceptron.ipynb": (nb("other"), early),
        "readme.txt": (b"hello", early),
    })
    report = collect(A, archive, tmp_path / "roster.csv", "2025-01-01T12:00:00", course)
    imported = {f.student: f for f in report.imported}
    assert set(imported) == {"jdoe", "ann_b", "max"}
    assert b"ann new" in (course.root / "submitted/ann_b" / A / f"{A}.ipynb").read_bytes()
    assert (course.root / "submitted/max" / A / f"{A}.ipynb").read_bytes() == b"{not json"
    assert [f.student for f in report.late] == ["max"]
    assert report.duplicates == [("bo", [f"bo_{A}.ipynb", f"bo_{A} (1).ipynb"])]
    assert dict(report.unmatched) == {f"annie_and_jdoe_{A}.ipynb": "names several students "
                                      "(jdoe, annie)", f"eve_{A}.ipynb": "names no student of "
                                      "the roster"}
    assert report.superseded == [f"{A}_ann_b_attempt_2025-01-01-08-00-00.ipynb"]
    assert {n for n, _ in report.ignored} == {"annie_01_perceptron.ipynb", "readme.txt"}
    stamp = (course.root / "submitted/ann_b" / A / "timestamp.txt").read_text()
    assert stamp.startswith("2025-01-01 10:00:00")
    with Gradebook(course.db_url, "backprop") as gb:
        assert {s.id for s in gb.students} == {"jdoe", "max", "ann_b", "bo", "annie"}
        assert gb.find_student("jdoe").email == "jd@x.edu"
        assert gb.find_assignment(A).duedate == datetime(2025, 1, 1, 12)


def test_nbgrader_layout_folder_keeps_its_timestamps(course, tmp_path):
    """Is a folder in nbgrader's submitted/ layout imported with its own timestamp.txt?"""
    folder = tmp_path / "submitted" / "jdoe" / A
    folder.mkdir(parents=True)
    cells.write(_nb("jdoe"), folder / f"{A}.ipynb")
    (folder / "timestamp.txt").write_text("2025-01-03 08:30:00.000000 UTC")
    assert main(["collect", A, str(tmp_path / "submitted"), "--roster",
                 str(tmp_path / "roster.csv"), "--root", str(course.root)]) == 0
    stamp = (course.root / "submitted/jdoe" / A / "timestamp.txt").read_text()
    assert stamp.startswith("2025-01-03 08:30:00")


def test_bad_roster_is_refused_with_the_missing_columns(course, tmp_path):
    """Does a roster without the required columns stop collect and say which are missing?"""
    (tmp_path / "bad.csv").write_text("id,name\njdoe,Jane\n")
    with pytest.raises(RuntimeError, match="missing: first_name, last_name, email"):
        collect(A, tmp_path, tmp_path / "bad.csv", course=course)
