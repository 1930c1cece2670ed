"""Segmentation engine: ink mask → lines of character glyphs and word spaces.

Steps, each a small function: ink components → boxes (specks dropped),
line grouping, merging the parts of one character, left-to-right order,
and word spaces from gaps (:mod:`textrecog.segmentation.spacing`).

Boxes come from one connected-component pass with statistics: each is the
bounding box of a component's outer contour. Holes (a, e, o, 0, 8) never
become boxes, so the nested-box removal that a contour list would need is
built in, and a separate mark inside another's box (a dot in a C) is kept.
"""

from __future__ import annotations

from dataclasses import dataclass
from statistics import median

import cv2
import numpy as np

from textrecog.imaging.binarize import component_mask, speck_area
from textrecog.segmentation.deskew import Turn
from textrecog.segmentation.charparts import merge_parts
from textrecog.segmentation.lines import group_lines
from textrecog.segmentation.rules import Labelled, Rules, label_ink
from textrecog.segmentation.spacing import word_spaces
from textrecog.segmentation.touching import cut_touching
from textrecog.types import Box, Point, bounding_box

MAX_COMPONENTS = 5000  # beyond this the image is texture or noise, not writing


@dataclass(frozen=True)
class Glyph:
    """One character candidate: its box and the ink components forming it."""

    box: Box
    components: frozenset[int]  # ids in Segmentation.labels


@dataclass(frozen=True)
class LineSeg:
    """A text line: glyphs left to right and where word spaces fall."""

    box: Box
    glyphs: tuple[Glyph, ...]
    spaces: tuple[bool, ...]  # spaces[i]: a word space between glyph i and i+1
    char_height: float  # median height of the line's characters
    baseline: float  # y of the line's baseline (median glyph bottom)
    baseline_path: tuple[Point, ...] = ()  # the baseline followed along the line, left to right


@dataclass(frozen=True)
class Segmentation:
    """Everything the classifier and the debug overlay need."""

    labels: np.ndarray  # uint16 component label image (0 = paper; specks belong to no glyph)
    lines: tuple[LineSeg, ...]


@dataclass(frozen=True)
class Page:
    """A loaded grey image and its segmentation: what every recognizer engine reads."""

    gray: np.ndarray  # uint8, ink dark on light, in the reading view (see textrecog.segmentation.direction)
    segmentation: Segmentation
    direction: str = "ltr"  # how the page was written: "ttb" pages are read turned a quarter
    turn: Turn | None = None  # the text was turned: the page is read levelled (segmentation.deskew)
    rules: Rules | None = None  # ruled lines taken out of the ink before segmentation


def find_components(mask: np.ndarray, min_area: float = 1.0,
                    labelled: Labelled | None = None) -> tuple[np.ndarray, list[Glyph]]:
    """Label the ink components (or take ``labelled``, the mask's own); one glyph per component of at least
    ``min_area`` pixels.

    Returns the uint16 label image and the glyphs, in label order.
    """
    found = labelled if labelled is not None else label_ink(mask, wide=False)
    if found is None or found.labels.dtype != np.uint16:  # over 65,535 components: noise or texture, not writing
        return np.zeros(mask.shape, np.uint16), []
    labels, stats = found.labels, found.stats
    keep = np.flatnonzero(stats[1:, cv2.CC_STAT_AREA] >= min_area) + 1
    if len(keep) > MAX_COMPONENTS:
        return labels, []
    return labels, [Glyph(Box(x, y, w, h), frozenset((k,)))
                    for k, (x, y, w, h) in zip(keep.tolist(), stats[keep, :4].tolist())]


def typical_height(glyphs: list[Glyph]) -> float:
    """Median height of the glyphs that are not small marks (dots, commas)."""
    if not glyphs:
        return 1.0
    # plain Python: for a few dozen numbers numpy's call overhead dominates
    heights = sorted(g.box.h for g in glyphs)
    pos = 0.75 * (len(heights) - 1)  # the 75th percentile, interpolated as numpy does
    i = int(pos)
    p75 = heights[i] + (heights[min(i + 1, len(heights) - 1)] - heights[i]) * (pos - i)
    big = [h for h in heights if h >= 0.5 * p75]
    return float(median(big or heights))


