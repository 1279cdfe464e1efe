"""nbgrader's own autograde steps, split around execution.

`nbgrader autograde` runs two preprocessor chains per notebook: sanitize (ClearOutput,
DeduplicateIds, OverwriteKernelspec, OverwriteCells, CheckCellMetadata) and autograde (Execute,
IgnorePattern, ClearMetadata, LimitOutput, SaveAutoGrades, AssignLatePenalties, CheckCellMetadata).
Here the same chains, taken from nbgrader's Autograde converter with the course's configuration,
run in this process; only Execute is cut out and done by a worker (autograder.worker). So every
gradebook read and write happens in one process, one notebook at a time.
"""
import os
import shutil
import warnings
from pathlib import Path

import nbformat
from nbgrader.converters import Autograde
from nbgrader.coursedir import CourseDirectory
from nbgrader.preprocessors import Execute
from nbgrader.utils import find_all_files


class Steps:
    """The preprocessors of nbgrader's Autograde for one course, instantiated once per run."""

    def __init__(self, course):
        self.course = course
        self.config = course.config()
        self.coursedir = CourseDirectory(config=self.config)
        converter = Autograde(coursedir=self.coursedir, config=self.config)
        chain = list(converter.autograde_preprocessors)
        cut = chain.index(Execute)
        self.before = [pp(config=self.config) for pp in converter.sanitize_preprocessors]
        self.after = [pp(config=self.config) for pp in chain[cut + 1:]]
        self.cell_timeout = Execute(config=self.config).timeout

    def resources(self, assignment, student, notebook, cwd):
        """What nbgrader's converter hands its preprocessors (see BaseConverter)."""
        return {"unique_key": notebook, "output_files_dir": f"{notebook}_files",
                "metadata": {"path": str(cwd)},
                "nbgrader": {"student": student, "assignment": assignment, "notebook": notebook,
                             "db_url": self.course.db_url}}

    def start_submission(self, assignment, student, submitted):
        """Record the submission (with its timestamp) in the gradebook and lay out its
        autograded/ folder as nbgrader does: the submitted files, then the source's non-notebook
        files on top (students cannot replace the instructor's data files)."""
        timestamp = self.coursedir.get_existing_timestamp(str(submitted))
        with self.course.gradebook() as gb, warnings.catch_warnings():
            # nbgrader's update_or_create_submission trips SQLAlchemy 2's autoflush warning
            # ("... not in session"); the submission is created all the same.
            warnings.filterwarnings("ignore", message=".*not in session.*")
            gb.update_or_create_student(student)
            if timestamp:
                gb.update_or_create_submission(assignment, student, timestamp=timestamp)
            else:
                gb.update_or_create_submission(assignment, student)
        dest = Path(self.coursedir.format_path(self.coursedir.autograded_directory, student,
                                               assignment))
        if dest.exists():
            shutil.rmtree(dest)
        dest.mkdir(parents=True)
        source = Path(self.coursedir.format_path(self.coursedir.source_directory, ".", assignment))
        for folder in (submitted, source):
            for name in find_all_files(str(folder), self.coursedir.ignore + ["*.ipynb"]):
                target = dest / os.path.relpath(name, folder)
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy(name, target)
        return dest

    def sanitize(self, nb, resources):
        """nbgrader's sanitize chain: restore locked cells and tests from the gradebook."""
        for pp in self.before:
            nb, resources = pp(nb, resources)
        return nb

    def finish(self, nb, resources, dest):
        """nbgrader's chain after Execute (saves the grades), then write the autograded notebook."""
        for pp in self.after:
            nb, resources = pp(nb, resources)
        nbformat.write(nb, str(Path(dest) / f"{resources['unique_key']}.ipynb"))

    def record_failure(self, assignment, student, notebook, reason):
        """A submission that could not be graded: zero auto score, flagged for manual grading, and
        the reason as the autograder's comment, so the formgrader shows why."""
        with self.course.gradebook() as gb:
            nb = gb.find_submission_notebook(notebook, assignment, student)
            for grade in nb.grades:
                grade.auto_score = 0
                grade.needs_manual_grade = True
            for comment in nb.comments:
                comment.auto_comment = f"Autograding failed: {reason}"
            gb.db.commit()
