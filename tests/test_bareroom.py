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


def _program(*sources, judged=()):
    """A notebook of code cells; the i-th cell gets grade_id f"c{i}" if listed in `judged`."""
    import nbformat
    nb = nbformat.v4.new_notebook()
    for i, source in enumerate(sources):
        cell = nbformat.v4.new_code_cell(source)
        if f"c{i}" in judged:
            cell.metadata["nbgrader"] = {"grade_id": f"c{i}", "grade": True, "points": 1}
        nb.cells.append(cell)
    return nb


def _kept(program, judged):
    return [c.source for c in bareroom.slim(program, set(judged)).cells]


def test_the_slim_program_keeps_what_the_judged_cells_read():
    """Are kept: the cells that bind a name a kept cell reads (also inside a function body, or
    changed in place through an item or attribute), a cell whose bindings cannot be told
    (globals(), a star import, an unparsable cell, a magic that IPython rewrites into a call of
    get_ipython); left out: a figure nobody reads, a cell after the last judged one, and a cell
    that changes a needed object through a method call (the worker then runs the whole
    program)?"""
    cells_ = ["%matplotlib inline",
              "import numpy as np\nimport math",
              "show(np.zeros(3))",                            # a figure: read by nobody
              "table = {}",
              "table['k'] = 2",                               # changes table: kept
              "table.update(j=1)",                            # a method call: left out
              "def helper(v):\n    return math.exp(v) * table['k']",
              "def answer(v):\n    return helper(v)",
              "check(answer)",                                # judged
              "globals()['x'] = 1",                           # after the last judged
              ]
    assert _kept(_program(*cells_, judged={"c8"}), {"c8"}) == [
        cells_[0], cells_[1], cells_[3], cells_[4], cells_[6], cells_[7], cells_[8]]
    dynamic = ["from math import *", "globals()['y'] = 2", "def (broken", "plot()", "check(f)"]
    assert _kept(_program(*dynamic, judged={"c4"}), {"c4"}) == [*dynamic[:3], dynamic[4]]
    assert _kept(_program("a = 1", "check(a)", judged={"c1"}), set()) == []


@pytest.mark.parametrize("assignment", FORBIDDING)
def test_the_slim_program_keeps_every_judged_cell_and_its_answers(assignment):
    """On the instructor's notebook, does the slim program keep every judged cell and the
    answer cell of every forbidding exercise, and leave something out?"""
    import nbformat

    from autograder import cells
    from autograder.workspace import SOURCES
    source = nbformat.read(str(SOURCES / assignment / f"{assignment}.ipynb"), as_version=4)
    forbid = bareroom.forbidding(assignment)
    judged = bareroom.judged_cells(cells.tests(source), forbid)
    whole = bareroom.notebook(source, judged)
    kept = {cells.grade_id(c) for c in bareroom.slim(whole, judged).cells}
    answers = {cells.grade_id(c) for c in source.cells if cells.is_answer(c)
               and any(f"def {name}(" in c.source for name in forbid)}
    assert judged <= kept and answers <= kept and answers
    assert len(bareroom.slim(whole, judged).cells) < sum(c.cell_type == "code"
                                                         for c in whole.cells)
