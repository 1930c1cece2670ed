"""Split a multi-line UNIPEN text into its lines, each with its own label.

The ink's row profile gives the lines (blank bands between them), or,
where lines touch, the pen's returns to the left margin; the label does
not say where a line breaks, so its words are shared out over
the lines in order, each line taking the words whose length best matches
its share of the ink's width. A split is kept only when it is plausible:
the lines were written top to bottom, and every line's ink width per
character is close to the others'. Otherwise the text is left out.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from textrecog.data.render import stroke_unit

GAP = 0.25  # blank rows between lines, in stroke heights
SMALL_BAND = 0.5  # a band lower than this (dots, accents) belongs to a neighbour
MAX_RATE_SPREAD = 1.7  # widest / narrowest ink width per character among the lines
MAX_HEIGHT = 5.0  # one line with ascenders and descenders, in stroke heights


@dataclass(frozen=True)
class SplitLine:
    """One line of a split text: its strokes (as given) and its words."""

    strokes: tuple[np.ndarray, ...]
    text: str


def line_bands(strokes: Sequence[np.ndarray]) -> list[list[int]]:
    """Indices of the strokes on each text line, top to bottom, from blank bands in the row profile."""
    unit = stroke_unit(strokes)
    spans = sorted((float(s[:, 1].min()), float(s[:, 1].max()), i) for i, s in enumerate(strokes) if len(s))
    bands: list[list] = []  # [top, bottom, indices]
    for top, low, i in spans:
        if bands and top <= bands[-1][1] + GAP * unit:
            bands[-1][1] = max(bands[-1][1], low)
            bands[-1][2].append(i)
        else:
            bands.append([top, low, [i]])
    # dots, accents and commas alone in a band join the nearest real line
    while len(bands) > 1:
        small = [k for k, b in enumerate(bands) if b[1] - b[0] < SMALL_BAND * unit]
        if not small:
            break
        k = small[0]
        up = bands[k][0] - bands[k - 1][1] if k > 0 else np.inf
        down = bands[k + 1][0] - bands[k][1] if k + 1 < len(bands) else np.inf
        j = k - 1 if up <= down else k + 1
        bands[j] = [min(bands[j][0], bands[k][0]), max(bands[j][1], bands[k][1]), bands[j][2] + bands[k][2]]
        del bands[k]
    return [sorted(b[2]) for b in bands]


def pen_lines(strokes: Sequence[np.ndarray]) -> list[list[int]]:
    """Indices of the strokes on each line from the pen's carriage returns, for lines that touch.

    Online ink is in writing order: a new line starts where the pen jumps back over at least half the
    line written so far and comes down below its middle. Dots and bars written late go up, not down.
    """
    unit = stroke_unit(strokes)
    lines: list[list[int]] = []
    left = right = middle = 0.0
    for i, s in enumerate(strokes):
        if not len(s):
            continue
        x0, x1 = float(s[:, 0].min()), float(s[:, 0].max())
        returned = lines and right - left > 1.5 * unit and x0 < left + 0.5 * (right - left)
        if not lines or (returned and float(s[:, 1].min()) > middle + 0.5 * unit):
            lines.append([])
            left, right = x0, x1
        lines[-1].append(i)
        left, right = min(left, x0), max(right, x1)
        middle = float(np.median([np.mean(strokes[k][:, 1]) for k in lines[-1]]))
    return lines


def one_line(strokes: Sequence[np.ndarray]) -> bool:
    """Plausibly one line: one band, no return of the pen, at most MAX_HEIGHT stroke heights tall."""
    height = np.ptp(np.concatenate(strokes)[:, 1])
    return height <= MAX_HEIGHT * stroke_unit(strokes) and len(line_bands(strokes)) == 1 and len(pen_lines(strokes)) == 1


def _partition(chars: list[int], shares: np.ndarray) -> list[int] | None:
    """Cut points splitting words (their lengths) into len(shares) runs matching the shares; DP."""
    n, k = len(chars), len(shares)
    if n < k:
        return None
    cum = np.concatenate([[0], np.cumsum(chars)]) + np.arange(n + 1)  # spaces between words
    total = cum[n] - 1
    cost = np.full((k + 1, n + 1), np.inf)
    back = np.zeros((k + 1, n + 1), int)
    cost[0, 0] = 0.0
    for line in range(1, k + 1):
        for end in range(line, n - (k - line) + 1):
            for start in range(line - 1, end):
                length = cum[end] - cum[start] - 1
                c = cost[line - 1, start] + (length / total - shares[line - 1]) ** 2
                if c < cost[line, end]:
                    cost[line, end], back[line, end] = c, start
    cuts, end = [n], n
    for line in range(k, 0, -1):
        end = back[line, end]
        cuts.append(end)
    return cuts[::-1]


def split_text_lines(strokes: Sequence[np.ndarray], text: str) -> list[SplitLine] | None:
    """The text's lines with their labels (one, for one tall line), or None when that is not trustworthy."""
    bands = line_bands(strokes)
    if len(bands) < 2:  # lines that touch (descenders into capitals): the pen's returns part them
        bands = pen_lines(strokes)
    if len(bands) < 2:  # one tall line after all (ascenders and descenders), or lines beyond telling apart
        return [SplitLine(tuple(strokes), text)] if one_line(strokes) else None
    words = text.split()
    if len(words) < len(bands):
        return None
    order = [float(np.mean(b)) for b in bands]  # mean stroke index: when the line was written
    if order != sorted(order):
        return None  # not written top to bottom: the label's order may not be the lines' order
    widths = np.array([np.ptp(np.concatenate([strokes[i] for i in b])[:, 0]) for b in bands], float)
    cuts = _partition([len(w) for w in words], widths / widths.sum())
    if cuts is None:
        return None
    texts = [" ".join(words[a:b]) for a, b in zip(cuts, cuts[1:])]
    rates = widths / np.array([len(t) for t in texts])
    if len(words) > len(bands) and rates.max() > MAX_RATE_SPREAD * rates.min():
        return None
    return [SplitLine(tuple(strokes[i] for i in b), t) for b, t in zip(bands, texts)]
