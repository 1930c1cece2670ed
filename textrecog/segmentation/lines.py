"""Line grouping: which pieces of ink make each text line (a character's parts: :mod:`charparts`).

Both work in units of the line's character height, so they behave the same
for a 30-pixel and a 300-pixel handwriting.
"""

from __future__ import annotations

from statistics import median

from textrecog.types import Box, bounding_box

# a letter hanging from a line's band at its end (no gap) joins it with this much overlap with the band: a
# descender after tall letters (the band then reaches up to the ascenders) overlaps it less than 0.4
JOINED = 0.3
MARK = 0.45  # of the letter height: a piece shorter than this is a mark (dot, comma, accent), not a letter
BAND_WINDOW = 5  # a line's vertical band follows its last few glyphs (slanted lines)
SLOPE_WINDOW = 12  # its slope is measured over a longer run
INTERLEAVED = 0.2  # a piece whose glyphs lie at most this much over a line's glyphs fills that line's gaps
# letter heights from every line's band (below counting half again) beyond which a small mark is stray: an
# i-dot, accent, comma or full stop sits within one; a speck or a rule's remnant lies anywhere
STRAY = 2.0
DOT_ABOVE = 1.0  # letter heights above a line's band past which a flat speck is no accent of it (a bit of rule)
LEVEL = 0.35  # letter heights apart that a line's end and a tail's start may be, and be one line
LETTER = 0.6  # of the letter height: a piece this tall is a letter (smaller ones may be marks or parts)
MARKS_DOUBT = 0.5  # overlap a letter's fit to a track of marks alone loses against a line's
FAR = 3.0  # letter heights past a line's last letter beyond which its slope is not followed
BEYOND = 1.5  # letter heights before a line's first letter or past its last: no mark of its own lies so far out
WITHIN = 0.6  # share of a few glyphs' height (or the line's band) they share with a longer line's band: part of it


def _flat_band(boxes: list[Box]) -> tuple[float, float]:
    """(top, bottom) of a few boxes of a line: the medians of their tops and bottoms."""
    return median([b.y for b in boxes]), median([b.y + b.h for b in boxes])


def _fit_slope(span: list[Box], recent: int, band_height: float) -> tuple[float, float] | None:
    """(slope, offset) of a line from its last boxes ``span``, or None if the run is too short.

    The slope is the median of pairwise slopes of box centres (Theil–Sen,
    clipped to ±0.3), counting only pairs at least two band heights apart:
    ascenders and descenders move neighbouring centres up and down, which
    over a short run reads as a steep slope and, extended across a word
    gap, loses the line. The offset is the median of (centre y - slope ·
    centre x) over the last ``recent`` boxes.
    """
    cx = [b.x + b.w / 2 for b in span]
    cy = [b.y + b.h / 2 for b in span]
    min_dx = 2.0 * band_height
    # plain Python: a few dozen pairs, where numpy's per-call cost would dominate
    pairs = [(cy[j] - cy[i]) / (cx[j] - cx[i]) for i in range(len(cx)) for j in range(i + 1, len(cx))
             if abs(cx[j] - cx[i]) >= min_dx]
    if not pairs:
        return None
    slope = min(0.3, max(-0.3, median(pairs)))
    return slope, median([y - slope * x for x, y in zip(cx[-recent:], cy[-recent:])])


def span_overlap(a0: float, a1: float, b0: float, b1: float) -> float:
    """Length two spans share (negative: the gap between them)."""
    return min(a1, b1) - max(a0, b0)


def _band_overlap(b: Box, top: float, bottom: float) -> float:
    """Vertical overlap of a box with a band, as a fraction of the smaller of the two."""
    return span_overlap(b.y, b.y + b.h, top, bottom) / max(1.0, min(b.h, bottom - top))


