"""nbgrader's own autograde steps, split between the workers and the one gradebook writer.

`nbgrader autograde` runs two preprocessor chains per notebook: sanitize (ClearOutput,
DeduplicateIds, OverwriteKernelspec, OverwriteCells, CheckCellMetadata) and autograde (Execute,
IgnorePattern, ClearMetadata, LimitOutput, SaveAutoGrades, AssignLatePenalties, CheckCellMetadata).
Here the same chains, taken from nbgrader's Autograde converter with the course's configuration,
are cut in two: the preprocessors that write to the gradebook (WRITERS) run in the grading
process, one notebook at a time; all the others, Execute included, run in a worker, which only
reads the gradebook (OverwriteCells restores locked cells and tests from it), from a private
snapshot when it is SQLite.
"""
import copy
import shutil
import warnings
from pathlib import Path

import nbformat
from nbgrader.converters import Autograde
from nbgrader.coursedir import CourseDirectory
from nbgrader.preprocessors import AssignLatePenalties, Execute, SaveAutoGrades

from . import files

WRITERS = (SaveAutoGrades, AssignLatePenalties)


class Steps:
    """The preprocessors of nbgrader's Autograde for one course, instantiated once per process."""

    def __init__(self, course):
        self.course = course
        self.config = course.config()
        self.coursedir = CourseDirectory(config=self.config)
        converter = Autograde(coursedir=self.coursedir, config=self.config)
        chain = list(converter.autograde_preprocessors)
        after = chain[chain.index(Execute) + 1:]
        self.sanitizers = [pp(config=self.config) for pp in converter.sanitize_preprocessors]
        self.checkers = [pp(config=self.config) for pp in after if pp not in WRITERS]
        self.writers = [pp(config=self.config) for pp in after if pp in WRITERS]

    def executor(self, cell_timeout=None, cls=None):
        """nbgrader's Execute with this course's settings (a fresh kernel per notebook)."""
        # Settings go through the config: nbconvert re-reads it when the notebook starts, so an
        # attribute set on the instance would be overwritten (the cell limit would be ignored).
        config = copy.deepcopy(self.config)
        if cell_timeout:
            config.Execute.timeout = cell_timeout
        # The kernel is thrown away after one notebook: nothing to wait for at shutdown.
        config.Execute.shutdown_kernel = "immediate"
        return (cls or Execute)(config=config)

    def source_folder(self, assignment):
        return Path(self.coursedir.format_path(self.coursedir.source_directory, ".", assignment))

    def source_notebook(self, assignment, notebook):
        """The instructor's notebook: what repairs and the clean room go by."""
        return self.source_folder(assignment) / f"{notebook}.ipynb"

    def autograded(self, assignment, student):
        """nbgrader's autograded folder of a submission: the last complete result."""
        return Path(self.coursedir.format_path(self.coursedir.autograded_directory, student,
                                               assignment))

    def staging(self, assignment, student):
        """Where a new result is built (beside the grader's state, on the course's disk), until
        `commit` swaps it in: an interrupted run leaves the previous result in place."""
        return self.course.root / ".autograder" / assignment / student / "autograded"

    def commit(self, assignment, student):
        """Put the staged result in the place of the previous one. Two renames: a machine that
        dies between them leaves the previous result as `previous`, which `recover` restores."""
        final, staged = self.autograded(assignment, student), self.staging(assignment, student)
        previous = staged.with_name("previous")
        shutil.rmtree(previous, ignore_errors=True)
        final.parent.mkdir(parents=True, exist_ok=True)
        if final.exists():
            final.rename(previous)
        staged.rename(final)
        shutil.rmtree(previous, ignore_errors=True)

    def recover(self, assignment, student):
        """Restore a previous result that a dead run left between commit's two renames."""
        final = self.autograded(assignment, student)
        previous = self.staging(assignment, student).with_name("previous")
        if previous.is_dir() and not final.exists():
            final.parent.mkdir(parents=True, exist_ok=True)
            previous.rename(final)

    def resources(self, assignment, student, notebook, db_url=None):
        """What nbgrader's converter hands its preprocessors (see BaseConverter)."""
        return {"unique_key": notebook, "output_files_dir": f"{notebook}_files",
                "metadata": {"path": str(self.staging(assignment, student))},
                "nbgrader": {"student": student, "assignment": assignment, "notebook": notebook,
                             "db_url": db_url or self.course.db_url}}

    # --- worker side: reads the gradebook, never writes it ------------------------------------

    def sanitize(self, nb, resources):
        """nbgrader's sanitize chain: restore locked cells and tests from the gradebook."""
        for pp in self.sanitizers:
            nb, resources = pp(nb, resources)
        return nb

    def check(self, nb, resources):
        """nbgrader's chain after Execute, minus the gradebook writers."""
        for pp in self.checkers:
            nb, resources = pp(nb, resources)
        return nb

    # --- grading process: the only gradebook writer -------------------------------------------

    def start_submission(self, assignment, student, submitted):
        """Record the submission (with its timestamp) in the gradebook and lay out its
        autograded/ folder as nbgrader does: the submitted files, then the source's non-notebook
        files on top (students cannot replace the instructor's data files). Links and special
        files are never followed (autograder.files).
        The folder is the staging one (see `staging`): the previous result stays in place.
        Returns (the folder, [(file, why it was left out)])."""
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
        self.recover(assignment, student)
        dest = self.staging(assignment, student)
        if dest.exists():  # an interrupted run's: never the previous result
            shutil.rmtree(dest)
        dest.mkdir(parents=True)
        ignore = [*self.coursedir.ignore, "*.ipynb"]
        skipped = files.copy(submitted, dest, ignore).skipped
        files.copy(self.source_folder(assignment), dest, ignore)
        return dest, skipped

    def save(self, nb, assignment, student, notebook):
        """Save the grades of an executed notebook, then write the autograded notebook."""
        resources = self.resources(assignment, student, notebook)
        for pp in self.writers:
            nb, resources = pp(nb, resources)
        self._write(nb, assignment, student, notebook)

    def _write(self, nb, assignment, student, notebook):
        path = self.staging(assignment, student) / f"{notebook}.ipynb"
        files.write_atomic(path, nbformat.writes(nb).encode())

    def record_failure(self, assignment, student, notebook, reason, partial=None):
        """A submission that could not be graded: zero auto score, flagged for manual grading, and
        the reason as the autograder's comment, so the formgrader shows why. `partial`, the
        notebook as far as it ran, goes to autograded/ for the grader to read; its grades are
        never saved (a test cell that did not run has no error and would look passed)."""
        if partial is not None:
            self._write(partial, assignment, student, notebook)
        with self.course.gradebook() as gb:
            nb = gb.find_submission_notebook(notebook, assignment, student)
            for grade in nb.grades:
                written = grade.cell.cell_type == "markdown"
                grade.auto_score = None if written else 0
                grade.needs_manual_grade = written
            for comment in nb.comments:
                comment.auto_comment = f"Autograding failed: {reason}"
            gb.db.commit()
