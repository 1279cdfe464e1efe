"""The sandboxed protocol reaches the same verdicts as a direct check, for every exercise of
every assignment, on the instructor's answers and every simulated student answer (bugs and
correct alternatives): the kernel only records (course.grading.kernel), the grader judges
(course.grading.grader.judge), and nothing is lost in between -- not a pass, not a failure,
not the message a student reads."""
import ast
import collections
import contextlib
import io
import json
from decimal import Decimal
from fractions import Fraction

import numpy as np
import pytest

from autograder.accuracy import Runner
from autograder.submissions import load_variants
from autograder.workspace import assignments
from course.grading import GradingError, grader, hidden, kernel

STUDENT = "protocol-check"


def _checked(runner):
    """{exercise: name of the checked function} from the source's hidden test cells."""
    out = {}
    for kind, _, source in runner.cells:
        for node in ast.walk(ast.parse(source)) if kind == "test" else ():
            if isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "check" \
                    and len(node.args) == 3 and isinstance(node.args[2], ast.Name):
                out[node.args[1].value] = node.args[2].id
    return out


def _direct(assignment, exercise, fn):
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            hidden.check(assignment, exercise, fn)
    except GradingError as error:
        return str(error)
    return None


def _recorded(assignment, exercise, fn, tmp_path, monkeypatch):
    cases = tmp_path / "cases"
    (cases / assignment).mkdir(parents=True, exist_ok=True)
    (cases / assignment / f"{exercise}.json").write_text(
        json.dumps(grader.case_file(assignment, exercise, STUDENT)))
    log = tmp_path / "record.jsonl"
    log.unlink(missing_ok=True)
    monkeypatch.setenv(kernel.CASES_ENV, str(cases))
    monkeypatch.setenv(kernel.RECORD_ENV, str(log))
    with contextlib.redirect_stdout(io.StringIO()):
        hidden.check(assignment, exercise, fn)
    monkeypatch.delenv(kernel.CASES_ENV)
    monkeypatch.delenv(kernel.RECORD_ENV)
    (entry,) = [json.loads(line) for line in log.read_text().splitlines()]
    return grader.judge(assignment, exercise, entry["fn"], entry["results"], STUDENT)


@pytest.mark.accuracy  # every simulated answer of every exercise, both routes: a slow tier
@pytest.mark.parametrize("assignment", assignments())
def test_recorded_verdicts_equal_direct_verdicts(assignment, tmp_path, monkeypatch):
    monkeypatch.setenv("BACKPROP_STUDENT_ID", STUDENT)
    runner = Runner(assignment)
    checked = _checked(runner)
    answer_sets = [("reference", {})] + [(n, v.answers)
                                         for n, v in load_variants(assignment).items()]
    compared = failures = 0
    first = next((g, s) for k, g, s in runner.cells if k == "solution")
    for name, answers in answer_sets:
        _, ns, _ = runner.failures(answers or dict([first]))  # the reference: its own first answer
        for exercise, fn_name in checked.items():
            if fn_name not in ns:
                continue
            direct = _direct(assignment, exercise, ns[fn_name])
            recorded = _recorded(assignment, exercise, ns[fn_name], tmp_path, monkeypatch)
            assert recorded == direct, (assignment, name, exercise)
            compared += 1
            failures += direct is not None
    assert compared >= len(checked) and failures > 0


class _Array:
    """A student's own array-like (numpy reads it through __array__)."""

    def __init__(self, value):
        self.value = value

    def __array__(self, dtype=None, copy=None):
        return np.asarray(self.value, dtype=dtype)


class _Number:
    """A student's own number (numpy reads it through __float__)."""

    def __init__(self, value):
        self.value = value

    def __float__(self):
        return float(self.value)


FLOATS = (float, np.float16, np.float32, np.float64, np.longdouble)
NUMBER_TYPES = {
    **{t.__name__: t for t in FLOATS},
    **{t.__name__: t for t in (np.int8, np.int16, np.int32, np.int64, np.uint8, np.uint64)},
    "int": int, "bool": bool, "np.bool_": np.bool_, "complex": complex,
    "np.complex128": np.complex128, "Fraction": lambda v: Fraction(v).limit_denominator(10**9),
    "Decimal": lambda v: Decimal(repr(float(v))), "0-d array": np.array,
    "0-d float32 array": lambda v: np.array(v, dtype=np.float32),
    "memoryview": lambda v: memoryview(np.array([v])), "__array__": _Array, "__float__": _Number,
    "str array": lambda v: np.array([str(v)]), "object array": lambda v: np.array([v], object),
}


