"""One source, two languages: the Korean notebooks are the English ones with translated markdown,
generated from translations/ko/*.md (autograder.translate), and these tests catch every drift."""
import json

import nbformat
import pytest

from autograder import translate
from autograder.__main__ import main
from autograder.workspace import SOURCES, assignments

LANG = "ko"


def _english(assignment):
    return json.loads((SOURCES / assignment / f"{assignment}.ipynb").read_text(encoding="utf-8"))


@pytest.mark.parametrize("assignment", assignments())
def test_every_markdown_cell_has_an_up_to_date_translation(assignment):
    """Does every markdown cell of the English notebook have a Korean block whose fingerprint is
    the English cell's (no missing, stale, orphaned or duplicated block)?"""
    found = translate.problems(assignment, LANG)
    assert not found, (
        f"{len(found)} markdown cells of {assignment} need translating; the English text of "
        f"each (python -m autograder translate --check {assignment}):\n\n"
        + translate.report([assignment], LANG)[:6000])


@pytest.mark.parametrize("assignment", assignments())
def test_committed_korean_notebook_is_the_generated_one(assignment):
    """Is the committed Korean notebook exactly what the generator writes from the English source
    and the translation file (never hand-edited, never stale)?"""
    path = translate.output_notebook(assignment, LANG)
    assert path.exists(), f"run `python -m autograder translate` (make solutions) and commit {path}"
    assert path.read_text(encoding="utf-8") == translate.text(
        translate.generate(assignment, LANG)), f"{path} is stale: run make solutions"


@pytest.mark.parametrize("assignment", assignments())
def test_korean_notebook_differs_only_in_markdown_text(assignment):
    """Are code cells (hidden tests included), cell ids, types, nbgrader metadata (grade ids,
    points) and notebook metadata byte-identical between the languages, only markdown sources and
    metadata.backprop differing?"""
    path = translate.output_notebook(assignment, LANG)
    assert path.exists(), f"run `python -m autograder translate` and commit {path}"
    en, ko = _english(assignment), json.loads(path.read_text(encoding="utf-8"))
    assert ko["metadata"].pop("backprop")["lang"] == LANG
    assert ko["metadata"] == en["metadata"]
    assert {k: v for k, v in ko.items() if k != "cells"} == \
        {k: v for k, v in en.items() if k != "cells"}
    assert [(c["id"], c["cell_type"]) for c in ko["cells"]] == \
        [(c["id"], c["cell_type"]) for c in en["cells"]]
    for mine, theirs in zip(ko["cells"], en["cells"]):
        if theirs["cell_type"] == "code":
            assert mine == theirs, f"code cell {theirs['id']} differs"
        else:
            assert {k: v for k, v in mine.items() if k != "source"} == \
                {k: v for k, v in theirs.items() if k != "source"}


# --- the drift detector itself, on a notebook and translation written here --------------------

def _notebook(*sources):
    nb = nbformat.v4.new_notebook()
    for i, text in enumerate(sources):
        cell = (nbformat.v4.new_code_cell(text[5:]) if text.startswith("code:")
                else nbformat.v4.new_markdown_cell(text))
        cell.id = f"c{i}"
        nb.cells.append(cell)
    return nb


@pytest.fixture
def lab(tmp_path, monkeypatch):
    """A course of one assignment, "90_demo", with its English source and translation file in
    tmp_path; returns a function writing (english cells, translation text)."""
    sources, translations = tmp_path / "src", tmp_path / "translations"
    monkeypatch.setattr(translate, "SOURCES", sources)
    monkeypatch.setattr(translate, "TRANSLATIONS", translations)
    monkeypatch.setattr(translate, "sources", lambda lang: translations / lang / "nbs")

    def write(cells, text):
        (sources / "90_demo").mkdir(parents=True, exist_ok=True)
        nbformat.write(_notebook(*cells), str(sources / "90_demo" / "90_demo.ipynb"))
        (translations / LANG).mkdir(parents=True, exist_ok=True)
        (translations / LANG / "90_demo.md").write_text(text, encoding="utf-8")
    return write


def _block(cell_id, english, korean):
    return f"<!-- cell {cell_id} en:{translate.fingerprint(english)} -->\n{korean}\n\n"


