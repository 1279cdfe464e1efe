"""Binder (repo2docker): runtime.txt and postBuild agree with the project, and postBuild builds
the student release. No container is built here; repo2docker's conventions are what is checked:
runtime.txt holds one line `python-X.Y`, requirements.txt is installed first (so it must install
this project), postBuild is an executable script run from the repository's root."""
import json
import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from autograder.system import TARGETS
from autograder.workspace import REPO, assignments


def _project():
    return tomllib.loads((REPO / "pyproject.toml").read_text())


def test_runtime_is_the_python_the_project_targets():
    """Is runtime.txt one line `python-3.11`, the version pyproject's requires-python and ruff's
    target name?"""
    text = (REPO / "runtime.txt").read_text()
    assert re.fullmatch(r"python-\d+\.\d+\n", text), repr(text)
    version = text.strip().removeprefix("python-")
    project = _project()
    assert project["project"]["requires-python"] == f">={version}"
    assert project["tool"]["ruff"]["target-version"] == "py" + version.replace(".", "")


def test_post_build_is_the_makefiles_release_and_needs_nothing_else():
    """Is postBuild an executable bash script that stops on an error and runs exactly the
    Makefile's release command, once per language, with nothing repo2docker would not have
    installed: the project from requirements.txt, no Debian package (no apt.txt needed)?"""
    post = REPO / "postBuild"
    assert os.access(post, os.X_OK)
    lines = [line for line in post.read_text().splitlines() if line and not line.startswith("#")]
    assert post.read_text().startswith("#!/bin/bash\n") and lines[0] == "set -euo pipefail"
    recipe = re.search(r"^release:.*\n((?:\t.*\n)+)", (REPO / "Makefile").read_text(), re.M)
    commands = [c.strip().replace("$(BIN)/python", "python").replace("LANG=$(RUN_LOCALE) ", "")
                for c in recipe.group(1).splitlines()]
    assert lines[1:] == [c.replace("$(COURSE_LANG)", lang) for lang in ("en", "ko")
                         for c in commands]  # both editions
    requirements = (REPO / "requirements.txt").read_text().splitlines()
    assert "-e ." in requirements  # postBuild imports autograder and nbgrader from it
    assert any(r.startswith("nbgrader==") for r in requirements)
    assert "release" not in TARGETS and "lab" not in TARGETS and not (REPO / "apt.txt").exists()


@pytest.mark.e2e
def test_post_build_builds_the_release(tmp_path):
    """Run in a copy of the repository's tracked files, as repo2docker would, does postBuild
    leave every assignment's release notebook in work/release and its Korean edition in
    work/release_ko, and no source?"""
    files = subprocess.run(["git", "ls-files", "-z"], cwd=REPO, capture_output=True,
                           check=True).stdout.decode().split("\0")
    copy = tmp_path / "repo"
    for name in filter(None, files):
        target = copy / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if (REPO / name).exists():
            shutil.copy2(REPO / name, target)
    environ = {**os.environ, "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}"}
    environ.pop("BACKPROP_SOLUTIONS", None)
    proc = subprocess.run(["./postBuild"], cwd=copy, env=environ, capture_output=True, text=True,
                          timeout=900)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    for a in assignments():
        for release, lang in (("release", "en"), ("release_ko", "ko")):
            notebook = copy / "work" / release / a / f"{a}.ipynb"
            assert notebook.exists(), notebook
            text = notebook.read_text()
            assert "BEGIN SOLUTION" not in text
            assert (json.loads(text)["metadata"].get("backprop", {}).get("lang", "en")) == lang
