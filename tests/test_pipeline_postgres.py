"""The pipeline with its gradebook in PostgreSQL (--db): a real server, started by the test on a
loopback port in a temporary folder, and stopped afterwards."""
import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

import nbformat
import pytest
from nbgrader.api import Gradebook

from autograder.__main__ import main
from autograder.submissions import build_submission, load_variants, submit
from autograder.workspace import Course

A = "02_chain_rule"
pytestmark = pytest.mark.postgres


def _bin(name):
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    assert found, "PostgreSQL server binaries are missing: install the Debian package " \
                  "`postgresql` (.ci/run does)"
    return found[-1]


def _as_server_user(cmd, **kw):
    """initdb refuses to run as root: run the server's commands as `nobody` when we are root."""
    prefix = ["runuser", "-u", "nobody", "--"] if os.geteuid() == 0 else []
    return subprocess.run(prefix + cmd, check=True, capture_output=True, text=True, **kw)


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def postgres():
    """URL of a throw-away PostgreSQL server (trust auth on 127.0.0.1 only)."""
    folder = Path(tempfile.mkdtemp(prefix="pipeline-pg-"))
    os.chmod(folder, 0o755)
    if os.geteuid() == 0:
        nobody = pwd.getpwnam("nobody")
        os.chown(folder, nobody.pw_uid, nobody.pw_gid)
    data, port = folder / "data", _free_port()
    _as_server_user([_bin("initdb"), "-D", str(data), "-A", "trust", "-U", "postgres",
                     "--no-sync"])
    _as_server_user([_bin("pg_ctl"), "-D", str(data), "-l", str(folder / "server.log"), "-w",
                     "-o", f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -F", "start"])
    try:
        yield f"postgresql://postgres@127.0.0.1:{port}/postgres"
    finally:
        _as_server_user([_bin("pg_ctl"), "-D", str(data), "-m", "immediate", "stop"])
        shutil.rmtree(folder, ignore_errors=True)


def test_release_grade_export_with_a_postgresql_gradebook(postgres, tmp_path):
    """Do release, grade (2 workers) and export work with --db postgresql://..., leaving the
    grades in PostgreSQL and no SQLite file behind?"""
    course = Course(tmp_path / "course", postgres)
    opts = ["--root", str(course.root), "--db", postgres]
    assert main(["release", A, *opts]) == 0
    release = nbformat.read(str(course.root / "release" / A / f"{A}.ipynb"), as_version=4)
    bug = load_variants(A)["mul_not_swapped"]
    submit(course.root, "correct", A, build_submission(release, A))
    submit(course.root, "buggy", A, build_submission(release, A, bug.answers))
    assert main(["grade", A, "-j", "2", *opts]) == 0
    assert main(["export", A, "--out", str(tmp_path / "out"), *opts]) == 0
    with Gradebook(course.db_url, "backprop") as gb:
        scores = {s.student.id: s.score for s in gb.assignment_submissions(A)}
    assert scores["correct"] > scores["buggy"] > 0
    assert not (course.root / "gradebook.db").exists()
    csv = (tmp_path / "out" / f"{A}_grades.csv").read_text(encoding="utf-8-sig")
    assert csv.count("\n") == 3 and "buggy" in csv