def test_fingerprint_is_sha256_of_the_utf8_source():
    """Is the fingerprint the first 12 hex digits of sha256 of the UTF-8 English text?"""
    assert translate.fingerprint("abc") == "ba7816bf8f01"
    assert translate.fingerprint("é") != translate.fingerprint("e")


def test_parse_skips_the_header_and_strips_blank_lines():
    """Does parsing ignore the header comment and strip each block's surrounding blank lines,
    keeping inner blank lines?"""
    text = ("<!-- header\n  notes -->\n\n<!-- cell a1 en:0123456789ab -->\n\n# 제목\n\n본문\n\n\n"
            "<!-- cell b2 en:ba9876543210 -->\n끝")
    blocks = translate.parse(text)
    assert [(b.cell_id, b.en, b.text) for b in blocks] == [
        ("a1", "0123456789ab", "# 제목\n\n본문"), ("b2", "ba9876543210", "끝")]
    assert blocks[0].line == 4


def test_up_to_date_translation_has_no_problems_and_replaces_only_markdown(lab):
    """With every block current, are there no problems, and does the generated notebook replace
    exactly the markdown sources (the code cell and ids untouched)?"""
    lab(["# Title", "code:x = 1", "Some *text*."],
        _block("c0", "# Title", "# 제목") + _block("c2", "Some *text*.", "어떤 *글*."))
    assert translate.problems("90_demo", LANG) == []
    nb = translate.generate("90_demo", LANG)
    assert [c.source for c in nb.cells] == ["# 제목", "x = 1", "어떤 *글*."]
    assert nb.metadata.backprop.lang == LANG and "untranslated" not in nb.metadata.backprop
    assert "do not edit" in nb.metadata.backprop.generated
    assert translate.text(nb) == translate.text(translate.generate("90_demo", LANG))


def test_changed_english_cell_makes_its_translation_stale(lab):
    """When an English cell changes and its block does not, is the block reported stale, naming
    the notebook and cell and showing the new English text, and does the notebook keep the
    English text there?"""
    lab(["# Title", "The new English sentence."],
        _block("c0", "# Title", "# 제목") + _block("c1", "The old sentence.", "옛 문장."))
    [problem] = translate.problems("90_demo", LANG)
    assert (problem.kind, problem.cell_id) == ("stale", "c1")
    report = translate.report(["90_demo"], LANG)
    assert "90_demo cell c1: stale" in report and "The new English sentence." in report
    assert f"en:{translate.fingerprint('The new English sentence.')}" in report
    nb = translate.generate("90_demo", LANG)
    assert nb.cells[1].source == "The new English sentence."
    assert nb.metadata.backprop.untranslated == ["c1"]


def test_cell_without_block_is_missing(lab):
    """Is a markdown cell with no block reported missing, with its English text?"""
    lab(["# Title", "Untranslated."], _block("c0", "# Title", "# 제목"))
    [problem] = translate.problems("90_demo", LANG)
    assert (problem.kind, problem.cell_id, problem.english) == ("missing", "c1", "Untranslated.")


def test_block_for_a_removed_cell_is_an_orphan(lab):
    """Is a block naming a cell the English notebook no longer has reported as an orphan, and a
    cell translated twice as a duplicate?"""
    lab(["# Title"], _block("c0", "# Title", "# 제목") + _block("c0", "# Title", "# 다시")
        + _block("gone", "Old.", "옛."))
    kinds = {(p.kind, p.cell_id) for p in translate.problems("90_demo", LANG)}
    assert kinds == {("orphan", "gone"), ("duplicate", "c0")}


def test_check_command_lists_the_work_and_fails(lab, capsys):
    """Does `translate --check` print what to retranslate and exit 1, and 0 once all is done?"""
    lab(["# Title"], _block("c0", "# Old title", "# 제목"))
    assert main(["translate", "--check", "90_demo"]) == 1
    assert "90_demo cell c0: stale" in capsys.readouterr().out
    lab(["# Title"], _block("c0", "# Title", "# 제목"))
    assert main(["translate", "--check", "90_demo"]) == 0
