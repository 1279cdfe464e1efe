"""Curved test functions a numerical-derivative check differentiates (not answers to anything:
the exercise is the difference quotient, and these are only what it is applied to)."""
import math


def cube(v):
    return v ** 3


def wave(v):
    return math.sin(3 * v) + v * v


def bowl(v):
    return 2.0 * v * v - 5.0 * v
