"""Writing direction: left-to-right lines (``ltr``) or top-to-bottom columns read right to left (``ttb``).

Every stage reads lines left to right. A ``ttb`` page is turned a quarter
counter-clockwise, so its columns become lines, the rightmost on top, each
read from its top; every glyph is turned back upright before it is
classified, and the result's boxes are mapped back onto the page as given.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from textrecog.types import DIRECTIONS, Box, Char, Point, Result


def check(direction: str) -> str:
    """``direction`` if it is one of DIRECTIONS, else a ValueError naming them."""
    if direction not in DIRECTIONS:
        raise ValueError(f"unknown direction {direction!r} (choose from {', '.join(DIRECTIONS)})")
    return direction


def to_reading(gray: np.ndarray, direction: str) -> np.ndarray:
    """The page as the line reader sees it: ``ttb`` columns turned into lines, first column on top."""
    return np.ascontiguousarray(np.rot90(gray, 1)) if check(direction) == "ttb" else gray


def upright(ink: np.ndarray, direction: str) -> np.ndarray:
    """A glyph cut from the reading view, turned back the way it was written."""
    return np.ascontiguousarray(np.rot90(ink, -1)) if direction == "ttb" else ink


def _box(b: Box, width: int) -> Box:
    # reading view (x', y') of a page ``width`` wide: page x = width - y' - h', page y = x'
    return Box(width - b.y - b.h, b.x, b.h, b.w)


def _char(c: Char, width: int) -> Char:
    return replace(c, box=_box(c.box, width))


def from_reading(result: Result, direction: str, width: int, height: int) -> Result:
    """A result read in the reading view, with its boxes on the page as given.

    For ``ttb`` a line is a column, and its ``baseline`` is the x of the
    column's axis (where the line's baseline was in the reading view).
    """
    if direction == "ltr":
        return result
    lines = tuple(replace(ln, box=_box(ln.box, width),
                          words=tuple(replace(w, box=_box(w.box, width), chars=tuple(_char(c, width) for c in w.chars))
                                      for w in ln.words),
                          baseline=float(width - ln.baseline),
                          baseline_path=tuple(Point(width - q.y, q.x) for q in ln.baseline_path))
                  for ln in result.lines)
    return Result(lines, width, height, result.model, direction)
