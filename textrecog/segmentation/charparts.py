"""Merging the pieces of one character within a line: pen lifts, an i's dot, a letter's parts.

Works in units of the line's character height, as line grouping does.
"""

from __future__ import annotations

import cv2
import numpy as np

from textrecog.imaging.binarize import component_mask
from textrecog.segmentation.lines import LETTER, span_overlap
from textrecog.types import Box, bounding_box


def _stacked(a: Box, b: Box, char_h: float) -> bool:
    """Parts one above the other: i/j dots, =, :, ;, !, ?."""
    if min(a.h, b.h) >= LETTER * char_h:
        return False  # one of them must be a small part (dot, bar, hook)
    h_ov = span_overlap(a.x, a.right, b.x, b.right)
    dot = min(max(a.w, a.h), max(b.w, b.h)) < 0.35 * char_h
    # A dot may drift sideways off its stem; larger parts must overlap.
    if h_ov < (-0.15 * char_h if dot else min(0.4 * min(a.w, b.w), 0.25 * char_h)):
        return False
    gap = max(a.y, b.y) - min(a.bottom, b.bottom)  # > 0: vertical space between them
    # i-dots float high above short stems; bars of = and : sit closer
    return -0.25 * min(a.h, b.h) <= gap <= (0.9 if dot else 0.6) * char_h


def _overlapping(a: Box, b: Box, reach: int) -> bool:
    """Pieces of one letter after a pen lift: a broken t, an E in strokes, %, x.

    Either the boxes largely overlap, or a flat bar sits beside a taller
    stroke within its height, at most ``reach`` pixels away.
    """
    h_ov = span_overlap(a.x, a.right, b.x, b.right)
    v_ov = span_overlap(a.y, a.bottom, b.y, b.bottom)
    if v_ov < 0.7 * min(a.h, b.h):
        return False
    if h_ov >= 0.7 * min(a.w, b.w):
        return True
    bar, other = (a, b) if a.h <= b.h else (b, a)
    return h_ov >= -reach and bar.w >= 2 * bar.h and other.h >= 2 * bar.h


def _touching(labels: np.ndarray, a: frozenset[int], b: frozenset[int], box: Box, reach: int) -> bool:
    """True if the inks of ``a`` and ``b`` come within ``reach`` pixels."""
    crop = labels[box.y : box.bottom, box.x : box.right]
    k = 2 * reach + 1
    grown = cv2.dilate(component_mask(crop, a), cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (k, k)))
    return bool((grown & component_mask(crop, b)).any())


class _Union:
    """Disjoint sets over glyph indices."""

    def __init__(self, n: int):
        self.parent = list(range(n))

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def join(self, i: int, j: int) -> None:
        self.parent[self.find(j)] = self.find(i)


def _centre_x(b: Box) -> float:
    return b.x + b.w / 2


def merge_parts(boxes: list[Box], comps: list[frozenset[int]], labels: np.ndarray,
                char_h: float, reach: int) -> list[tuple[Box, list[int]]]:
    """Merge the pieces of one character within a line.

    Overlapping pieces whose inks nearly touch are merged (pen lifts);
    each small part is stacked onto its single nearest partner, so the dot
    of an i never glues two letters together. Returns (box, piece indices)
    per character, left to right.
    """
    n = len(boxes)
    sets = _Union(n)
    order = sorted(range(n), key=lambda k: boxes[k].x)
    gap = max(reach, 0.25 * char_h)
    for pos, i in enumerate(order):
        a = boxes[i]
        limit = a.x + a.w + gap
        for j in order[pos + 1 :]:
            b = boxes[j]
            if b.x > limit:
                break
            if _overlapping(a, b, reach) and _touching(labels, comps[i], comps[j], a.union(b), reach):
                sets.join(i, j)
    # stacking needs a small part (see _stacked): only pairs with one pay the full test
    small_h, margin = LETTER * char_h, 0.2 * char_h
    small = [k for k, b in enumerate(boxes) if b.h < small_h]
    for i, a in enumerate(boxes if small else ()):
        lo, hi = a.x - margin, a.x + a.w + margin
        cands = [j for j in (range(n) if a.h < small_h else small)
                 if j != i and boxes[j].x + boxes[j].w >= lo and boxes[j].x <= hi and _stacked(a, boxes[j], char_h)]
        if cands:
            sets.join(min(cands, key=lambda j: abs(_centre_x(boxes[j]) - _centre_x(a))), i)
    groups: dict[int, list[int]] = {}
    for i in range(n):
        groups.setdefault(sets.find(i), []).append(i)
    # most characters are one piece: they keep their box
    merged = [(boxes[m[0]] if len(m) == 1 else bounding_box(boxes[k] for k in m), m) for m in groups.values()]
    return sorted(merged, key=lambda e: (_centre_x(e[0]), e[0].y))
