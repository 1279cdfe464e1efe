"""The class insight written out (autograder/insight.py collects it): an HTML page for a person,
the exercises x mistakes heat map (PNG, counts written in every cell, a text alternative), and the
same numbers as CSV and JSON. In English or Korean (the course's catalog, course/locale)."""
import csv
import html
import json
from pathlib import Path

from course import i18n
from course.i18n import _

from .export import ENCODING
from .insight import NOT_A_MISCONCEPTION
from .text import for_csv

MAX_COLUMNS = 16
"""Columns of the heat map: the mistakes and groups with the most students (the CSV has all)."""


def mistake_text(key):
    """A named mistake's hint as the student read it (text hints only), else ''."""
    from course.grading import hints
    for m in (*hints.GENERIC, *(m for ms in hints.NAMED.values() for m in ms)):
        if m.key == key and isinstance(m.hint, str):
            return _(m.hint)
    return ""


def group_text(group, short=False):
    """An unnamed group in words of the current language (`short`: for a picture's column)."""
    kind, wrong = _(group.get("kind") or "other"), ", ".join(map(str, group.get("wrong") or ()))
    if short:
        return f"{kind}: {wrong}" if wrong else kind
    parts = [kind]
    if wrong:
        parts.append(_("wrong outputs: {names}", names=wrong))
    if group.get("stage"):
        parts.append(_("first wrong stage: {stage}", stage=_(group["stage"])))
    return "; ".join(parts)


def columns(ins):
    """[(column label, {exercise: [students]})]: named mistakes, then unnamed groups, then the
    blank answers, the MAX_COLUMNS with the most students."""
    cols = {}
    for row in ins["exercises"]:
        for key, who in row["mistakes"].items():
            cols.setdefault(key, {})[row["exercise"]] = who
        for key, who in row["unnamed"].items():
            cols.setdefault(group_text(row["groups"][key], short=True), {})[row["exercise"]] = who
        if row["blank"]:
            cols.setdefault(_("blank"), {})[row["exercise"]] = row["blank"]
    ranked = sorted(cols.items(), key=lambda c: -sum(map(len, c[1].values())))
    return ranked[:MAX_COLUMNS], len(ranked[MAX_COLUMNS:])


def alt_text(ins, cols, left_out=0):
    """What the heat map shows, in a sentence per exercise (the picture's text alternative)."""
    lines = [_("Heat map of {assignment}: exercises in rows, mistakes in columns, the number of "
               "students in each cell.", assignment=ins["assignment"])]
    if left_out:
        lines.append(_("{n} rarer mistakes are left out of the picture; the tables below and "
                       "the CSV have them all.", n=left_out))
    for row in ins["exercises"]:
        found = [f"{label} {len(by[row['exercise']])}" for label, by in cols
                 if row["exercise"] in by]
        if found:
            lines.append(f"{row['exercise']}: {', '.join(found)}.")
    return " ".join(lines)


def figure(ins, cols):
    import matplotlib
    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    from course import fonts
    fonts.register()
    rows = [r["exercise"] for r in ins["exercises"] if any(r["exercise"] in by for _, by in cols)]
    fig = Figure(figsize=(2.5 + 0.8 * max(1, len(cols)), 1.6 + 0.45 * max(1, len(rows))),
                 layout="constrained")
    ax = fig.subplots()
    grid = [[len(by.get(ex, ())) for _, by in cols] for ex in rows] or [[0]]
    top = max(max(r) for r in grid) or 1
    ax.imshow(grid, cmap="Blues", vmin=0, vmax=top * 1.25, aspect="auto")
    for y, line in enumerate(grid):
        for x, n in enumerate(line):
            if n:
                ax.text(x, y, str(n), ha="center", va="center", fontsize=10,
                        color="white" if n > top * 0.6 else "black")
    ax.set_xticks(range(len(cols)), [_short(label) for label, _ in cols], rotation=35,
                  ha="right", fontsize=8)
    ax.set_yticks(range(len(rows)), rows, fontsize=9)
    ax.set_title(_("{assignment}: students per exercise and mistake",
                   assignment=ins["assignment"]), fontsize=10)
    return fig


def _short(label, width=28):
    return label if len(label) <= width else label[:width - 1] + "…"


