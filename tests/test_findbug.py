"""Find the bug (course.circuits.findbug, course.circuits.bugs): every bug shows in red where the
answer key says, the pick is per student, and the wire question accepts exactly the right
answers (the grading id's bug, and the anonymous one a student without an id was shown)."""
import re

import numpy as np
import pytest

from course.circuits import findbug
from course.circuits.bugs import BUGS_02, BUGS_03, BUGS_04
from course.circuits.live import live_state
from course.grading import GradingError, grader, seeds
from course.widgets import LiveCircuit

SETS = [BUGS_02, BUGS_03, BUGS_04]


def red(bugset, bug, inputs, dout=1.0):
    return set(live_state(bugset.circuit, inputs, bug, call=findbug.every_wire(bugset),
                          dout=dout).mismatch)


def key(bugset, bug):
    return grader.load(bugset.assignment).red_start(bugset, bug.__name__)


GENERIC = {
    "02_chain_rule": lambda v: v["s"] > v["w"] + 0.5,  # the max gate passes x y + z on
}
"""Per circuit, what else a generic point needs so that every gate passes its gradient on."""


def generic_inputs(bugset, rng):
    """Random inputs where each gate passes its gradient on (GENERIC), no factor is within 0.2
    of 1 and no value within 0.2 of 0, so no red turns right by chance."""
    while True:
        inputs = {w: float(rng.uniform(0.2, 4.0) * rng.choice([-1.0, 1.0]))
                  for w in bugset.circuit.inputs}
        values = bugset.circuit.forward(inputs)
        if not GENERIC.get(bugset.assignment, lambda v: True)(values):
            continue
        if all(abs(v) > 0.2 and abs(abs(v) - 1.0) > 0.2 for v in values.values()):
            return inputs


@pytest.mark.parametrize("bugset", SETS, ids=lambda b: b.assignment)
def test_every_bug_turns_its_key_wires_red_at_the_example(bugset):
    """Does every bug make some wire red at the worked example, with its key wires among them?"""
    for bug in bugset.bugs:
        wrong, start = red(bugset, bug, bugset.example), key(bugset, bug)
        assert start and start <= wrong, bug.__name__
        assert bugset.circuit.output not in wrong


@pytest.mark.parametrize("bugset", SETS, ids=lambda b: b.assignment)
def test_the_red_starts_at_the_same_wires_at_random_inputs(bugset):
    """Away from the example, does the red still start at the key's wires, with any upstream
    gradient?"""
    rng = np.random.default_rng(16)
    for bug in bugset.bugs:
        start = key(bugset, bug)
        for _ in range(20):
            dout = float(rng.uniform(0.3, 3.0) * rng.choice([-1.0, 1.0]))
            wrong = red(bugset, bug, generic_inputs(bugset, rng), dout)
            assert {w for w in wrong if not any(g.out in wrong for g in
                                                bugset.circuit.consumers(w))} == start


@pytest.mark.parametrize("bugset", SETS, ids=lambda b: b.assignment)
def test_the_bugs_are_different_and_the_fix_agrees_with_centred_differences(bugset):
    """Does each bug start its red elsewhere, and does the reference fix agree on every wire?"""
    assert len({frozenset(key(bugset, b)) for b in bugset.bugs}) == len(bugset.bugs) >= 3
    fix = grader.load(bugset.assignment).EXERCISES["fixed_backward"].reference
    rng = np.random.default_rng(3)
    for inputs in [bugset.example] + [generic_inputs(bugset, rng) for _ in range(10)]:
        assert red(bugset, fix, inputs) == set()


def test_the_live_widget_shows_the_bug_in_red():
    """Does the live circuit widget, handed a buggy backward, mark its wrong wires?"""
    bug = BUGS_02.bugs[0]
    view = LiveCircuit(BUGS_02.circuit, bug, BUGS_02.example, call=findbug.every_wire(BUGS_02))
    assert set(view.state.mismatch) == red(BUGS_02, bug, BUGS_02.example)
    assert "disagrees" in view.message.value


@pytest.mark.parametrize("bugset", SETS, ids=lambda b: b.assignment)
def test_the_pick_is_per_student_and_is_the_graded_bug(bugset):
    """Is the bug picked per student, reproducibly, and is it the bug the wire question grades?"""
    picks = {s: findbug.pick(bugset, s).__name__ for s in (f"student{i}" for i in range(30))}
    assert len(set(picks.values())) == len(bugset.bugs)
    for student, name in picks.items():
        assert findbug.pick(bugset, student).__name__ == name
        case, = grader.cases(bugset.assignment, findbug.PICK, student)
        assert case["bug"] == name
        assert case["fallback"] == findbug.pick(bugset, seeds.ANONYMOUS).__name__


