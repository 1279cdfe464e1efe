"""The Korean edition follows one glossary (course/glossary.toml): its terms, never the other
spellings the seeds mix in."""
import tomllib
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
with open(REPO / "course" / "glossary.toml", "rb") as _f:
    GLOSSARY = tomllib.load(_f)
KOREAN = sorted((REPO / "translations" / "ko").glob("*.md")) + [REPO / "course" / "locale" /
                                                                 "ko.toml"]


def test_every_avoided_spelling_names_a_glossary_term():
    """Does each avoided spelling point to a Korean term of the glossary, and is none of them a
    term itself?"""
    terms = set(GLOSSARY["terms"].values())
    assert GLOSSARY["avoid"], "the glossary lists no spellings to avoid"
    for wrong, right in GLOSSARY["avoid"].items():
        assert right in terms, f"{wrong!r} -> {right!r}, which is not a glossary term"
        assert wrong not in terms


@pytest.mark.parametrize("path", KOREAN, ids=[p.name for p in KOREAN])
def test_korean_text_uses_the_glossary_spelling(path):
    """Is every Korean text (notebook translations, the message catalog) free of the spellings
    the glossary avoids? A hit names the line and the term to use."""
    hits = [f"{path.name}:{n}: {wrong!r} -> use {right!r}"
            for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
            for wrong, right in GLOSSARY["avoid"].items() if wrong in line]
    assert not hits, "\n".join(hits)
