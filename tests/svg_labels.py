"""Read the numbers back out of a circuit SVG: the tests look at what the student would see."""
import xml.etree.ElementTree as ET

SVG = "{http://www.w3.org/2000/svg}"


def labels(svg, kind):
    """{wire: (number, classes)} of the text labels of class `kind` ("value" or "grad")."""
    out = {}
    for text in ET.fromstring(str(svg)).iter(SVG + "text"):
        classes = set(text.get("class", "").split())
        if kind in classes:
            out[text.get("data-wire")] = (float(text.text.split()[0]), classes)
    return out


def numbers(svg, kind):
    """{wire: number} of the labels of class `kind`."""
    return {wire: n for wire, (n, _) in labels(svg, kind).items()}


def flagged(svg):
    """Wires whose gradient label is marked as a mismatch."""
    return {wire for wire, (_, classes) in labels(svg, "grad").items() if "mismatch" in classes}
