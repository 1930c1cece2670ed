"""The one cut of a ground-truth line out of its page, shared by training and evaluation.

The line's polygon keeps its own ink: everything outside it (the line
above's descenders, the line below's ascenders) becomes paper. The crop's
baseline gives its slope, which the shared line normaliser levels
(:func:`textrecog.imaging.normalize.fit_line`, through
:func:`textrecog.data.lineimages.line_image`, the path a rendered
training line and a page's line take at run time).
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from textrecog.data.gttypes import GtLine
from textrecog.imaging.normalize import FittedLine, LineSpec

PAD = 2  # pixels kept around the polygon: the antialiased edge of strokes on its border


@dataclass(frozen=True)
class LineCrop:
    """A line's grey crop (dark ink on light paper, other lines' ink painted out) and its baseline slope."""

    gray: np.ndarray
    slope: float  # rows down per column of the baseline
    x: int  # the crop's place on the page
    y: int


def baseline_slope(points) -> float:
    """Rise of a baseline (rows down per column): a straight fit through its points; 0 if it has none."""
    if len(points) < 2:
        return 0.0
    xs, ys = np.array([p[0] for p in points]), np.array([p[1] for p in points])
    return float(np.polyfit(xs, ys, 1)[0]) if np.ptp(xs) > 0 else 0.0


def cut_line(page: np.ndarray, line: GtLine) -> LineCrop | None:
    """The line's crop from a grey page (uint8); None where its outline lies off the page."""
    h, w = page.shape
    x, y, bw, bh = line.box
    x0, y0 = max(0, x - PAD), max(0, y - PAD)
    x1, y1 = min(w, x + bw + PAD + 1), min(h, y + bh + PAD + 1)
    if x1 - x0 < 2 or y1 - y0 < 2:
        return None
    crop = page[y0:y1, x0:x1].copy()
    if line.polygon:
        inside = np.zeros(crop.shape, np.uint8)
        pts = np.round(np.array(line.polygon, np.float64) - (x0, y0)).astype(np.int32)
        cv2.fillPoly(inside, [pts], 1)
        inside = cv2.dilate(inside, np.ones((2 * PAD + 1, 2 * PAD + 1), np.uint8))
        crop[inside == 0] = paper_level(crop, inside)
    return LineCrop(crop, baseline_slope(line.baseline), x0, y0)


def paper_level(gray: np.ndarray, inside: np.ndarray) -> int:
    """The paper's grey inside the outline: the bright majority of its pixels (ink is the dark minority)."""
    values = gray[inside > 0]
    return int(np.percentile(values, 75)) if values.size else 255


def fit_crop_line(crop: LineCrop, spec: LineSpec) -> FittedLine:
    """A cut line through the shared line path, as a page's line goes: binarised, rules taken out, specks
    dropped, contrast stretched, levelled by its baseline, scaled to the model's height."""
    from textrecog.data.lineimages import line_image

    return line_image(crop.gray, spec, crop.slope, rules=True)
