"""Ruled paper and form lines: find long thin rules in the ink, take them out, mend the strokes they crossed.

A rule is ink that stays straight, horizontal or vertical, far longer than
any stroke of the writing: an opening of the ink mask with a long, one-pixel
thin kernel keeps it and nothing else. Only thin runs count (at most a few
stroke widths thick), so a thick bar of writing stays. Where a letter
crossed a rule, the ink above and below it meet again across the rule's
width; everything else of the rule (and of a margin line, or the straight
edge of the sheet) leaves the mask.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from textrecog.imaging.binarize import stroke_width

MIN_RULE = 80  # pixels: shorter straight runs are writing (a t-bar, an underlined word is longer)


@dataclass(frozen=True)
class Rules:
    """What was taken out: each direction's rule pixels (uint8 masks, 1 = rule) and how many rules."""

    horizontal: np.ndarray
    vertical: np.ndarray
    count: tuple[int, int]  # horizontal, vertical

    @property
    def mask(self) -> np.ndarray:
        """Every rule pixel."""
        return self.horizontal | self.vertical


def _runs(mask: np.ndarray, horizontal: bool, thick: int) -> tuple[np.ndarray, int]:
    """The straight runs of ink at least a rule long in one direction, thin across; and how many."""
    h, w = mask.shape
    length = max(MIN_RULE, (w if horizontal else h) // 8)
    kernel = np.ones((1, length) if horizontal else (length, 1), np.uint8)
    runs = cv2.morphologyEx(mask, cv2.MORPH_OPEN, kernel)
    n, labels, stats, _ = cv2.connectedComponentsWithStats(runs, connectivity=8)
    along = stats[1:, cv2.CC_STAT_WIDTH if horizontal else cv2.CC_STAT_HEIGHT]
    across = stats[1:, cv2.CC_STAT_HEIGHT if horizontal else cv2.CC_STAT_WIDTH]
    # thin: the mean thickness (area / length) of a few strokes at most; a slightly tilted rule steps, so
    # its box may be a little deeper, but not much
    thin = (stats[1:, cv2.CC_STAT_AREA] / np.maximum(along, 1) <= thick) & (across <= 4 * thick)
    keep = np.zeros(n, np.uint8)
    keep[1:][thin] = 1
    return keep[labels], int(thin.sum())


def find_rules(mask: np.ndarray) -> Rules:
    """The long thin horizontal and vertical lines in an ink mask (1 = ink)."""
    thick = max(3, int(np.ceil(2.5 * stroke_width(mask))))
    horizontal, nh = _runs(mask, True, thick)
    vertical, nv = _runs(mask, False, thick)
    return Rules(horizontal, vertical, (nh, nv))


def _drop_hairlines(mask: np.ndarray) -> np.ndarray:
    """``mask`` without hairline pieces: long, and far thinner than the writing's strokes (what is left of a
    faint rule or margin line in dashes); the mask itself when there are none."""
    stroke = stroke_width(mask)
    n, labels, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    length = np.maximum(stats[1:, cv2.CC_STAT_WIDTH], stats[1:, cv2.CC_STAT_HEIGHT])
    hair = (stats[1:, cv2.CC_STAT_AREA] / np.maximum(length, 1) < 0.5 * stroke) & (length > 3 * stroke)
    if not hair.any():
        return mask
    keep = np.ones(n, np.uint8)
    keep[0] = 0
    keep[1:][hair] = 0
    return keep[labels]


def remove_rules(mask: np.ndarray) -> tuple[np.ndarray, Rules]:
    """The ink mask without its rules, strokes that crossed them mended; and the rules found."""
    mask = _drop_hairlines(mask)
    rules = find_rules(mask)
    if not any(rules.count):
        return mask, rules
    grow = np.ones((3, 3), np.uint8)  # the rule's antialiased fringe too
    bands = cv2.dilate(rules.horizontal, grow), cv2.dilate(rules.vertical, grow)
    ink = mask & (1 - (bands[0] | bands[1]))
    # a letter crossed a rule: its ink on both sides meets again across the band; a closing kept to the band
    # never grows the letter elsewhere, and goes across the rule only (down a horizontal one, along a vertical)
    reach = 2 * int(np.ceil(2.5 * stroke_width(mask))) + 3
    out = ink.copy()
    for band, kernel in zip(bands, (np.ones((reach, 1), np.uint8), np.ones((1, reach), np.uint8))):
        out |= cv2.morphologyEx(ink, cv2.MORPH_CLOSE, kernel) & band
    return out, rules
