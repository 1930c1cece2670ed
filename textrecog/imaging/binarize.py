"""Binarisation: grayscale (ink dark on light) → ink mask; the speck size.

Otsu's global threshold suits clean scans and renders; photos of paper
with uneven lighting get a local (adaptive) threshold instead.
"""

from __future__ import annotations

import cv2
import numpy as np

MIN_CONTRAST = 40  # below this grey-level spread there is no ink to find
MAX_INK_SHARE = 0.3  # of an image: more "ink" than this is paper read as ink
UNEVEN_SPREAD = 40  # background brightness range that counts as uneven lighting


def background(gray: np.ndarray) -> np.ndarray:
    """Paper brightness on a reduced image (at most ~128 px a side): a large max filter removes the ink."""
    h, w = gray.shape
    k = max(1, max(h, w) // 128)
    # every k-th pixel, not an area average: the max filter below removes the ink either way
    small = np.ascontiguousarray(gray[::k, ::k])
    size = max(3, (min(small.shape) // 6) | 1)
    return cv2.dilate(small, cv2.getStructuringElement(cv2.MORPH_RECT, (size, size)))


def is_uneven(gray: np.ndarray) -> bool:
    """True if the paper's brightness varies much across the image (a photo)."""
    if min(gray.shape) < 32:
        return False
    bg = background(gray)
    cumulative = np.cumsum(cv2.calcHist([bg], [0], None, [256], [0, 256]).ravel())
    lo, hi = np.searchsorted(cumulative, [0.05 * bg.size, 0.95 * bg.size])  # 5th, 95th percentiles
    return bool(int(hi) - int(lo) > UNEVEN_SPREAD)


def otsu_splits_paper(gray: np.ndarray) -> bool:
    """True if Otsu's threshold would call over 30% of the image ink: handwriting never covers that much,
    so the threshold fell inside the paper's own spread (a noisy gradient), not between paper and ink."""
    if gray.size == 0 or np.ptp(gray) < MIN_CONTRAST:
        return False
    t, _ = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    below = cv2.calcHist([gray], [0], None, [256], [0, 256]).ravel()[: int(t) + 1].sum()
    return bool(below > MAX_INK_SHARE * gray.size)


def binarize(gray: np.ndarray) -> np.ndarray:
    """Ink mask (uint8, 1 = ink) by Otsu or, for uneven lighting, adaptive threshold.

    Specks stay in the mask: segmentation drops components smaller than
    :func:`speck_area` while it labels them, so the image is labelled once.
    """
    if gray.size == 0:
        return np.zeros(gray.shape, dtype=np.uint8)
    darkest, brightest, _, _ = cv2.minMaxLoc(gray)  # one pass for both
    if brightest - darkest < MIN_CONTRAST:
        return np.zeros(gray.shape, dtype=np.uint8)
    if is_uneven(gray):
        block = int(np.clip(min(gray.shape) // 16, 15, 151)) | 1
        mask = cv2.adaptiveThreshold(gray, 1, cv2.ADAPTIVE_THRESH_GAUSSIAN_C,
                                     cv2.THRESH_BINARY_INV, block, 15)
    else:
        _, mask = cv2.threshold(gray, 0, 1, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    return mask  # uint8 already: both thresholds keep the input's type


def stroke_width(mask: np.ndarray) -> float:
    """Typical stroke width in pixels: 2 × ink area / boundary pixels.

    A stroke of width w and length L covers w·L pixels and has about 2·L
    boundary pixels (those a 3×3 erosion removes); a distance transform
    gives much the same figure at ten times the cost.
    """
    area = cv2.countNonZero(mask)
    if not area:
        return 1.0
    boundary = area - cv2.countNonZero(cv2.erode(mask, _SQUARE3, borderValue=0))
    return float(max(1.0, 2.0 * area / max(1, boundary)))


_SQUARE3 = np.ones((3, 3), np.uint8)


def speck_area(mask: np.ndarray, fraction: float = 0.4) -> float:
    """Smallest ink component (pixels) that is not a speck: ``fraction`` × stroke width², at least 3."""
    return max(3.0, fraction * stroke_width(mask) ** 2)


def component_mask(labels: np.ndarray, components: frozenset[int]) -> np.ndarray:
    """uint8 mask (1 = ink) of the pixels of ``labels`` that belong to ``components``."""
    if len(components) > 4:  # a line's dozens of pieces: one table lookup a pixel, not one pass a piece
        table = np.zeros(max(int(labels.max()), max(components)) + 1, np.uint8)
        table[list(components)] = 1
        return np.take(table, labels)
    it = iter(components)
    mask = labels == next(it)
    for k in it:  # a few comparisons: np.isin costs ten times as much on glyph-sized crops
        mask |= labels == k
    return mask.view(np.uint8)
