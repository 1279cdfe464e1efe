"""The bare room's stripped course package (autograder/bareroom.py): for every assignment whose
exercises forbid a helper, is each stripped module valid, complete but for the helpers' bodies,
and does each helper refuse?"""
import ast
import importlib.util
from pathlib import Path

import pytest

import course
from autograder import bareroom, judge
from autograder.workspace import assignments
from course.grading import GradingError

FORBIDDING = [a for a in assignments() if bareroom.forbidding(a)]


def test_the_assignments_that_forbid_helpers_are_found():
    """Are 01-05 (centred difference, sign, circuit forward, sigmoid, relative error) found?"""
    assert FORBIDDING == ["01_perceptron", "02_chain_rule", "03_sigmoid_neuron",
                          "04_staged_backprop", "05_vectorized_layers"]


def _names(tree):
    return {getattr(n, "name", None) for n in ast.walk(tree)} - {None}


@pytest.mark.parametrize("assignment", FORBIDDING)
def test_stubs_keep_everything_but_the_helpers_bodies(assignment, tmp_path):
    """Does each stripped module define every name the original does, and does each forbidden
    helper, loaded from it, raise the refusal naming itself?"""
    forbid = bareroom.forbidding(assignment)
    paths = {p for ps in forbid.values() for p in ps}
    for file, text in bareroom.stubs(assignment).items():
        assert _names(ast.parse(text)) == _names(ast.parse(file.read_text()))
        root = Path(course.__file__).resolve().parent.parent
        module_name = ".".join(file.resolve().relative_to(root).with_suffix("").parts)
        spec = importlib.util.spec_from_file_location(module_name, tmp_path / file.name)
        (tmp_path / file.name).write_text(text)
        module = importlib.util.module_from_spec(spec)
        module.__package__ = module_name.rpartition(".")[0]
        spec.loader.exec_module(module)
        for path in paths:
            if not path.startswith(module_name + "."):
                continue
            target = module
            for part in path[len(module_name) + 1:].split("."):
                target = getattr(target, part)
            with pytest.raises(GradingError, match=path.replace(".", r"\.")):
                target(*[None] * target.__code__.co_argcount)


@pytest.mark.parametrize("assignment", FORBIDDING)
def test_the_cells_it_judges_are_the_forbidding_exercises_tests(assignment):
    """Are the cells the bare room judges exactly the hidden test cells of the forbidding
    exercises, in the instructor's source?"""
    import nbformat

    from autograder import cells
    from autograder.workspace import SOURCES
    source = nbformat.read(str(SOURCES / assignment / f"{assignment}.ipynb"), as_version=4)
    trusted = cells.tests(source)
    forbid = bareroom.forbidding(assignment)
    judged = bareroom.judged_cells(trusted, forbid)
    hidden = {gid for gid, text in trusted.items()
              if {e for _, e in judge.test_calls(text)[0]} & set(forbid)}
    assert judged == hidden and judged
