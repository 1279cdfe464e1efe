"""Automatic mutants of an instructor answer: small edits a test suite ought to notice.

Only the code between ### BEGIN SOLUTION and ### END SOLUTION is mutated. Each mutant has a
stable id "<grade_id>:<line>:<col>:<operator>" so survivors can be explained by name.
"""
import ast
import copy

from .cells import solution_lines

_FLIP = {ast.Add: ast.Sub, ast.Sub: ast.Add, ast.Mult: ast.Div, ast.Div: ast.Mult,
         ast.MatMult: ast.Mult, ast.Pow: ast.Mult}
_CMP = {ast.Gt: ast.Lt, ast.Lt: ast.Gt, ast.GtE: ast.LtE, ast.LtE: ast.GtE, ast.Eq: ast.NotEq,
        ast.NotEq: ast.Eq}


def _edits(node):
    """(operator name, replacement node) pairs for one AST node."""
    if isinstance(node, ast.BinOp):
        if type(node.op) in _FLIP:
            yield "flip_operator", ast.BinOp(node.left, _FLIP[type(node.op)](), node.right)
        if isinstance(node.op, (ast.Add, ast.Sub, ast.Mult, ast.Div, ast.MatMult)):
            yield "drop_right_term", node.left
            yield "drop_left_term", node.right
        if not isinstance(node.op, (ast.Add, ast.Mult)):  # a+b, a*b: swapping changes nothing
            yield "swap_operands", ast.BinOp(node.right, node.op, node.left)
    elif isinstance(node, ast.Compare) and len(node.ops) == 1 and type(node.ops[0]) in _CMP:
        flipped = [_CMP[type(node.ops[0])]()]
        yield "flip_comparison", ast.Compare(node.left, flipped, node.comparators)
    elif isinstance(node, ast.AugAssign):
        yield "assign_not_accumulate", ast.Assign([node.target], node.value, lineno=node.lineno)
    elif isinstance(node, ast.Call) and len(node.args) >= 2:
        yield "swap_arguments", ast.Call(node.func, [node.args[1], node.args[0], *node.args[2:]],
                                         node.keywords)
    elif isinstance(node, ast.Tuple) and len(node.elts) >= 2 and isinstance(node.ctx, ast.Load):
        yield "swap_elements", ast.Tuple([node.elts[1], node.elts[0], *node.elts[2:]], ast.Load())
    elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        yield "drop_minus", node.operand
    elif (isinstance(node, ast.Constant) and isinstance(node.value, (int, float))
          and not isinstance(node.value, bool) and node.value != 0):
        yield "negate_constant", ast.Constant(-node.value)


class _Replace(ast.NodeTransformer):
    def __init__(self, target, new):
        self.target, self.new = target, new

    def generic_visit(self, node):
        if node is self.target:
            return self.new
        return super().generic_visit(node)


def mutants(grade_id, source):
    """(mutant id, mutated cell source, what changed) for every edit inside the solution region."""
    tree = ast.parse(source)
    region = solution_lines(source)
    out = []
    for node in ast.walk(tree):
        if getattr(node, "lineno", None) not in region:
            continue
        for name, replacement in _edits(node):
            mutated = copy.deepcopy(tree)
            twin = next(n for n in ast.walk(mutated) if ast.dump(n, include_attributes=True)
                        == ast.dump(node, include_attributes=True))
            new_tree = _Replace(twin, copy.deepcopy(replacement)).visit(mutated)
            new_tree = ast.fix_missing_locations(new_tree)
            try:
                text = ast.unparse(new_tree)
            except Exception:  # an edit that makes no valid program is not a mutant
                continue
            change = f"`{ast.unparse(node)}` -> `{ast.unparse(replacement)}`"
            out.append((f"{grade_id}:{node.lineno}:{node.col_offset}:{name}", text, change))
    return out
