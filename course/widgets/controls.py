"""The controls every widget is made of, and the base of the picture widgets.

A picture widget keeps its last picture's data as attributes (`state`, `figure`, `errors`), so
tests can set `.value` on a control and read what was redrawn, with no browser and no kernel.
"""
import base64
from html import escape

import ipywidgets as widgets

from ..pictures.alt import alt_text
from ..pictures.blit import Blit
from .slider import LabelledSlider


def clean(v):
    # The browser snaps a slider to min + k*step in floating point (1.0 comes back as
    # 0.9999999999999996): round that noise away before showing or computing with it.
    return round(float(v), 9)


def number(label, value, lo, hi, step=0.01):
    """A slider and a number box showing the same number, both labelled `label`; typing outside
    the slider widens it. Returns (slider, the row holding both): one widget
    (course.widgets.slider.LabelledSlider)."""
    lo, hi = min(lo, value), max(hi, value)
    slider = LabelledSlider(value=value, min=lo, max=hi, step=step, description=label)
    return slider, slider


class PngPicture(widgets.HTML):
    """The PNG a picture widget repaints, as an <img> with a text alternative (ipywidgets' Image
    has no alt text, and its tooltip breaks on a widget without a description): never wider than
    its output area (scaled down, proportions kept, where the window is narrower)."""

    png = b""
    """The PNG shown now."""

    def show(self, png, fig):
        """Show `png`, a picture of the matplotlib Figure `fig` (whose words are its alt text)."""
        self.png = bytes(png)
        data = base64.b64encode(self.png).decode()
        self.value = (f'<img src="data:image/png;base64,{data}" alt="{escape(alt_text(fig))}" '
                      'style="max-width:100%;height:auto">')


def slider(label, value, lo, hi, step=0.01):
    """A short slider with a short label, for the picture widgets."""
    return LabelledSlider(value=value, min=lo, max=hi, step=step, description=label,
                          description_width="2em", slider_width="9em")


class FigureWidget(widgets.VBox):
    """Controls above a PNG of a figure whose moving parts are repainted on every change.
    A subclass defines marks(**control values) -> the artists it added to self.ax."""

    def __init__(self, controls, fig, ax):
        self.controls, self.figure, self.ax = controls, fig, ax
        self.blit, self.moving = Blit(fig), []
        self.keep = {ax.title, *ax.spines.values()}  # permanent artists, repainted not removed
        self.image, self.message = PngPicture(), widgets.HTML()
        super().__init__([widgets.HBox(list(controls.values())), self.image, self.message])
        for control in controls.values():
            control.observe(self.redraw, names="value")
        self.redraw()

    def redraw(self, change=None):
        for artist in self.moving:
            if artist not in self.keep:
                artist.remove()
        self.moving = self.marks(**{k: c.value for k, c in self.controls.items()})
        self.image.show(self.blit.png(self.moving), self.figure)
