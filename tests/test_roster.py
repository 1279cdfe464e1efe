"""Rosters as spreadsheets write them (autograder/roster.py): encodings and separators."""
import pytest

from autograder.__main__ import main
from autograder.roster import read_roster
from tests.test_pipeline_collect import A, course  # noqa: F401 (a fixture)

HANGUL = "id,first_name,last_name,email\nkim01,민지,김,mk@x.ac.kr\npark02,서준,박,sp@x.ac.kr\n"


@pytest.mark.parametrize("encoding, text", [
    ("cp949", HANGUL), ("utf-8", HANGUL), ("utf-8-sig", HANGUL), ("utf-16", HANGUL),
    ("cp949", HANGUL.replace(",", ";")), ("utf-8-sig", HANGUL.replace(",", "\t")),
    ("cp949", HANGUL.replace("\n", "\r\n")),
])
def test_rosters_from_korean_excel_are_read(tmp_path, encoding, text):
    """Is a roster saved by Excel (CP949, UTF-8 with or without its mark, UTF-16; commas,
    semicolons or tabs) read with its Hangul names intact?"""
    path = tmp_path / "roster.csv"
    path.write_bytes(text.encode(encoding))
    roster = read_roster(path)
    assert list(roster) == ["kim01", "park02"]
    assert (roster["kim01"]["last_name"], roster["kim01"]["first_name"]) == ("김", "민지")


def test_a_cp949_file_is_really_cp949():
    """Is the fixture's CP949 text really not UTF-8 (so the fallback is what reads it)?"""
    with pytest.raises(UnicodeDecodeError):
        HANGUL.encode("cp949").decode("utf-8")


def test_an_unreadable_roster_gets_a_one_line_fix_and_nothing_is_written(course, tmp_path,  # noqa: F811
                                                                        capsys):
    """Does a roster in neither UTF-8 nor CP949 stop collect (exit 1) with one line saying how to
    save it, before anything is imported?"""
    (tmp_path / "bad.csv").write_bytes(b"id,first_name,last_name,email\nj\xff\xfe,\xc3\x28\xa0,"
                                       b"\x80\x81,x@y\n")
    assert main(["collect", A, str(tmp_path), "--roster", str(tmp_path / "bad.csv"), "--root",
                 str(course.root)]) == 1
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and 'save it from Excel as "CSV UTF-8' in err
    assert not (course.root / "submitted").exists()


def test_a_semicolon_roster_missing_a_column_says_what_its_header_reads(tmp_path):
    """Does a roster still missing columns show its header, so the instructor sees why?"""
    (tmp_path / "roster.csv").write_text("id;name\njdoe;Jane\n")
    with pytest.raises(RuntimeError, match=r"missing: first_name, last_name, email; its header "
                       r"reads 'id;name'\): add the missing columns"):
        read_roster(tmp_path / "roster.csv")
    (tmp_path / "roster.csv").write_text("Name|Mail\nJane|j@x\n")
    with pytest.raises(RuntimeError, match=r"reads 'Name\|Mail'\): save it from Excel as"):
        read_roster(tmp_path / "roster.csv")
