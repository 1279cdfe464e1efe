"""Every figure said in words: the text alternative of a matplotlib picture, for a student who
cannot see it (a screen reader reads it where the picture is).

`alt_text(fig)` reads what the figure itself shows: its titles, its axes' labels, its legends'
entries, whether a panel is a heat map. A picture function may say more by setting
`fig.alt_text`; that text comes first. `register()` makes the notebook show every Figure as an
<img> with that alt text, no wider than the output area.
"""
import base64
import io
from html import escape

from matplotlib.figure import Figure

from ..i18n import _


def _clean(text):
    return " ".join(str(text).replace("$", "").split())


def _panel(ax):
    """One panel in words: title, what it draws, its axes and its legend."""
    parts = []
    if ax.get_title():
        parts.append(_clean(ax.get_title()) + ".")
    if ax.images:
        parts.append(_("A shaded image (a heat map or coloured regions)."))
    x, y = _clean(ax.get_xlabel()), _clean(ax.get_ylabel())
    if x or y:
        parts.append(_("Horizontal axis: {x}; vertical axis: {y}.", x=x or "-", y=y or "-"))
    legend = ax.get_legend()
    if legend is not None:
        names = [_clean(t.get_text()) for t in legend.get_texts() if t.get_text()]
        if names:
            parts.append(_("Legend: {names}.", names="; ".join(names)))
    return " ".join(parts)


def alt_text(fig):
    """The figure in words (never empty)."""
    panels = [p for p in (_panel(ax) for ax in fig.axes if ax.get_visible()
                          and ax.axison) if p]
    parts = [getattr(fig, "alt_text", "")]
    if fig._suptitle is not None and fig._suptitle.get_text():
        parts.append(_clean(fig._suptitle.get_text()) + ".")
    if len(panels) > 1:
        parts.append(_("A figure of {n} panels.", n=len(panels)))
    parts += panels
    text = " ".join(p for p in parts if p)
    return text or _("A figure without a title.")


def figure_html(fig):
    """The figure as an <img> with its alt text, scaled to the output area's width."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", bbox_inches="tight")
    data = base64.b64encode(buffer.getvalue()).decode()
    return (f'<img src="data:image/png;base64,{data}" alt="{escape(alt_text(fig))}" '
            'style="max-width:100%;height:auto">')


def register():
    """In a running IPython kernel: show every matplotlib Figure as figure_html (an HTML output,
    which JupyterLab prefers to the PNG). Outside one, nothing."""
    try:
        from IPython import get_ipython
    except ImportError:
        return
    shell = get_ipython()
    if shell is not None:
        shell.display_formatter.formatters["text/html"].for_type(Figure, figure_html)
