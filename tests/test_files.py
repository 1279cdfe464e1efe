"""The file walker every submission goes through (autograder/files.py): what it takes, what it
leaves out and says why, and that nothing a student names leads it anywhere else."""
import os

import pytest

from autograder import files


def test_a_file_name_that_is_not_utf8_is_left_out_with_a_printable_reason(tmp_path):
    """Is a data file whose name is not UTF-8 left out (named with its odd bytes escaped), while
    the other files are taken, so that one name never stops a batch?"""
    (tmp_path / "data.csv").write_text("1,2\n")
    with open(os.path.join(os.fsencode(tmp_path), b"bad\xff\xfe.bin"), "wb") as handle:
        handle.write(b"x")
    os.mkdir(os.path.join(os.fsencode(tmp_path), b"dir\xff"))
    taken = files.walk(tmp_path)
    assert [rel for rel, _, _ in taken.files] == ["data.csv"]
    assert sorted(taken.skipped) == [("bad\\xff\\xfe.bin", "its name is not UTF-8 text"),
                                     ("dir\\xff", "its name is not UTF-8 text")]
    "".join(f"{rel}:{why}" for rel, why in taken.skipped).encode("utf-8")  # writable anywhere


def test_links_and_special_files_are_left_out_and_named(tmp_path):
    """Are a link (to a file or a folder) and a FIFO left out, each with what it is?"""
    (tmp_path / "real.txt").write_text("x")
    (tmp_path / "link.txt").symlink_to("/etc/passwd")
    (tmp_path / "dirlink").symlink_to("/etc", target_is_directory=True)
    os.mkfifo(tmp_path / "pipe")
    taken = files.walk(tmp_path)
    assert [rel for rel, _, _ in taken.files] == ["real.txt"]
    assert dict(taken.skipped) == {"dirlink": "a symbolic link (never followed)",
                                   "link.txt": "a symbolic link (never followed)",
                                   "pipe": "a FIFO"}


def test_read_beneath_never_follows_a_link_on_the_way(tmp_path):
    """Does read_beneath refuse a path whose folder or file was swapped for a link?"""
    (tmp_path / "grading").mkdir()
    (tmp_path / "grading" / "record.jsonl").write_text("{}\n")
    assert files.read_beneath(tmp_path, "grading/record.jsonl") == b"{}\n"
    (tmp_path / "grading" / "record.jsonl").unlink()
    (tmp_path / "grading" / "record.jsonl").symlink_to("/etc/passwd")
    with pytest.raises(OSError):
        files.read_beneath(tmp_path, "grading/record.jsonl")
    (tmp_path / "other").symlink_to(tmp_path / "grading", target_is_directory=True)
    with pytest.raises(OSError):
        files.read_beneath(tmp_path, "other/x")
