"""The Korean catalog (course/locale/ko.toml) against the code that uses it: every message a
student can be shown has a translation, no translation is left over, and each keeps its fields.

Messages are found without running anything: every literal passed to `_` or marked with `N_` in
course/ and autograder/ (an AST scan), and, in solutions/reference, every exercise title that is
not an identifier and every text hint of a `Mistake` (translated where the hint is shown).
"""
import ast
import string
from pathlib import Path

from autograder.workspace import SOLUTIONS
from course import i18n

ROOT = Path(__file__).resolve().parent.parent
SCANNED = ("course", "autograder")
REFERENCE = SOLUTIONS / "reference"


def _where(path, node):
    shown = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
    return f"{shown}:{node.lineno}"


def _text(node):
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def marked(paths=None):
    """{msgid: [file:line, ...]} of every literal passed to `_` or `N_`."""
    found = {}
    for path in paths or sorted(p for d in SCANNED for p in (ROOT / d).rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", "") in ("_", "N_") \
                    and node.args and _text(node.args[0]) is not None:
                found.setdefault(node.args[0].value, []).append(_where(path, node))
    return found


def _hint_node(call):
    """The hint argument of Mistake(key, hint, ...), Mistake.produces(key, hint, ...) or of a
    helper called like them (a name ending in `mistake`)."""
    name = getattr(call.func, "id", None) or getattr(call.func, "attr", "")
    if name not in ("Mistake", "produces") and not name.endswith("mistake"):
        return None
    hint = next((k.value for k in call.keywords if k.arg == "hint"), None)
    return hint if hint is not None else (call.args[1] if len(call.args) > 1 else None)


def reference_messages(folder=REFERENCE):
    """{msgid: [file:line, ...]} of the exercise titles, text hints and `N_` literals (a
    topic's stage labels) of solutions/reference: a hint given by a module-level name is
    followed to the literal it names."""
    found = {}
    for path in sorted(folder.glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        constants = {t.id: node.value for node in tree.body if isinstance(node, ast.Assign)
                     for t in node.targets if isinstance(t, ast.Name)}
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            hint = _hint_node(node)
            if isinstance(hint, ast.Name):
                hint = constants.get(hint.id)
            if hint is not None and _text(hint) is not None:
                found.setdefault(hint.value, []).append(_where(path, hint))
            if getattr(node.func, "id", "") == "N_" and node.args and _text(node.args[0]):
                found.setdefault(node.args[0].value, []).append(_where(path, node))
            if getattr(node.func, "id", "") == "Exercise":
                title = next((_text(k.value) for k in node.keywords if k.arg == "title"), None)
                if title and not title.isidentifier():
                    found.setdefault(title, []).append(_where(path, node))
    return found


def all_messages():
    found = marked()
    for msgid, where in reference_messages().items():
        found.setdefault(msgid, []).extend(where)
    return found


def _fields(text):
    """The names of the `{fields}` of a message (format specs aside)."""
    return sorted({name for _, name, _, _ in string.Formatter().parse(text) if name})


def test_every_message_has_a_korean_translation():
    """Does ko.toml translate every message of course/, autograder/ and solutions/reference
    (a missing one is named with the place it comes from)?"""
    catalog = i18n.catalog("ko")
    missing = [f"{msgid!r} ({', '.join(where)})" for msgid, where in all_messages().items()
               if msgid not in catalog]
    assert not missing, "no Korean translation in course/locale/ko.toml for:\n" + \
        "\n".join(missing)


def test_no_translation_is_stale():
    """Is every entry of ko.toml a message some code still shows?"""
    used = all_messages()
    stale = [msgid for msgid in i18n.catalog("ko") if msgid not in used]
    assert not stale, "ko.toml translates messages nothing shows any more:\n" + "\n".join(
        repr(s) for s in stale)


def test_translations_keep_every_field():
    """Does each translation have exactly the `{fields}` of its English message, so that no
    name, number or gradient is dropped or invented?"""
    wrong = [f"{msgid!r}: {_fields(msgid)} vs {_fields(ko)}"
             for msgid, ko in i18n.catalog("ko").items() if _fields(msgid) != _fields(ko)]
    assert not wrong, "\n".join(wrong)


def test_translations_are_korean():
    """Is every translation Korean text (Hangul in it), not a copy of the English?"""
    english = [msgid for msgid, ko in i18n.catalog("ko").items()
               if not any("\uac00" <= ch <= "\ud7a3" for ch in ko)]
    assert not english, english


def test_the_scan_finds_marked_and_reference_messages(tmp_path):
    """Does the scan find `_` and `N_` literals, a Mistake's hint given as a literal or as a
    module constant, and a prose exercise title (but not an identifier title)?"""
    code = tmp_path / "m.py"
    code.write_text('x = _("a {n} b", n=1)\ny = N_("c d")\nz = f(_("e"))\n')
    assert set(marked([code])) == {"a {n} b", "c d", "e"}
    folder = tmp_path / "reference"
    folder.mkdir()
    (folder / "01.py").write_text(
        'HINT = "named hint"\n'
        'EXERCISES = {"a": Exercise(title="prose title", mistakes=(\n'
        '    Mistake.produces("k", "literal hint", f, ("dx",)), Mistake("j", HINT, g))),\n'
        '    "b": Exercise(title="AddLayer")}\n')
    assert set(reference_messages(folder)) == {"prose title", "literal hint", "named hint"}


def test_missing_messages_are_named_with_their_place(tmp_path):
    """Would a hint added without a translation be reported with its file and line?"""
    folder = tmp_path / "reference"
    folder.mkdir()
    (folder / "09.py").write_text('\n\nm = Mistake("new", "a brand-new hint", f)\n')
    assert reference_messages(folder) == {"a brand-new hint": [f"{folder / '09.py'}:3"]}
    assert "a brand-new hint" not in i18n.catalog("ko")
