"""`python -m autograder collect`: LMS downloads and nbgrader's layout, matched to a roster."""
import os
import resource
import stat
import zipfile
from datetime import UTC, datetime

import nbformat
import pytest
from nbgrader.api import Gradebook

from autograder import cells
from autograder.__main__ import main
from autograder.collect import collect
from autograder.workspace import REPO
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
    report = collect(A, archive, tmp_path / "roster.csv", "2025-01-01T12:00:00Z", course)
    imported = {f.student: f for f in report.imported}
    assert set(imported) == {"jdoe", "ann_b", "max"}
    assert b"ann new" in (course.root / "submitted/ann_b" / A / f"{A}.ipynb").read_bytes()
    assert (course.root / "submitted/max" / A / f"{A}.ipynb").read_bytes() == b"{not json"
    assert [f.student for f in report.late] == ["max"]
    assert report.duplicates == [("bo", [f"bo_{A}.ipynb", f"bo_{A} (1).ipynb"],
                                  "nothing was imported for them before")]
    assert dict(report.unmatched) == {f"annie_and_jdoe_{A}.ipynb": "names several students "
                                      "(jdoe, annie)", f"eve_{A}.ipynb": "names no student of "
                                      "the roster"}
    assert [n for n, _ in report.superseded] == [f"{A}_ann_b_attempt_2025-01-01-08-00-00.ipynb"]
    assert {n for n, _ in report.ignored} == {"annie_01_perceptron.ipynb", "readme.txt"}
    stamp = (course.root / "submitted/ann_b" / A / "timestamp.txt").read_text()
    assert stamp.startswith("2025-01-01 10:00:00")
    with Gradebook(course.db_url, "backprop") as gb:
        assert {s.id for s in gb.students} == {"jdoe", "max", "ann_b", "bo", "annie"}
        assert gb.find_student("jdoe").email == "jd@x.edu"
        assert gb.find_assignment(A).duedate == datetime(2025, 1, 1, 12)


def test_nbgrader_layout_folder_keeps_its_timestamps(course, tmp_path):
    """Is a folder in nbgrader's submitted/ layout imported with its own timestamp.txt, when
    that is not earlier than the notebook's own date?"""
    folder = tmp_path / "submitted" / "jdoe" / A
    folder.mkdir(parents=True)
    cells.write(_nb("jdoe"), folder / f"{A}.ipynb")
    saved = datetime(2025, 1, 3, 8, 0, tzinfo=UTC).timestamp()  # saved, then submitted at 8:30
    os.utime(folder / f"{A}.ipynb", (saved, saved))
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


def _one(course, tmp_path, archive, deadline=None, roster=None):
    if roster:
        (tmp_path / "roster.csv").write_text(roster)
    return collect(A, archive, tmp_path / "roster.csv", deadline, course)


def test_a_date_in_the_students_part_of_a_name_is_not_the_submission_time(course, tmp_path):
    """Is a late file still late when its name carries an earlier date the student typed, and
    is Blackboard's own attempt field trusted over a date appended after it?"""
    nb = nbformat.writes(_nb("x")).encode()
    late = (2025, 1, 3, 9, 0, 0)
    archive = _downloads(tmp_path / "dl.zip", {
        f"jdoe_{A}_2025-01-01-00-00-00.ipynb": (nb, late),
        f"{A}_max_attempt_2025-01-02-09-00-00_2025-01-01-00-00-00.ipynb": (nb, late)})
    report = _one(course, tmp_path, archive, "2025-01-02T00:00:00Z")
    stamps = {f.student: f.timestamp for f in report.imported}
    assert stamps["jdoe"] == datetime(2025, 1, 3, 9, 0, 0)  # the zip entry's date
    assert stamps["max"] == datetime(2025, 1, 2, 9, 0, 0)  # the LMS's attempt field
    assert {f.student for f in report.late} == {"jdoe", "max"}


def test_links_and_special_entries_are_never_followed(course, tmp_path):
    """Are a linked notebook in a download folder and a symlink entry in a zip left out, with
    the reason, instead of importing what they point at?"""
    folder = tmp_path / "downloads"
    folder.mkdir()
    source = REPO / "source_notebooks" / A / f"{A}.ipynb"
    (folder / f"jdoe_{A}.ipynb").symlink_to(source)
    os.mkfifo(folder / f"max_{A}.ipynb")
    report = _one(course, tmp_path, folder)
    assert report.imported == []
    assert dict(report.ignored)[f"jdoe_{A}.ipynb"].startswith("a symbolic link")
    assert dict(report.ignored)[f"max_{A}.ipynb"] == "a FIFO"
    archive = tmp_path / "links.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        info = zipfile.ZipInfo(f"jdoe_{A}.ipynb")
        info.external_attr = (stat.S_IFLNK | 0o777) << 16
        zf.writestr(info, str(source))
    report = _one(course, tmp_path, archive)
    assert report.imported == [] and "link" in dict(report.ignored)[f"jdoe_{A}.ipynb"]
    assert not (course.root / "submitted" / "jdoe").exists()


def test_a_zip_bomb_is_refused_without_filling_memory(course, tmp_path):
    """Is a 1 GiB entry in a 1 MB zip left out with a reason, reading a bounded amount?"""
    archive = tmp_path / "bomb.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        with zf.open(f"jdoe_{A}.ipynb", "w", force_zip64=True) as entry:
            block = b"\0" * (16 << 20)
            for _ in range(64):
                entry.write(block)
    assert archive.stat().st_size < 4 << 20
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    report = _one(course, tmp_path, archive)
    grew = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) << 10
    assert report.imported == [] and "larger than" in dict(report.ignored)[f"jdoe_{A}.ipynb"]
    assert grew < 200 << 20, f"collect took {grew >> 20} MB more memory"


@pytest.mark.parametrize("ids, problem", [
    ("..", "not a usable id"), ("../etc", "not a usable id"), ("a/b", "not a usable id"),
    ("ada\nADA", "differ only in case"), ("jos\u00e9\njose\u0301", "differ only in case"),
])
def test_rosters_with_unsafe_or_ambiguous_ids_are_refused(course, tmp_path, ids, problem):
    """Are ids that would write outside submitted/, or that cannot be told apart by case or
    Unicode normalization, refused with a clear message before anything is written?"""
    roster = "id,first_name,last_name,email\n" + "".join(
        f"{i},A,B,{n}@x.edu\n" for n, i in enumerate(ids.split("\n")))
    archive = _downloads(tmp_path / "dl.zip", {f"ada_{A}.ipynb": (b"{}", (2025, 1, 1, 0, 0, 0))})
    with pytest.raises(RuntimeError, match=problem):
        _one(course, tmp_path, archive, roster=roster)
    assert not (course.root / "submitted").exists()


def test_names_match_ids_in_any_case_and_unicode_normalization(course, tmp_path):
    """Does a file named in NFD (as macOS writes names), or in other case, find its student?"""
    roster = "id,first_name,last_name,email\njos\u00e9,J,S,j@x.edu\nAda,A,L,a@x.edu\n"
    archive = _downloads(tmp_path / "dl.zip", {
        f"jose\u0301_{A}.ipynb": (b"{}", (2025, 1, 1, 0, 0, 0)),
        f"ADA_{A}.ipynb": (b"{}", (2025, 1, 1, 0, 0, 0))})
    report = _one(course, tmp_path, archive, roster=roster)
    assert {f.student for f in report.imported} == {"jos\u00e9", "Ada"}
