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
from textrecog.segmentation.rulepieces import MIN_RULE, RULE_TALL, RULE_WIDE, TILT, TILT_PLUMB, by_the_margin, in_pieces

PAGE_LINES = 2.5  # ink rows spanning this many times its pieces' height: lines enough to search for tilted rules
ONE_BAND = 4.0  # the most a single line of writing spans, turned a few degrees, in its pieces' heights
SITTING = 0.25  # share of a rule's length with letters along one side (written on it); the other side is paper
# a line with ink nearly all along is a rule even with a line of writing sitting on it and crossing it (a
# row of letters' feet or a cursive baseline never covers that much): (on, the freer side, the other side);
# cursive sitting on it covers half its length on one side, the paper side stays bare
SOLID = (0.88, 0.65, 0.15)
NEAR = 2  # pixels either side of a found rule's line where its ink is looked for when following it
ON_PREDICTED = 0.5  # share of a rule's length on ink where the ruling predicts a rule (a pixel either way)
PITCH = (1.2, 5.0)  # a notebook's rules lie this many times the writing's letter height apart
SOLID_PREDICTED = (0.8, 0.45, 0.45)  # and a predicted rule that a line of writing runs across (letters both sides)
NETWORK = 0.5  # share of the page's height past which the ink's median piece is a network of rules, not letters
GAP = 4  # thicknesses of paper that end a rule being followed (a faint rule's dashes are closer)


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


@dataclass(frozen=True)
class Labelled:
    """An ink mask's pieces, labelled once for rule removal and segmentation (OpenCV's count, labels, stats)."""

    n: int
    labels: np.ndarray
    stats: np.ndarray


def label_ink(mask: np.ndarray, wide: bool = True) -> Labelled | None:
    """The 8-connected pieces of an ink mask: 16-bit labels unless there are more pieces than they hold
    (then 32-bit ones, or None when not ``wide``: a caller that gives such ink up need not label it again)."""
    parts = _label(mask, wide)
    return None if parts is None else Labelled(*parts)


def _label(mask: np.ndarray, wide: bool = True) -> tuple[int, np.ndarray, np.ndarray] | None:
    """Connected components (8-connected): count, labels, stats; 16-bit labels (half the cost) unless there
    are more pieces than they hold."""
    try:
        n, labels, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8, ltype=cv2.CV_16U)
    except cv2.error:
        if not wide:
            return None
        n, labels, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    return n, labels, stats


def long_runs(mask: np.ndarray, length: int, horizontal: bool = True) -> np.ndarray:
    """The ink of ``mask`` in straight runs at least ``length`` long along rows (columns): an opening with a
    1 x length line, exactly, from the runs' ends (a fraction of the cost of a long morphological kernel)."""
    m = mask if horizontal else np.ascontiguousarray(mask.T)
    h, w = m.shape
    padded = np.zeros((h, w + 2), np.int8)  # paper before and after each row: every run starts and ends
    padded[:, 1:-1] = m
    steps = np.diff(padded, axis=1).ravel()  # rows of w + 1: +1 where a run starts, -1 just after it ends
    starts, ends = np.flatnonzero(steps == 1), np.flatnonzero(steps == -1)
    keep = ends - starts >= length
    if not keep.any():
        return np.zeros_like(mask)
    marks = np.zeros(h * (w + 1), np.int8)
    marks[starts[keep]] = 1
    marks[ends[keep]] = -1  # an end is at most the row's w-th place: never past the array
    out = np.cumsum(marks, dtype=np.int8).reshape(h, w + 1)[:, :w].astype(mask.dtype)
    return out if horizontal else np.ascontiguousarray(out.T)


