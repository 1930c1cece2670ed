"""What the document formats share: the text block, word gaps, polygons, and building elements."""

from __future__ import annotations

from lxml import etree

from textrecog.types import Box, Line, Result, bounding_box


def child(parent: etree._Element, tag: str, text: str | None = None, *, ns: str, **attrs: object) -> etree._Element:
    """A new ``ns`` element under ``parent``, with ``text`` and attributes (values as strings)."""
    el = etree.SubElement(parent, f"{{{ns}}}{tag}", {k: str(v) for k, v in attrs.items()})
    if text is not None:
        el.text = text
    return el


def block_box(result: Result) -> Box:
    """The box around all lines (the page when there are none)."""
    if not result.lines:
        return Box(0, 0, result.width, result.height)
    return bounding_box(line.box for line in result.lines)


def gaps(line: Line) -> list[Box]:
    """The space between each pair of neighbouring words, within the line's height."""
    out = []
    for left, right in zip(line.words, line.words[1:]):
        x0 = left.box.right
        out.append(Box(x0, line.box.y, max(0, right.box.x - x0), line.box.h))
    return out


def polygon(box: Box) -> str:
    """A box as a PAGE points string, clockwise from the top left."""
    x0, y0, x1, y1 = box.x, box.y, box.right, box.bottom
    return f"{x0},{y0} {x1},{y0} {x1},{y1} {x0},{y1}"


def baseline_points(line: Line, direction: str = "ltr") -> str:
    """The line's baseline as a two-point polyline along its box (down a ttb column's axis)."""
    if direction == "ttb":
        x = min(max(round(line.baseline), line.box.x), line.box.right)
        return f"{x},{line.box.y} {x},{line.box.bottom}"
    y = min(max(round(line.baseline), 0), line.box.bottom)
    return f"{line.box.x},{y} {line.box.right},{y}"
