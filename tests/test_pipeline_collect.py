"""`python -m autograder collect`: LMS downloads and nbgrader's layout, matched to a roster."""
import os
import resource
import stat
import subprocess
import sys
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


def _nbz(text):
    return nbformat.writes(_nb(text)).encode()


def _submitted(course, student):
    path = course.root / "submitted" / student / A / f"{A}.ipynb"
    return path.read_bytes() if path.exists() else None


LMS_ROSTER = ROSTER.replace("email\n", "email,moodle_id\n", 1).replace(
    "jd@x.edu\n", "jd@x.edu,555\n").replace("ml@x.edu\n", "ml@x.edu,556\n")
WHEN = (2025, 1, 1, 9, 0, 0)


@pytest.mark.parametrize("entry", [
    "Jane Doe_555_assignsubmission_file_",  # Moodle's folder
    "Downloads/Jane Doe_555_assignsubmission_file_",  # ... under a folder of the instructor's
    f"jdoe_{A}",  # an LMS folder named with the student's id
    f"submissions/{A}/jdoe",
])
def test_a_students_own_nbgrader_folders_inside_an_lms_entry_stay_theirs(course, tmp_path,
                                                                           entry):
    """Is a notebook that Jane laid out as nbgrader's `bo/<assignment>/` folders inside her LMS
    entry imported as Jane's, and Bo (who submitted nothing) given nothing?"""
    archive = _downloads(tmp_path / "dl.zip", {
        f"{entry}/bo/{A}/{A}.ipynb": (_nbz("jane"), WHEN),
        f"{entry}/bo/{A}/timestamp.txt": (b"2020-01-01 00:00:00 UTC", WHEN),
        f"max_{A}.ipynb": (_nbz("max"), WHEN)})
    report = _one(course, tmp_path, archive, roster=LMS_ROSTER)
    assert {f.student for f in report.imported} == {"jdoe", "max"}
    assert b"jane" in _submitted(course, "jdoe") and _submitted(course, "bo") is None
    assert report.layout == "LMS download"
    assert dict(report.ignored)[f"{entry}/bo/{A}/timestamp.txt"].startswith(
        "a timestamp.txt in an LMS download is the student's own file")


def test_only_a_download_wholly_in_nbgrader_layout_is_read_as_one(course, tmp_path):
    """Are top folders taken as student ids only when every notebook of the download sits in
    <student>/<assignment>/, so that one LMS file beside them makes it an LMS download?"""
    layout = {f"jdoe/{A}/{A}.ipynb": (_nbz("jdoe"), WHEN),
              f"max/{A}/{A}.ipynb": (_nbz("max"), WHEN)}
    report = _one(course, tmp_path, _downloads(tmp_path / "a.zip", layout))
    assert report.layout == "nbgrader's layout" and len(report.imported) == 2
    mixed = {**layout, f"Ann Bell_9_assignsubmission_file_/bo/{A}/{A}.ipynb": (_nbz("ann"), WHEN)}
    report = _one(course, tmp_path, _downloads(tmp_path / "b.zip", mixed))
    assert report.layout == "LMS download"
    assert _submitted(course, "bo") is None
    assert "no moodle_id column" in dict(report.unmatched)[
        f"Ann Bell_9_assignsubmission_file_/bo/{A}/{A}.ipynb"]


def test_a_timestamp_the_student_wrote_never_makes_a_late_file_on_time(course, tmp_path,
                                                                       capsys):
    """Under a zero-late policy, is a file dated after the deadline late even when its
    timestamp.txt says it was on time, in nbgrader's layout (flagged for a person) and in an
    LMS download (ignored)?"""
    late_, early = (2025, 1, 3, 9, 0, 0), "2025-01-01 08:00:00.000000 UTC"
    layout = _downloads(tmp_path / "layout.zip", {
        f"jdoe/{A}/{A}.ipynb": (_nbz("jdoe"), late_),
        f"jdoe/{A}/timestamp.txt": (early.encode(), late_),
        f"max/{A}/{A}.ipynb": (_nbz("max"), (2025, 1, 1, 7, 0, 0)),
        f"max/{A}/timestamp.txt": (early.encode(), (2025, 1, 1, 8, 0, 0))})
    argv = ["collect", A, str(layout), "--roster", str(tmp_path / "roster.csv"), "--root",
            str(course.root), "--deadline", "2025-01-02T00:00Z", "--late-policy", "zero"]
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert f"jdoe: jdoe/{A}/{A}.ipynb (2025-01-03 09:00:00 UTC by the file's date, 1d 9h late) " \
           "loses its whole score" in out
    assert f"jdoe/{A}/{A}.ipynb: timestamp.txt says 2025-01-01 08:00:00, earlier than the " \
           "file's own date 2025-01-03 09:00:00 UTC" in out
    assert "max:" not in out.split("dates to check")[0].split("late (")[-1]  # max is on time
    assert (course.root / "submitted/max" / A / "timestamp.txt").read_text().startswith(
        "2025-01-01 08:00:00")
    lms = _downloads(tmp_path / "lms.zip", {
        f"jdoe_{A}/{A}.ipynb": (_nbz("jdoe"), late_),
        f"jdoe_{A}/timestamp.txt": (early.encode(), late_)})
    assert main([*argv[:2], str(lms), *argv[3:]]) == 0
    assert f"jdoe: jdoe_{A}/{A}.ipynb (2025-01-03 09:00:00 UTC by the download's date of the " \
           "file, 1d 9h late) loses its whole score" in capsys.readouterr().out


