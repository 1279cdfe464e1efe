"""python -m autograder <command>: the instructor's pipeline. Each command has --help."""
import argparse
import sys

from . import release as release_mod


def _release(args):
    for folder in release_mod.release(None if args.all or not args.assignment else [args.assignment]):
        print(f"released {folder}")


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m autograder", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("release", help="build the student release of assignments")
    p.add_argument("assignment", nargs="?", help="assignment id, e.g. 02_chain_rule")
    p.add_argument("--all", action="store_true", help="release every assignment")
    p.set_defaults(func=_release)
    args = parser.parse_args(argv)
    try:
        args.func(args)
    except RuntimeError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
