"""The controls every widget is made of, and the base of the picture widgets.

A picture widget keeps its last picture's data as attributes (`state`, `figure`, `errors`), so
tests can set `.value` on a control and read what was redrawn, with no browser and no kernel.
"""
import ipywidgets as widgets

from ..pictures.blit import Blit


def clean(v):
    # The browser snaps a slider to min + k*step in floating point (1.0 comes back as
    # 0.9999999999999996): round that noise away before showing or computing with it.
    return round(float(v), 9)


def number(label, value, lo, hi, step=0.01):
    """A slider and a text box showing the same number; typing outside the slider widens it.
    Returns (slider, the row holding both)."""
    lo, hi = min(lo, value), max(hi, value)
    slider = widgets.FloatSlider(value=value, min=lo, max=hi, step=step, description=label,
                                 continuous_update=True, readout_format=".2f",
                                 layout=widgets.Layout(width="36em"),
                                 style={"description_width": "15em"})
    text = widgets.FloatText(value=value, step=step, layout=widgets.Layout(width="7em"))

    def typed(change):
        v = change["new"]
        if v < slider.min:
            slider.min = v
        if v > slider.max:
            slider.max = v
        if abs(v - slider.value) > 1e-9:
            slider.value = v

    def slid(change):
        text.value = clean(change["new"])

    text.observe(typed, names="value")
    slider.observe(slid, names="value")
    return slider, widgets.HBox([slider, text])


def png_image():
    """The PNG a picture widget repaints: never wider than its output area (it scales down,
    keeping its proportions, where the window is narrower than the figure)."""
    return widgets.Image(format="png", layout=widgets.Layout(max_width="100%", height="auto"))


def slider(label, value, lo, hi, step=0.01):
    """A short slider with a short label, for the picture widgets."""
    return widgets.FloatSlider(value=value, min=lo, max=hi, step=step, description=label,
                               continuous_update=True, layout=widgets.Layout(width="16em"),
                               style={"description_width": "2em"})


class FigureWidget(widgets.VBox):
    """Controls above a PNG of a figure whose moving parts are repainted on every change.
    A subclass defines marks(**control values) -> the artists it added to self.ax."""

    def __init__(self, controls, fig, ax):
        self.controls, self.figure, self.ax = controls, fig, ax
        self.blit, self.moving = Blit(fig), []
        self.keep = {ax.title, *ax.spines.values()}  # permanent artists, repainted not removed
        self.image, self.message = png_image(), widgets.HTML()
        super().__init__([widgets.HBox(list(controls.values())), self.image, self.message])
        for control in controls.values():
            control.observe(self.redraw, names="value")
        self.redraw()

    def redraw(self, change=None):
        for artist in self.moving:
            if artist not in self.keep:
                artist.remove()
        self.moving = self.marks(**{k: c.value for k, c in self.controls.items()})
        self.image.value = self.blit.png(self.moving)
