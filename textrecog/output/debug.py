"""Debug overlay: what the segmenter and classifier saw, drawn on the image.

Boxes per character (a colour per line), the line box, word spaces as
vertical bars, and each character's recognised text with its confidence.
Drawn from the result, so both engines' output looks the same.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from textrecog.segmentation.segment import Segmentation
from textrecog.types import Result


@dataclass(frozen=True)
class Analysis:
    """A result with the intermediate images that explain it (for --debug)."""

    gray: np.ndarray
    segmentation: Segmentation
    result: Result


_COLOURS = [(230, 25, 75), (60, 180, 75), (0, 130, 200), (245, 130, 48), (145, 30, 180),
            (70, 240, 240), (240, 50, 230), (128, 128, 0)]  # BGR, one per line


def draw_overlay(analysis: Analysis) -> np.ndarray:
    """BGR image of the input with boxes, merges, lines and spaces drawn on it."""
    img = cv2.cvtColor(analysis.gray, cv2.COLOR_GRAY2BGR)
    scale = max(0.4, min(1.5, min(img.shape[:2]) / 400))
    for li, (seg_line, line) in enumerate(zip(analysis.segmentation.lines, analysis.result.lines)):
        colour = _COLOURS[li % len(_COLOURS)]
        b = seg_line.box
        cv2.rectangle(img, (b.x - 3, b.y - 3), (b.right + 3, b.bottom + 3), (160, 160, 160), 1)
        for char in (c for w in line.words for c in w.chars):
            g = char.box
            cv2.rectangle(img, (g.x, g.y), (g.right, g.bottom), colour, 1)
            label = f"{char.text} {char.confidence:.0%}"
            cv2.putText(img, label, (g.x, max(10, g.y - 3)), cv2.FONT_HERSHEY_SIMPLEX,
                        0.35 * scale, colour, 1, cv2.LINE_AA)
        for left, right in zip(line.words, line.words[1:]):  # a word space: a red bar in the gap
            x = (left.box.right + right.box.x) // 2
            cv2.line(img, (x, b.y), (x, b.bottom), (0, 0, 255), 2)
    return img


def write_overlay(analysis: Analysis, source: str, folder: Path) -> Path:
    """Write ``<folder>/<image name>.debug.png`` (or ``.debug-N.png`` if taken); return its path."""
    folder.mkdir(parents=True, exist_ok=True)
    out = folder / f"{Path(source).name}.debug.png"
    n = 1
    while out.exists():  # never replace a file already there
        out = folder / f"{Path(source).name}.debug-{n}.png"
        n += 1
    if not cv2.imwrite(str(out), draw_overlay(analysis)):
        raise OSError(f"{out}: could not write debug image")
    return out
