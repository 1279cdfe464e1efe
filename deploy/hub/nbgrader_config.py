"""nbgrader's settings for everyone on the JupyterHub server: install as
/etc/jupyter/nbgrader_config.py (docs/classroom.md). Students' JupyterLab (the Assignments tab)
and the instructor's nbgrader commands read it; the instructor's course folder has its own
nbgrader_config.py on top (written by `backprop-grade install-course`).
"""
c = get_config()  # noqa: F821  (nbgrader provides it)

# The course's id: the folder of the exchange its files go through, the name students see.
c.CourseDirectory.course_id = "backprop"

# The exchange every user reaches: made by deploy/hub/setup-exchange.sh (mode 1777, with the
# course's folder made the instructor's before any student can take the name).
c.Exchange.root = "/srv/nbgrader/exchange"
