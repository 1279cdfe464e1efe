"""Hangul in figures: NanumGothic, as the pip package koreanize-matplotlib ships it, added to
matplotlib as a fallback font, so a Korean title or label is drawn in Hangul instead of empty
boxes, on any machine that installed requirements.txt (no system font, no network).

The font goes after the default family: Latin letters, digits and the minus sign still come
from DejaVu Sans (English figures do not change), and matplotlib takes each glyph DejaVu Sans
lacks from NanumGothic (its per-glyph font fallback). The package itself is never imported (its
import changes the default font for everything and needs distutils); only its font file is read.
"""
import importlib.util
from functools import cache
from pathlib import Path

PACKAGE = "koreanize_matplotlib"
FILE = "NanumGothic.ttf"


def hangul_font_file():
    """The path of NanumGothic.ttf inside the installed koreanize-matplotlib, or None."""
    spec = importlib.util.find_spec(PACKAGE)
    for folder in (spec.submodule_search_locations or []) if spec else []:
        path = Path(folder) / "fonts" / FILE
        if path.exists():
            return path
    return None


@cache
def register():
    """Add NanumGothic to matplotlib and to the end of its font families (once per process);
    returns the family name, or None if the font is not installed."""
    path = hangul_font_file()
    if path is None:
        return None
    from matplotlib import font_manager, rcParams
    font_manager.fontManager.addfont(str(path))
    name = font_manager.FontProperties(fname=str(path)).get_name()
    families = list(rcParams["font.family"])
    if name not in families:
        rcParams["font.family"] = [*families, name]
    return name
