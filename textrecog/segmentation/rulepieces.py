"""Rules left in pieces, which the searches for whole straight lines miss.

A faint rule or margin binarises into rows (columns) of short thin dashes; a
stretch of rule cut off by the writing lies alone, long and flat; stubs of
rules run on past a margin. :func:`in_pieces` and :func:`by_the_margin` find
them among the pieces of ink left once the whole rules are out
(:func:`textrecog.segmentation.rules.find_rules` calls them).
"""

from __future__ import annotations

import cv2
import numpy as np

MIN_RULE = 80  # pixels: shorter straight runs are writing (a t-bar, an underlined word is longer)
RULE_WIDE, RULE_TALL = 6.0, 3.0  # a straight run is a rule from this many times the height of the ink's pieces
TILT = 4.0  # degrees off level that a rule may lie once the page is levelled
TILT_PLUMB = 10.0  # and off plumb: a photo's perspective (a keystone) turns a long margin line more than the rules
DOTS = 4  # dashes in a row that make a rule
DOTTED = 12  # round dots in a row that make a dotted rule (ruled paper printed in dots), at least one a letter
LETTERED = 0.1  # share of a long flat piece's columns with far more ink than a rule: letters stand on it


def by_the_margin(parts: tuple, margin: np.ndarray, vertical: np.ndarray, stroke: float,
                   tall: float) -> np.ndarray:
    """Stubs of rules at a margin line (``parts``: the ink left, labelled): thin flat pieces touching it
    (``margin``: the vertical rules' band and a little more), or at least half a letter long wholly left of a
    margin in the page's left part (a sheet's rules run on past its margin; what binarising keeps of a faint
    one there would start a line). The mask."""
    n, labels, stats = parts
    x, y, w, h, area = (stats[1:, k] for k in range(5))
    stub = _dashes(w, h, area, stroke, tall)
    if not stub.any():
        return np.zeros_like(labels, dtype=np.uint8)
    at = np.zeros(n, bool)
    at[np.unique(labels[margin > 0])] = True
    left = vertical[:, : int(0.4 * labels.shape[1])]
    first = np.where(left.any(axis=1), left.argmax(axis=1), -1)  # each row's margin, if it has one
    row = np.clip(y + h // 2, 0, labels.shape[0] - 1)
    before = (first[row] >= 0) & (x + w <= first[row])
    lut = np.zeros(n, np.uint8)
    lut[1:][stub & (at[1:] | (before & (w >= 0.5 * tall)))] = 1
    return lut[labels]


def in_pieces(parts: tuple, near: np.ndarray | None, stroke: float, tall: float,
               thick: int) -> tuple[np.ndarray, int, np.ndarray, int]:
    """What is left of rules in pieces (``parts``: the ink left, labelled) the searches for whole lines miss: a
    long flat thin piece on its own (a stretch of a rule: no stroke of writing is that long and alone), and rows
    of short dashes (a faint rule, or one in a shadow), or columns of them (a faint margin): pieces thinner than
    the writing's strokes, at least ``DOTS`` of them in a row near level (plumb), spread over a rule's length,
    none touching a rule found (``near``: the letters sitting on a rule leave such a row of feet). The masks of
    the level pieces and of the plumb ones, and how many rules each."""
    n, labels, stats = parts
    x, y, w, h, area = (stats[1:, k] for k in range(5))
    span = max(MIN_RULE, RULE_WIDE * tall)
    long = (w >= span) & (h <= w * np.tan(np.radians(TILT)) + thick) & (area <= thick * w)
    flat, plumb = _dashes(w, h, area, stroke, tall) & ~long, _dashes(h, w, area, stroke, tall) & ~long
    dots = (np.maximum(w, h) <= 0.3 * tall) & (np.maximum(w, h) >= 2) & ~flat & ~long
    if near is not None:
        touching = np.unique(labels[near > 0]).astype(np.int64)
        flat[touching[touching > 0] - 1] = plumb[touching[touching > 0] - 1] = False
        dots[touching[touching > 0] - 1] = False
    rows, nr = _in_a_row(parts, flat, span, TILT, False)
    # dotted rules: many round dots, at least one a letter's height along (i-dots and stops of a line are sparser)
    dotted, nd = _in_a_row(parts, dots, span, TILT, False, least=DOTTED, dense=tall)
    rows, nr = rows | dotted, nr + nd
    columns, nc = _in_a_row(parts, plumb, max(MIN_RULE, RULE_TALL * tall), TILT_PLUMB, True)
    across = [(k, _rule_along(labels, stats[k + 1], k + 1, thick)) for k in np.flatnonzero(long)]
    for k, rule in across:
        long[k] = rule is None  # bare: all of it goes; letters on it: only the rule they stand on
    lut = np.zeros(n, np.uint8)
    lut[1:] = long | rows
    level = lut[labels] if lut.any() else np.zeros_like(labels, dtype=np.uint8)
    for _, rule in (a for a in across if a[1]):
        line = np.zeros_like(level)
        cv2.line(line, *rule[:2], 1, rule[2])
        level |= line & (labels > 0)
    lut[1:] = columns
    count = int(long.sum()) + sum(1 for _, r in across if r) + nr
    return level, count, (lut[labels] if nc else np.zeros_like(level)), nc


def _rule_along(labels: np.ndarray, box: np.ndarray, k: int, thick: int) -> tuple | None:
    """None for a long flat piece that is a bare stretch of rule; for one with letters standing on it (over
    ``LETTERED`` of its columns hold far more ink than a rule: a line written across a rule the searches
    missed, all one piece), the rule alone: a straight line fitted through the columns holding one thin run
    of ink (the rule between the letters), its ends and thickness; () where there are too few of those."""
    x, y, w, h = (int(v) for v in box[:4])
    own = labels[y : y + h, x : x + w] == k
    counts = own.sum(axis=0)
    if (counts > 1.5 * thick).mean() <= LETTERED:
        return None
    first, last = own.argmax(axis=0), h - 1 - own[::-1].argmax(axis=0)
    cols = np.flatnonzero((counts > 0) & (counts <= thick) & (counts == last - first + 1))
    if cols.size < 2:
        return ()
    mid = (first[cols] + last[cols]) / 2
    fit = np.polyfit(cols, mid, 1)
    near = np.abs(np.polyval(fit, cols) - mid) <= 2  # without a letter's bar lying level beside the rule
    if near.sum() >= 2:
        fit = np.polyfit(cols[near], mid[near], 1)
    ends = tuple((x + c, y + int(round(float(np.polyval(fit, c))))) for c in (0, w - 1))
    return (*ends, max(3, int(np.median(counts[cols])) + 1))


def _dashes(along: np.ndarray, across: np.ndarray, area: np.ndarray, stroke: float, tall: float) -> np.ndarray:
    """Pieces that may be a rule's dashes (sizes along and across the rule): short across, at least twice as
    long as that, and thinner on average than the writing's strokes."""
    return (across <= 0.3 * tall) & (along >= 3) & (along >= 2 * across) & (area <= 0.6 * stroke * along)


def _in_a_row(parts: tuple, dashes: np.ndarray, span: float, tilt: float, plumb: bool, least: int = DOTS,
              dense: float = 0.0) -> tuple[np.ndarray, int]:
    """Which ``dashes`` (a bool per piece of ``parts``) lie ``least`` or more on a straight line within ``tilt``
    degrees of level (``plumb``: of plumb), spread over ``span`` pixels at least (with ``dense``: one every
    ``dense`` pixels at least); and how many such lines."""
    out = np.zeros(dashes.shape, bool)
    if dashes.sum() < least:
        return out, 0
    n, labels, stats = parts
    x, y, w, h = (stats[1:, k] for k in range(4))
    lut = np.zeros(n, np.uint8)
    lut[1:][dashes] = 1
    image = lut[labels]
    if plumb:  # searched as rows of the image turned on its side
        image, x, y, w, h = np.ascontiguousarray(image.T), y, x, h, w
    t = np.radians(tilt)
    found = cv2.HoughLines(image, 1, np.pi / 720, MIN_RULE // 2, min_theta=np.pi / 2 - t, max_theta=np.pi / 2 + t)
    ids = np.flatnonzero(dashes)
    cx, cy = x[ids] + w[ids] / 2, y[ids] + h[ids] / 2
    free = np.ones(ids.size, bool)
    lines = 0
    for rho, theta in (found.reshape(-1, 2)[:50] if found is not None else []):
        on = free & (np.abs((rho - cx * np.cos(theta)) / np.sin(theta) - cy) <= 2 + h[ids] / 2)
        extent = (x[ids] + w[ids])[on].max() - x[ids][on].min() if on.any() else 0
        if on.sum() >= least and extent >= span and (not dense or on.sum() * dense >= extent):
            free &= ~on
            lines += 1
    out[ids[~free]] = True
    return out, lines
