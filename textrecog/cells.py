"""Square character cells for scripts written without spaces (kana).

Japanese characters fill roughly square cells, and many are several
separate strokes side by side (い, け, は, に, ほ): the component
segmentation, tuned for Latin, splits them. Here the parts of a line are
regrouped into the runs that look most like one character cell each.
"""

from __future__ import annotations

from dataclasses import replace

from textrecog.segment import Glyph, LineSeg, Segmentation
from textrecog.types import bounding_box

MAX_WIDTH = 1.15  # a cell is at most this many line heights wide
CELL_WIDTH = 0.8  # the typical width of one handwritten kana, in line heights


def _merge(parts: tuple[Glyph, ...]) -> Glyph:
    return Glyph(bounding_box(g.box for g in parts), frozenset().union(*(g.components for g in parts)))


def _cells(glyphs: tuple[Glyph, ...], size: float) -> list[tuple[int, int]]:
    """The partition of the parts into runs (start, end) whose widths are closest to one cell's.

    Dynamic programming over the left-to-right parts: every run's cost is
    (width / size - CELL_WIDTH) squared, and a run wider than MAX_WIDTH is not
    allowed, so two whole characters are never merged while the strokes of
    one wide character (い) are, whatever the gaps.
    """
    n = len(glyphs)
    best = [0.0] + [float("inf")] * n
    start = [0] * (n + 1)
    for j in range(1, n + 1):
        for i in range(j - 1, -1, -1):
            width = (glyphs[j - 1].box.right - min(g.box.x for g in glyphs[i:j])) / size
            if width > MAX_WIDTH and i < j - 1:
                break
            cost = best[i] + (width - CELL_WIDTH) ** 2
            if cost < best[j]:
                best[j], start[j] = cost, i
    runs, j = [], n
    while j > 0:
        runs.append((start[j], j))
        j = start[j]
    return runs[::-1]


def merge_cells(line: LineSeg) -> LineSeg:
    """The line with the parts of each square character cell merged into one glyph, and no word spaces."""
    size = max(float(line.box.h), 1.0)  # a kana line is one cell high: its box, not the median part
    cells = tuple(_merge(line.glyphs[i:j]) for i, j in _cells(line.glyphs, size))
    return replace(line, glyphs=cells, spaces=(False,) * max(0, len(cells) - 1))


def cell_segmentation(seg: Segmentation) -> Segmentation:
    """Every line of a segmentation read as square cells."""
    return replace(seg, lines=tuple(merge_cells(line) for line in seg.lines))
