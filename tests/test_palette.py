"""Colour-blind safe: the colours of a value and of a gradient stay apart for a student with
deuteranopia or protanopia, and a wrong gradient is marked by shape, not by hue.

The simulation is colorspacious's (Machado, Oliveira and Fernandes 2009, at full severity); the
distance is CAM02-UCS delta E', in which about 1 is a just-noticeable difference.
"""
import xml.etree.ElementTree as ET

import colorspacious
import pytest

from course import style
from course.circuits import XYZ
from course.circuits.svg import draw_circuit

MIN_DISTANCE = 25.0
"""The smallest CAM02-UCS distance allowed between value and gradient, after simulation (the
former green and red were 8.8 apart under deuteranopia: hardly told apart)."""


def _rgb(hex_colour):
    return [int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]


def seen(hex_colour, deficiency=None):
    """The colour in CAM02-UCS, as a student with `deficiency` (or none) sees it."""
    rgb = _rgb(hex_colour)
    if deficiency:
        space = {"name": "sRGB1+CVD", "cvd_type": deficiency, "severity": 100}
        rgb = [min(max(c, 0.0), 1.0) for c in colorspacious.cspace_convert(rgb, space, "sRGB1")]
    return colorspacious.cspace_convert(rgb, "sRGB1", "CAM02-UCS")


def distance(a, b, deficiency=None):
    return float(colorspacious.deltaE(seen(a, deficiency), seen(b, deficiency),
                                      input_space="CAM02-UCS"))


@pytest.mark.parametrize("deficiency", [None, "deuteranomaly", "protanomaly", "tritanomaly"])
def test_value_and_gradient_colours_stay_apart(deficiency):
    """Are VALUE and GRADIENT at least MIN_DISTANCE apart, seen with each deficiency?"""
    assert distance(style.VALUE, style.GRADIENT, deficiency) >= MIN_DISTANCE


def test_the_old_red_green_pair_fails_the_same_check():
    """Does the check catch a pair that colour-blind students confuse (the former palette)?"""
    assert distance("#1a7f37", "#cf222e", "deuteranomaly") < MIN_DISTANCE


def _luminance(hex_colour):
    lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in _rgb(hex_colour)]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


@pytest.mark.parametrize("name", ["INK", "VALUE", "GRADIENT", "WRONG"])
def test_text_colours_are_readable_on_white(name):
    """Is every text colour at least 4.5:1 against white (WCAG 2.1 AA, normal text)?"""
    assert 1.05 / (_luminance(getattr(style, name)) + 0.05) >= 4.5


def test_a_wrong_gradient_is_marked_by_shape_not_hue():
    """Is a mismatched wire thick and dashed, crossed, with a ✗ after its number, and every
    other wire solid and uncrossed?"""
    inputs = dict(x=-2.0, y=5.0, z=-4.0)
    svg = draw_circuit(XYZ, XYZ.forward(inputs), {"x": 4.0, "y": -4.0, "z": 3.0}, mismatch={"x"})
    ns = "{http://www.w3.org/2000/svg}"
    root = ET.fromstring(svg)
    for line in root.iter(ns + "line"):
        bad = line.get("data-wire") == "x"
        assert (line.get("stroke-dasharray") == style.MISMATCH_DASH) == bad
        assert (float(line.get("stroke-width")) >= 3) == bad
    crosses = [p.get("data-wire") for p in root.iter(ns + "path") if p.get("class") == "cross"]
    assert crosses == ["x"]
    grads = {t.get("data-wire"): t.text for t in root.iter(ns + "text")
             if "grad" in t.get("class", "").split()}
    assert grads["x"].endswith("✗") and not any(grads[w].endswith("✗") for w in "yz")