class _Track:
    """A line while the sweep builds it: members, flat band, slope fitted only when needed."""

    def __init__(self, boxes: list[Box], first: int):
        self.boxes, self.members, self.recent = boxes, [first], [boxes[first]]
        self.right = boxes[first].right
        self._refresh()

    def add(self, i: int) -> None:
        self.members.append(i)
        self.recent.append(self.boxes[i])
        self.right = max(self.right, self.boxes[i].right)
        if len(self.recent) > BAND_WINDOW:
            del self.recent[0]
        self._refresh()

    def continued_by(self, b: Box, char_h: float) -> bool:
        """``b`` runs on from the line's end without a gap, hanging from its band (a descender's shape), past
        its first letters (where every line just begun touches it: a line's first letter is no end of another)."""
        return (b.x - self.right <= 0.25 * char_h and b.right > self.right and self.top <= b.y
                and b.bottom > self.bottom and b.x >= self.boxes[self.members[0]].x + 2 * char_h)

    def of_marks(self, char_h: float) -> bool:
        """A track begun by a mark or two (a low comma, a quote) with no letter yet: not a line's band yet."""
        return len(self.members) <= 2 and all(self.boxes[k].h < LETTER * char_h for k in self.members)

    def _refresh(self) -> None:
        self.top, self.bottom = _flat_band(self.recent)
        self._slope: tuple[float, float] | None | bool = False  # False: not fitted yet
        self._reach: tuple[float, float, float] | None = None  # how far a slope can move the band

    def overlap(self, b: Box, enough: float = 1.0, far: float = float("inf")) -> float:
        """How well ``b`` fits the band: as it is, or extended along the line's slope.

        A slope read from a few letters can be wrong, so the band as it is
        counts too. The slope is fitted only when the flat band's overlap is
        not already ``enough`` to decide (most letters of a straight line),
        and not carried ``far`` past the line's last letter (a short line's
        slope, its descenders in it, would reach into the next line down).
        """
        flat = _band_overlap(b, self.top, self.bottom)
        if flat >= 1.0 or flat >= enough or b.x - self.right > far:
            return flat
        # The sloped band is the flat one shifted by a median of terms
        # cy_k + slope·(x - cx_k) - mid with |slope| <= 0.3: if the box lies
        # further away than any such shift, no slope can bring it in.
        if self._reach is None:
            mid = (self.top + self.bottom) / 2
            centres = [r.x + r.w / 2 for r in self.recent]
            self._reach = (max(abs(r.y + r.h / 2 - mid) for r in self.recent), min(centres), max(centres))
        spread, x0, x1 = self._reach
        x = b.x + b.w / 2
        if max(self.top - b.y - b.h, b.y - self.bottom) >= spread + 0.3 * max(abs(x - x0), abs(x - x1)):
            return flat
        if self._slope is False:
            span = [self.boxes[k] for k in self.members[-SLOPE_WINDOW:]]
            self._slope = _fit_slope(span, len(self.recent), self.bottom - self.top)
        if self._slope is None:
            return flat
        slope, offset = self._slope
        shift = offset + slope * x - (self.top + self.bottom) / 2
        return max(flat, _band_overlap(b, self.top + shift, self.bottom + shift))


def group_lines(boxes: list[Box], char_h: float) -> list[list[int]]:
    """Group box indices into text lines, top to bottom.

    Character-sized boxes are swept left to right and join the line whose
    recent vertical band they overlap most (so slanted lines are followed
    and ascenders/descenders still overlap the band); small marks (dots,
    commas) then join the line whose band is nearest; a mark far from every
    line (a speck of dust, a bit of a rule) joins none.
    """
    big = [i for i, b in enumerate(boxes) if b.h >= MARK * char_h]
    small = [i for i, b in enumerate(boxes) if b.h < MARK * char_h]
    if not big:
        big, small = list(range(len(boxes))), []
    tracks: list[_Track] = []
    for i in sorted(big, key=lambda k: (boxes[k].x, boxes[k].y)):
        b = boxes[i]
        tall = b.h >= LETTER * char_h
        best, best_ov = -1, 0.4
        joined, joined_ov = -1, JOINED  # or the line it runs on from without a gap, overlapping less
        # with one line so far, any overlap above the threshold decides
        enough = 1.0 if len(tracks) > 1 else best_ov + 1e-9
        for li, track in enumerate(tracks):
            ov = track.overlap(b, enough, FAR * char_h)
            if tall and track.of_marks(char_h):  # a comma's band is no line's for a letter that a line's fits
                ov -= MARKS_DOUBT
            if ov > best_ov:
                best, best_ov = li, ov
            elif ov > joined_ov and track.continued_by(b, char_h):
                joined, joined_ov = li, ov
        best = best if best >= 0 else joined
        if best < 0:
            tracks.append(_Track(boxes, i))
        else:
            tracks[best].add(i)
    lines = [t.members for t in tracks]
    _place_marks(boxes, lines, small, char_h)
    lines = _join_pieces(boxes, _absorb_fragments(boxes, lines, char_h), char_h)
    return sorted(lines, key=lambda m: median([boxes[k].y + boxes[k].h / 2 for k in m]))


