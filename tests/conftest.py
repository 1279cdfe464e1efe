import os

from autograder.workspace import SOLUTIONS

os.environ.setdefault("BACKPROP_SOLUTIONS", str(SOLUTIONS))
os.environ.setdefault("MPLBACKEND", "Agg")
