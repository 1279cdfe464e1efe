"""A slider and a number box for one number, both labelled for a screen reader and both operable
from the keyboard.

ipywidgets' FloatSlider draws its handle with noUiSlider and gives it no accessible name (its
label is not tied to the handle, and no trait reaches it), and its number box none either: axe
counted 240 unnamed controls in the course's outputs. So the course replaces it (rather than wrap
it) with this small anywidget: a native <input type="range"> whose <label> is the description
(arrow keys, Home, End, Page Up/Down move it, as any range input, and are kept from
JupyterLab's notebook shortcuts) and a native number box named
by the same label, in one widget with one `value`.
"""
import anywidget
import traitlets

ESM = """
function render({ model, el }) {
  const id = "course-slider-" + Math.random().toString(36).slice(2);
  el.classList.add("course-slider");
  const label = document.createElement("label");
  label.htmlFor = id;
  label.className = "course-slider-label";
  const range = document.createElement("input");
  range.type = "range";
  range.id = id;
  const box = document.createElement("input");
  box.type = "number";
  box.className = "course-slider-box";
  const shown = (v) => Number(v).toFixed(model.get("decimals"));
  function sync() {
    const name = model.get("description");
    label.textContent = name;
    box.setAttribute("aria-label", name);
    label.style.width = model.get("description_width");
    range.style.width = model.get("slider_width");
    range.min = model.get("min");
    range.max = model.get("max");
    range.step = box.step = model.get("step");
    range.value = model.get("value");
    range.setAttribute("aria-valuetext", shown(model.get("value")));
    if (document.activeElement !== box) box.value = shown(model.get("value"));
  }
  range.addEventListener("input", () => {
    model.set("value", Number(range.value));
    model.save_changes();
  });
  box.addEventListener("change", () => {
    const v = Number(box.value);
    if (box.value === "" || !Number.isFinite(v)) { sync(); return; }
    if (v < model.get("min")) model.set("min", v);
    if (v > model.get("max")) model.set("max", v);
    model.set("value", v);
    model.save_changes();
  });
  box.addEventListener("blur", sync);
  // A range input is not ":read-write", so JupyterLab would take its keys as notebook commands
  // (an arrow key selects the next cell): the keys that move a range stay with it.
  const MOVES = ["ArrowLeft", "ArrowRight", "ArrowUp", "ArrowDown", "Home", "End", "PageUp",
                 "PageDown"];
  range.addEventListener("keydown", (e) => { if (MOVES.includes(e.key)) e.stopPropagation(); });
  model.on("change", sync);
  el.append(label, range, box);
  sync();
}
export default { render };
"""

CSS = """
.course-slider { display: flex; align-items: center; gap: 0.6em; margin: 2px 0; }
.course-slider-label { text-align: right; overflow: hidden; text-overflow: ellipsis;
  white-space: nowrap; flex: none; }
.course-slider input[type=range] { flex: 0 1 auto; min-width: 6em; }
.course-slider-box { width: 6em; flex: none; }
"""


class LabelledSlider(anywidget.AnyWidget):
    """One number: a labelled range input and a number box; typing a number outside the range
    widens it. `value` is what Python reads and sets (observe it like any widget's)."""

    _esm = ESM
    _css = CSS
    value = traitlets.Float(0.0).tag(sync=True)
    min = traitlets.Float(0.0).tag(sync=True)
    max = traitlets.Float(1.0).tag(sync=True)
    step = traitlets.Float(0.01).tag(sync=True)
    decimals = traitlets.Int(2).tag(sync=True)
    description = traitlets.Unicode("").tag(sync=True)
    description_width = traitlets.Unicode("15em").tag(sync=True)
    slider_width = traitlets.Unicode("20em").tag(sync=True)

    @traitlets.validate("value")
    def _widen(self, proposal):
        """A value set outside the range (typed, or from Python) widens it."""
        v = float(proposal["value"])
        if v < self.min:
            self.min = v
        if v > self.max:
            self.max = v
        return v
