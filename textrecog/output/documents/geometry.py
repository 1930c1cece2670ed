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
    """The line's baseline as a polyline: the path the writing followed where there is one (clipped to the
    line's box), else two points along its box (down a ttb column's axis)."""
    b = line.box
    if line.baseline_path:
        return " ".join(f"{min(max(round(p.x), b.x), b.right)},{min(max(round(p.y), b.y), b.bottom)}"
                        for p in line.baseline_path)
    if direction == "ttb":
        x = min(max(round(line.baseline), b.x), b.right)
        return f"{x},{b.y} {x},{b.bottom}"
    y = min(max(round(line.baseline), 0), b.bottom)
    return f"{b.x},{y} {b.right},{y}"


def baseline_slope(line: Line) -> tuple[float, int]:
    """hOCR's baseline: the slope of the path's chord and its offset (pixels) from the box's bottom-left."""
    path = line.baseline_path
    if len(path) < 2 or path[-1].x == path[0].x:
        return 0.0, round(line.baseline - line.box.bottom)
    slope = (path[-1].y - path[0].y) / (path[-1].x - path[0].x)
    at_left = path[0].y + slope * (line.box.x - path[0].x)
    return round(slope, 4), round(at_left - line.box.bottom)