def test_a_garbage_timestamp_is_a_note_and_the_others_are_imported(course, tmp_path):
    """Does a timestamp.txt that is no date (or is huge) leave a note on its file, which is
    imported by its own date, with the rest of the class?"""
    report = _one(course, tmp_path, _downloads(tmp_path / "dl.zip", {
        f"jdoe/{A}/{A}.ipynb": (_nbz("jdoe"), WHEN),
        f"jdoe/{A}/timestamp.txt": (b"-1 \x1b[31m", WHEN),
        f"max/{A}/{A}.ipynb": (_nbz("max"), WHEN),
        f"max/{A}/timestamp.txt": (b"9" * 5000, WHEN),
        f"ann_b/{A}/{A}.ipynb": (_nbz("ann"), WHEN),
        f"ann_b/{A}/timestamp.txt": (b"2024-12-31 23:00:00 UTC", WHEN)}))
    assert {f.student: f.source for f in report.imported} == {
        "jdoe": "the file's date", "max": "the file's date", "ann_b": "the file's date"}
    assert dict(report.dates)[f"jdoe/{A}/timestamp.txt"].startswith("is not a date")
    assert "larger than" in dict(report.ignored)[f"max/{A}/timestamp.txt"]


def test_non_notebooks_are_never_read(course, tmp_path):
    """Is a download of 1.2 GB of slides beside one notebook imported, each slide reported by
    name, without reading it (folder: sparse files; zip: a deflated entry of zeros)?"""
    folder = tmp_path / "downloads"
    folder.mkdir()
    for i in range(40):
        with open(folder / f"jdoe_slides_{i}.pdf", "wb") as f:
            f.truncate(30 << 20)  # 30 MB each, no disk used
    (folder / f"jdoe_{A}.ipynb").write_bytes(_nbz("jdoe"))
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    report = _one(course, tmp_path, folder)
    grew = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) << 10
    assert [f.student for f in report.imported] == ["jdoe"]
    assert dict(report.ignored)["jdoe_slides_7.pdf"] == "not a notebook (not read)"
    assert grew < 100 << 20, f"collect took {grew >> 20} MB more memory"
    archive = tmp_path / "slides.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        with zf.open("slides.pdf", "w", force_zip64=True) as entry:
            for _ in range(64):
                entry.write(b"\0" * (16 << 20))
        zf.writestr(f"max_{A}.ipynb", _nbz("max"))
    report = _one(course, tmp_path, archive)
    assert [f.student for f in report.imported] == ["max"]
    assert dict(report.ignored)["slides.pdf"] == "not a notebook (not read)"


def test_a_run_that_imports_nothing_exits_1_and_keeps_what_was_there(course, tmp_path, capsys):
    """Does a download with no notebook, or none that matches, exit 1 with the reason, leaving
    an earlier import as it was?"""
    first = _downloads(tmp_path / "first.zip", {f"jdoe_{A}.ipynb": (_nbz("jdoe"), WHEN)})
    assert main(["collect", A, str(first), "--roster", str(tmp_path / "roster.csv"), "--root",
                 str(course.root)]) == 0
    before = _submitted(course, "jdoe")
    for name, files_, why in (
            ("slides.zip", {"slides.pdf": (b"%PDF", WHEN)},
             "it holds no notebook of this assignment (1 ignored, listed above)"),
            ("strangers.zip", {f"eve_{A}.ipynb": (b"{}", WHEN)}, "1 unmatched (listed above)")):
        archive = _downloads(tmp_path / name, files_)
        assert main(["collect", A, str(archive), "--roster", str(tmp_path / "roster.csv"),
                     "--root", str(course.root)]) == 1
        assert capsys.readouterr().err.strip() == f"error: nothing imported from {archive}: {why}"
    assert _submitted(course, "jdoe") == before


