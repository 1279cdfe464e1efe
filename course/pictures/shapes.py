"""Matrix shapes as boxes, for notebook 05: which product of the available matrices has the shape
a gradient needs? A pure function from shapes to a matplotlib Figure (no pyplot).

A box of shape (rows, cols) is drawn rows tall and cols wide, so in a product A B the width of A
must equal the height of B (the inner dimensions line up) and the result is as tall as A and as
wide as B.
"""
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from ..i18n import _
from ..style import INK, PALE_FALSE, PALE_RIGHT, PALE_TRUE, PALE_WRONG, VALUE, WRONG

FILL = {"input": PALE_TRUE, "grad": PALE_FALSE, "result": PALE_RIGHT, "bad": PALE_WRONG}
OK, BAD = VALUE, WRONG
GAP = 1.2  # space between boxes and operator signs, in box units


def transpose(name, shape):
    """(nameᵀ, shape reversed): the box of a transposed matrix."""
    return (name[:-1] if name.endswith("ᵀ") else name + "ᵀ"), (shape[1], shape[0])


def product_shape(left, right):
    """Shape of left @ right, or None when the inner dimensions differ."""
    return (left[0], right[1]) if left[1] == right[0] else None


def matmul_rows(w_shape, x_shape):
    """The three lines of D = W X and its backward pass, as rows for shapes_figure:
    (result name, left factor, right factor, shape the result must have)."""
    d_shape = (w_shape[0], x_shape[1])
    return [
        ("D", ("W", w_shape), ("X", x_shape), d_shape),
        ("dW", ("dD", d_shape), transpose("X", x_shape), w_shape),
        ("dX", transpose("W", w_shape), ("dD", d_shape), x_shape),
    ]


def _kind(name):
    return "grad" if name.startswith("d") else "input"


def _box(ax, x, y, shape, label, fill, edge=INK):
    """A rows x cols box with its top-left corner at (x, y), labelled inside and with its shape
    below. Returns its right edge."""
    rows, cols = shape
    ax.add_patch(Rectangle((x, y - rows), cols, rows, facecolor=fill, edgecolor=edge, lw=1.5))
    ax.text(x + cols / 2, y - rows / 2, label, ha="center", va="center", fontsize=12,
            color=INK, fontweight="bold")
    ax.text(x + cols / 2, y - rows - 0.35, f"{rows}×{cols}", ha="center", va="top", fontsize=9,
            color=INK)
    return x + cols


def shapes_figure(rows, title=None):
    """One line per (result, (name, shape), (name, shape), wanted shape) row: left · right = result.

    The result box is green with a tick when the product exists and has the wanted shape; when the
    inner dimensions differ the line says so in red, and a product of the wrong shape is drawn red.
    """
    heights = [max(a[1][0], b[1][0], 1) for _, a, b, _ in rows]
    widths = [a[1][1] + b[1][1] + max(want[1], b[1][1]) + 4 * GAP + 8 for _, a, b, want in rows]
    total = sum(heights) + 2.0 * len(rows)
    scale = min(0.3, 10.0 / (max(widths) + 3.2))  # inches per box unit, at most 10 in wide
    top = 0.5 if title else 0.1  # inches above the boxes
    size = (scale * (max(widths) + 3.2), scale * (total - 0.8) + top)
    fig = Figure(figsize=size)
    ax = fig.add_axes((0, 0, 1, 1 - top / size[1]))
    y = 0.0
    for (result, left, right, want), h in zip(rows, heights):
        ax.text(-0.3, y - h / 2, f"{result} =", ha="right", va="center", fontsize=12, color=INK)
        x = _box(ax, 0.0, y, left[1], left[0], FILL[_kind(left[0])])
        ax.text(x + GAP / 2, y - h / 2, "·", ha="center", va="center", fontsize=18)
        x = _box(ax, x + GAP, y, right[1], right[0], FILL[_kind(right[0])])
        out = product_shape(left[1], right[1])
        if out is None:
            ax.text(x + GAP, y - h / 2, _("✗ inner dimensions {a} ≠ {b}: no product",
                                          a=left[1][1], b=right[1][0]),
                    ha="left", va="center", fontsize=11, color=BAD)
        else:
            good = tuple(out) == tuple(want)
            ax.text(x + GAP / 2, y - h / 2, "=", ha="center", va="center", fontsize=14)
            end = _box(ax, x + GAP, y, out, result, FILL["result" if good else "bad"],
                       OK if good else BAD)
            note = (_("✓ the shape of {name}", name=result[1:] or result)
                    if good and result.startswith("d") else "✓" if good else
                    _("✗ should be {rows}×{cols}", rows=want[0], cols=want[1]))
            ax.text(end + GAP / 2, y - h / 2, note, ha="left", va="center", fontsize=11,
                    color=OK if good else BAD)
        y -= h + 2.0
    ax.set_xlim(-3.2, max(widths))
    ax.set_ylim(y + 1.0, 0.2)
    ax.set_aspect("equal")
    ax.axis("off")
    if title:
        fig.suptitle(title, fontsize=12)
    return fig
