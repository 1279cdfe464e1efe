"""Draw a circuit as in the lecture notes: forward values in green above each wire, gradients in
purple below; a wrong gradient's wire thick and dashed, with a cross.
A pure function from numbers to an SVG string (testable without Jupyter)."""
import base64
from html import escape

from ..i18n import _
from ..style import GRADIENT, INK, MISMATCH_DASH, VALUE, WRONG

PALE = "#fff1b8"
"""The fill of the gate the step-through is at (its thick outline says it without colour)."""

DX, DY, R, MARGIN = 150, 74, 19, 46


class Svg(str):
    """An SVG string that Jupyter displays as a picture: as HTML, an <img> no wider than the
    output area (JupyterLab shows a bare SVG at its full width, clipped in a narrow window),
    whose alt text is `alt`, the picture said in words."""

    alt = ""

    def _repr_svg_(self):
        return str(self)

    def _repr_html_(self):
        data = base64.b64encode(str(self).encode()).decode()
        return (f'<img src="data:image/svg+xml;base64,{data}" class="circuit" '
                f'alt="{escape(self.alt)}" style="max-width:100%;height:auto">')


def describe(circuit, values, grads=None, mismatch=(), decimals=2):
    """The circuit in words, for a screen reader: every wire's value and gradient, in forward
    order, and where a gradient is wrong."""
    grads = grads or {}
    wires = []
    for wire in circuit.wires:
        if wire not in values:
            continue
        value = number_text(values[wire], decimals)
        wires.append(_("{wire} = {value}, gradient {grad}", wire=wire, value=value,
                       grad=number_text(grads[wire], decimals)) if wire in grads else
                     f"{wire} = {value}")
    text = _("Circuit of {n} gates. Each wire's value and gradient: {wires}.",
             n=len(circuit.gates), wires="; ".join(wires))
    bad = [w for w in circuit.wires if w in mismatch]
    if bad:
        text += " " + _("Wrong gradient (thick dashed wire with a cross) on {wires}.",
                        wires=", ".join("d" + w for w in bad))
    return text


def _layout(circuit):
    """Column and row of each wire's producer: inputs in column 0, a gate right of its inputs."""
    col = {w: 0 for w in circuit.inputs}
    row = {w: float(i) for i, w in enumerate(circuit.inputs)}
    for gate in circuit.gates:
        col[gate.out] = 1 + max(col[w] for w in gate.inputs)
        row[gate.out] = sum(row[w] for w in gate.inputs) / len(gate.inputs)
    for wire, c, r in circuit.place:
        col[wire], row[wire] = c, float(r)
    return col, row


def _xy(col, row):
    return MARGIN + 30 + col * DX, MARGIN + row * DY


def number_text(v, decimals):
    text = f"{v:.{decimals}f}"
    return "0." + "0" * decimals if text.lstrip("-") == "0." + "0" * decimals else text


