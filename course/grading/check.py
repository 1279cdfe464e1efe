"""Run a student's function on cases and explain the first failure. Used by visible and hidden
tests, in the kernel and in the grader alike."""
from dataclasses import dataclass

from ..i18n import _
from ..tolerance import EXACT, Tolerance
from . import kernel, topics
from .compare import problem, unpack
from .drivers import positional
from .guard import forbidden, quiet
from .hints import Case, common, recognise, shown
from .report import GradingError, fmt_inputs


def _name(fn):
    return getattr(fn, "__name__", None) or type(fn).__name__


@dataclass
class Failure:
    """Why one case failed, in words; `case` is set when outputs could be compared (so the
    mistake can be recognised), None when the code raised or returned the wrong form."""
    lines: list
    case: Case = None
    warning: str = None
    stage: str = None
    """The line of `lines` naming the first stage that disagrees, if any."""
    kind: str = "wrong value"
    """What went wrong, in words no language changes (GradingError.kind)."""


def first_stage(topic, wrong):
    """(index, English label) of the first of the topic's stages holding a wrong output, or
    (None, None)."""
    for i, (label, names) in enumerate(topic.stages):
        if set(names) & set(wrong):
            return i, label
    return None, None


def _first_stage(topic, wrong):
    """A line naming the first of the exercise's stages that disagrees, if it has stages."""
    i, label = first_stage(topic, wrong)
    if label is not None:
        before = [_(stage[0]) for stage in topic.stages[:i]]
        agree = " " + _("Before it, {stages}: right.", stages="; ".join(before)) \
            if before else ""
        later = " " + _("Fix it first: what comes after it is computed from it.") \
            if i < len(topic.stages) - 1 else ""
        first = _("First to disagree, in the order the forward pass computes them: "
                  "{stage}.", stage=_(label)) if topic.direction == "forward" else \
            _("First to disagree, in the order the backward pass computes them: {stage}.",
              stage=_(label))
        return "  " + first + agree + later
    return None


def attempt(fn, inputs, expected, *, title, exercise=None, call=None, tol=EXACT, forbid=(),
            label="", topic=None, verdict=None):
    """Check one case: None if it passes, else a Failure (its lines from `verdict(case)`, when
    given, instead of each wrong output's expected value)."""
    returns = tuple(expected)
    call = call or positional
    topic = topic if topic is not None else topics.of(exercise)

    def where():  # only on a failure: a case's inputs can be large
        return _("{title} at {inputs}", title=title + label, inputs=fmt_inputs(inputs))
    try:
        with forbidden(forbid, title), quiet() as caught:
            got = call(fn, dict(inputs))
    except NotImplementedError:
        return Failure([_("{title}: not written yet ({fn} still raises NotImplementedError).",
                          title=title, fn=_name(fn))], kind="not written")
    except GradingError as error:  # a driver or guard explained it already
        return Failure(str(error).splitlines())
    except Exception as exc:
        return Failure([f"{where()}: " + _("{name} raised {error}: {message}", name=_name(fn),
                                           error=type(exc).__name__, message=exc)],
                       kind=type(exc).__name__)
    values, why = unpack(got, returns, _name(fn), expected)
    if why:
        return Failure([f"{where()}: {why}"], kind="wrong form")
    got = dict(zip(returns, values))
    problems = [p for p in (problem(n, expected[n], got[n], tol) for n in returns) if p]
    if not problems:
        return None
    case = Case(dict(inputs), dict(expected), got, topic)
    lines = [f"{where()}:"] + [f"    {p}" for p in (verdict(case) if verdict else problems)]
    stage = _first_stage(topic, case.wrong()) if topic.stages else None
    if stage:
        lines.append(stage)
    warning = str(caught[0].message) if caught else None
    return Failure(lines, case, warning, stage)


def explain(failure, mistakes=()):
    """The GradingError a student reads for `failure`, with the hints of `mistakes`."""
    lines = list(failure.lines)
    stages = [m.stage for m in mistakes if m.stage]
    if stages and failure.stage in lines:  # a mistake that sees a stage the outputs cannot
        lines[lines.index(failure.stage)] = "  " + _(stages[0])
    lines += ["  " + _("Hint: {hint}", hint=m.text(failure.case)) for m in mistakes]
    if failure.warning:
        lines.append("  " + _("(Your code also raised a warning: {warning})",
                              warning=failure.warning))
    wrong = failure.case.wrong() if failure.case else ()
    label = next((m.stage for m in mistakes if m.stage), None) or (
        first_stage(failure.case.topic, wrong)[1] if failure.case else None)
    return GradingError("\n".join(lines), hints=[m.key for m in mistakes], wrong=wrong,
                        stage=label, kind=failure.kind)


def run_case(fn, inputs, expected, *, title, exercise=None, call=None, tol=EXACT, mistakes=(),
             forbid=(), label="", topic=None):
    """Check one case; raise GradingError naming the wrong output(s) and likely mistakes."""
    failure = attempt(fn, inputs, expected, title=title, exercise=exercise, call=call, tol=tol,
                      forbid=forbid, label=label, topic=topic)
    if failure is None:
        return
    found = recognise(failure.case, exercise, mistakes) if failure.case else []
    raise explain(failure, shown(found))


def failures(fn, todo, *, exercise=None, **options):
    """The Failures of `fn` on `todo`, a list of (inputs, [(expected, tolerance), ...],
    options), where `expected` may be a list of right answers of which any one passes: at most
    one failure per case (the first check it fails), stopping at once if the first failure is
    not a comparison (the code raised, or returned the wrong form)."""
    found = []
    for inputs, checks, extra in todo:
        for expected, tol in checks:  # `expected` may be a function: computed only if needed
            expected = expected() if callable(expected) else expected
            tries = [attempt(fn, inputs, e, exercise=exercise, tol=tol, **{**options, **extra})
                     for e in (expected if isinstance(expected, list) else [expected])]
            failure = None if None in tries else tries[0]  # a list: any right answer passes
            if failure is not None:
                found.append(failure)
                break
        if found and found[0].case is None:
            break
    return found


def run_cases(fn, todo, *, exercise=None, mistakes=(), **options):
    """Check every case of `todo` (see `failures`); raise GradingError on the first failure,
    with the hints that the failing cases are evidence of (a resemblance on one case is not
    enough: hints.common)."""
    found = failures(fn, todo, exercise=exercise, **options)
    if not found:
        return
    compared = [f.case for f in found if f.case is not None]
    raise explain(found[0], shown(common(compared, exercise, mistakes)) if compared else [])


def expect(fn, inputs, expected, *, title=None, exercise=None, rtol=EXACT.rtol,
           atol=EXACT.atol, **options):
    """Visible-test form: check `fn` on one worked example, e.g.

    expect(mul_backward, dict(x=4.0, y=-3.0, dout=1.0), dict(dx=-3.0, dy=4.0))

    Under the grading pipeline the call and its result are also recorded, so the grader repeats
    this comparison outside the kernel (course.grading.kernel).
    """
    title, exercise = title or _name(fn), exercise or _name(fn)
    options["tol"] = Tolerance(rtol, atol)
    if kernel.recording():
        replayed = kernel.record_visible(fn, inputs, expected, title, exercise, options)
        options = {**options, "call": replayed, "forbid": ()}
    run_case(fn, inputs, expected, title=title, exercise=exercise, **options)
    print(_("{title}: correct at {inputs}.", title=title, inputs=fmt_inputs(inputs)))
