"""Build the student release of assignments and check that nothing graded leaks into it."""
from pathlib import Path

from .workspace import WORK, assignments, nbgrader

# Text that only instructor material contains. Any of it in a release is a leak.
LEAK_MARKERS = ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "END HIDDEN TESTS",
                "hidden.check(", "BACKPROP_SOLUTIONS", "solutions/reference")


def leaks(folder):
    """(file, marker) pairs for every leak marker found under `folder`."""
    found = []
    for path in sorted(Path(folder).rglob("*")):
        if path.is_file():
            text = path.read_text(errors="replace")
            found += [(path, m) for m in LEAK_MARKERS if m in text]
    return found


def release(names=None, force=True):
    """Generate the release of each assignment into work/release/<name>; returns their folders."""
    names = names or assignments()
    out = []
    for name in names:
        nbgrader("generate_assignment", name, *(["--force"] if force else []))
        folder = WORK / "release" / name
        bad = leaks(folder)
        if bad:
            raise RuntimeError("release of %s leaks instructor material: %s" % (
                name, "; ".join(f"{p.name}: {m!r}" for p, m in bad)))
        out.append(folder)
    return out
