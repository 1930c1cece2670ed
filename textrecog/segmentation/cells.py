"""Square character cells for scripts written without spaces (kana).

Japanese characters fill roughly square cells, and many are several
separate strokes side by side (い, け, は, に, ほ): the component
segmentation, tuned for Latin, splits them. Here the parts of a line are
regrouped into the runs that look most like one character cell each.
"""

from __future__ import annotations

from dataclasses import replace

from textrecog.segmentation.segment import Glyph, LineSeg, Segmentation
from textrecog.types import bounding_box

# tuned on the ETL8B2 validation writers (benchmarks/eval_kana_lines.py --split val), both directions:
# (1.15, 0.8) gave CER 2.1% left to right but 5.2% top to bottom; (1.3, 0.9) 2.4% and 1.9%
MAX_WIDTH = 1.3  # a cell is at most this many line heights long along the line
CELL_WIDTH = 0.9  # the typical length of one handwritten kana along the line, in line heights
# One connected part never spans more than one cell, so the longest part bounds the cell from below
# (up to this many line heights, so touching characters cannot double it). A short column of narrow
# kana (し, り) is otherwise too thin a measure for a tall one (え, ら), which the cap then splits:
# validation columns of 2-3 characters CER 10.3% -> 5.1%, 5-10 characters 2.2% -> 1.9%, rows unchanged.
PART_CAP = 1.6


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
        left = glyphs[j - 1].box.x
        for i in range(j - 1, -1, -1):  # runs ending at part j, growing leftwards
            left = min(left, glyphs[i].box.x)
            width = (glyphs[j - 1].box.right - left) / size
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
    height = max(float(line.box.h), 1.0)  # a kana line is one cell high: its box, not the median part
    size = max(height, min(max(g.box.w for g in line.glyphs), PART_CAP * height))
    cells = tuple(_merge(line.glyphs[i:j]) for i, j in _cells(line.glyphs, size))
    return replace(line, glyphs=cells, spaces=(False,) * max(0, len(cells) - 1))


def _join(host: LineSeg, part: LineSeg) -> LineSeg:
    glyphs = tuple(sorted(host.glyphs + part.glyphs, key=lambda g: g.box.x))
    return replace(host, box=host.box.union(part.box), glyphs=glyphs, spaces=(False,) * (len(glyphs) - 1))


def merge_bands(lines: tuple[LineSeg, ...]) -> tuple[LineSeg, ...]:
    """Lines whose middle lies inside a taller line's band joined to it: the detached parts of a
    character (か, な written apart; any kana of a ttb column, read turned) stay on their line."""
    out: list[LineSeg] = []
    for line in sorted(lines, key=lambda ln: ln.box.h, reverse=True):
        middle = line.box.y + line.box.h / 2
        host = next((i for i, o in enumerate(out) if o.box.y <= middle <= o.box.bottom), None)
        if host is None:
            out.append(line)
        else:
            out[host] = _join(out[host], line)
    return tuple(sorted(out, key=lambda ln: ln.box.y))


def cell_segmentation(seg: Segmentation) -> Segmentation:
    """Every line of a segmentation read as square cells, detached parts joined to their line first."""
    return replace(seg, lines=tuple(merge_cells(line) for line in merge_bands(seg.lines)))
