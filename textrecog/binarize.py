"""Binarisation: grayscale (ink dark on light) → ink mask, specks removed.

Otsu's global threshold suits clean scans and renders; photos of paper
with uneven lighting get a local (adaptive) threshold instead.
"""

from __future__ import annotations

import cv2
import numpy as np

MIN_CONTRAST = 40  # below this grey-level spread there is no ink to find
UNEVEN_SPREAD = 40  # background brightness range that counts as uneven lighting


def background(gray: np.ndarray) -> np.ndarray:
    """Estimate the paper brightness: a large max filter (removes dark ink) on a reduced image."""
    h, w = gray.shape
    k = max(1, max(h, w) // 256)
    small = cv2.resize(gray, (max(1, w // k), max(1, h // k)), interpolation=cv2.INTER_AREA)
    size = max(3, (min(small.shape) // 6) | 1)
    bg = cv2.dilate(small, cv2.getStructuringElement(cv2.MORPH_RECT, (size, size)))
    return cv2.resize(bg, (w, h), interpolation=cv2.INTER_LINEAR)


def is_uneven(gray: np.ndarray) -> bool:
    """True if the paper's brightness varies much across the image (a photo)."""
    if min(gray.shape) < 32:
        return False
    lo, hi = np.percentile(background(gray), [5, 95])
    return bool(hi - lo > UNEVEN_SPREAD)


def threshold(gray: np.ndarray) -> np.ndarray:
    """Raw ink mask (uint8 0/1) by Otsu or, for uneven lighting, adaptive threshold."""
    if gray.size == 0 or int(gray.max()) - int(gray.min()) < MIN_CONTRAST:
        return np.zeros(gray.shape, dtype=np.uint8)
    if is_uneven(gray):
        block = int(np.clip(min(gray.shape) // 16, 15, 151)) | 1
        mask = cv2.adaptiveThreshold(gray, 1, cv2.ADAPTIVE_THRESH_GAUSSIAN_C,
                                     cv2.THRESH_BINARY_INV, block, 15)
    else:
        _, mask = cv2.threshold(gray, 0, 1, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    return mask.astype(np.uint8)


def stroke_width(mask: np.ndarray) -> float:
    """Typical stroke width in pixels: twice the mean inner distance of ink pixels."""
    if not mask.any():
        return 1.0
    dist = cv2.distanceTransform(mask, cv2.DIST_L2, 3)
    ridge = dist[dist >= 1.0]
    return float(max(1.0, 2.0 * np.mean(ridge))) if ridge.size else 1.0


def remove_specks(mask: np.ndarray, fraction: float = 0.4) -> np.ndarray:
    """Drop components smaller than ``fraction`` × stroke width² (at least 3 px)."""
    n, labels, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    if n <= 1:
        return mask
    min_area = max(3.0, fraction * stroke_width(mask) ** 2)
    keep = stats[:, cv2.CC_STAT_AREA] >= min_area
    keep[0] = False
    return keep[labels].astype(np.uint8)


def binarize(gray: np.ndarray) -> np.ndarray:
    """Ink mask (uint8, 1 = ink) of a dark-on-light grayscale image."""
    return remove_specks(threshold(gray))