def table(ins):
    """CSV rows: assignment, exercise, what (passed, blank, failed, mistake, stage, group),
    label, count, students."""
    out = [["assignment", "exercise", "what", "label", "count", "students"]]
    for row in ins["exercises"]:
        for what in ("passed", "blank", "failed"):
            out.append([ins["assignment"], row["exercise"], what, "", len(row[what]),
                        " ".join(row[what])])
        for what, groups in (("mistake", row["mistakes"]), ("stage", row["stages"]),
                             ("group", row["unnamed"])):
            for label, who in sorted(groups.items()):
                out.append([ins["assignment"], row["exercise"], what, label, len(who),
                            " ".join(who)])
    return out


def _ids(who):
    return html.escape(", ".join(who))


def page(ins, png_name, cols, left_out=0):
    """The HTML page."""
    e = html.escape
    graded = len(ins["graded"])
    parts = [f"<!DOCTYPE html><html lang=\"{ins['lang']}\"><head><meta charset=\"utf-8\">"
             f"<title>{e(_('Class insight: {assignment}', assignment=ins['assignment']))}</title>"
             "<style>body{font-family:sans-serif;max-width:70em;margin:1em auto;padding:0 1em}"
             "table{border-collapse:collapse}td,th{border:1px solid #999;padding:.25em .5em;"
             "text-align:left;vertical-align:top}td.n{text-align:right}img{max-width:100%;height:auto}</style></head><body>",
             f"<h1>{e(_('Class insight: {assignment}', assignment=ins['assignment']))}</h1>",
             "<p>" + e(_("{graded} graded submissions; {missing} students without a "
                         "submission; {waiting} submissions collected but not graded yet.",
                         graded=graded, missing=len(ins["missing"]),
                         waiting=len(ins["not_graded"]))) + "</p>"]
    if ins["not_graded"]:
        parts.append(f"<p>{e(_('Not graded yet (run grade again):'))} "
                     f"{_ids(ins['not_graded'])}</p>")
    if ins["no_notebook"]:
        parts.append("<p>" + e(_("No graded notebook (the file could not be graded; its "
                                 "answers count as blank):")) + f" {_ids(ins['no_notebook'])}</p>")
    parts.append(f"<h2>{e(_('Teach next'))}</h2><ol>")
    for t in ins["teach_next"]:
        label = t["mistake"] if t["named"] else group_text(
            next(r for r in ins["exercises"] if r["exercise"] == t["exercise"])["groups"][
                t["mistake"]])
        parts.append("<li>" + e(_("{exercise}: {mistake} (students: {students}; points lost: "
                                  "{points:g}); taught in \"{section}\"",
                                  exercise=t["exercise"], mistake=label,
                                  students=t["students"], points=t["points"],
                                  section=t["section"])) + "</li>")
    if not ins["teach_next"]:
        parts.append(f"<li>{e(_('No misconception cost the class points.'))}</li>")
    parts.append("</ol>")
    parts.append(f"<h2>{e(_('Exercises'))}</h2><table><tr>" + "".join(
        f"<th scope=\"col\">{e(h)}</th>" for h in (
            _("exercise"), _("notebook section"), _("passed"), _("blank"), _("failed"),
            _("points lost"))) + "</tr>")
    for row in ins["exercises"]:
        parts.append(f"<tr><th scope=\"row\">{e(row['exercise'])}</th><td>{e(row['section'])}"
                     f"</td><td class=n>{len(row['passed'])}</td><td class=n>{len(row['blank'])}"
                     f"</td><td class=n>{len(row['failed'])}</td><td class=n>{row['lost']:g}"
                     "</td></tr>")
    parts.append("</table>")
    alt = alt_text(ins, cols, left_out)
    parts.append(f"<h2>{e(_('Mistakes per exercise'))}</h2><figure><img src=\"{e(png_name)}\" "
                 f"alt=\"{e(alt)}\"><figcaption>{e(alt)}</figcaption></figure>")
    for row in ins["exercises"]:
        if not row["failed"]:
            continue
        parts.append(f"<h3>{e(row['exercise'])}</h3><table><tr>" + "".join(
            f"<th scope=\"col\">{e(h)}</th>" for h in (_("what"), _("students"), _("ids")))
            + "</tr>")
        for key, who in sorted(row["mistakes"].items(), key=lambda m: -len(m[1])):
            text = mistake_text(key)
            parts.append(f"<tr><td>{e(_('named mistake'))} <code>{e(key)}</code>"
                         f"{'<br>' + e(text) if text else ''}</td><td class=n>{len(who)}</td>"
                         f"<td>{_ids(who)}</td></tr>")
        for stage, who in sorted(row["stages"].items(), key=lambda m: -len(m[1])):
            parts.append(f"<tr><td>{e(_('first wrong stage: {stage}', stage=_(stage)))}</td>"
                         f"<td class=n>{len(who)}</td><td>{_ids(who)}</td></tr>")
        for key, who in sorted(row["unnamed"].items(), key=lambda m: -len(m[1])):
            what = _("no hint names it") if row["groups"][key]["kind"] not in \
                NOT_A_MISCONCEPTION else ""
            parts.append(f"<tr><td>{e(group_text(row['groups'][key]))}"
                         f"{' (' + e(what) + ')' if what else ''}</td><td class=n>{len(who)}"
                         f"</td><td>{_ids(who)}</td></tr>")
        parts.append("</table>")
    parts.append("</body></html>")
    return "\n".join(parts)


