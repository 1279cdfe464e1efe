"""The course's pictures, one module per picture: pure functions from numbers to a matplotlib
Figure (or an SVG string), still and live parts together.

- perceptron (01), sigmoid (03), forks (04), shapes (05), training (06);
- blit: how a live picture repaints only what moved;
- alt: every figure said in words (its text alternative);
- the circuit drawings live with the circuits (course.circuits.svg).
"""

from course.fonts import register as _register_hangul
from course.pictures.alt import register as _register_alt

_register_hangul()  # Korean figure text in Hangul, not boxes (course.fonts)
_register_alt()  # every figure shown with its text alternative (course.pictures.alt)
