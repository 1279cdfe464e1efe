"""Backpropagation course: the package every notebook imports.

- circuits/: computational graphs of gates, their drawings, forks and the live circuit's state;
- pictures/: every figure of the notebooks, one module per picture (still and live parts);
- widgets/: the thin ipywidgets wrappers (live_circuit, perceptron_widget, ...);
- grading/: the checker of visible and hidden tests, in the kernel and in the grader;
- gradcheck (centred differences, relative error), tolerance (when two numbers agree),
  style (one palette), datasets (the truth tables).

Nothing in this package is the answer to a graded exercise (a test checks this).
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("backprop-course")
except PackageNotFoundError:  # a copy of the package that was not installed (e.g. a bundle)
    __version__ = "unknown"
