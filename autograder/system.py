"""The system packages a make target needs, checked in seconds before anything else runs.

    python3 -m autograder.system test      # check; as root on Debian/Ubuntu, install what lacks
    python3 -m autograder.system test --check-only

Standard library only: it runs before the virtual environment exists. `make test`, `make demo`
and the grading commands need Debian packages that pip cannot install (the sandbox, a browser, a
database server, fonts). As root on a Debian or Ubuntu machine the missing ones are installed
with one `apt-get update` and one `apt-get install`; otherwise the command stops at once with
the exact command to run, so nobody finds out after fifteen minutes of tests.
"""
import argparse
import glob
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass


@dataclass(frozen=True)
class Need:
    """One thing a target needs from the system."""
    package: str
    """The Debian/Ubuntu package that provides it."""
    why: str
    """What it is for, in the words of the message."""
    command: str = ""
    """A command it puts on PATH (checked with PATH as it is)."""
    files: str = ""
    """Or a glob of files it installs."""

    def present(self, path=None):
        if self.command:
            return shutil.which(self.command, path=path) is not None
        return bool(glob.glob(self.files))


SANDBOX = Need("bubblewrap", "the grading sandbox", command="bwrap")
BROWSER = Need("chromium", "the real-browser widget tests", command="chromium")
DATABASE = Need("postgresql", "the PostgreSQL gradebook test",
                files="/usr/lib/postgresql/*/bin/initdb")
FONTS = Need("fonts-dejavu-core", "the fonts the pictures and the browser draw labels with",
             files="/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
VENV = Need("python3-venv", "the JupyterHub environment, built from Debian's Python",
            files="/usr/lib/python3*/ensurepip/__init__.py")
NODE = Need("nodejs", "JupyterHub's proxy (configurable-http-proxy)", command="node")
NPM = Need("npm", "installing JupyterHub's proxy, and axe-core for the accessibility test",
           command="npm")

TARGETS = {
    "test": (SANDBOX, BROWSER, DATABASE, FONTS, VENV, NODE, NPM),
    "hub": (VENV, NODE, NPM, SANDBOX),
    "demo": (SANDBOX,),
    "grade": (SANDBOX,),
}
"""What each make target (or command) needs. `make lab` needs nothing but Python."""


def missing(target, path=None):
    return [need for need in TARGETS[target] if not need.present(path)]


def _debian():
    return shutil.which("apt-get") is not None and os.path.exists("/etc/debian_version")


def advice(target, needs):
    """The one message for a person who must install `needs` themselves."""
    lines = [f"`make {target}` needs system packages this machine lacks:"]
    lines += [f"  - {n.package}: {n.why}" for n in needs]
    names = " ".join(n.package for n in needs)
    if _debian():
        lines += ["Install them (as root, or with sudo), then run it again:",
                  f"  sudo apt-get update && sudo apt-get install -y {names}"]
    else:
        lines += ["This is not a Debian or Ubuntu machine: install the packages above with its "
                  f"package manager (names may differ: {names}), then run it again."]
    return "\n".join(lines)


def install(needs, path=None):
    """apt-get update once, then apt-get install every missing package (as root). Returns the
    packages still missing after it."""
    names = [n.package for n in needs]
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    print(f"installing Debian packages: {' '.join(names)}", flush=True)
    for argv in (["apt-get", "update", "-q"], ["apt-get", "install", "-y", "-q", *names]):
        subprocess.run(argv, check=True, env=env)
    return [n for n in needs if not n.present(path)]


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python3 -m autograder.system", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("target", choices=sorted(TARGETS))
    parser.add_argument("--check-only", action="store_true",
                        help="never install: report what is missing and exit 2")
    args = parser.parse_args(argv)
    needs = missing(args.target)
    if not needs:
        return 0
    if args.check_only or os.geteuid() != 0 or not _debian():
        print(advice(args.target, needs), file=sys.stderr)
        return 2
    try:
        still = install(needs)
    except subprocess.CalledProcessError as exc:
        print(f"apt-get failed ({exc}).\n" + advice(args.target, needs), file=sys.stderr)
        return 1
    if still:
        found = ", ".join(n.package for n in still)
        print(f"{found} installed, but still not found here (is /usr/bin on PATH?): "
              f"{', '.join(n.command or n.files for n in still)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
