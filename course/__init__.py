"""Backpropagation course: pictures, widgets, gradient checking and grading helpers.

The notebooks import from here; nothing in this package is the answer to a graded exercise.
"""

__version__ = "0.1.0"
