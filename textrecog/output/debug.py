"""Debug overlay: what the segmenter and the engine saw, drawn on the page as it was read.

The page as read (light evened out, levelled: the deskew angle is written at
the top), the ruled lines taken out (orange), each line's box and baseline
path (green), boxes per character (a colour per line) with the recognised
text and its confidence, and word spaces as red bars. Drawn from the result
as read, so both engines' output looks the same.
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

    gray: np.ndarray  # the page as read: light evened out, levelled, in the reading view
    segmentation: Segmentation
    result: Result  # on the page as given
    read: Result | None = None  # the same result where ``gray`` has it (None: the same as ``result``)
    angle: float = 0.0  # degrees the page was turned back by before reading
    rules: np.ndarray | None = None  # uint8 mask of the ruled lines taken out of the ink


_COLOURS = [(230, 25, 75), (60, 180, 75), (0, 130, 200), (245, 130, 48), (145, 30, 180),
            (70, 240, 240), (240, 50, 230), (128, 128, 0)]  # BGR, one per line


def draw_overlay(analysis: Analysis) -> np.ndarray:
    """BGR image of the page as read with rules, lines, baselines, boxes and spaces drawn on it."""
    img = cv2.cvtColor(analysis.gray, cv2.COLOR_GRAY2BGR)
    if analysis.rules is not None:
        img[analysis.rules > 0] = (0, 140, 255)  # orange: ruled lines taken out of the ink
    scale = max(0.4, min(1.5, min(img.shape[:2]) / 400))
    result = analysis.read or analysis.result
    for li, (seg_line, line) in enumerate(zip(analysis.segmentation.lines, result.lines)):
        colour = _COLOURS[li % len(_COLOURS)]
        b = seg_line.box
        cv2.rectangle(img, (b.x - 3, b.y - 3), (b.right + 3, b.bottom + 3), (160, 160, 160), 1)
        path = np.array([[round(p.x), round(p.y)] for p in seg_line.baseline_path], np.int32)
        if len(path) > 1:
            cv2.polylines(img, [path], False, (0, 170, 0), 1, cv2.LINE_AA)
        for char in (c for w in line.words for c in w.chars):
            g = char.box
            cv2.rectangle(img, (g.x, g.y), (g.right, g.bottom), colour, 1)
            label = f"{char.text} {char.confidence:.0%}"
            cv2.putText(img, label, (g.x, max(10, g.y - 3)), cv2.FONT_HERSHEY_SIMPLEX,
                        0.35 * scale, colour, 1, cv2.LINE_AA)
        for left, right in zip(line.words, line.words[1:]):  # a word space: a red bar in the gap
            x = (left.box.right + right.box.x) // 2
            cv2.line(img, (x, b.y), (x, b.bottom), (0, 0, 255), 2)
    note = f"deskew {analysis.angle:+.1f} deg" if analysis.angle else "deskew 0 (level)"
    cv2.putText(img, note, (5, int(14 * scale)), cv2.FONT_HERSHEY_SIMPLEX, 0.45 * scale, (200, 0, 200), 1,
                cv2.LINE_AA)
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