def test_dated_duplicates_keep_the_latest_and_same_time_ones_none(course, tmp_path, capsys):
    """Of two dated files from one student, is the later imported and the other listed with the
    rule; of two with the same date, is neither imported, with how to choose one and what an
    earlier import left (kept byte for byte)?"""
    archive = _downloads(tmp_path / "dl.zip", {
        f"jdoe_{A}.ipynb": (_nbz("jdoe old"), (2025, 1, 1, 9, 0, 0)),
        f"jdoe_{A}-1.ipynb": (_nbz("jdoe new"), (2025, 1, 1, 10, 0, 0))})
    report = _one(course, tmp_path, archive)
    assert b"jdoe new" in _submitted(course, "jdoe")
    assert report.superseded == [(f"jdoe_{A}.ipynb", f"older than jdoe_{A}-1.ipynb (by the "
                                                     "download's date of the file), which was "
                                                     "imported")]
    before = _submitted(course, "jdoe")
    tie = _downloads(tmp_path / "tie.zip", {
        f"jdoe_{A}.ipynb": (_nbz("a"), (2025, 1, 2, 9, 0, 0)),
        f"jdoe_{A} (1).ipynb": (_nbz("b"), (2025, 1, 2, 9, 0, 0))})
    assert main(["collect", A, str(tie), "--roster", str(tmp_path / "roster.csv"), "--root",
                 str(course.root)]) == 1
    out = capsys.readouterr().out
    assert "remove the unwanted ones from the download, or collect the one to grade alone" in out
    assert f"jdoe: jdoe_{A}.ipynb, jdoe_{A} (1).ipynb; {course.root}/submitted/jdoe/{A} still " \
           "holds an earlier import (2025-01-01 10:00:00.000000 UTC): it stays as it is and " \
           "`grade` grades it, unless you remove that folder" in out
    assert _submitted(course, "jdoe") == before


def test_names_reach_the_terminal_without_control_characters(course, tmp_path, capsys):
    """Is a file name carrying terminal escapes, a bidi override or a newline shown escaped, so
    it cannot forge or hide a line of collect's report?"""
    evil = f"eve\x1b[2K\rimported 40 submissions\u202e\nok_{A}.ipynb"
    archive = _downloads(tmp_path / "dl.zip", {f"jdoe_{A}.ipynb": (_nbz("jdoe"), WHEN),
                                               evil: (b"{}", WHEN)})
    assert main(["collect", A, str(archive), "--roster", str(tmp_path / "roster.csv"), "--root",
                 str(course.root)]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\u202e" not in out and "\r" not in out
    assert "eve\\x1b[2K\\rimported 40 submissions\\u202e\\nok_" in out


def test_the_real_cli_refuses_a_bad_deadline_or_policy_in_one_line(course, tmp_path):
    """Through `python -m autograder collect`: is a KST deadline, or a policy that means nothing,
    refused with exit 1 and one line (no traceback), nothing imported and no policy kept, and a
    deadline in a named zone printed in UTC and as given?"""
    archive = _downloads(tmp_path / "dl.zip", {f"jdoe_{A}.ipynb": (_nbz("jdoe"), WHEN)})
    argv = [sys.executable, "-m", "autograder", "collect", A, str(archive), "--roster",
            str(tmp_path / "roster.csv"), "--root", str(course.root)]
    for extra, why in ((["--deadline", "2025-03-01 23:59 KST"], "'KST' is an abbreviation"),
                       (["--late-policy", "per-week:3"], "late policy 'per-week:3'")):
        run = subprocess.run(argv + extra, capture_output=True, text=True)
        assert run.returncode == 1 and run.stderr.count("\n") == 1 and why in run.stderr
        assert not (course.root / "submitted").exists()
        assert not (course.root / ".autograder").exists()
    run = subprocess.run(argv + ["--deadline", "2025-03-01 23:59 Asia/Seoul"],
                         capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert "deadline: 2025-03-01 14:59:00 UTC (2025-03-01 23:59:00+0900 as given)" in run.stdout


def test_names_that_are_not_utf8_are_reported_printably(course, tmp_path, capsys):
    """Is a download folder holding file names that are not UTF-8 imported, with those names
    shown escaped (printable on a strict UTF-8 terminal), not a crash?"""
    folder = tmp_path / "downloads"
    folder.mkdir()
    (folder / f"jdoe_{A}.ipynb").write_bytes(_nbz("jdoe"))
    with open(os.fsencode(folder) + b"/\xff\xfeslides.pdf", "wb") as f:
        f.write(b"%PDF")
    with open(os.fsencode(folder) + b"/max_\xff_" + A.encode() + b".ipynb", "wb") as f:
        f.write(_nbz("max"))
    assert main(["collect", A, str(folder), "--roster", str(tmp_path / "roster.csv"), "--root",
                 str(course.root)]) == 0
    out = capsys.readouterr().out
    out.encode("utf-8")  # strict
    assert "\\udcff\\udcfeslides.pdf: not a notebook (not read)" in out
    assert "imported 2 submissions" in out
