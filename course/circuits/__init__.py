"""Circuits of gates: the course's computational graphs and everything drawn or measured on them.

- model: gates and circuits, evaluated forward and differentiated by centred differences;
- lecture: the circuits of the lecture notes (XYZ, NEURON, PATTERN, STAGED);
- forks: the gradient each branch of a fork contributes;
- svg: the circuit drawn with values (green) and gradients (purple);
- live: what the live widget shows, as a pure function of the inputs.
"""
from .lecture import NEURON, PATTERN, STAGED, XYZ
from .model import OPS, Circuit, Gate, sigmoid

__all__ = ["Circuit", "Gate", "OPS", "sigmoid", "XYZ", "NEURON", "PATTERN", "STAGED"]
