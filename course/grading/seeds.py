"""Test inputs drawn per (student, assignment, test): regrades repeat, students differ.

The student id comes from BACKPROP_STUDENT_ID (set by the grading pipeline), or from the working
folder nbgrader autogrades in (`.../autograded/<student>/<assignment>/`), or on a JupyterHub from
JUPYTERHUB_USER (the hub's user name is the student's nbgrader id); a student running the
notebook at home has none of these and gets the fixed seed "anonymous".
"""
import hashlib
import os
from pathlib import Path

import numpy as np

from .. import environment

ANONYMOUS = "anonymous"


def student_id(cwd=None):
    """The id of the student whose notebook is being graded, or ANONYMOUS."""
    explicit = os.environ.get(environment.STUDENT_ID, "").strip()
    if explicit:
        return explicit
    parts = Path(cwd or os.getcwd()).parts
    if len(parts) >= 3 and parts[-3] == "autograded":
        return parts[-2]
    return os.environ.get("JUPYTERHUB_USER", "").strip() or ANONYMOUS


def seed_for(assignment, test, student=None):
    """A 64-bit seed from sha256 of the triple: stable across machines and Python versions."""
    key = f"{student or student_id()}|{assignment}|{test}".encode()
    return int.from_bytes(hashlib.sha256(key).digest()[:8], "little")


def rng(assignment, test, student=None):
    """numpy Generator for this student's cases of one test."""
    return np.random.default_rng(seed_for(assignment, test, student))
