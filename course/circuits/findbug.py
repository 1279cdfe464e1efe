"""Find the bug: a backward pass with one realistic mistake, drawn in the live circuit.

Each student is shown one bug of a small set, picked like their hidden cases (course.grading
.seeds). The buggy backward returns the gradient of every wire but the output, so the live
circuit can compare each one with centred differences and mark the wrong ones (a thick dashed
wire with a cross); the student names the wires where the dashed wires start and writes the fix.
Which wires those are is not computed here: that is the instructor's answer key
(solutions/reference), and this module only draws.
"""
import inspect
from dataclasses import dataclass

from ..grading import seeds
from ..grading.report import GradingError
from ..i18n import _


@dataclass(frozen=True)
class BugSet:
    """The bugs of one notebook's exercise, all in the backward pass of one circuit."""
    assignment: str
    """The notebook, e.g. "02_chain_rule" (seeds the pick)."""
    circuit: object
    """The circuit (course.circuits.model.Circuit) whose backward pass is buggy."""
    order: tuple
    """The wires whose gradients the backward returns, in the order it returns them."""
    example: dict
    """The worked example: the live circuit's starting inputs, where every bug shows (as dashed
    wires)."""
    bugs: tuple
    """The buggy backward functions, each called like the fix: backward(*inputs, dout)."""

    def named(self, name):
        """The bug called `name` (its function's name)."""
        return next(b for b in self.bugs if b.__name__ == name)


PICK = "find_bug_wire"
"""The test name the pick is seeded with: the wire question's hidden cases draw the same bug."""


def choose(bugset, rng):
    """One bug of the set, drawn with `rng` (the pick, and the grader's case, use this)."""
    return bugset.bugs[int(rng.integers(len(bugset.bugs)))]


def pick(bugset, student=None):
    """The bug shown to `student` (default: this kernel's student id, course.grading.seeds)."""
    return choose(bugset, seeds.rng(bugset.assignment, PICK, student))


def every_wire(bugset):
    """A live-circuit `call` for a backward that takes the circuit's inputs and dout and returns
    the gradient of each wire in `bugset.order`."""
    inputs, order = bugset.circuit.inputs, bugset.order

    def call(backward, values, dout):
        grads = backward(*[values[w] for w in inputs], dout)
        if grads is None:
            return None
        grads = list(grads)
        if len(grads) != len(order):
            raise ValueError(_("returned {n} values, expected {want} ({names})", n=len(grads),
                               want=len(order), names=", ".join("d" + w for w in order)))
        return dict(zip(order, grads))
    return call


def show(bugset, student=None):
    """Print whose bug this is and its code; return the buggy function."""
    who = student or seeds.student_id()
    bug = pick(bugset, who)
    if who == seeds.ANONYMOUS:
        print(_("No student id found (you are neither being graded nor on the course's "
                "JupyterHub), so this is the bug for \"anonymous\".\nGrading accepts the answer "
                "for this bug as well as for the bug of your own id.\n"))
    else:
        print(_("This bug was picked for student id {who}.\n", who=repr(who)))
    print(inspect.getsource(bug))
    return bug


def wire_verdict(case):
    """A wrong answer to the wire question in counts: how many named wires are right or wrong
    and how many are missing, never which wires the answer key holds (the feedback may reach
    the student before the deadline)."""
    named = {w for w, v in case.got.items() if v == 1.0}
    key = {w for w, v in case.expected.items() if v == 1.0}
    return [_("You named {named} wire(s): {right} where the wrong marks start, {wrong} where "
              "they do not; {missing} wire(s) where they start are missing from your answer.",
              named=len(named), right=len(named & key), wrong=len(named - key),
              missing=len(key - named))]


def named_wires(answer, inputs):
    """Hidden-test driver: the named wires as 0/1 per wire of inputs["wires"] (so the grader
    compares numbers). `answer` is one wire name or a collection of them; the instructor's
    answer key is a function of the bug's name, inputs["bug"]."""
    names = answer(inputs["bug"]) if callable(answer) else answer
    if names is None:
        raise GradingError(_("BUGGY_WIRES is still None: name the wire(s) where the dashed wires "
                             "start."))
    names = [names] if isinstance(names, str) else names
    try:
        names = set(names)
    except TypeError:
        raise GradingError(_("BUGGY_WIRES should be a wire name like \"q\" or a set of them like "
                             "{{\"q\", \"z\"}}, not {type}.", type=type(answer).__name__)) from None
    wires = list(inputs["wires"])
    strange = sorted(repr(n) for n in names if n not in wires)
    if strange:
        raise GradingError(_("BUGGY_WIRES names {names}, which is not a wire of this circuit (its "
                             "wires: {wires}).", names=", ".join(strange), wires=", ".join(wires)))
    if not names:
        raise GradingError(_("BUGGY_WIRES names no wire: name the wire(s) where the dashed wires "
                             "start."))
    return [1.0 if w in names else 0.0 for w in wires]
