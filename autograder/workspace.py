"""Where things are: the repository, nbgrader's work folder, the assignments."""
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SOURCES = REPO / "source_notebooks"
SOLUTIONS = REPO / "solutions"
WORK = REPO / "work"


def assignments():
    """Assignment ids in course order: the folders of source_notebooks/."""
    return sorted(p.name for p in SOURCES.iterdir() if p.is_dir() and not p.name.startswith("."))


def env():
    """Environment for nbgrader subprocesses: this venv's bin first (nbgrader runs `alembic`)."""
    e = dict(os.environ)
    bindir = str(Path(sys.executable).parent)
    e["PATH"] = bindir + os.pathsep + e.get("PATH", "")
    e.setdefault("BACKPROP_SOLUTIONS", str(SOLUTIONS))
    e.setdefault("MPLBACKEND", "Agg")
    return e


def nbgrader(*args, cwd=REPO, check=True, timeout=None):
    """Run `nbgrader <args>` from the repository (so nbgrader_config.py applies)."""
    cmd = [str(Path(sys.executable).parent / "nbgrader"), *map(str, args)]
    proc = subprocess.run(cmd, cwd=cwd, env=env(), capture_output=True, text=True,
                          timeout=timeout)
    if check and proc.returncode != 0:
        raise RuntimeError(f"`nbgrader {' '.join(map(str, args))}` failed "
                           f"(exit {proc.returncode}):\n{proc.stdout[-3000:]}{proc.stderr[-3000:]}")
    return proc