def draw_circuit(circuit, values, grads=None, *, mismatch=(), decimals=2, title=None,
                 current=None):
    """SVG of `circuit` with `values` (wire -> forward value) and `grads` (wire -> gradient).

    Wires named in `mismatch` are drawn thick and dashed, with a cross on the wire and after
    the gradient (never by colour alone): the student's gradient there disagrees with the
    numerical one. The gate writing wire `current` (a step of the backward pass) is drawn with a
    thick outline. Every label carries data-wire="<name>" for tests.
    """
    grads = grads or {}
    alt = describe(circuit, values, grads, mismatch, decimals)
    if title:
        alt = f"{title}. {alt}"
    col, row = _layout(circuit)
    ncol = max(col.values()) + 1
    width = MARGIN * 2 + 30 + ncol * DX
    height = MARGIN * 2 + (max(row.values())) * DY + 30
    top = 24 if title else 0  # room for the title above the drawing, never clipped
    # Drawn at its size where there is room, scaled down to its output area's width where there
    # is not (max-width), keeping its proportions (the viewBox).
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0f}" '
             f'height="{height + top:.0f}" viewBox="0 {-top} {width:.0f} {height + top:.0f}" '
             'style="max-width:100%;height:auto;display:block" class="circuit" '
             f'role="img" aria-label="{escape(alt)}" font-family="sans-serif" font-size="13">',
             f"<title>{escape(alt)}</title>"]
    if title:
        parts.append(f'<text x="8" y="{16 - top}" fill="{INK}" font-weight="bold">'
                     f'{escape(title)}</text>')
    gate_of = {g.out: g for g in circuit.gates}
    for wire in circuit.wires:
        x0, y0 = _xy(col[wire], row[wire])
        if wire in gate_of:
            x0 += R
        else:
            x0 -= 34
            parts.append(f'<text x="{x0 - 6}" y="{y0 + 4}" text-anchor="end" fill="{INK}" '
                         f'class="name" data-wire="{escape(wire)}">{escape(wire)}</text>')
        targets = [_xy(col[g.out], row[g.out]) for g in circuit.consumers(wire)]
        if not targets:  # the output wire runs off to the right
            targets = [(x0 + DX * 0.6 + R, y0)]
        bad = wire in mismatch
        stroke = WRONG if bad else INK
        dash = f' stroke-dasharray="{MISMATCH_DASH}"' if bad else ""
        for i, (x1, y1) in enumerate(targets):
            end = x1 - R if i < len(circuit.consumers(wire)) else x1
            parts.append(f'<line x1="{x0:.1f}" y1="{y0:.1f}" x2="{end:.1f}" y2="{y1:.1f}" '
                         f'stroke="{stroke}" stroke-width="{3.5 if bad else 1.5}"{dash} '
                         f'class="wire{" mismatch" if bad else ""}" data-wire="{escape(wire)}"/>')
        if len(targets) > 1:  # a fork: gradients from the branches add up here
            parts.append(f'<circle cx="{x0:.1f}" cy="{y0:.1f}" r="4" fill="{INK}" class="fork" '
                         f'data-wire="{escape(wire)}"><title>{escape(_("fork: gradients add"))}'
                         '</title></circle>')
        lx = x0 + min(DX - 2 * R, targets[0][0] - x0 - R) / 2 if wire in gate_of or targets else x0
        ly = y0 + (targets[0][1] - y0) * 0.5 * (lx - x0) / max(targets[0][0] - x0, 1)
        if bad:  # the cross on the wire, near its start, clear of the numbers
            cx = x0 + 13
            cy = y0 + (targets[0][1] - y0) * 13 / max(targets[0][0] - x0, 1)
            parts.append(f'<path d="M{cx - 6:.1f},{cy - 6:.1f} l12,12 m0,-12 l-12,12" '
                         f'stroke="{WRONG}" stroke-width="2.5" class="cross" '
                         f'data-wire="{escape(wire)}"/>')
        if wire in values:
            text = number_text(values[wire], decimals)
            parts.append(f'<text x="{lx:.1f}" y="{ly - 7:.1f}" text-anchor="middle" '
                         f'fill="{VALUE}" class="value" data-wire="{escape(wire)}">{text}</text>')
        if wire in grads:
            mark = " ✗" if bad else ""
            weight = ' font-weight="bold"' if bad else ""
            text = number_text(grads[wire], decimals) + mark
            parts.append(f'<text x="{lx:.1f}" y="{ly + 17:.1f}" text-anchor="middle" '
                         f'fill="{GRADIENT}" class="grad{" mismatch" if bad else ""}" '
                         f'data-wire="{escape(wire)}"{weight}>{text}</text>')
        if wire in gate_of and not circuit.consumers(wire):
            parts.append(f'<text x="{targets[0][0] + 6:.1f}" y="{y0 + 4:.1f}" fill="{INK}" '
                         f'class="name" data-wire="{escape(wire)}">{escape(wire)}</text>')
    for gate in circuit.gates:
        x, y = _xy(col[gate.out], row[gate.out])
        now = gate.out == current
        parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{R}" fill="{PALE if now else "white"}" '
                     f'stroke="{INK}" stroke-width="{4 if now else 1.5}" '
                     f'class="gate{" current" if now else ""}" data-wire="{escape(gate.out)}"/>')
        parts.append(f'<text x="{x:.1f}" y="{y + 4.5:.1f}" text-anchor="middle" fill="{INK}" '
                     f'font-size="{12 if len(gate.label) > 2 else 15}">{escape(gate.label)}</text>')
    parts.append("</svg>")
    svg = Svg("\n".join(parts))
    svg.alt = alt
    return svg
