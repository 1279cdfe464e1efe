"""What the live circuit widget shows, as a pure function of the inputs: every wire's value, the
numerical gradients, the student's gradients (if their backward pass runs) and where they differ.

No Jupyter here: `live_state` takes numbers and returns numbers and text, so it is tested directly;
course.widgets only turns sliders into calls of it.
"""
from dataclasses import dataclass, field
from html import escape

import numpy as np

from ..grading.report import failure
from ..i18n import _
from ..style import WRONG
from ..tolerance import NUMERIC
from .svg import draw_circuit, number_text


@dataclass
class LiveState:
    """Everything one picture of the live widget needs."""
    values: dict
    """wire -> forward value"""
    numerical: dict
    """wire -> d(out)/d(wire) * dout by centred differences, for every wire"""
    student: dict = field(default_factory=dict)
    """wire -> gradient returned by the student's backward (empty until it runs)"""
    mismatch: tuple = ()
    """wires where student and numerical gradients disagree"""
    message: str = ""
    """one line for the student: whose gradients are drawn, and what went wrong if anything"""

    @property
    def shown(self):
        """Gradients drawn: the student's where they gave one, numerical on the other wires."""
        return {**self.numerical, **self.student}


def default_call(circuit):
    """backward(*inputs in circuit order, dout) -> gradients of the inputs in the same order."""
    def call(backward, values, dout):
        grads = backward(*[values[w] for w in circuit.inputs], dout)
        if grads is None:
            return None
        grads = list(grads) if isinstance(grads, (tuple, list)) else [grads]
        if len(grads) != len(circuit.inputs):
            raise ValueError(_("returned {n} gradient(s), expected {want} ({names})",
                               n=len(grads), want=len(circuit.inputs),
                               names=", ".join("d" + w for w in circuit.inputs)))
        return dict(zip(circuit.inputs, grads))
    return call


def grouped(*groups, then=()):
    """A `call` for backward functions that take arrays: grouped(("w0", "w1"), ("x0", "x1"))
    calls backward(array([w0, w1]), array([x0, x1]), dout) and reads back (dw, dx); names in
    `then` are further scalar gradients returned after those, e.g. then=("d", "e") for
    backward -> (dw, dx, dd, de)."""
    def call(backward, values, dout):
        arrays = [np.array([values[w] for w in group]) for group in groups]
        grads = backward(*arrays, dout)
        if grads is None:
            return None
        if len(grads) != len(groups) + len(then):
            raise ValueError(_("returned {n} values, expected {want}", n=len(grads),
                               want=len(groups) + len(then)))
        out = {}
        for group, g in zip((*groups, *((w,) for w in then)), grads):
            g = np.ravel(np.asarray(g, dtype=float))
            if g.size != len(group):
                raise ValueError(_("the gradient for {names} has {n} entries, expected {want}",
                                   names=", ".join(group), n=g.size, want=len(group)))
            out.update(zip(group, g.tolist()))
        return out
    return call


def _student_grads(circuit, backward, call, values, dout):
    """(grads or {}, problem or None): the student's gradients, never an exception."""
    name = getattr(backward, "__name__", "backward")
    try:
        got = call(backward, dict(values), dout)
    except Exception as exc:  # the student's bug must not break the widget: show it instead
        return {}, failure(backward, exc)
    if got is None:
        return {}, _("{name} returned None (is a `return` missing?)", name=name)
    grads = {}
    for wire, g in got.items():
        if wire not in circuit.wires:
            return {}, _("{name} gave a gradient for {wire}, which is not a wire of this circuit",
                         name=name, wire=repr(wire))
        try:  # a number, or an array holding one (np.float64, shape (1,) or (1, 1))
            g = np.asarray(g, dtype=float)
        except (TypeError, ValueError):
            return {}, _("{name} returned {value} for {grad}, which is not a number", name=name,
                         value=repr(g), grad=f"d{wire}")
        if g.size != 1:
            return {}, _("{name} returned an array of shape {shape} for {grad}, not a number",
                         name=name, shape=g.shape, grad=f"d{wire}")
        grads[wire] = float(g.reshape(-1)[0])
    return grads, None


def live_state(circuit, inputs, backward=None, *, call=None, dout=1.0):
    """Values and gradients of `circuit` at `inputs` (wire -> number), scaled by upstream `dout`."""
    inputs = {w: float(inputs[w]) for w in circuit.inputs}
    values = circuit.forward(inputs)
    numerical = circuit.numerical_grads(inputs, dout=dout)
    if backward is None:
        return LiveState(values, numerical,
                         message=_("Numerical gradients (centred differences): no backward "
                                   "given."))
    student, problem = _student_grads(circuit, backward, call or default_call(circuit),
                                      values, dout)
    if problem:
        return LiveState(values, numerical,
                         message=_("Numerical gradients shown: {problem}.", problem=problem))
    bad = tuple(w for w in circuit.wires
                if w in student and not NUMERIC.agree(student[w], numerical[w]))
    name = getattr(backward, "__name__", "backward")
    if bad:
        text = _("{name} disagrees with the numerical gradient on {grads} (drawn as thick dashed "
                 "wires with a cross ✗; numbers in the table).", name=name,
                 grads=", ".join("d" + w for w in bad))
    else:
        text = _("{name} agrees with the numerical gradients on all {n} wires.", name=name,
                 n=len(student))
    return LiveState(values, numerical, student, bad, text)


def picture(circuit, state, title=None):
    """The circuit's SVG for this state (values green above, gradients purple below)."""
    return draw_circuit(circuit, state.values, state.shown, mismatch=state.mismatch, title=title)


def narration(circuit, state, decimals=2):
    """One sentence for a screen reader's live region: the output, the inputs' gradients and
    what the widget says about the student's (said again after every change)."""
    out = circuit.output
    grads = {w: state.shown[w] for w in circuit.inputs}
    return (f"{out} = {number_text(state.values[out], decimals)}. "
            f"{input_gradients(grads, decimals)} {state.message}")


def input_gradients(grads, decimals=2):
    """"Gradients of the inputs: dx = ..., dy = ...." for {input: gradient}."""
    return _("Gradients of the inputs: {grads}.", grads=", ".join(
        f"d{w} = {number_text(g, decimals)}" for w, g in grads.items()))


LIVE_REGION = ('<p role="status" aria-live="polite" class="narration" style="position:absolute;'
               'width:1px;height:1px;margin:-1px;overflow:hidden;clip:rect(0 0 0 0);'
               'white-space:nowrap">{text}</p>')
"""A live region a screen reader reads aloud whenever its text changes, drawn nowhere."""


def table_html(state):
    """A small table, student's gradient beside the numerical one, for every wire they gave."""
    if not state.student:
        return ""
    rows = []
    for wire, g in state.student.items():
        bad = wire in state.mismatch
        style = f' style="color:{WRONG};font-weight:bold"' if bad else ""
        rows.append(f'<tr class="{"mismatch" if bad else "ok"}" data-wire="{escape(wire)}"{style}>'
                    f"<td>d{escape(wire)}</td><td>{g:.6g}</td>"
                    f"<td>{state.numerical[wire]:.6g}</td><td>{'✗' if bad else '✓'}</td></tr>")
    head = "".join(f"<th>{escape(h)}</th>" for h in (_("gradient"), _("yours"), _("numerical")))
    return ('<table class="grad-table"><tr>' + head + "<th></th></tr>" + "".join(rows)
            + "</table>")
