"""nbgrader configuration for this course (read by `nbgrader ...` run from the repository root,
and by `python -m autograder`).

All of nbgrader's state lives under work/ (git-ignored): work/source is a link to
source_notebooks/, and release/, submitted/, autograded/, feedback/ and gradebook.db sit beside it.
"""
import os
from pathlib import Path

HERE = Path(__file__).resolve().parent
WORK = HERE / "work"

WORK.mkdir(exist_ok=True)
if not (WORK / "source").exists():
    (WORK / "source").symlink_to(HERE / "source_notebooks", target_is_directory=True)

# Hidden tests load the instructor's reference implementations from here (course.grading.hidden).
os.environ.setdefault("BACKPROP_SOLUTIONS", str(HERE / "solutions"))

c = get_config()  # noqa: F821  (nbgrader provides it)
c.CourseDirectory.course_id = "backprop"
c.CourseDirectory.root = str(WORK)
c.CourseDirectory.ignore = [".ipynb_checkpoints", "*.pyc", "__pycache__", "feedback"]

c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\nraise NotImplementedError()"}
c.ClearSolutions.text_stub = "YOUR ANSWER HERE"

# A notebook of this course runs in seconds; a cell that takes a minute is stuck.
c.Execute.timeout = 60
c.Execute.interrupt_on_timeout = True

# Feedback shows test results, never the hidden tests' code.
c.GenerateFeedback.preprocessors = [
    "nbgrader.preprocessors.GetGrades",
    "nbgrader.preprocessors.ClearHiddenTests",
    "nbconvert.preprocessors.CSSHTMLHeaderPreprocessor",
]

# No JupyterHub here: keep nbgrader's exchange inside work/ too.
c.Exchange.root = str(WORK / "exchange")

# Late submissions lose what the course's late policy says (autograder/late.py: none, zero,
# per-hour:P, per-day:P, with cap:P and grace:N[smhd]); an assignment's own policy, kept by
# `backprop-grade collect --late-policy`, comes first. nbgrader's own default takes nothing off.
c.AssignLatePenalties.plugin_class = "autograder.late.CoursePenalty"
c.CoursePenalty.policy = "none"

# Live widgets (course.widgets) only make sense in a browser. Executing a notebook (autograde)
# would otherwise save every widget's state, PNGs and SVGs included, into the notebook metadata.
c.Execute.store_widget_state = False
