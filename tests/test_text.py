"""Student text made harmless for the terminal and for spreadsheets (autograder/text.py)."""
import pytest

from autograder.text import for_csv, for_terminal


@pytest.mark.parametrize("raw, shown", [
    ("jdoe_02.ipynb", "jdoe_02.ipynb"),
    ("\x1b[2K\rok: all graded", "\\x1b[2K\\rok: all graded"),
    ("evil\u202egnp.ipynb", "evil\\u202egnp.ipynb"),
    ("two\u2028lines\nand\x85more", "two\\u2028lines\\nand\\x85more"),
    ("del\x7f and nul\x00", "del\\x7f and nul\\x00"),
    ("김민지_과제.ipynb", "김민지_과제.ipynb"),
    (b"\xff\xfeslides.pdf".decode(errors="surrogateescape"), "\\udcff\\udcfeslides.pdf"),
])
def test_terminal_text_has_no_control_characters(raw, shown):
    """Are controls, bidi overrides, line separators and the lone surrogates of a name that is
    not UTF-8 escaped (so the text can be printed anywhere), and letters of every script left
    alone?"""
    assert for_terminal(raw) == shown
    for_terminal(raw).encode("utf-8")  # strict: never raises


@pytest.mark.parametrize("cell, written", [
    ("=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"), ("+1+cmd", "'+1+cmd"),
    ("-2+3", "'-2+3"), ("@SUM(A1)", "'@SUM(A1)"), ("\t=1", "'\t=1"), ("\r=1", "'\r=1"),
    ("Doe, Jane", "Doe, Jane"), ("", ""),
    (-1.5, -1.5), (0, 0), (None, None), ("-1.5", "-1.5"), ("7", "7"),
])
def test_csv_cells_never_start_a_formula_and_numbers_stay_numbers(cell, written):
    """Does text that a spreadsheet would run get a leading apostrophe, while scores (numbers,
    or their plain decimal text) keep their value and sign?"""
    assert for_csv(cell) == written