def _place_marks(boxes: list[Box], lines: list[list[int]], marks: list[int], char_h: float) -> None:
    """Add each small mark to the line whose band is nearest it: placed by the letters alone (a row of specks
    never chains out from a line), and none where it lies ``STRAY`` from every band or ``BEYOND`` a line's
    ends (dust, what is left of a rule)."""
    letters = [list(m) for m in lines]
    ends = [(min(boxes[k].x for k in m), max(boxes[k].right for k in m)) for m in letters]
    for i in sorted(marks, key=lambda k: (boxes[k].x, boxes[k].y)):
        b = boxes[i]
        near = [li for li, (x0, x1) in enumerate(ends) if max(x0 - b.right, b.x - x1) <= BEYOND * char_h]
        if near:
            k, distance, above = _nearest_line(boxes, [letters[li] for li in near], b)
            flat_dot = max(b.w, b.h) < 0.35 * char_h and b.w >= 2 * b.h  # an i-dot flies higher, but is round
            if distance <= STRAY * char_h and not (flat_dot and above > DOT_ABOVE * char_h):
                lines[near[k]].append(i)


def _join_pieces(boxes: list[Box], lines: list[list[int]], char_h: float) -> list[list[int]]:
    """Give a line's pieces back to it: the tail of a sloping line that the sweep started anew (beside the
    line, at its height), or a tall mark the band missed (a ``?`` or ``!!`` at its end)."""
    lines = [list(m) for m in lines]
    changed = True
    while changed and len(lines) > 1:
        changed = False
        for i in sorted(range(len(lines)), key=lambda k: len(lines[k])):
            piece = bounding_box(boxes[k] for k in lines[i])
            best, best_gap = -1, 0.25 * char_h
            for j, other in enumerate(lines):
                if j == i or not _beside(boxes, lines[i], other, piece, char_h):
                    continue
                gap = _gap_to_line(boxes, other, piece, char_h)
                if gap <= best_gap:
                    best, best_gap = j, gap
            if best >= 0:
                lines[best].extend(lines.pop(i))
                changed = True
                break
    return lines


def _beside(boxes: list[Box], piece: list[int], line: list[int], span: Box, char_h: float) -> bool:
    """A short piece (at most 3 glyphs, 3 letters of ink wide) anywhere along ``line``; a longer one lying in
    the line's own gaps, or running on from its end through them; or one that runs on from its end or into
    its start with hardly any overlap: never a second line written under the first (a cursive line is a few
    glyphs too, but long ones)."""
    width = sum(boxes[k].w for k in piece)
    if len(piece) <= 3 and width <= 3 * char_h:
        return True
    x0, x1 = min(boxes[k].x for k in line), max(boxes[k].right for k in line)
    if _within(boxes, piece, line, span, char_h):
        return True
    centres = {k: boxes[k].x + boxes[k].w / 2 for k in piece}
    inside = [k for k in piece if x0 <= centres[k] <= x1 + char_h]
    inner = sum(boxes[k].w for k in inside)
    # within the line (its end running on a little), or a tail: from the line's second half on past its end;
    # either way in the line's gaps where the two meet
    tail = all(c >= (x0 + x1) / 2 for c in centres.values()) and any(c > x1 + char_h for c in centres.values())
    if inside and (inner >= 0.6 * width or tail) and _in_gaps(boxes, inside, line, char_h) <= INTERLEAVED * inner:
        return True
    if tail and _level_with(boxes, piece, line, char_h):  # its first letters overlap the line's last ones
        return True
    return span_overlap(x0, x1, span.x, span.right) <= 0.5 * char_h


def _within(boxes: list[Box], piece: list[int], line: list[int], span: Box, char_h: float) -> bool:
    """A few glyphs lying inside a longer line's rows, along it: no second line fits there (accents, a letter's
    parts and tall letters of a widely spaced hand that the sweep lost, not a line of their own)."""
    if len(piece) >= len(line):
        return False
    near = [boxes[k] for k in line if span_overlap(boxes[k].x, boxes[k].right, span.x, span.right) > -char_h]
    if len(near) < 2 or span_overlap(span.x, span.right, min(b.x for b in near), max(b.right for b in near)) < span.w / 2:
        return False
    top, bottom = _flat_band([b for b in near if b.h >= MARK * char_h] or near)  # its letters' rows, not its loops
    middle = span.y + span.h / 2
    return top <= middle <= bottom and span_overlap(span.y, span.bottom, top, bottom) >= WITHIN * min(span.h, bottom - top)