def _number_cases():
    """(label, function) pairs: add_backward returning dout, or a wrong value, or a non-finite
    value, as every numeric type numpy and the standard library have."""
    cases = []
    for name, make in NUMBER_TYPES.items():
        cases.append((f"{name} right", lambda x, y, dout, m=make: (m(dout), m(dout))))
        cases.append((f"{name} wrong", lambda x, y, dout, m=make: (m(dout), m(2 * dout + 1))))
    for kind in FLOATS:
        for bad in ("nan", "inf", "-inf"):
            cases.append((f"{kind.__name__}({bad})",
                          lambda x, y, dout, k=kind, b=bad: (k(dout), k(float(b)))))
    return cases


Pair = collections.namedtuple("Pair", "dx dy")


class MyList(list):
    """A student's own list type."""


CONTAINERS = {
    "namedtuple": lambda a, b: Pair(a, b), "list subclass": lambda a, b: MyList([a, b]),
    "list": lambda a, b: [a, b], "OrderedDict": lambda a, b: collections.OrderedDict(dx=a, dy=b),
    "dict": lambda a, b: {"dx": a, "dy": b},
}
"""The containers a student may return several outputs in (a dict is refused by both routes
alike: compare.py's rule)."""


@pytest.mark.parametrize("label", sorted(CONTAINERS))
def test_every_container_gets_the_same_verdict_both_ways(label, tmp_path, monkeypatch):
    """Is a correct pair returned as a namedtuple or a list's subclass accepted by the recorded
    route exactly as by the direct route (a fair answer never loses points to the wire)?"""
    monkeypatch.setenv("BACKPROP_STUDENT_ID", STUDENT)

    def add_backward(x, y, dout):
        return CONTAINERS[label](dout, dout)
    direct = _direct("02_chain_rule", "add_backward", add_backward)
    recorded = _recorded("02_chain_rule", "add_backward", add_backward, tmp_path, monkeypatch)
    assert recorded == direct, label
    if label not in ("OrderedDict", "dict"):
        assert direct is None, (label, direct)


@pytest.mark.parametrize("label, fn", _number_cases(), ids=[c[0] for c in _number_cases()])
def test_every_numeric_type_gets_the_same_verdict_and_message_both_ways(label, fn, tmp_path,
                                                                        monkeypatch):
    """Does the recorded route accept (or refuse, with the same words) every number the direct
    route does: numpy's scalar types (longdouble and float16 too), complex, Fraction, Decimal,
    bool, 0-d arrays, memoryviews, array-likes, and nan and inf of every float type?"""
    monkeypatch.setenv("BACKPROP_STUDENT_ID", STUDENT)
    fn.__name__ = "add_backward"
    direct = _direct("02_chain_rule", "add_backward", fn)
    recorded = _recorded("02_chain_rule", "add_backward", fn, tmp_path, monkeypatch)
    assert recorded == direct, label
    if label.endswith("right") and label.rsplit(" ", 1)[0] in PRECISE:
        assert direct is None, (label, direct)  # a correct value of these types passes


PRECISE = {"float", "float32", "float64", "longdouble", "Fraction", "Decimal", "0-d array",
           "0-d float32 array", "memoryview", "__array__", "__float__", "str array",
           "object array"}
"""Types that can hold the right answer to within the tolerance (float16 and integers cannot;
bool and complex are refused by both routes alike, as not a real number)."""


def _one_sided(f, x, h=1e-5):
    return (f(x + h) - f(x)) / h


def _refused(f, x, h=1e-5):
    import course.gradcheck as gc
    return float(gc.numerical_gradient(lambda v: f(float(v)), x, h))


@pytest.mark.parametrize("exercise, fn", [
    ("add_backward", lambda x, y, dout: (dout, 2 * dout + 1)),  # the checker's own words
    ("mul_backward", lambda x, y, dout: (dout * x, dout * y)),  # a generic hint
    ("numerical_derivative", _one_sided),  # the reference's title and hint
    ("numerical_derivative", _refused),  # refused in the kernel, read back by the grader
], ids=["failure", "generic hint", "reference hint", "refused helper"])
def test_korean_messages_are_the_same_both_ways(exercise, fn, tmp_path, monkeypatch):
    """In Korean, does the recorded route give the very message the direct route gives, and is
    it Korean?"""
    from course import i18n
    monkeypatch.setenv("BACKPROP_STUDENT_ID", STUDENT)
    fn.__name__ = exercise
    i18n.use("ko")
    try:
        direct = _direct("02_chain_rule", exercise, fn)
        recorded = _recorded("02_chain_rule", exercise, fn, tmp_path, monkeypatch)
    finally:
        i18n.use(None)
    assert recorded == direct
    assert any("\uac00" <= ch <= "\ud7a3" for ch in direct), direct
