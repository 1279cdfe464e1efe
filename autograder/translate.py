"""The Korean (or any other) edition of the notebooks, generated from the English sources.

One source, two languages: the English notebook in source_notebooks/ is the only place code
cells, cell ids, grade ids, points, nbgrader metadata and hidden tests exist. The text of each
markdown cell in another language lives in translations/<lang>/<assignment>.md, one block per
markdown cell, keyed by the cell's id and by a fingerprint of the English text it translates:

    <!-- cell 7c5ff19e en:db4868993098 -->
    # 02 · 기울기, 연쇄법칙(chain rule), 그리고 $(x + y)\\,z$ 회로
    ...

The fingerprint is the first 12 hex digits of sha256 of the English cell's source (UTF-8). When
the English cell changes, its fingerprint changes and the block is *stale*: `python -m autograder
translate --check` lists every stale, missing or orphaned block with the English text to
(re)translate, and the tests (tests/test_translations.py) fail until the block is updated.

`python -m autograder translate` (also run by `make solutions`) writes
translations/<lang>/source_notebooks/<assignment>/<assignment>.ipynb: the English notebook with
only its markdown sources replaced (a cell still missing or stale keeps its English text and is
listed in the notebook's metadata.backprop.untranslated), and metadata.backprop = {lang,
generated}. Those notebooks are committed so they can be read and reviewed, and are never edited
by hand. The release of a language (`release --lang ko`) is nbgrader's release of them.
"""
import copy
import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

import nbformat

from .workspace import REPO, SOURCES, TRANSLATIONS, assignments, sources

MARKER = re.compile(r"^<!-- cell (?P<id>[^\s>]+) en:(?P<hash>[0-9a-f]{12}) -->[ \t]*$",
                    re.MULTILINE)