def _level_with(boxes: list[Box], piece: list[int], line: list[int], char_h: float) -> bool:
    """A tail's first letters at the height of the line's last ones (their middles within LEVEL letters): the
    line runs on, its next letters dipping or rising where the sweep lost it. A line written under it lies a
    line's pitch lower."""
    def middles(members: list[int], last: bool) -> float | None:
        big = sorted((k for k in members if boxes[k].h >= MARK * char_h), key=lambda k: boxes[k].x)
        run = big[-BAND_WINDOW:] if last else big[:BAND_WINDOW]
        return median(boxes[k].y + boxes[k].h / 2 for k in run) if run else None

    a, b = middles(line, True), middles(piece, False)
    return a is not None and b is not None and abs(a - b) <= LEVEL * char_h


def _in_gaps(boxes: list[Box], piece: list[int], line: list[int], char_h: float) -> float:
    """How much of the piece's letters' width lies over the line's letters: little for letters that fill the
    line's own gaps (a descending tail, long j's hung below it), much for a line under it. Small marks count
    on neither side: a j's own dot lies over it, a letter's foot cut off by a rule under its letter."""
    spans = [(boxes[k].x, boxes[k].right) for k in line if boxes[k].h >= MARK * char_h]
    covered = 0.0
    for k in (k for k in piece if boxes[k].h >= MARK * char_h):
        b = boxes[k]
        covered += min(b.w, sum(max(0, min(b.right, r) - max(b.x, x)) for x, r in spans if x < b.right and r > b.x))
    return covered


def _absorb_fragments(boxes: list[Box], lines: list[list[int]], char_h: float) -> list[list[int]]:
    """Fold "lines" made only of small parts (a big i-dot, T-bars drawn apart,
    accents) into the real line just below or above them."""
    real = [m for m in lines if any(boxes[k].h >= LETTER * char_h for k in m)]
    if not real or len(real) == len(lines):
        return lines
    out = [list(m) for m in real]
    for frag in (m for m in lines if not any(boxes[k].h >= LETTER * char_h for k in m)):
        span = bounding_box(boxes[k] for k in frag)
        dists = [_gap_to_line(boxes, m, span, char_h) for m in out]
        # the nearest counting the way along too: a mark past a short line's end, level with it, belongs to
        # the long line it ends, whose letters are near
        best = min(range(len(out)), key=lambda j: dists[j] + _gap_along(boxes, out[j], span))
        if dists[best] <= char_h:
            out[best].extend(frag)
        else:
            out.append(list(frag))
    return out


def _gap_along(boxes: list[Box], members: list[int], span: Box) -> float:
    """Horizontal gap between ``span`` and a line's extent (0 where they overlap)."""
    return max(0.0, min(boxes[k].x for k in members) - span.right, span.x - max(boxes[k].right for k in members))


def _gap_to_line(boxes: list[Box], members: list[int], span: Box, char_h: float) -> float:
    """Vertical gap between ``span`` and the part of a line horizontally near it."""
    near = [boxes[k] for k in members if span_overlap(boxes[k].x, boxes[k].right, span.x, span.right) > -char_h]
    near = near or [boxes[k] for k in members]
    top, bottom = min(b.y for b in near), max(b.bottom for b in near)
    return max(0.0, top - span.bottom, span.y - bottom)


def _nearest_line(boxes: list[Box], lines: list[list[int]], mark: Box) -> tuple[int, float, float]:
    """Index of the line whose band, near the mark horizontally, is closest to it, how far it is, and how far
    above the band the mark lies (0 if it does not)."""
    cy, cx = mark.y + mark.h / 2, mark.x + mark.w / 2
    best, best_d, best_above = 0, float("inf"), 0.0
    for li, members in enumerate(lines):
        near = sorted(members, key=lambda k: abs(boxes[k].x + boxes[k].w / 2 - cx))[:BAND_WINDOW]
        top, bottom = _flat_band([boxes[k] for k in near])
        # Marks above a line (i-dots, accents) are more common than marks
        # hanging below one (commas), so distances below weigh more.
        d = top - cy if cy < top else 1.5 * (cy - bottom) if cy > bottom else 0.0
        dx = max(0.0, min(abs(boxes[k].x + boxes[k].w / 2 - cx) for k in members) - 2 * (bottom - top))
        if d + dx < best_d:
            best, best_d, best_above = li, d + dx, max(0.0, top - cy)
    return best, best_d, best_above