def _line_seg(glyphs: list[Glyph], labels: np.ndarray, reach: int) -> LineSeg:
    """Merge a line's parts, order them left to right and find word spaces."""
    char_h = typical_height(glyphs)
    merged = merge_parts([g.box for g in glyphs], [g.components for g in glyphs], labels, char_h, reach)
    out = [glyphs[m[0]] if len(m) == 1 else Glyph(box, frozenset().union(*(glyphs[k].components for k in m)))
           for box, m in merged]
    char_h = typical_height(out)
    spaces = word_spaces([g.box.x for g in out], [g.box.right for g in out], char_h)
    tall = [g.box.bottom for g in out if g.box.h >= 0.5 * char_h] or [g.box.bottom for g in out]
    box = bounding_box(g.box for g in out)
    return LineSeg(box, tuple(out), tuple(spaces), char_h, float(median(tall)),
                   baseline_path(out, box, char_h, labels))


PATH_WIDTH = 4.0  # letter heights of line a baseline point is read from: a few letters, or a cursive word or two
BAND = 0.4  # share of the densest row's ink that a row of the letters' middle band holds (descenders hold less)


def baseline_path(glyphs: list[Glyph], box: Box, char_h: float, labels: np.ndarray) -> tuple[Point, ...]:
    """The line's baseline left to right: in each stretch about PATH_WIDTH letters wide, the bottom of the
    letters' dense middle band (descenders, dots and commas are sparse rows), at the stretch's middle;
    carried out flat to both ends of the line. Read from the ink, not the pieces' boxes: a cursive word is
    one piece whose box ends at its lowest descender."""
    ink = component_mask(labels[box.y : box.bottom, box.x : box.right],
                         frozenset().union(*(g.components for g in glyphs)))
    edges = np.linspace(0, box.w, max(1, round(box.w / (PATH_WIDTH * char_h))) + 1).round().astype(int)
    points = []
    for a, b in zip(edges[:-1], edges[1:]):
        rows = ink[:, a:b].sum(axis=1)
        if rows.max() > 0:
            cols = np.flatnonzero(ink[:, a:b].any(axis=0))
            points.append(Point(float(box.x + a + (cols[0] + cols[-1] + 1) / 2),
                                float(box.y + np.flatnonzero(rows >= BAND * rows.max())[-1] + 1)))
    if not points:
        return ()
    return (Point(float(box.x), points[0].y), *points, Point(float(box.right), points[-1].y))


def segment(mask: np.ndarray, labelled: Labelled | None = None) -> Segmentation:
    """Segment an ink mask (uint8, 1 = ink) into lines of character glyphs; ``labelled``: its pieces, where
    the caller has them (rule removal labels the same mask)."""
    mask = np.ascontiguousarray(mask, dtype=np.uint8)
    specks = speck_area(mask)
    first = find_components(mask, specks, labelled)
    _, labels, glyphs = cut_touching(mask, lambda m: find_components(m, specks), typical_height, first)
    if not glyphs:
        return Segmentation(labels, ())
    glyphs = drop_edge_slivers(glyphs, mask.shape[0])
    char_h = typical_height(glyphs)
    groups = group_lines([g.box for g in glyphs], char_h)
    # how close two pieces' inks must come to be one letter after a pen lift
    reach = max(2, int(round(0.12 * char_h)))
    lines = tuple(_line_seg([glyphs[i] for i in members], labels, reach) for members in groups)
    return Segmentation(labels, lines)



SLIVER = 0.5  # of the writing's letter height: ink cut by the top or bottom edge and lower than this is a sliver


def drop_edge_slivers(glyphs: list[Glyph], height: int) -> list[Glyph]:
    """The glyphs without slivers: ink cut off by the image's top or bottom edge and far lower than the
    writing inside (a form field's crop holds the feet of the field above and the tops of the one below).
    An image whose ink all touches an edge keeps it."""
    inside = [g for g in glyphs if g.box.y > 0 and g.box.bottom < height]
    if not inside or len(inside) == len(glyphs):
        return glyphs
    low = SLIVER * typical_height(inside)
    return [g for g in glyphs if (g.box.y > 0 and g.box.bottom < height) or g.box.h >= low]
