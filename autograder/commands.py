"""The CLI's commands: each turns parsed arguments into one module's call and prints the result.
The work itself lives in release, bundle, collect, grade, feedback, export and solutions."""
from .workspace import Course, assignments


def _course(args):
    return Course(args.root, args.db, lang=getattr(args, "lang", "en"))


def release(args):
    from . import bundle as bundle_mod
    from . import release as release_mod
    course = _course(args)
    names = assignments() if args.all or not args.assignment else [args.assignment]
    for folder in release_mod.release(names, course=course):
        print(f"released {folder}")
    if args.bundle is not None:
        print(f"student bundle: {bundle_mod.bundle(names, args.bundle or None, course)}")


def collect(args):
    from .collect import collect as run
    from .collect import nothing_imported, summary
    report = run(args.assignment, args.source, args.roster, args.deadline, _course(args),
                 args.late_policy)
    print(summary(report, args.assignment))
    reason = nothing_imported(report, args.source)
    if reason:  # after the report, which lists what was found instead
        raise RuntimeError(reason)
    return 0


def grade(args):
    from .grade import grade as run
    from .grade import summary
    outcomes = run(args.assignment, _course(args), workers=args.workers,
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
    print(f"logs: {_course(args).root / 'logs' / args.assignment}/<student>.log")


def feedback(args):
    from .feedback import feedback as run
    pages = run(args.assignment, _course(args))
    for student, page in pages.items():
        print(f"{student}: {page}")
    print(f"{len(pages)} feedback pages")


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
                                 _course(args), columns, args.moodle_key)
        print(f"{args.format} import CSV: {path}")
        for note in notes:
            print(f"note: {note}")
        return
    from .export import export as run
    for assignment in args.assignment:
        csv_path, png_path = run(assignment, args.out, _course(args))
        print(f"grades CSV: {csv_path}\nsummary PNG: {png_path}")


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
