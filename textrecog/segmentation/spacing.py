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
from itertools import accumulate
from statistics import median

GAP_FACTOR = 2.0
HEIGHT_FACTOR = 0.65  # chosen on 120 hand-printed UNIPEN lines (benchmarks/tune_spacing.py)


def gaps(lefts: Sequence[float], rights: Sequence[float]) -> list[float]:
    """Horizontal gap after each character but the last (negative = overlap)."""
    # Slanted letters can overlap their neighbour: measure from the furthest
    # right edge so far, never from a short letter tucked under a long one.
    # (plain Python: a line has a few dozen gaps, too few for numpy to pay off)
    reach = accumulate(rights[:-1], max)
    return [float(left - r) for left, r in zip(lefts[1:], reach)]


def word_spaces(lefts: Sequence[float], rights: Sequence[float], char_height: float) -> list[bool]:
    """For each gap between consecutive characters: is it a word space?"""
    g = gaps(lefts, rights)
    if not g:
        return []
    small = [x for x in g if x < HEIGHT_FACTOR * char_height]
    if 3 * len(small) < len(g) and len(g) >= 3:
        typical = float(median(g))  # mostly wide gaps: a widely spacing writer
    else:
        typical = float(median(small)) if small else 0.0
    typical = max(typical, 0.05 * char_height)
    threshold = max(GAP_FACTOR * typical, HEIGHT_FACTOR * char_height)
    return [x >= threshold for x in g]