def _runs(mask: np.ndarray, horizontal: bool, thick: int, shortest: int) -> tuple[np.ndarray, int]:
    """The straight runs of ink at least ``shortest`` long in one direction, thin across; and how many."""
    h, w = mask.shape
    length = max(shortest, (w if horizontal else h) // 8)
    if cv2.reduce(mask, 1 if horizontal else 0, cv2.REDUCE_SUM, dtype=cv2.CV_32S).max() < length:
        return np.zeros_like(mask), 0  # no row (column) holds that much ink: no run that long, at a tenth the cost
    runs = long_runs(mask, length, horizontal)
    if not runs.any():
        return runs, 0
    n, labels, stats = _label(runs)
    along = stats[1:, cv2.CC_STAT_WIDTH if horizontal else cv2.CC_STAT_HEIGHT]
    across = stats[1:, cv2.CC_STAT_HEIGHT if horizontal else cv2.CC_STAT_WIDTH]
    # thin: the mean thickness (area / length) of a few strokes at most; a slightly tilted rule steps, so
    # its box may be a little deeper, but not much
    thin = (stats[1:, cv2.CC_STAT_AREA] / np.maximum(along, 1) <= thick) & (across <= 4 * thick)
    keep = np.zeros(n, np.uint8)
    keep[1:][thin] = 1
    return keep[labels], int(thin.sum())


def _tilted(mask: np.ndarray, thick: int, tall: float, whole: np.ndarray) -> tuple[np.ndarray, np.ndarray, int, int]:
    """Long straight lines a few degrees off level or plumb (a rule under perspective, a margin drawn
    askew), which a one-pixel opening breaks into short runs: straight segments found by a probabilistic
    Hough transform, kept if they lie on ink nearly all along and have paper on both sides (a thin line,
    not a row of letters), each followed to its ends in ``whole`` (the ink with its hairlines: a faint rule's
    dashes). Masks of the kept horizontal and vertical ones (cut to the ink), and counts."""
    h, w = mask.shape
    found = [np.zeros_like(mask), np.zeros_like(mask)]
    counts = [0, 0]
    level: list = []  # the ends of the horizontal rules found
    shortest = max(MIN_RULE, min(h, w) // 4)
    # the search on a half-size mask (each pixel the max of four: a thin rule stays whole) above ~1 MP:
    # a quarter of the points, and the segments found are checked on the mask itself; in half-degree steps
    # (a third of the time of quarter degrees): each rule found is refitted to its ink when followed
    k = 2 if h * w > 1_000_000 else 1
    small = _half(whole) if k > 1 else whole
    segments = cv2.HoughLinesP(small, 1, np.pi / 360, threshold=shortest // (2 * k), minLineLength=shortest // k,
                               maxLineGap=max(1, thick // k))
    for x1, y1, x2, y2 in (segments.reshape(-1, 4) * k if segments is not None else []):
        angle = abs(np.degrees(np.arctan2(y2 - y1, x2 - x1))) % 180
        vertical = int(abs(angle - 90) < TILT_PLUMB)
        if not (vertical or min(angle, 180 - angle) < TILT):
            continue
        length = np.hypot(x2 - x1, y2 - y1)
        if length < (h if vertical else w) / 3:  # a rule runs across most of the page
            continue
        if length < (RULE_TALL if vertical else RULE_WIDE) * tall:  # and is longer than any stroke
            continue
        if found[vertical][(y1 + y2) // 2, (x1 + x2) // 2]:
            continue  # a second segment of a rule already followed to its ends
        if _thin_line(whole, (x1, y1, x2, y2), thick + 2, bool(vertical), spread=1):  # Hough's lines are coarse
            ends = _follow(whole, (x1, y1, x2, y2), thick, bool(vertical))
            cv2.line(found[vertical], *ends, 1, 3)  # the rule; its fringe later
            counts[vertical] += 1
            level.extend([] if vertical else [ends])
    for ends in _missing_rules(mask, whole, level, thick, tall):
        cv2.line(found[0], *ends, 1, 3)
        counts[0] += 1
    return found[0] & mask, found[1] & mask, counts[0], counts[1]


def _half(mask: np.ndarray) -> np.ndarray:
    """A mask at half size, each pixel the max of four (a one-pixel line stays whole)."""
    m = mask[: mask.shape[0] // 2 * 2, : mask.shape[1] // 2 * 2]
    return np.maximum(np.maximum(m[0::2, 0::2], m[1::2, 0::2]), np.maximum(m[0::2, 1::2], m[1::2, 1::2]))


def _missing_rules(mask: np.ndarray, whole: np.ndarray, found: list, thick: int, tall: float) -> list:
    """Rules of the same ruling that the search missed (faint, or in dashes): notebook rules are evenly
    spaced (a line of writing a rule) and parallel, so with two or more found a rule is looked for one pitch
    beyond or between them, at the found rules' slope, and kept if ink lies along most of it with paper
    beside it, or all along it with a line of writing across it. Their ends."""
    if len(found) < 2:
        return []
    h, w = mask.shape
    xc = w / 2
    slopes = [(b[1] - a[1]) / max(b[0] - a[0], 1) for a, b in found]
    mids = [a[1] + s * (xc - a[0]) for (a, _), s in zip(found, slopes)]  # each rule's height mid-page
    centres = sorted({round(m) for m in mids})
    rows = [c for c, nxt in zip(centres, centres[1:] + [None]) if nxt is None or nxt - c > thick]  # one a rule
    pitch = float(np.median(np.diff(rows))) if len(rows) > 1 else 0.0
    even = pitch >= 4 * thick and all(abs(d / pitch - round(d / pitch)) <= 0.15 for d in np.diff(rows))
    if not (even and PITCH[0] * tall <= pitch <= PITCH[1] * tall):
        return []  # no even ruling at a notebook's spacing for this writing
    # under perspective the rules fan out: their slope changes steadily down the page
    fit = np.polyfit(mids, slopes, 1)
    x0, x1 = min(a[0] for a, _ in found), max(b[0] for _, b in found)
    out = []
    for centre in np.arange(rows[0] % pitch, h, pitch):
        if min(abs(centre - r) for r in rows) < pitch / 4:
            continue
        slope = float(np.polyval(fit, centre))

        def line(o: int, c: float = centre, s: float = slope) -> tuple:
            return x0, c + o + s * (x0 - xc), x1, c + o + s * (x1 - xc)

        best = max(range(-round(pitch / 8), round(pitch / 8) + 1), key=lambda o: _inked(whole, line(o), spread=1))
        a, b = _follow(whole, line(best), thick, False)  # refitted to the ink, as far as it runs on
        if b[0] - a[0] >= (x1 - x0) / 3 and _thin_line(whole, (*a, *b), thick + 2, False, ON_PREDICTED, spread=1,
                                                       solid=SOLID_PREDICTED):
            out.append((a, b))
    return out


def _follow(mask: np.ndarray, segment: tuple, thick: int, vertical: bool) -> tuple[tuple[int, int], ...]:
    """The whole rule a Hough segment lies on: refitted to the ink along it (the search's angle is half a
    degree coarse: several pixels off at a page's width), and carried on both ways as long as ink continues on
    it with gaps under ``GAP`` thicknesses (a faint or shadowed rule breaks into dashes). Its two ends."""
    x1, y1, x2, y2 = (float(v) for v in segment)
    if vertical:  # work along x as the running axis: swap the axes
        mask, (x1, y1, x2, y2) = mask.T, (y1, x1, y2, x2)
    if x2 < x1:
        x1, y1, x2, y2 = x2, y2, x1, y1
    h, w = mask.shape
    xs = np.arange(w)
    for _ in range(2):  # the fit, then the refit to the ink found along the whole rule
        slope = (y2 - y1) / max(x2 - x1, 1.0)
        rows = np.rint(y1 + slope * (xs - x1)).astype(int)[None, :] + np.arange(-NEAR, NEAR + 1)[:, None]
        ink = mask[np.clip(rows, 0, h - 1), xs] * ((rows >= 0) & (rows < h))
        on = np.flatnonzero(ink.any(axis=0))
        if on.size == 0:
            break
        pieces = np.split(on, np.flatnonzero(np.diff(on) > GAP * thick) + 1)
        mid = (x1 + x2) / 2  # the run of ink holding the segment (its middle)
        run = min(pieces, key=lambda p: 0 if p[0] <= mid <= p[-1] else min(abs(p[0] - mid), abs(p[-1] - mid)))
        ys = (ink[:, run] * np.arange(-NEAR, NEAR + 1)[:, None]).sum(0) / np.maximum(ink[:, run].sum(0), 1)
        centre = rows[NEAR, run] + ys
        fit = np.polyfit(run, centre, 1) if run.size > 1 else (slope, centre[0] - slope * run[0])
        x1, x2 = float(run[0]), float(run[-1])
        y1, y2 = float(np.polyval(fit, x1)), float(np.polyval(fit, x2))
    ends = ((round(x1), round(y1)), (round(x2), round(y2)))
    return tuple((b, a) for a, b in ends) if vertical else ends


def _inked(mask: np.ndarray, segment: tuple, ox: int = 0, oy: int = 0, spread: int = 0,
           vertical: bool = False) -> float:
    """The share of points along a segment, shifted by (ox, oy), with ink within ``spread`` pixels across it."""
    x1, y1, x2, y2 = segment
    h, w = mask.shape
    n = max(2, int(np.hypot(x2 - x1, y2 - y1) // 2))
    xs, ys = np.linspace(x1, x2, n) + ox, np.linspace(y1, y2, n) + oy
    hit = np.zeros(n, bool)
    for d in range(-spread, spread + 1):
        dx, dy = (d, 0) if vertical else (0, d)
        rows, cols = np.clip(np.round(ys + dy), 0, h - 1), np.clip(np.round(xs + dx), 0, w - 1)
        hit |= mask[rows.astype(int), cols.astype(int)] > 0
    return float(hit.mean())


def _thin_line(mask: np.ndarray, segment: tuple, off: int, vertical: bool, on_min: float = 0.7,
               spread: int = 0, solid: tuple[float, float, float] = SOLID) -> bool:
    """A segment on ink (within ``spread`` rows) nearly all along, with paper beside it (letters sitting on a
    rule touch one side), or on ink ``solid`` all along with letters on both sides (written across it)."""
    sides = sorted((_inked(mask, segment, off, 0), _inked(mask, segment, -off, 0)) if vertical
                   else (_inked(mask, segment, 0, off), _inked(mask, segment, 0, -off)))
    on = _inked(mask, segment, spread=spread, vertical=vertical)
    if on >= solid[0]:
        return sides[0] <= solid[2] and sides[1] <= solid[1]
    return on >= on_min and sides[0] <= 0.1 and sides[1] <= SITTING


def ink_height(mask: np.ndarray, stroke: float) -> float:
    """The median height of the ink's pieces taller than two strokes (letters, or words where joined)."""
    _, _, stats = _label(mask)
    return _median_height(stats[1:, cv2.CC_STAT_HEIGHT], stroke)


def _median_height(heights: np.ndarray, stroke: float) -> float:
    heights = heights[heights > 2 * stroke]  # not dots, specks or thin dashes
    return float(np.median(heights)) if heights.size else 0.0


def _one_band(mask: np.ndarray, tall: float) -> bool:
    """True for one line of writing: the rows holding real ink (over 2% of the width: not a speck's) span
    under PAGE_LINES x the ink's pieces, or form one band with no gap of half a piece under ONE_BAND x them
    (a page's lines are bands apart; ruled, its rules fill the gaps, but it spans more than one line can)."""
    rows = np.flatnonzero(cv2.reduce(mask, 1, cv2.REDUCE_SUM, dtype=cv2.CV_32S).ravel() > 0.02 * mask.shape[1])
    if not rows.size:
        return True
    gaps = np.diff(rows)
    span = rows[-1] - rows[0] + 1
    return span < PAGE_LINES * tall or (span < ONE_BAND * tall and not (gaps > max(2.0, tall / 2)).any())


def find_rules(mask: np.ndarray, stroke: float | None = None, tall: float | None = None,
               whole: np.ndarray | None = None) -> Rules:
    """The long thin horizontal and vertical lines in an ink mask (1 = ink); its stroke width and
    :func:`ink_height` where the caller has them, and the mask before hairlines were taken out of it."""
    stroke = stroke_width(mask) if stroke is None else stroke
    thick = max(3, int(np.ceil(2.5 * stroke)))
    # no stroke of the writing is much longer than its letters are tall: an l's stem, a cursive join, a
    # t-bar are shorter than these, at any size of writing (a single large word has no rule at all)
    tall = ink_height(mask, stroke) if tall is None else tall
    horizontal, nh = _runs(mask, True, thick, max(MIN_RULE, int(RULE_WIDE * tall)))
    vertical, nv = _runs(mask, False, thick, max(MIN_RULE, int(RULE_TALL * tall)))
    if _one_band(mask, tall):  # one line of writing: no room for rules under perspective,
        return Rules(horizontal, vertical, (nh, nv))  # and the Hough search would be most of its reading time
    th, tv, mh, mv = _tilted(mask, thick, tall, mask if whole is None else whole)
    horizontal, vertical = horizontal | th, vertical | tv
    rest, near, margin = mask, None, None
    if nh + nv + mh + mv:  # the pieces left once the rules found, and a stroke's width around them, are out
        grow, ring = np.ones((thick, thick), np.uint8), np.ones((3, 3), np.uint8)
        band = cv2.dilate(horizontal | vertical, grow)
        rest, near = mask & (1 - band), cv2.dilate(band, ring)
        margin = cv2.dilate(cv2.dilate(vertical, grow), ring) if nv + mv else None
    parts = _label(rest)  # the pieces left, labelled once for both searches below
    pieces, mp, columns, mc = in_pieces(parts, near, stroke, tall, thick)
    if margin is not None:  # a stub runs on into the margin's band, which the rest left out: that part too
        stubs = by_the_margin(parts, margin, vertical, stroke, tall)
        pieces |= cv2.dilate(stubs, np.ones((1, 2 * thick + 3), np.uint8)) & mask
    return Rules(horizontal | pieces, vertical | columns, (nh + mh + mp, nv + mv + mc))


def _level_runs(mask: np.ndarray) -> np.ndarray:
    """The long straight level and plumb runs of ink (rules, a margin), whatever their thickness."""
    h, w = mask.shape
    return long_runs(mask, max(MIN_RULE, w // 8), True) | long_runs(mask, max(MIN_RULE, h // 8), False)


def _drop_hairlines(mask: np.ndarray, stroke: float, labelled: Labelled | None) -> tuple[np.ndarray, float]:
    """``mask`` without hairline pieces: long, and far thinner than the writing's strokes (what is left of a
    faint rule or margin line in dashes), the mask itself when there are none; and the :func:`ink_height`
    of the pieces kept (one labelling for both, the caller's where it has one)."""
    parts = (labelled.n, labelled.labels, labelled.stats) if labelled is not None else _label(mask)
    hair = _thin(parts[2], stroke, 3 * stroke)
    tall = _median_height(parts[2][1:, cv2.CC_STAT_HEIGHT][~hair], stroke)
    if tall > NETWORK * mask.shape[0]:  # one line written on its rules, a margin across them: one piece
        tall = _median_height(_label(mask & ~_level_runs(mask))[2][1:, cv2.CC_STAT_HEIGHT], stroke) or tall
    return _without(mask, parts, hair), tall


def _thin(stats: np.ndarray, stroke: float, longer: float = 0.0) -> np.ndarray:
    """Per piece (``stats`` of a labelling): thinner on average than half a stroke and longer than ``longer``."""
    length = np.maximum(stats[1:, cv2.CC_STAT_WIDTH], stats[1:, cv2.CC_STAT_HEIGHT])
    return (stats[1:, cv2.CC_STAT_AREA] / np.maximum(length, 1) < 0.5 * stroke) & (length > longer)


def _without(mask: np.ndarray, parts: tuple, drop: np.ndarray) -> np.ndarray:
    """``mask`` without the pieces of its labelling ``parts`` that ``drop`` marks; itself when none is."""
    if not drop.any():
        return mask
    n, labels, _ = parts
    keep = np.ones(n, np.uint8)
    keep[0] = 0
    keep[1:][drop] = 0
    return keep[labels]


def remove_rules(mask: np.ndarray, labelled: Labelled | None = None) -> tuple[np.ndarray, Rules]:
    """The ink mask without its rules, strokes that crossed them mended; and the rules found. ``labelled``:
    the mask's pieces, where the caller has them. Without hairlines or rules the mask itself comes back."""
    stroke = stroke_width(mask)
    whole = mask
    mask, tall = _drop_hairlines(mask, stroke, labelled)
    rules = find_rules(mask, stroke, tall, whole)
    if not any(rules.count):
        return mask, rules
    grow = np.ones((3, 3), np.uint8)  # the rule's antialiased fringe too
    bands = cv2.dilate(rules.horizontal, grow), cv2.dilate(rules.vertical, grow)
    ink = mask & (1 - (bands[0] | bands[1]))
    # a letter crossed a rule: its ink on both sides meets again across the band; a closing kept to the band
    # never grows the letter elsewhere, and goes across the rule only (down a horizontal one, along a vertical)
    reach = 2 * int(np.ceil(2.5 * stroke)) + 3
    out = ink.copy()
    for band, kernel in zip(bands, (np.ones((reach, 1), np.uint8), np.ones((1, reach), np.uint8))):
        out |= cv2.morphologyEx(ink, cv2.MORPH_CLOSE, kernel) & band
    return _without_slivers(out, stroke), rules


def _without_slivers(mask: np.ndarray, stroke: float) -> np.ndarray:
    """``mask`` without pieces thinner than half a stroke however short: on ruled paper, stubs of a faint rule
    or margin (where a rule crossed it, too few to line up as dashes), which would join a line as marks;
    no pen draws a piece that thin."""
    parts = _label(mask)
    return _without(mask, parts, _thin(parts[2], stroke))


def rule_ink_near(rules: Rules, own: np.ndarray, x0: int, y0: int, reach: int) -> np.ndarray:
    """The rule pixels (and their fringe) within ``reach`` rows of a line's own ink ``own`` (a mask whose top
    left is at x0, y0 on the page), under or over its strokes only (a pixel either side): the feet of letters
    written sitting on a rule, which its removal took away with it, and no stretch of rule beside them. A
    line reader gets them back; the segmentation never sees them."""
    h, w = own.shape
    window = (slice(y0, y0 + h), slice(x0, x0 + w))  # cut first: Rules.mask joins the whole page's rules
    band = cv2.dilate(rules.horizontal[window] | rules.vertical[window], np.ones((3, 3), np.uint8))
    return cv2.dilate(own, np.ones((2 * reach + 1, 3), np.uint8)) & band
