"""The CLI's commands: each turns parsed arguments into one module's call and prints the result.
The work itself lives in release, bundle, collect, grade, feedback, export and solutions."""
import json
from pathlib import Path

from .progress import duration as _duration
from .workspace import Course


def _course(args, *names, release=False):
    """The course of --root/--db; every name in `names` checked against it (one message, "no
    such assignment; known: ...", for every command)."""
    course = Course(args.root, args.db, lang=getattr(args, "lang", "en"))
    course.check(*names, release=release)
    return course


def release(args):
    from . import bundle as bundle_mod
    from . import release as release_mod
    course = _course(args, *([args.assignment] if args.assignment else []), release=True)
    names = course.assignments() if args.all or not args.assignment else [args.assignment]
    for folder in release_mod.release(names, course=course):
        print(f"released {folder}")
    if args.bundle is not None:
        print(f"student bundle: {bundle_mod.bundle(names, args.bundle or None, course)}")


def collect(args):
    from .collect import collect as run
    from .collect import nothing_imported, summary
    report = run(args.assignment, args.source, args.roster, args.deadline,
                 _course(args, args.assignment), args.late_policy)
    print(summary(report, args.assignment))
    reason = nothing_imported(report, args.source)
    if reason:  # after the report, which lists what was found instead
        raise RuntimeError(reason)
    return 0


def grade(args):
    from .grade import grade as run
    from .grade import reflagged, summary
    outcomes = run(args.assignment, _course(args, args.assignment), workers=args.workers,
                   cell_timeout=args.cell_timeout, notebook_timeout=args.notebook_timeout,
                   force=args.force, students=args.student, sandboxed=not args.no_sandbox,
                   require_limits=args.require_limits, cluster=args.cluster)
    if not outcomes:
        raise RuntimeError(f"no submissions of {args.assignment} to grade: run collect first")
    print(summary(outcomes))
    flagged = [o for o in outcomes if o.flags]
    if flagged:
        print(f"flagged for review ({len(flagged)}):")
        for o in flagged:
            print("\n".join(f"  {o.student}: {flag}" for flag in o.flags))
    course = _course(args)
    regraded = [o.student for o in outcomes if o.status != "unchanged"]
    again = reflagged(course, args.assignment, regraded) if regraded else []
    if again:
        print("note: nbgrader flags answers graded by hand 'needs manual grading' again when it "
              "regrades them; their manual scores are kept and count (confirm them in the "
              "formgrader):")
        print("\n".join(f"  {student}: {', '.join(cells)}" for student, cells in again))
    print(f"logs: {course.root / 'logs' / args.assignment}/<student>.log")


def feedback(args):
    from .feedback import feedback as run
    from .feedback import not_hand_graded
    course = _course(args, args.assignment)
    pages = run(args.assignment, course)
    for student, page in pages.items():
        print(f"{student}: {page}")
    print(f"{len(pages)} feedback pages")
    waiting = not_hand_graded(args.assignment, course)
    if waiting:
        print(f"warning: {len(waiting)} students' feedback shows 0 points for answers nobody has "
              "graded by hand yet; grade them in the formgrader, then run feedback again:")
        print("\n".join(f"  {student}: {', '.join(cells)}" for student, cells in waiting))


def export(args):
    if args.format != "csv":
        from .lms import export as lms_export
        columns = {}
        for item in args.column:
            name, sep, header = item.partition("=")
            if not sep or not header.strip():
                raise RuntimeError(f"--column {item!r}: write ASSIGNMENT=HEADER")
            columns[name.strip()] = header.strip()
        path, notes = lms_export(args.format, args.assignment, args.roster, args.out,
                                 _course(args, *args.assignment), columns, args.moodle_key)
        print(f"{args.format} import CSV: {path}")
        for note in notes:
            print(f"note: {note}")
        return
    from .export import export as run
    course = _course(args, *args.assignment)
    for assignment in args.assignment:
        csv_path, png_path = run(assignment, args.out, course)
        print(f"grades CSV: {csv_path}\nsummary PNG: {png_path}")
        try:  # the grades are written: a page that cannot be made must not fail the export
            print(f"class insight: "
                  f"{_insight(course, assignment, args.out or course.root / 'export')}")
        except RuntimeError as exc:
            print(f"note: no class insight page ({exc})")
        print("\n".join(_late(course, assignment)))


def _insight(course, assignment, out, lang="en"):
    from .insight import collect
    from .insight_page import write
    return write(collect(assignment, course, lang), out)[0]


