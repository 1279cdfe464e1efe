"""The clean room's program: the instructor's notebook, the student's answer cells, and what the
student legitimately wrote in cells of their own.

Students add cells: a helper function their answer calls, an import, a constant. nbgrader runs
them, and so must the clean room, or a correct answer that calls its own helper fails there. But
the clean room exists to run the tests in an interpreter the student's extra code has not
patched (`np.allclose = ...`, a replaced checker), so it keeps from each such cell only what
runs no code of the student's while it is defined:

- imports (`import x`, `from x import y`);
- function definitions, with annotations dropped, defaults and decorators that are plain values
  (a constant, a name, an attribute) or one of DECORATORS;
- class definitions built the same way: no metaclass, no `__init_subclass__` or `__set_name__`,
  a body of such definitions and assignments;
- assignments to names (`h = 1e-5`, `pair = (1, 2)`, `f = lambda v: v * v`) whose value
  is a plain expression: constants, names, attributes, arithmetic, containers, lambdas;
  never a call, an attribute or item assignment, a subscript.

Everything else in the student's own cells (top-level calls, prints, loops, patches) is left out
of the clean room, and named when that changes a verdict (worker.combine). A function the student
defines runs only when their answer calls it: it is then as much theirs as the answer itself.
"""
import ast

import nbformat
from nbformat.v4 import new_code_cell, new_notebook

from course.i18n import _

from . import cells

DECORATORS = {"staticmethod", "classmethod", "property", "functools.cache",
              "functools.lru_cache", "cache", "lru_cache", "dataclass", "dataclasses.dataclass",
              "np.vectorize", "numpy.vectorize"}
"""Decorators of the standard library (and numpy) a definition may keep: nothing of the
student's runs when they are applied."""
_PLAIN = (ast.Constant, ast.Name, ast.Attribute, ast.Tuple, ast.List, ast.Set, ast.Dict,
          ast.UnaryOp, ast.BinOp, ast.BoolOp, ast.Compare, ast.IfExp, ast.Lambda,
          ast.JoinedStr, ast.FormattedValue, ast.Starred, ast.keyword, ast.arguments, ast.arg,
          ast.expr_context, ast.operator, ast.unaryop, ast.boolop, ast.cmpop)
_HOOKS = {"__init_subclass__", "__set_name__", "__class_getitem__", "__prepare__"}
"""Methods Python calls while a class (or a subclass of it) is being defined."""


def _plain(node):
    """True if evaluating `node` calls nothing: no call, subscript or comprehension anywhere in
    it (a lambda's body is not evaluated, but its defaults are)."""
    if isinstance(node, ast.Lambda):
        return _plain(node.args)
    return isinstance(node, _PLAIN) and all(_plain(n) for n in ast.iter_child_nodes(node))


def _dotted(node):
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        base = _dotted(node.value)
        return base and f"{base}.{node.attr}"
    if isinstance(node, ast.Call) and not node.args and all(
            isinstance(k.value, ast.Constant) for k in node.keywords):
        return _dotted(node.func)  # @lru_cache(maxsize=None)
    return None


def _function(node):
    """The definition without its annotations, or None if defining it would run code."""
    if not all(_dotted(d) in DECORATORS for d in node.decorator_list):
        return None
    arguments = node.args
    if not all(_plain(d) for d in [*arguments.defaults, *arguments.kw_defaults] if d):
        return None
    for arg in [*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs,
                arguments.vararg, arguments.kwarg]:
        if arg is not None:
            arg.annotation = None
    node.returns = None
    return node


def _class(node):
    if node.keywords or not all(isinstance(b, (ast.Name, ast.Attribute)) for b in node.bases):
        return None
    if not all(_dotted(d) in DECORATORS for d in node.decorator_list):
        return None
    body = []
    for statement in node.body:
        if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef)) \
                and statement.name in _HOOKS:
            return None
        kept = _statement(statement, in_class=True)
        if kept is not None:
            body.append(kept)
    node.body = body or [ast.Pass()]
    return node