def fingerprint(text):
    """The first 12 hex digits of sha256 of an English cell's source, as translation files
    record it."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


@dataclass(frozen=True)
class Block:
    """One translated markdown cell: the cell id, the fingerprint of the English text it
    translates, the translated text and the line of its marker in the file."""
    cell_id: str
    en: str
    text: str
    line: int


@dataclass(frozen=True)
class Problem:
    """A markdown cell whose translation must be written or updated, or a block to remove."""
    kind: str  # "missing", "stale", "orphan" or "duplicate"
    assignment: str
    cell_id: str
    english: str  # the English text to translate ("" for an orphan)
    detail: str

    def __str__(self):
        return f"{self.assignment} cell {self.cell_id}: {self.kind}: {self.detail}"


def translation_file(assignment, lang="ko"):
    return TRANSLATIONS / lang / f"{assignment}.md"


def output_notebook(assignment, lang="ko"):
    """Where the generated notebook of `assignment` in `lang` is written (and committed)."""
    return source_root(lang) / assignment / f"{assignment}.ipynb"


def source_root(lang="ko"):
    """The folder of the generated source notebooks of `lang`, one subfolder per assignment, as
    source_notebooks/ is laid out (nbgrader's source directory for that language)."""
    return sources(lang)


def parse(text):
    """The blocks of a translation file, in file order. Anything before the first marker (a
    header comment) is not part of any block; a block's text runs to the next marker, with
    leading and trailing blank lines removed."""
    marks = list(MARKER.finditer(text))
    blocks = []
    for mark, after in zip(marks, [*marks[1:], None]):
        body = text[mark.end():after.start() if after else len(text)]
        lines = body.split("\n")
        while lines and not lines[0].strip():
            lines.pop(0)
        while lines and not lines[-1].strip():
            lines.pop()
        blocks.append(Block(mark["id"], mark["hash"], "\n".join(lines),
                            text.count("\n", 0, mark.start()) + 1))
    return blocks


def english(assignment):
    """The English source notebook of `assignment`."""
    return nbformat.read(str(SOURCES / assignment / f"{assignment}.ipynb"), as_version=4)


def blocks(assignment, lang="ko"):
    """The translation file's blocks ([] if there is no file yet)."""
    path = translation_file(assignment, lang)
    return parse(path.read_text(encoding="utf-8")) if path.exists() else []


def problems(assignment, lang="ko"):
    """Everything that keeps the translation of `assignment` from matching its English source:
    markdown cells with no block (missing), blocks whose fingerprint is not the English cell's
    (stale: the English changed since it was translated), blocks naming no markdown cell of the
    notebook (orphan) and cells translated twice (duplicate)."""
    nb = english(assignment)
    found, seen = [], {}
    for block in blocks(assignment, lang):
        if block.cell_id in seen:
            found.append(Problem("duplicate", assignment, block.cell_id, "",
                                 f"translated twice (lines {seen[block.cell_id]} and "
                                 f"{block.line} of {_rel(translation_file(assignment, lang))})"))
        seen.setdefault(block.cell_id, block.line)
    by_id = {b.cell_id: b for b in reversed(blocks(assignment, lang))}  # the first one counts
    markdown = {c.id: c for c in nb.cells if c.cell_type == "markdown"}
    for cell_id, cell in markdown.items():
        block = by_id.get(cell_id)
        if block is None:
            found.append(Problem("missing", assignment, cell_id, cell.source,
                                 "no translation: translate the English text below"))
        elif block.en != fingerprint(cell.source):
            found.append(Problem(
                "stale", assignment, cell_id, cell.source,
                f"the English text changed since it was translated (block at line {block.line} "
                f"says en:{block.en}, the English cell is now en:{fingerprint(cell.source)}): "
                "retranslate from the English text below, then update the marker"))
    for cell_id, block in by_id.items():
        if cell_id not in markdown:
            found.append(Problem("orphan", assignment, cell_id, "",
                                 f"line {block.line}: the English notebook has no markdown cell "
                                 f"{cell_id} any more: remove the block"))
    return found


def _rel(path):
    try:
        return str(Path(path).relative_to(REPO))
    except ValueError:
        return str(path)


def note(assignment, lang="ko"):
    return (f"Generated by `python -m autograder translate` (make solutions) from "
            f"source_notebooks/{assignment}/{assignment}.ipynb and "
            f"{_rel(translation_file(assignment, lang))}: do not edit; edit the translation file "
            "and regenerate.")


def generate(assignment, lang="ko"):
    """The notebook of `assignment` in `lang`: the English notebook with each markdown cell's
    source replaced by its up-to-date translation (a missing or stale one keeps the English text
    and is listed in metadata.backprop.untranslated). Nothing else differs."""
    nb = copy.deepcopy(english(assignment))
    current = {b.cell_id: b for b in reversed(blocks(assignment, lang))}
    untranslated = []
    for cell in nb.cells:
        if cell.cell_type != "markdown":
            continue
        block = current.get(cell.id)
        if block is not None and block.en == fingerprint(cell.source):
            cell.source = block.text
        else:
            untranslated.append(cell.id)
    meta = {"lang": lang, "generated": note(assignment, lang)}
    if untranslated:
        meta["untranslated"] = untranslated
    nb.metadata["backprop"] = meta
    return nb


def text(nb):
    """A notebook as it is written to disk (nbformat's JSON, as the English sources are)."""
    return nbformat.writes(nb) + "\n"


def write(names=None, lang="ko"):
    """Write the generated notebooks of `names` (default: every assignment with a translation
    file); returns [(path, problems)]."""
    names = names or [a for a in assignments() if translation_file(a, lang).exists()]
    done = []
    for assignment in names:
        path = output_notebook(assignment, lang)
        path.parent.mkdir(parents=True, exist_ok=True)
        new = text(generate(assignment, lang))
        if not path.exists() or path.read_text(encoding="utf-8") != new:
            path.write_text(new, encoding="utf-8")
        done.append((path, problems(assignment, lang)))
    return done


def report(names=None, lang="ko"):
    """What translators must do, as text: every missing, stale, orphaned or duplicated block with
    the English text to translate, ready to paste under its marker. ("" when all is done.)"""
    out = []
    for assignment in names or assignments():
        path = translation_file(assignment, lang)
        found = problems(assignment, lang)
        if not found:
            continue
        out.append(f"## {assignment} ({_rel(path)}{'' if path.exists() else ': no file yet'}): "
                   f"{len(found)} to do")
        for problem in found:
            out.append(f"\n{problem}")
            if problem.english:
                out.append(f"<!-- cell {problem.cell_id} en:{fingerprint(problem.english)} -->")
                out.append(problem.english.rstrip("\n"))
        out.append("")
    return "\n".join(out)
