"""One palette and one plot box for every picture of the course, so a colour means one thing
in every notebook: green is a forward value, red a gradient (or something wrong), blue and
orange the two classes of a truth table."""

INK = "#24292f"
"""Lines, text, gate outlines."""
VALUE = "#1a7f37"
"""Forward values (green, above the wires, as in the lecture notes); also "this is right"."""
GRADIENT = "#cf222e"
"""Gradients (red, below the wires)."""
WRONG = GRADIENT
"""A wire, box or bar that is wrong: red and bold, so it is the first thing the eye finds."""
MUTED = "#8c8c8c"
"""Everything that is not the point of the picture."""

TRUE = "#0969da"
"""The class +1 (true), and the curve of sigma."""
FALSE = "#bc4c00"
"""The class -1 (false)."""
RIM = "#bf8700"
"""The thick rim around a point the model classifies wrong."""
PALE_TRUE, PALE_FALSE = "#dbeafe", "#fde7d4"
"""Backgrounds: where a model says true, where it says false (also input and gradient boxes)."""
PALE_RIGHT, PALE_WRONG = "#dcfce7", "#ffe4e6"
"""Backgrounds of a result that is right, or wrong."""

BOX = (-0.5, 1.5)
"""The square drawn around the four truth-table points (0/1 in each coordinate)."""