def test_the_hub_user_is_the_student_id(monkeypatch, tmp_path):
    """On a JupyterHub, is JUPYTERHUB_USER the id, and does grading's own id still win?"""
    monkeypatch.delenv("BACKPROP_STUDENT_ID", raising=False)
    monkeypatch.setenv("JUPYTERHUB_USER", "grace")
    assert seeds.student_id(tmp_path) == "grace"
    assert seeds.student_id(tmp_path / "autograded" / "alan" / "02_chain_rule") == "alan"
    monkeypatch.setenv("BACKPROP_STUDENT_ID", "ada")
    assert seeds.student_id(tmp_path) == "ada"


def test_show_says_whose_bug_it_is(capsys):
    """Does the notebook's cell print the id the bug was picked for, and the anonymous rule?"""
    bug = findbug.show(BUGS_02, "ada")
    out = capsys.readouterr().out
    assert bug is findbug.pick(BUGS_02, "ada") and "'ada'" in out and f"def {bug.__name__}" in out
    findbug.show(BUGS_02, seeds.ANONYMOUS)
    assert "accepts the answer for this bug" in capsys.readouterr().out


def _judge(answer, student, bugset=BUGS_02):
    ex = grader.exercise(bugset.assignment, findbug.PICK)
    grader.judge_cases(ex, findbug.PICK, answer, grader.cases(bugset.assignment, findbug.PICK,
                                                               student))


def _student_whose_bug_is_not_anonymous(bugset=BUGS_02):
    anonymous = findbug.pick(bugset, seeds.ANONYMOUS)
    return next(s for s in (f"s{i}" for i in range(50))
                if findbug.pick(bugset, s) is not anonymous)


@pytest.mark.parametrize("bugset", SETS, ids=lambda b: b.assignment)
def test_the_wire_question_accepts_the_shown_bug_and_nothing_else(bugset):
    """Does the wire question pass the key of the student's bug and of the anonymous bug (in any
    form: a set, a list, one name), and fail every other bug's key?"""
    student = _student_whose_bug_is_not_anonymous(bugset)
    own, anonymous = findbug.pick(bugset, student), findbug.pick(bugset, seeds.ANONYMOUS)
    _judge(key(bugset, own), student, bugset)
    _judge(sorted(key(bugset, anonymous)), student, bugset)
    others = [b for b in bugset.bugs if b not in (own, anonymous)]
    assert others
    for other in others:
        with pytest.raises(GradingError):
            _judge(key(bugset, other), student, bugset)


def test_a_downstream_wire_fails_with_the_follow_the_red_hint():
    """Is naming the red wires at the inputs (the symptom, not the start) failed with a hint
    that says to follow the red toward the output?"""
    with pytest.raises(GradingError) as err:
        _judge({"x", "y"}, _student_whose_bug_is_not_anonymous())
    assert err.value.hints == ("findbug.downstream",)


def test_a_right_wire_fails_with_the_not_red_hint():
    """Is naming a wire whose gradient is right (the output) failed with the not-red hint?"""
    with pytest.raises(GradingError) as err:
        _judge("f", _student_whose_bug_is_not_anonymous())
    assert err.value.hints == ("findbug.not_red",)


@pytest.mark.parametrize("bugset", SETS, ids=lambda b: b.assignment)
def test_a_wrong_wire_answer_says_counts_never_the_key(bugset):
    """Does a wrong wire answer say how many named wires are right or wrong and how many are
    missing, without naming any wire of the key (feedback may come before the deadline)?"""
    student = _student_whose_bug_is_not_anonymous(bugset)
    own = key(bugset, findbug.pick(bugset, student))
    wrong = next(w for w in bugset.circuit.wires if w not in own)
    answer = {sorted(own)[0], wrong}  # one right, one wrong; the rest of the key missing
    with pytest.raises(GradingError) as err:
        _judge(answer, student, bugset)
    verdict = str(err.value).splitlines()[1]  # the first line gives the inputs: every wire
    assert verdict.strip() == (f"You named 2 wire(s): 1 where the wrong marks start, 1 where they "
                               f"do not; {len(own) - 1} wire(s) where they start are missing from "
                               "your answer.")
    assert "expected" not in str(err.value)
    assert not any(re.search(rf"(?<![\w(]){wire}(?![\w)])", verdict)  # "wire(s)" is no wire s
                   for wire in bugset.circuit.wires)


def test_a_name_that_is_no_wire_is_refused_in_words():
    """Is a misspelt wire or a number refused with a sentence that lists the wires?"""
    wires = dict(wires=BUGS_02.circuit.wires)
    with pytest.raises(GradingError, match="not a wire of this circuit"):
        findbug.named_wires({"dq"}, wires)
    with pytest.raises(GradingError, match="wire name like"):
        findbug.named_wires(3, wires)
    assert findbug.named_wires("q", wires) == [1.0 if w == "q" else 0.0
                                               for w in BUGS_02.circuit.wires]
