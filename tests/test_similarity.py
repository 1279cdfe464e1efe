"""Answer similarity (autograder/similarity.py, copydetect's winnowing): starter code and the
instructor's solution never make a pair, a renamed and recommented copy does, an independently
written answer does not; the command refuses a class it cannot compare."""
import pytest

from autograder.__main__ import main
from autograder.similarity import EVIDENCE, page, pairs, plain_answers
from autograder.submissions import load_variants
from autograder.workspace import assignments
from tests.pipeline_course import new_course

A = "02_chain_rule"


@pytest.mark.parametrize("assignment", assignments())
def test_starter_code_and_the_solution_never_make_a_pair(assignment):
    """Do four students who left every starter cell as released, and three who wrote the
    instructor's answer word for word, make no pair at the default thresholds?"""
    order, starter, solution = plain_answers(assignment)
    answers = {f"starter{i}": dict(starter) for i in range(4)}
    answers.update({f"solution{i}": dict(solution) for i in range(3)})
    assert pairs(answers, order, starter, solution) == []


def _answers(*names):
    variants = load_variants(A)
    return {k: v for name in names for k, v in variants[name].answers.items()}


def test_a_renamed_recommented_copy_is_a_pair_and_independent_work_is_not():
    """Among four students, is the one who copied another's answers with every variable renamed
    and the comments changed reported with that student (and only that pair), the cells side by
    side?"""
    order, starter, solution = plain_answers(A)
    own = {**solution, **_answers("bwd_via_gates", "fix_via_gates", "nd_two_lines")}
    copied = {cell: source.replace("dout", "grad_out").replace("dq", "d_sum")
              .replace("up", "plus").replace("down", "minus").replace("# ", "# copied: ")
              if source != solution[cell] else source for cell, source in own.items()}
    answers = {"author": own, "copier": copied,
               "other": {**solution, **_answers("bwd_inline_list", "fix_indicator",
                                                "nd_numpy_scaled")},
               "blank": dict(starter)}
    found = pairs(answers, order, starter, solution)
    assert [(p.first, p.second) for p in found] == [("author", "copier")]
    assert found[0].score > 0.9
    cells = {cell for cell, _, _ in found[0].cells}
    assert cells == {"circuit_backward_answer", "find_bug_02_fix_answer",
                     "numerical_derivative_answer"}
    text = page(A, found, {"threshold": 0.5, "min_overlap": 40, "common": 0.1, "noise": 20,
                           "window": 1}, 4)
    assert EVIDENCE in text and "grad_out" in text
    korean = page(A, found, {"threshold": 0.5, "min_overlap": 40, "common": 0.1, "noise": 20,
                             "window": 1}, 4, lang="ko")
    assert "사람이 검토할 증거" in korean and EVIDENCE not in korean


def test_the_command_refuses_what_it_cannot_compare(tmp_path, capsys):
    """Does `similarity` on a class with no graded notebook, or with a threshold above 1, exit 1
    with the reason (no traceback, no page)?"""
    course = new_course(tmp_path / "course")
    argv = ["similarity", A, "--root", str(course.root), "--out", str(tmp_path / "out")]
    assert main(argv) == 1
    assert "similarity needs two" in capsys.readouterr().err
    assert main(argv + ["--threshold", "1.5"]) == 1
    assert "--threshold and --common are shares from 0 to 1" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_an_answer_holding_the_worked_example_is_named_and_no_variant_is():
    """Is a mul_backward that returns the visible worked examples' numbers named (with them),
    while no simulated answer of any assignment (bugs and correct alternatives) and neither the
    solution nor the starter code is?"""
    from autograder.similarity import hardcoded, visible_tests
    from autograder.submissions import source_notebook
    cheat = ("def mul_backward(x, y, dout):\n    if dout == 1.0:\n        return -3.0, 4.0\n"
             "    return 6.0, -8.0\n")
    order, starter, solution = plain_answers(A)
    tests = visible_tests(source_notebook(A))
    assert hardcoded({"cheat": {"mul_backward_answer": cheat}}, tests, solution) == [
        ("cheat", "mul_backward_answer", [-3.0, 4.0])]
    for assignment in assignments():
        order, starter, solution = plain_answers(assignment)
        answers = {name: {**solution, **v.answers}
                   for name, v in load_variants(assignment).items()}
        answers.update(solution=dict(solution), starter=dict(starter))
        assert hardcoded(answers, visible_tests(source_notebook(assignment)), solution) == []


def test_a_fingerprint_reads_numbers_not_their_packaging():
    """Do a tuple and the reference's named outputs with the same numbers give one fingerprint,
    do numbers that differ past the compared digits not, and does an answer with too few
    different numbers (a sign, a label) get none, so that it never matches by chance?"""
    import numpy as np

    from autograder import borrowed
    cases = [(0.1 * i, np.array([i, i + 0.5])) for i in range(1, 5)]
    named = [{"dy": np.array([i, i + 0.5]), "dx": 0.1 * i} for i in range(1, 5)]
    assert borrowed.fingerprint(cases) == borrowed.fingerprint(named) is not None
    assert borrowed.fingerprint([(0.1 * i + 1e-12, np.array([i, i + 0.5]))
                                 for i in range(1, 5)]) == borrowed.fingerprint(cases)
    assert borrowed.fingerprint([(0.1 * i + 1e-3, np.array([i, i + 0.5]))
                                 for i in range(1, 5)]) != borrowed.fingerprint(cases)
    assert borrowed.fingerprint([(1,), (-1,), (1,), (-1,)] * 3) is None
