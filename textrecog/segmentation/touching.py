"""Lines written so close that they touch: a piece of ink spanning two lines is cut between them.

A descender that reaches into the line below, or a blurred photo that joins
two lines' strokes, makes one ink component of words from two lines; the
line grouping then puts both in one line. Such a piece is far taller than
the writing's letters, the ink around it shows two bands of letters' bodies
(its own lines' other letters beside it), and it is narrow between them
(only the touching strokes cross there). A letter tall on its own (a looped
g or f) has no second band of letters beside it.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

TOUCH_TALL = 1.8  # pieces this many times the letters' height may be two lines touching
NARROW = 0.15  # the row cut holds at most this share of the piece's width in ink
CONTEXT = 2.0  # letter heights either side of a piece whose ink shows where the lines' bands are
BAND = 0.4  # letter heights deep a run of dense rows must be to be a line's band
ROUNDS = 3  # three lines may touch in one piece


def part_lines(mask: np.ndarray, labels: np.ndarray, boxes: list, ids: list[int], char_h: float) -> np.ndarray | None:
    """The mask with each piece that spans two lines cut at the emptiest row between their bands (one row of its
    own ink taken out); None when no piece does. ``boxes`` are the pieces' boxes, ``ids`` their labels."""
    cuts = []
    for box, k in zip(boxes, ids):
        if box.h < TOUCH_TALL * char_h or box.w < char_h:
            continue
        own = labels[box.y : box.bottom, box.x : box.right] == k
        # the bands from all the ink over the piece and beside it: each line's other letters show its band (a
        # single letter's loop below its line is no band beside its neighbours' bodies)
        reach = int(CONTEXT * char_h)
        around = mask[box.y : box.bottom, max(0, box.x - reach) : box.right + reach].sum(axis=1, dtype=np.int32)
        cuts += [(box, own, row) for row in _between_bands(around, char_h) if own[row].sum() <= NARROW * box.w]
    if not cuts:
        return None
    out = mask.copy()
    for box, own, row in cuts:
        line = out[box.y + row, box.x : box.right]
        line[own[row]] = 0
    return out


def _between_bands(rows: np.ndarray, char_h: float) -> list[int]:
    """The emptiest row between each two of a piece's dense bands (each line's letters' bodies, a letter or
    more apart): none for a letter that is tall on its own (an ascender or a loop is sparse, not a band)."""
    k = max(1, int(0.25 * char_h))
    smooth = np.convolve(rows, np.ones(k) / k, mode="same")
    dense = np.flatnonzero(smooth >= 0.4 * np.percentile(smooth, 90))  # a rule across them is one spike
    bands = np.split(dense, np.flatnonzero(np.diff(dense) > 0.3 * char_h) + 1)
    # a line's band is as deep as its letters' bodies; a row of descenders or ascenders is shallower
    peaks = [int(b[smooth[b].argmax()]) for b in bands if b[-1] - b[0] + 1 >= BAND * char_h]
    cuts = []
    for a, b in zip(peaks, peaks[1:]):
        row = a + int(smooth[a:b].argmin())
        if b - a >= 0.8 * char_h and 2 * smooth[row] < min(smooth[a], smooth[b]):
            cuts.append(row)
    return cuts


def cut_touching(mask: np.ndarray, find: Callable[[np.ndarray], tuple[np.ndarray, list]],
                 char_height: Callable[[list], float],
                 first: tuple[np.ndarray, list] | None = None) -> tuple[np.ndarray, np.ndarray, list]:
    """Label the ink (``find(mask) -> (labels, glyphs)``; ``first``: that of ``mask`` where the caller has
    it), cutting apart lines that touch, until none do."""
    labels, glyphs = first if first is not None else find(mask)
    for _ in range(ROUNDS):
        if not glyphs:
            break
        cut = part_lines(mask, labels, [g.box for g in glyphs], [min(g.components) for g in glyphs],
                         char_height(glyphs))
        if cut is None:
            break
        mask = cut
        labels, glyphs = find(mask)
    return mask, labels, glyphs
