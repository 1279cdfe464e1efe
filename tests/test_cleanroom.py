"""What the clean room keeps of a student's own cells (autograder/cleanroom.py): everything a
student writes to be called later, nothing that runs their code while it is defined."""
import nbformat
import pytest

from autograder import cleanroom
from autograder.workspace import SOURCES

KEPT = {
    "import": "import numpy as np",
    "from import": "from math import exp",
    "function": "def helper(x, h=1e-5):\n    return x + h",
    "function with a plain default": "def helper(x, scale=2 * H):\n    return x",
    "class": "class Gate:\n    rate = 0.5\n\n    def forward(self, x):\n        return x",
    "lru_cache": "import functools\n\n@functools.lru_cache(maxsize=None)\ndef f(n):\n    return n",
    "constant": "H = 1e-05",
    "tuple of names": "a, b = (1, 2)",
    "lambda": "square = lambda v: v * v",
    "docstring": '"""My helpers."""',
}
DROPPED = {
    "a call": "print('hello')",
    "a patch": "import numpy as np\nnp.allclose = lambda *a, **k: True",
    "an item assignment": "import os\nos.environ['X'] = '1'",
    "an assignment from a call": "x = setattr(__import__('numpy'), 'allclose', None)",
    "a default that calls": "def f(x=print('now')):\n    return x",
    "a decorator of the student's": "def patch(f):\n    return f\n\n@patch\ndef g():\n    pass",
    "a metaclass": "class M(type):\n    pass\n\nclass A(metaclass=M):\n    pass",
    "__init_subclass__": "class A:\n    def __init_subclass__(cls):\n        pass",
    "a loop": "for i in range(3):\n    pass",
    "a subscript": "x = [1, 2][0]",
    "a comprehension": "xs = [print(i) for i in range(3)]",
}


@pytest.mark.parametrize("label", sorted(KEPT))
def test_definitions_are_kept_whole(label):
    """Is a definition that runs nothing of the student's kept exactly as written?"""
    code, dropped = cleanroom.definitions(KEPT[label])
    assert code == KEPT[label] and not dropped, (label, code, dropped)


@pytest.mark.parametrize("label", sorted(DROPPED))
def test_code_that_runs_while_defined_is_left_out_and_named(label):
    """Is every statement that would run the student's code at definition time left out, and
    named in what the clean room reports?"""
    code, dropped = cleanroom.definitions(DROPPED[label])
    assert dropped, (label, code)
    assert "print" not in code and "allclose" not in code and "environ[" not in code
    assert "metaclass" not in code and "__init_subclass__" not in code and "@patch" not in code


def test_annotations_are_dropped_not_evaluated():
    """Are annotations (evaluated when a function is defined) taken out, the function kept?"""
    code, dropped = cleanroom.definitions("def f(x: print('ann')) -> print('ret'):\n"
                                          "    return x")
    assert code == "def f(x):\n    return x" and not dropped


def test_own_cells_land_after_the_instructor_cell_they_followed():
    """In the clean room's program, does a student's helper cell come right after the
    instructor's cell it followed, and its scratch lines stay out?"""
    source = nbformat.read(str(SOURCES / "02_chain_rule" / "02_chain_rule.ipynb"), as_version=4)
    nb = nbformat.from_dict(source)
    index = next(i for i, c in enumerate(nb.cells)
                 if c.metadata.get("nbgrader", {}).get("grade_id") == "add_backward_answer")
    nb.cells.insert(index, nbformat.v4.new_code_cell("def mine():\n    return 1\nprint(mine())"))
    clean, left_out = cleanroom.notebook(source, {}, nb)
    sources = [c.source for c in clean.cells]
    position = sources.index("def mine():\n    return 1")
    previous = nb.cells[index - 1]
    assert sources[position - 1] == previous.source or previous.cell_type == "markdown"
    assert left_out == ["print(mine())"]