def insight(args):
    from course.i18n import LANGUAGES

    from .insight import collect, term
    from .insight_page import summary, term_page, write
    if args.lang not in LANGUAGES:
        raise RuntimeError(f"--lang {args.lang}: the page is written in {', '.join(LANGUAGES)}")
    course = Course(args.root, args.db)
    course.check(*args.assignment)
    out = args.out or course.root / "export"
    found = []
    for assignment in args.assignment:
        found.append(collect(assignment, course, args.lang))
        print("\n".join(summary(found[-1])))
        print(f"class insight: {write(found[-1], out)[0]}")
    if len(found) > 1:
        stem = Path(out) / ("term_insight" + ("" if args.lang == "en" else f"_{args.lang}"))
        stem.with_suffix(".json").write_text(json.dumps(term(found), indent=1,
                                                        ensure_ascii=False), encoding="utf-8")
        stem.with_suffix(".html").write_text(term_page(term(found), args.lang),
                                             encoding="utf-8")
        print(f"across the term: {stem.with_suffix('.html')}")
    for item in term(found) if len(found) > 1 else []:
        print(f"persists: {item['mistake']} in {', '.join(sorted(item['assignments']))}"
              f" ({len(item['persisting'])} students in more than one: "
              f"{', '.join(item['persisting']) or 'none'})")


def similarity(args):
    from course.i18n import LANGUAGES

    from . import similarity as sim
    if args.lang not in LANGUAGES:
        raise RuntimeError(f"--lang {args.lang}: the page is written in {', '.join(LANGUAGES)}")
    course = _course(args, args.assignment)
    settings = {name: getattr(args, name) for name in sim.defaults()}
    if not 0 <= settings["threshold"] <= 1 or not 0 <= settings["common"] <= 1 or \
            settings["noise"] < 1 or settings["window"] < 1:
        raise RuntimeError("--threshold and --common are shares from 0 to 1; --noise and "
                           "--window are at least 1")
    answers = sim.class_answers(args.assignment, course)
    if len(answers) < 2:
        raise RuntimeError(f"{len(answers)} graded notebooks of {args.assignment} in "
                           f"{course.root / 'autograded'}: similarity needs two (run grade "
                           "first)")
    order, starter, solution = sim.plain_answers(args.assignment, course)
    found = sim.pairs(answers, order, starter, solution, settings)
    from .submissions import source_notebook
    written = sim.hardcoded(answers, sim.visible_tests(source_notebook(args.assignment)),
                            solution)
    from .borrowed import matches
    from .insight import class_prints
    taken = matches(args.assignment, *class_prints(course, args.assignment))
    out = Path(args.out or course.root / "export")
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"{args.assignment}_similarity" \
        f"{'' if args.lang == 'en' else '_' + args.lang}.html"
    path.write_text(sim.page(args.assignment, found, settings, len(answers), args.lang,
                             written, taken), encoding="utf-8")
    print(f"{len(answers)} students compared; {len(found)} pairs (evidence for a person to "
          "review, never a grade):")
    for p in found:
        print(f"  {p.first} and {p.second}: {p.score:.2f} ({p.overlap} shared tokens)")
    if written:
        print(f"answers holding the numbers of a visible worked example ({len(written)}):")
    for student, cell, values in written:
        print(f"  {student}: {cell} ({', '.join(f'{v:g}' for v in values)})")
    if taken:
        print(f"hidden checks that returned another student's right values ({len(taken)}):")
    for student, exercise, other in taken:
        print(f"  {student}: {exercise} (right for {other}'s cases)")
    print(f"side by side: {path}")


def _late(course, assignment):
    """Lines naming the late submissions and what they lost, under any late policy ("none"
    included: lateness is information even when it costs nothing)."""
    with course.gradebook() as gb:
        late = [(s.student_id, s.total_seconds_late, s.late_submission_penalty)
                for s in gb.assignment_submissions(assignment) if s.total_seconds_late > 0]
    if not late:
        return []
    return [f"late ({len(late)}, after the due date in the gradebook):"] + [
        f"  {student}: {_duration(seconds)} late, "
        + (f"lost {penalty:g} points" if penalty else "lost nothing")
        for student, seconds, penalty in sorted(late)]


def install_course(args):
    from .install import install_course as run
    for line in run(args.folder, args.assignment or None, args.force):
        print(line)
    print(f"next, in {args.folder}: nbgrader generate_assignment <assignment>, then "
          "nbgrader autograde / generate_feedback as usual")


def accuracy(args):
    from .accuracy import report
    return report(args.assignment, args.out)


def solutions(args):
    from .solutions import generate
    for committed, executed in generate(args.assignment or None, _course(args)):
        print(f"{committed} (executed copy: {executed})")


def translate(args):
    from . import translate as tr
    if args.check:
        text = tr.report(args.assignment or None, args.lang)
        print(text or f"every markdown cell has an up-to-date {args.lang} translation")
        return 1 if text else 0
    for path, found in tr.write(args.assignment or None, args.lang):
        print(f"{path}" + (f" ({len(found)} cells not translated or stale: "
                           f"python -m autograder translate --check)" if found else ""))
    return 0
