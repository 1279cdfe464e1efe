"""One palette and one plot box for every picture of the course, so a colour means one thing
in every notebook: green is a forward value, purple a gradient, blue and orange the two classes
of a truth table. Green and purple stay apart under deuteranopia and protanopia (the red-green
pair did not: tests/test_palette.py measures it), and nothing wrong is told by hue alone: a
circuit marks a wrong gradient with a thick dashed wire and a cross (MISMATCH_NAME)."""

INK = "#24292f"
"""Lines, text, gate outlines."""
VALUE = "#1a7f37"
"""Forward values (green, above the wires, as in the lecture notes); also "this is right"."""
GRADIENT = "#8a1c7c"
"""Gradients (purple, below the wires)."""
WRONG = "#cf222e"
"""A wire, box or bar that is wrong: red and bold, and always with a shape that says so too (a
dashed wire and a cross, a frame and the right label), never by its colour alone."""
MISMATCH_DASH = "7 4"
"""The stroke-dasharray of a wire whose gradient is wrong (drawn thick, with a cross)."""
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
