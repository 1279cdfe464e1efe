"""The course's language: English (the source) or Korean, and the one catalog of messages.

Every student-facing string in `course/` (checker failures, hints, widget labels, figure text) is
written in English and passed through `_`, which returns the translation for the current language
from `course/locale/<lang>.toml` (English text -> translated text), then fills in `{fields}`.

The language is, in order:
1. the environment variable BACKPROP_LANG ("en" or "ko"), set by `make lab LANG=ko` and by the
   grader for a Korean submission;
2. the running notebook's own metadata, `metadata.backprop.lang` (JupyterLab tells a kernel its
   notebook's path in JPY_SESSION_NAME);
3. the notebooks in the working folder (where nbgrader runs a notebook it grades), if every one
   of them says the same language;
4. English.
"""
import json
import os
import tomllib
from functools import cache
from pathlib import Path

from . import environment

LANGUAGES = ("en", "ko")
DEFAULT = "en"
ENV = environment.LANG
LOCALE = Path(__file__).parent / "locale"


def _normal(value):
    """'ko', 'ko_KR.UTF-8', 'KO' -> 'ko'; anything unknown -> None."""
    value = (value or "").strip().lower()[:2]
    return value if value in LANGUAGES else None


def _notebook_lang(path):
    try:
        with open(path, encoding="utf-8") as f:
            meta = json.load(f).get("metadata", {})
    except (OSError, ValueError, AttributeError):
        return None
    return _normal((meta.get("backprop") or {}).get("lang")) if isinstance(meta, dict) else None


def detect(environ=None, cwd=None):
    """The language to speak, by the rules in this module's docstring."""
    environ = os.environ if environ is None else environ
    chosen = _normal(environ.get(ENV))
    if chosen:
        return chosen
    session = environ.get("JPY_SESSION_NAME", "")
    if session.endswith(".ipynb"):
        found = _notebook_lang(session) or _notebook_lang(Path(cwd or os.getcwd()) / session)
        if found:
            return found
    try:
        notebooks = sorted(Path(cwd or os.getcwd()).glob("*.ipynb"))
    except OSError:
        notebooks = []
    langs = {_notebook_lang(p) for p in notebooks}
    if len(langs) == 1 and None not in langs:
        return langs.pop()
    return DEFAULT


_chosen = None
_detected = None


def lang():
    """The current language ("en" or "ko"): the one set with use(), else BACKPROP_LANG as it is
    now (read on every call: a grading worker judges one submission after another, each in its
    own language, and a kernel forked from a zygote gets its environment after import), else
    what `detect` finds, once per process."""
    global _detected
    if _chosen is not None:
        return _chosen
    chosen = _normal(os.environ.get(ENV))
    if chosen:
        return chosen
    if _detected is None:
        _detected = detect()
    return _detected


def use(language):
    """Switch the language for this process (tests, the grader); returns the previous one.
    use(None) goes back to detecting it."""
    global _chosen
    chosen = _normal(language)
    if chosen is None and language is not None:
        raise ValueError(f"unknown language {language!r}: choose one of {', '.join(LANGUAGES)}")
    previous, _chosen = lang(), chosen
    return previous


def N_(text):
    """Marks `text` as a message translated later, where it is shown (`_(text)` then): for
    constants defined at import, before the language is known. The catalog's tests find it."""
    return text


@cache
def catalog(language):
    """English text -> translated text, for one language ({} for English)."""
    path = LOCALE / f"{language}.toml"
    if language == DEFAULT or not path.exists():
        return {}
    with open(path, "rb") as f:
        return dict(tomllib.load(f).get("messages", {}))


def _(text, /, **fields):
    """`text` in the current language, with `{fields}` filled in."""
    text = catalog(lang()).get(text, text)
    return text.format(**fields) if fields else text