def write(ins, out):
    """Write <out>/<assignment>_insight.{html,png,csv,json}; returns the four paths."""
    previous = i18n.lang()
    i18n.use(ins["lang"])
    try:
        out = Path(out)
        out.mkdir(parents=True, exist_ok=True)
        stem = f"{ins['assignment']}_insight" + ("" if ins["lang"] == "en" else f"_{ins['lang']}")
        paths = [out / f"{stem}.{ext}" for ext in ("html", "png", "csv", "json")]
        cols, left_out = columns(ins)
        figure(ins, cols).savefig(paths[1], dpi=100)
        paths[0].write_text(page(ins, paths[1].name, cols, left_out), encoding="utf-8")
        with open(paths[2], "w", newline="", encoding=ENCODING) as f:
            csv.writer(f).writerows([[for_csv(c) for c in r] for r in table(ins)])
        paths[3].write_text(json.dumps(ins, indent=1, ensure_ascii=False), encoding="utf-8")
        return paths
    finally:
        i18n.use(previous)


def summary(ins):
    """Lines for the terminal: the teach-next list."""
    lines = [f"{ins['assignment']}: {len(ins['graded'])} graded, {len(ins['missing'])} missing,"
             f" {len(ins['not_graded'])} not graded yet"]
    for t in ins["teach_next"]:
        lines.append(f"  teach next: {t['exercise']}: {t['mistake']} (students: "
                     f"{t['students']}; points lost: {t['points']:g})")
    return lines


def term_page(found, lang="en"):
    """The page of `insight.term`: each named mistake made in more than one assignment, how many
    made it in each, and who made it more than once."""
    previous = i18n.lang()
    i18n.use(lang)
    try:
        e = html.escape
        title = e(_("Across the term: misconceptions that persist"))
        parts = [f"<!DOCTYPE html><html lang=\"{lang}\"><head><meta charset=\"utf-8\"><title>"
                 f"{title}</title><style>body{{font-family:sans-serif;margin:1em}}table{{border-"
                 "collapse:collapse}td,th{border:1px solid #999;padding:.25em .5em;text-align:"
                 "left;vertical-align:top}</style></head><body>", f"<h1>{title}</h1>"]
        if not found:
            parts.append(f"<p>{e(_('No named mistake was made in more than one assignment.'))}"
                         "</p>")
        else:
            parts.append("<table><tr>" + "".join(f"<th scope=\"col\">{e(h)}</th>" for h in (
                _("named mistake"), _("students per assignment"),
                _("students who made it in more than one"))) + "</tr>")
            for item in found:
                per = "; ".join(f"{a}: {len(w)}" for a, w in sorted(item["assignments"].items()))
                text = mistake_text(item["mistake"])
                parts.append(f"<tr><th scope=\"row\"><code>{e(item['mistake'])}</code>"
                             f"{'<br>' + e(text) if text else ''}</th><td>{e(per)}</td>"
                             f"<td>{_ids(item['persisting'])}</td></tr>")
            parts.append("</table>")
        parts.append("</body></html>")
        return "\n".join(parts)
    finally:
        i18n.use(previous)
