"""Run real nbgrader commands on a temporary course root (never the user's work/)."""
import os
import subprocess
import sys
from pathlib import Path

from nbgrader.api import Gradebook

from autograder.workspace import REPO, SOURCES, env

BIN = Path(sys.executable).parent


def make_root(path):
    """A fresh nbgrader root whose source/ is the repository's source_notebooks/."""
    path = Path(path)
    path.mkdir(parents=True, exist_ok=True)
    if not (path / "source").exists():
        (path / "source").symlink_to(SOURCES, target_is_directory=True)
    return path


def nbgrader(root, *args, timeout=600):
    """`nbgrader <args>` with the repository's config and the course root moved to `root`."""
    cmd = [str(BIN / "nbgrader"), *map(str, args), f"--CourseDirectory.root={root}"]
    proc = subprocess.run(cmd, cwd=REPO, env=env(), capture_output=True, text=True,
                          timeout=timeout)
    assert proc.returncode == 0, \
        f"{' '.join(cmd)} failed:\n{proc.stdout[-4000:]}\n{proc.stderr[-4000:]}"
    return proc


def scores(root, assignment):
    """{student: {grade cell name: (score, max_score)}} for autograded test cells."""
    out = {}
    with Gradebook(f"sqlite:///{os.path.abspath(root)}/gradebook.db", "backprop") as gb:
        for sub in gb.assignment_submissions(assignment):
            cells = {}
            for nb in sub.notebooks:
                for grade in nb.grades:
                    if grade.cell_type == "code":
                        cells[grade.name] = (grade.score, grade.max_score)
            out[sub.student.id] = cells
    return out
