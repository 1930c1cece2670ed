"""Light and paper: divide the paper's brightness out of a photo, so shadows, gradients and tone give no ink.

The background is a grey-level closing (a max filter, then a min filter) wider
than any stroke: it removes the ink and keeps everything larger, the light's
gradient, a shadow's soft border and the step at the sheet's edge onto a darker
desk, exactly where they are. Dividing by it leaves ink dark on an even white
page; a desk or a shadow becomes paper-white, and its border makes no ink line.
"""

from __future__ import annotations

import cv2
import numpy as np

from textrecog.imaging.binarize import MIN_CONTRAST, is_uneven, otsu_splits_paper

MIN_DROP = 20  # grey levels below the paper's light that a pixel must be to be ink at all
NOISE_DROP = 2.5  # and this many times the paper's typical drop below its light (its grain and noise)


def _closing_size(gray: np.ndarray) -> int:
    """How wide a dark area must be to be paper's (or desk's) light, not ink: wider than strokes (2-8 px on a
    ~1,000 px page)."""
    return max(15, max(gray.shape) // 60) | 1


def paper_light(gray: np.ndarray) -> np.ndarray:
    """The brightness the paper (or desk) would have without ink, at full resolution (uint8)."""
    size = _closing_size(gray)
    kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (size, size))
    # the image's edges continued outwards: a narrow strip of desk along an edge is as wide as it really is
    # beyond the frame, and the closing keeps it, instead of closing it away as if it were a stroke
    padded = cv2.copyMakeBorder(gray, size, size, size, size, cv2.BORDER_REPLICATE)
    return cv2.morphologyEx(padded, cv2.MORPH_CLOSE, kernel)[size:-size, size:-size]


def dark_areas(gray: np.ndarray) -> bool:
    """True if the image has dark areas wider than any stroke: a desk beside the sheet, a deep shadow. A
    brightness test misses them where they are narrow (a strip of desk along two edges); but what Otsu's
    threshold calls ink there survives an erosion as wide as the light's closing, which takes away every
    stroke (checked at ~256 px a side)."""
    if min(gray.shape) < 32:
        return False
    k = max(1, max(gray.shape) // 256)
    small = np.ascontiguousarray(gray[::k, ::k])  # every step on the sample: no pass over the whole image
    if np.ptp(small) < MIN_CONTRAST:
        return False
    _, dark = cv2.threshold(small, 0, 1, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    size = max(3, int(np.ceil(_closing_size(gray) / k)))
    return cv2.countNonZero(cv2.erode(dark, np.ones((size, size), np.uint8))) > 0


def flatten_light(gray: np.ndarray) -> np.ndarray:
    """``gray`` with uneven light divided out (ink dark on white); an evenly lit image is returned as is."""
    # a gentle gradient under noise can still defeat one global threshold: Otsu then cuts the paper itself
    if not (is_uneven(gray) or otsu_splits_paper(gray) or dark_areas(gray)):
        return gray  # scans and renders: nothing to do, and no cost
    light = paper_light(gray)
    out = np.clip(gray.astype(np.float32) * (255.0 / np.maximum(light.astype(np.float32), 1.0)), 0, 255)
    out = out.astype(np.uint8)
    # ink is darker than its paper by a real margin: where a pixel is within a few grey levels of the light
    # (more on grainy or noisy paper, whose pixels mostly sit a little below it) it is paper, however dark
    # that light (the division would turn a desk's or a deep shadow's noise into specks); strokes in a
    # shadow are still tens of levels darker than the shadowed paper
    drop = cv2.subtract(light, gray)
    out[drop < max(MIN_DROP, NOISE_DROP * float(np.median(drop[::2, ::2])))] = 255  # a sample is enough
    return out
