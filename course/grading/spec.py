"""How a hidden test checks one graded function: the data an instructor writes per exercise.

Instances live on the instructor side (solutions/reference/<assignment>.py, dict EXERCISES);
this module only defines their shape and how they produce expected values.
"""
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from ..gradcheck import numerical_gradient
from ..tolerance import EXACT, Tolerance
from .compare import unpack
from .topics import Topic


@dataclass(frozen=True)
class Exercise:
    """One graded function, checked at random points against a reference and a numeric oracle."""
    title: str
    """What the student sees it called, e.g. "mul gate backward"."""
    returns: tuple
    """Names of the outputs in the order the function returns them, e.g. ("dx", "dy")."""
    draw: Callable
    """draw(rng) -> dict of one case's inputs, in call order. Avoids kinks unless testing one."""
    reference: Callable
    """The instructor's implementation, called exactly like the student's."""
    cases: int = 30
    """Random cases per student (drawn from the per-student seed)."""
    fixed: tuple = ()
    """Input dicts always checked first (worked examples, deliberate edge cases)."""
    tol: Tolerance = EXACT
    """How close to the reference the outputs must be (course.tolerance)."""
    call: Callable = None
    """call(student_object, inputs) -> outputs; default: positional call in input order."""
    forward: Callable = None
    """Forward function for the centred-difference oracle: forward(*inputs) -> output."""
    wrt: tuple = ()
    """For each output, the input it is the gradient with respect to (with `forward`)."""
    mistakes: tuple = ()
    """Extra recognised mistakes (hints.Mistake) beyond the generic and named ones."""
    topic: Topic = None
    """What the exercise is about, for the hints (default: course.grading.topics.TOPICS)."""
    forbid: tuple = ()
    """Dotted names the student's code may not call here (helpers they are asked to write)."""
    prepare: Callable = None
    """For a sandboxed kernel, which has no reference: prepare(inputs) -> the data the kernel's
    call gets instead (e.g. a reference cache computed here). Default: the inputs themselves."""
    also: Callable = None
    """For a question with more than one right answer: also(inputs) -> a list of further
    outputs, returned like the reference's, that pass as well (find-the-bug accepts the wires of
    the bug a student without an id was shown)."""
    verdict: Callable = None
    """For a question whose expected outputs are its answer key (find the bug's wires):
    verdict(case) -> the lines a failure shows in place of each output's expected value, so
    feedback that reaches a student before the deadline does not give the key away."""
    kernel_call: Callable = None
    """The course-level driver the sandboxed kernel calls with the prepared inputs (default:
    `call`, which must then be course-level, or a positional call)."""

    def expected(self, inputs):
        """Reference outputs for one case, by name."""
        call = self.call or (lambda fn, args: fn(*args.values()))
        values, why = unpack(call(self.reference, dict(inputs)), self.returns, "the reference")
        if why:
            raise RuntimeError(f"bad reference for {self.title}: {why}")
        return dict(zip(self.returns, values))

    def accepted(self, inputs):
        """Every right answer for one case: [expected] plus those of `also`, by name."""
        more = []
        for outputs in (self.also(dict(inputs)) if self.also else ()):
            values, why = unpack(outputs, self.returns, "an accepted answer")
            if why:
                raise RuntimeError(f"bad accepted answer for {self.title}: {why}")
            more.append(dict(zip(self.returns, values)))
        return [self.expected(inputs), *more]

    def numeric(self, inputs, h=1e-6):
        """Centred-difference gradients of sum(dout * forward), by output name (needs `forward`)."""
        dout = np.asarray(inputs.get("dout", 1.0), dtype=float)
        out = {}
        for name, var in zip(self.returns, self.wrt):
            def objective(v, var=var):
                args = dict(inputs)
                args[var] = v if np.ndim(inputs[var]) else float(v)
                args.pop("dout", None)
                return float(np.sum(dout * np.asarray(self.forward(*args.values()))))
            grad = numerical_gradient(objective, inputs[var], h)
            out[name] = grad if np.ndim(inputs[var]) else float(grad)
        return out
