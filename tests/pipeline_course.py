"""A fresh course folder for the pipeline tests, in a temporary directory (never work/).

Creating a SQLite gradebook makes nbgrader run `alembic` in a subprocess (seconds on a busy
machine); the tests make one empty gradebook per session and give each course a copy.
"""
import functools
import shutil
import tempfile
from pathlib import Path

from autograder.workspace import Course


@functools.cache
def _empty_gradebook():
    course = Course(Path(tempfile.mkdtemp(prefix="empty-gradebook-")))
    with course.gradebook():
        pass
    return course.root / "gradebook.db"


def new_course(path):
    """A Course at `path` whose gradebook starts as a copy of an empty nbgrader gradebook."""
    course = Course(path)
    shutil.copy(_empty_gradebook(), course.root / "gradebook.db")
    return course
