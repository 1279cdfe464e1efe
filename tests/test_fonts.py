"""Korean text in the course's figures is drawn in Hangul (NanumGothic from koreanize-matplotlib,
course.fonts), never as empty boxes."""
import io
import warnings

import matplotlib
import pytest
from matplotlib import font_manager
from matplotlib.figure import Figure
from matplotlib.ft2font import FT2Font

import course.pictures  # noqa: F401  (registers the font, as every notebook's figures do)
from course import fonts

TITLE = "역전파: 상류 기울기 × 국소 기울기"


def _render(title):
    """PNG bytes of a small figure with `title`, and the missing-glyph warnings raised."""
    fig = Figure(figsize=(4, 1.5))
    fig.subplots().set_title(title)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png")
    return buffer.getvalue(), [str(w.message) for w in caught if "missing from" in str(w.message)]


def test_font_ships_with_pip_and_covers_the_korean_title():
    """Is the Hangul font a file of the installed pip package, with a glyph for every character
    of a Korean title?"""
    path = fonts.hangul_font_file()
    assert path is not None and "koreanize_matplotlib" in str(path)
    font = FT2Font(str(path))
    assert all(font.get_char_index(ord(ch)) for ch in TITLE if not ch.isspace())


def test_matplotlib_resolves_hangul_to_the_registered_font():
    """After importing course.pictures, does matplotlib's font lookup for a Korean title end in
    NanumGothic, after the default family (so English text is unchanged)?"""
    assert fonts.register() == "NanumGothic"
    families = list(matplotlib.rcParams["font.family"])
    assert families[-1] == "NanumGothic" and families[0] != "NanumGothic"
    found = font_manager.fontManager._find_fonts_by_props(
        font_manager.FontProperties(family=families))
    assert str(fonts.hangul_font_file()) in map(str, found)


def test_korean_title_renders_glyphs_not_boxes(monkeypatch):
    """Is a Korean title drawn without a single missing-glyph warning, while the same figure with
    DejaVu Sans alone warns for every syllable and draws something else?"""
    fonts.register()
    with_hangul, missing = _render(TITLE)
    assert missing == []
    monkeypatch.setitem(matplotlib.rcParams, "font.family", ["DejaVu Sans"])
    without, boxes = _render(TITLE)
    assert len(boxes) >= len({ch for ch in TITLE if "\uac00" <= ch <= "\ud7a3"})
    assert with_hangul != without


@pytest.mark.parametrize("text", ["backprop", "-1.5"])
def test_english_figures_do_not_change(text):
    """Is text without Hangul still drawn in DejaVu Sans only (the fallback font unused)?"""
    fonts.register()
    registered, _ = _render(text)
    with matplotlib.rc_context({"font.family": ["DejaVu Sans"]}):
        plain, _ = _render(text)
    assert registered == plain
