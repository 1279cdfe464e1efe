"""Every environment variable the course and its grader read, with who sets it and why. Code
names them through these constants (a typo is then an AttributeError, not a silent default).
Students' kernels get these from the grader and nothing else of its environment
(autograder/sandbox.py starts them with a minimal one)."""

STUDENT_ID = "BACKPROP_STUDENT_ID"
"""Whose hidden-test cases a kernel draws (course.grading.seeds): set by the grader for each
notebook it runs; unset in a student's own session (the working folder's name is used then)."""
LANG = "BACKPROP_LANG"
"""The language messages, hints and widget labels speak, "en" or "ko" (course.i18n): set by
`make lab LANG=ko` for the server's kernels, and by the grader to the submission's language."""
SOLUTIONS = "BACKPROP_SOLUTIONS"
"""The folder of the hidden tests' references (solutions/, or an installed course's own): set
by the instructor's environment and install-course's nbgrader_config.py; never in a sandboxed
kernel, which gets only its cases (CASES)."""
CASES = "BACKPROP_CASES"
"""A sandboxed kernel's folder of this student's case inputs (data only, no expected values),
written by the grader (course.grading.kernel)."""
RECORD = "BACKPROP_RECORD"
"""The file a sandboxed kernel appends what the student's functions returned to; the grader
judges it outside the kernel (autograder/judge.py)."""