def _statement(node, in_class=False):
    """`node` as the clean room keeps it, or None."""
    if isinstance(node, (ast.Import, ast.ImportFrom)) and not in_class:
        return node
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return _function(node)
    if isinstance(node, ast.ClassDef):
        return _class(node)
    if isinstance(node, ast.Assign) and _plain(node.value) and all(
            isinstance(t, ast.Name) or isinstance(t, ast.Tuple)
            and all(isinstance(e, ast.Name) for e in t.elts) for t in node.targets):
        return node
    if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) \
            and node.value is not None and _plain(node.value):
        return ast.Assign(targets=[node.target], value=node.value, lineno=node.lineno)
    if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
        return node  # a docstring
    if isinstance(node, ast.Pass):
        return node
    return None


def definitions(source):
    """(the code the clean room keeps of a student's own cell, the first lines it leaves out)."""
    try:
        tree = ast.parse(cells.without_solution_markers(source))
    except SyntaxError:
        return "", [source.strip().splitlines()[0][:80]] if source.strip() else []
    kept, dropped = [], []
    for node in tree.body:
        statement = _statement(node)
        if statement is None:
            dropped.append(ast.get_source_segment(source, node) or "")
        else:
            kept.append(statement)
    module = ast.Module(body=kept, type_ignores=[])
    ast.fix_missing_locations(module)
    code = ast.unparse(module) if kept else ""
    if not dropped and code == ast.unparse(ast.parse(cells.without_solution_markers(source))):
        code = source  # kept whole: the cell as the student wrote it (same program, same lines)
    return code, [d.splitlines()[0][:80] for d in dropped if d]


def own_cells(nb, source):
    """The student's own code cells of `nb` (not a cell of the instructor's notebook, by grade_id
    or by source), each with the index in `source.cells` of the nearest instructor's cell above
    it (-1: the top)."""
    where = {}
    for index, cell in enumerate(source.cells):
        where.setdefault(("id", cells.grade_id(cell)) if cells.grade_id(cell)
                         else ("code", cell.source), index)
    found, anchor = [], -1
    for cell in nb.cells:
        key = ("id", cells.grade_id(cell)) if cells.grade_id(cell) else ("code", cell.source)
        if key in where:
            anchor = where[key]
        elif cell.cell_type == "code" and cell.source.strip():
            found.append((anchor, cell.source))
    return found


def notebook(source, answers, nb=None):
    """The program the clean room runs (code cells only): the instructor's notebook with the
    student's answer cells and, after the instructor's cell each follows, the definitions of the
    student's own cells in `nb`. Returns (notebook, [the lines left out of those cells])."""
    own = own_cells(nb, source) if nb is not None else []
    kept, left_out = [], []

    def insert_own(anchor):
        for where, text in own:
            if where == anchor:
                code, dropped = definitions(text)
                if code:
                    kept.append(new_code_cell(code))
                left_out.extend(dropped)

    insert_own(-1)
    for index, cell in enumerate(source.cells):
        if cell.cell_type == "code":
            new = nbformat.from_dict(dict(cell))
            if cells.is_answer(cell):
                new.source = answers.get(cells.grade_id(cell), "")
            new.outputs, new.execution_count = [], None
            kept.append(new)
        insert_own(index)
    return new_notebook(cells=kept, metadata=source.metadata), left_out


def left_out_note(lines):
    """One sentence naming what the clean room did not run of the student's own cells."""
    if not lines:
        return ""
    shown = "; ".join(f"`{line}`" for line in lines[:3])
    if len(lines) > 3:
        shown += " " + _("and {n} more", n=len(lines) - 3)
    return "; " + _("of your own cells it runs imports, functions, classes and plain "
                    "assignments only, and left out {shown}", shown=shown)
