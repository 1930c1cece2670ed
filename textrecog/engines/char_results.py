"""The character engine's results: segmented glyphs and their predictions as a Result tree."""

from __future__ import annotations

from textrecog.segmentation.segment import Glyph, LineSeg, Segmentation
from textrecog.types import Char, Geometry, Line, Prediction, Result, Word, bounding_box


def _char(glyph: Glyph, pred: Prediction, line: LineSeg) -> Char:
    b = glyph.box
    geom = Geometry(rel_height=b.h / line.char_height,
                    baseline_offset=(line.baseline - b.bottom) / line.char_height)
    return Char(b, pred.char, pred.confidence, pred.alternatives, geom)


def assemble(seg: Segmentation, predictions: list[Prediction], shape: tuple[int, ...], model: str,
             spaces: bool = True) -> Result:
    """Build the Result tree (lines → words → chars) from segmentation and predictions.

    Without ``spaces`` (a script written without them) each line is one word.
    """
    it = iter(predictions)
    lines = []
    for line in seg.lines:
        words, current = [], []
        for i, glyph in enumerate(line.glyphs):
            current.append(_char(glyph, next(it), line))
            if i == len(line.glyphs) - 1 or (spaces and line.spaces[i]):
                words.append(Word(bounding_box(c.box for c in current), tuple(current)))
                current = []
        lines.append(Line(line.box, tuple(words), float(line.baseline), baseline_path=line.baseline_path))
    return Result(tuple(lines), int(shape[1]), int(shape[0]), model)
