"""Student-controlled text made harmless for where the instructor reads it.

A file name, a roster name or a flag is the student's to choose, so before it reaches:
- the terminal (or a log): control characters could move the cursor, recolour or erase lines and
  forge "ok" lines; bidi controls and line separators could reorder or split what is shown.
  `for_terminal` escapes them as `repr` would (`\\x1b`, `\\u202e`), and leaves every letter of
  every script alone;
- a CSV cell: a spreadsheet runs a cell starting with = + - @ (or a tab or carriage return
  before one) as a formula. `for_csv` puts an apostrophe before such text, as OWASP recommends
  (https://owasp.org/www-community/attacks/CSV_Injection); numbers stay numbers.
"""
import re

_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e"
                     "\u2066-\u2069\ud800-\udfff]")
"""C0 and C1 controls, DEL, the bidi marks, embeddings, overrides and isolates, the line and
paragraph separators, and lone surrogates (a file name that is not UTF-8, as Python decodes it:
printing one would stop the program under a strict UTF-8 terminal)."""
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
"""What makes a spreadsheet read a cell as a formula (OWASP's list)."""
_NUMBER = re.compile(r"-?\d+(\.\d+)?")
"""A plain decimal number (a score such as -1.5): a spreadsheet reads it as a number, never a
formula, so it keeps its sign."""


def _escape(match):
    return repr(match.group())[1:-1]


def for_terminal(text):
    """`text` with every control, bidi and line-separator character escaped (`\\x1b`)."""
    return _UNSAFE.sub(_escape, str(text))


def for_csv(cell):
    """A CSV cell that no spreadsheet runs as a formula: numbers as they are, text that could
    start one with a leading apostrophe."""
    if isinstance(cell, (int, float)) or cell is None:
        return cell
    text = str(cell)
    if text.startswith(FORMULA_START) and not _NUMBER.fullmatch(text):
        return "'" + text
    return text


def csv_row(cells):
    """for_csv of every cell of a row."""
    return [for_csv(c) for c in cells]
