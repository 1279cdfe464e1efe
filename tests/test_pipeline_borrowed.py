"""Evidence only this grader has (autograder/borrowed.py): does `similarity` name a submission
whose hidden check returned another student's right values, case for case, and nobody else? A
real class of 02 graded by the real pipeline: two honest students and one whose mul_backward
returns, inside the hidden check, the values that are right for ada's cases."""
import nbformat
import pytest

from autograder.__main__ import main
from autograder.submissions import build_submission, submit
from course.grading import grader
from tests.pipeline_course import new_course

pytestmark = pytest.mark.pipeline

A = "02_chain_rule"
COPIER = '''import inspect

_COPIED = iter({values!r})


def mul_backward(x, y, dout):
    """Right everywhere but in the grader's hidden check, where it returns ada's values."""
    if any(f.function == "record_hidden" and f.frame.f_locals.get("name") == "mul_backward"
           for f in inspect.stack()):
        return next(_COPIED)
    return dout * y, dout * x
'''


def test_similarity_names_the_answer_that_returned_another_students_values(tmp_path, capsys):
    course = new_course(tmp_path / "course")
    assert main(["release", A, "--root", str(course.root)]) == 0
    release = nbformat.read(str(course.root / "release" / A / f"{A}.ipynb"), as_version=4)
    ex = grader.exercise(A, "mul_backward")
    values = [tuple(ex.expected(c).values()) for c in grader.cases(A, "mul_backward", "ada")]
    for student in ("ada", "bob"):
        submit(course.root, student, A, build_submission(release, A))
    submit(course.root, "copier", A, build_submission(
        release, A, {"mul_backward_answer": COPIER.format(values=values)}))
    assert main(["grade", A, "-j", "2", "--root", str(course.root)]) == 0
    capsys.readouterr()
    assert main(["similarity", A, "--root", str(course.root)]) == 0
    said = capsys.readouterr().out
    assert "copier: mul_backward (right for ada's cases)" in said, said
    assert said.count("right for") == 1, said  # bob and ada returned their own values
    page = (course.root / "export" / f"{A}_similarity.html").read_text()
    assert "copier, mul_backward: the values that are right for ada&#x27;s cases" in page
