"""backprop-grade <command> (or python -m autograder <command>): the instructor's pipeline.
Each command has --help.

Every command works on an nbgrader course folder (default: work/, as nbgrader_config.py says) and
its gradebook (default: SQLite work/gradebook.db; --db takes any SQLAlchemy URL, e.g.
postgresql://user@host:5432/grades).
"""
import argparse
import os
import signal
import sys

from . import commands
from .sandbox import TIMEOUTS


def _course_options():
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--root", help="nbgrader course folder (default: work/ of the repository)")
    common.add_argument("--db", help="gradebook URL (default: sqlite:///<root>/gradebook.db)")
    return common


def build_parser():
    parser = argparse.ArgumentParser(prog="backprop-grade", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    common = [_course_options()]

    p = sub.add_parser("release", parents=common, help="build the student release (and bundle)")
    p.add_argument("assignment", nargs="?", help="assignment id, e.g. 02_chain_rule")
    p.add_argument("--lang", default="en", help="en (default) or ko: the language of the "
                   "notebooks released, into <root>/release (en) or <root>/release_<lang>, "
                   "under the same assignment names and the same gradebook")
    p.add_argument("--all", action="store_true", help="release every assignment")
    p.add_argument("--bundle", metavar="ZIP", nargs="?", const="",
                   help="also write the student bundle (default <root>/bundle/backprop-course.zip)")
    p.set_defaults(func=commands.release)

    p = sub.add_parser("collect", parents=common, help="import downloaded submissions")
    p.add_argument("assignment", help="assignment id, e.g. 02_chain_rule")
    p.add_argument("source", help="folder or .zip of downloads (LMS files or nbgrader submitted/)")
    p.add_argument("--roster", required=True, help="CSV with columns id,first_name,last_name,email "
                   "(and canvas_id / moodle_id to match Canvas's or Moodle's downloads)")
    p.add_argument("--deadline", help="ISO date-time with its offset or zone, e.g. "
                   "2025-03-01T23:59+09:00, 2025-03-01T23:59Z or '2025-03-01 23:59 Asia/Seoul'; "
                   "later files are reported as late and the gradebook's due date is set")
    p.add_argument("--late-policy", metavar="POLICY",
                   help="what a late notebook loses, kept for every grading of the assignment: "
                   "none, zero, per-hour:P or per-day:P (percent of its score per started hour "
                   "or day), then optionally ,cap:P and ,grace:N[smhd] (default: the course's, "
                   "c.CoursePenalty.policy in nbgrader_config.py)")
    p.set_defaults(func=commands.collect)

    p = sub.add_parser("grade", parents=common, help="autograde all collected submissions")
    p.add_argument("assignment", help="assignment id, e.g. 02_chain_rule")
    p.add_argument("-j", "--workers", type=int, default=os.cpu_count(),
                   help="notebooks executed in parallel (default: %(default)s, the CPU count)")
    p.add_argument("--cell-timeout", type=int, help="seconds per cell (default: nbgrader_config's "
                   "Execute.timeout)")
    p.add_argument("--notebook-timeout", type=int, default=TIMEOUTS.notebook,
                   help="seconds per notebook, kernel start included (default: %(default)s)")
    p.add_argument("--force", action="store_true",
                   help="regrade unchanged submissions too (manual grades are kept)")
    p.add_argument("--student", action="append", help="grade only this student (repeatable)")
    p.add_argument("--no-sandbox", action="store_true",
                   help="run kernels without bubblewrap and without the clean-room check (only "
                   "for notebooks you trust: a notebook can then change its own grade)")
    p.add_argument("--require-limits", action="store_true",
                   help="refuse to grade if this machine does not let the sandbox enforce its "
                   "process and memory caps (control groups)")
    p.add_argument("--cluster", metavar="ADDRESS",
                   help="grade on Dask: local:N (a LocalCluster of N workers for this batch) or "
                   "tcp://HOST:PORT (a running scheduler); default: this machine's workers")
    p.set_defaults(func=commands.grade)

    p = sub.add_parser("feedback", parents=common, help="per-student feedback HTML")
    p.add_argument("assignment", help="assignment id, e.g. 02_chain_rule")
    p.set_defaults(func=commands.feedback)

    p = sub.add_parser("export", parents=common, help="grades CSV and a summary PNG, or the "
                       "CSV Canvas or Moodle imports")
    p.add_argument("assignment", nargs="+", help="assignment ids, e.g. 02_chain_rule (canvas and "
                   "moodle: one column each, in one file)")
    p.add_argument("--out", help="output folder (default: <root>/export)")
    p.add_argument("--format", choices=("csv", "canvas", "moodle"), default="csv",
                   help="csv (default): this course's CSV and PNG per assignment; canvas: "
                   "Canvas's gradebook import CSV; moodle: Moodle's grade import CSV")
    p.add_argument("--roster", help="canvas and moodle: the roster CSV (collect's), with the "
                   "LMS's identifiers: canvas_id, sis_user_id, sis_login_id, section (Canvas); "
                   "email or idnumber (Moodle)")
    p.add_argument("--column", action="append", default=[], metavar="ASSIGNMENT=HEADER",
                   help="the LMS's column for an assignment, e.g. '02_chain_rule=Chain rule "
                   "(1234)' as Canvas's export names it (default: the assignment id)")
    p.add_argument("--moodle-key", choices=("email", "idnumber"), default="email",
                   help="moodle: identify students by Email address or ID number")
    p.set_defaults(func=commands.export)

    p = sub.add_parser("insight", parents=common, help="class insight: per exercise who passed, "
                       "failed or left it blank, the named mistakes and first wrong stages behind "
                       "the failures, what to teach next (HTML, PNG heat map, CSV, JSON)")
    p.add_argument("assignment", nargs="+", help="assignment ids, e.g. 02_chain_rule (several: "
                   "also the misconceptions that persist from one to the next)")
    p.add_argument("--lang", default="en", help="en (default) or ko: the language of the page")
    p.add_argument("--out", help="output folder (default: <root>/export)")
    p.set_defaults(func=commands.insight)

    p = sub.add_parser("similarity", parents=common, help="pairs of students whose answers are "
                       "unusually similar, starter code and solution removed: evidence for a "
                       "person to review, never a grade")
    p.add_argument("assignment", help="assignment id, e.g. 02_chain_rule")
    p.add_argument("--lang", default="en", help="en (default) or ko: the language of the page")
    p.add_argument("--out", help="output folder (default: <root>/export)")
    from .similarity import SETTINGS
    for name, (value, help_text) in SETTINGS.items():
        p.add_argument(f"--{name.replace('_', '-')}", type=type(value), default=value,
                       help=f"{help_text} (default: %(default)s)")
    p.set_defaults(func=commands.similarity)

    p = sub.add_parser("solutions", parents=common,
                       help="regenerate the clean solution notebooks in solutions/notebooks/")
    p.add_argument("assignment", nargs="*", help="assignment ids (default: all)")
    p.set_defaults(func=commands.solutions)

    p = sub.add_parser("translate", help="generate the notebooks of another language from the "
                       "English sources and translations/<lang>/*.md, or (--check) list the "
                       "cells to translate")
    p.add_argument("assignment", nargs="*", help="assignment ids (default: all)")
    p.add_argument("--lang", default="ko", help="the language (default: %(default)s)")
    p.add_argument("--check", action="store_true",
                   help="write nothing: list every missing, stale or orphaned translation with "
                   "the English text to translate; exit 1 if there is any")
    p.set_defaults(func=commands.translate)

    p = sub.add_parser("install-course", help="install this course into an nbgrader course folder "
                       "(sources, private references, nbgrader_config.py)")
    p.add_argument("folder", help="an nbgrader course folder (with nbgrader_config.py) or an "
                   "empty folder")
    p.add_argument("assignment", nargs="*", help="assignment ids (default: all)")
    p.add_argument("--force", action="store_true",
                   help="replace source notebooks and references that differ from this "
                   "course's although the installer did not write them so (edited, or there "
                   "before); without it they are named and nothing is installed")
    p.set_defaults(func=commands.install_course)

    p = sub.add_parser("accuracy", help="measure the tests: bugs caught, correct answers "
                       "accepted, mutants caught (same as python -m autograder.accuracy)")
    p.add_argument("assignment", nargs="*", help="assignment ids (default: all with variants)")
    p.add_argument("--out", help="also write the markdown report to this file")
    p.set_defaults(func=commands.accuracy)
    return parser


def _terminated(signum, frame):
    from .grade import Interrupted
    raise Interrupted(f"stopped by {signal.Signals(signum).name}", 128 + signum)


def main(argv=None):
    args = build_parser().parse_args(argv)
    # SIGTERM (a shutdown, `kill`, a batch system's time limit) stops a run as Ctrl-C does: what
    # is finished is saved, and the run ends with one line, not a traceback.
    signal.signal(signal.SIGTERM, _terminated)
    try:
        return args.func(args) or 0
    except RuntimeError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt as exc:
        print(f"error: {exc or 'interrupted (Ctrl-C)'}", file=sys.stderr)
        return getattr(exc, "code", 130)


if __name__ == "__main__":
    sys.exit(main())
