"""Word spaces from the gaps between neighbouring characters of a line.

The original design put a space wherever a gap exceeded the line's mean
gap, so every word got split somewhere: in one word, half the gaps are
above the mean. Here a gap is a word space only if it is *both*

* at least ``HEIGHT_FACTOR`` × the line's median character height, and
* at least ``GAP_FACTOR`` × the typical gap between letters of one word:
  the median of the gaps below that height limit, or of all gaps when
  most of three or more are wider (a writer who spaces letters widely),

so a single word, whose gaps are all small next to its letter height,
gets no space however uneven its letter spacing is, and a line of short
words ("I am a boy") still gets its spaces.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

GAP_FACTOR = 2.0
HEIGHT_FACTOR = 0.65  # chosen on 120 hand-printed UNIPEN lines (benchmarks/tune_spacing.py)


def gaps(lefts: Sequence[float], rights: Sequence[float]) -> np.ndarray:
    """Horizontal gap after each character but the last (negative = overlap)."""
    lefts, rights = np.asarray(lefts, dtype=float), np.asarray(rights, dtype=float)
    if len(lefts) < 2:
        return np.zeros(0)
    # Slanted letters can overlap their neighbour: measure from the furthest
    # right edge so far, never from a short letter tucked under a long one.
    reach = np.maximum.accumulate(rights)[:-1]
    return lefts[1:] - reach


def word_spaces(lefts: Sequence[float], rights: Sequence[float], char_height: float) -> list[bool]:
    """For each gap between consecutive characters: is it a word space?"""
    g = gaps(lefts, rights)
    if g.size == 0:
        return []
    small = g[g < HEIGHT_FACTOR * char_height]
    if 3 * len(small) < len(g) and len(g) >= 3:
        typical = float(np.median(g))  # mostly wide gaps: a widely spacing writer
    else:
        typical = float(np.median(small)) if len(small) else 0.0
    typical = max(typical, 0.05 * char_height)
    threshold = max(GAP_FACTOR * typical, HEIGHT_FACTOR * char_height)
    return [bool(x >= threshold) for x in g]
