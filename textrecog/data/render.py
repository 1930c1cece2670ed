"""Render pen strokes to ink images, with controlled random variation.

One real sample becomes many plausible ones: pen width, slant (shear),
rotation, aspect, point jitter and a smooth elastic warp, all drawn from a
seeded ``numpy.random.Generator`` so a run is reproducible.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import cv2
import numpy as np

_SUB = 4  # fixed-point sub-pixel bits for cv2 drawing


@dataclass(frozen=True)
class Augment:
    """Ranges of random variation; ``Augment.none()`` renders faithfully."""

    pen: tuple[float, float] = (0.05, 0.13)  # pen width / ink height
    rotate_deg: float = 8.0
    shear: float = 0.3
    aspect: tuple[float, float] = (0.8, 1.2)
    jitter: float = 0.012  # point noise / ink height
    elastic: float = 0.03  # warp amplitude / ink height
    wave: float = 0.0  # local warp amplitude / ink height, over a few letters (lines: letters and baseline)

    @staticmethod
    def none(pen: float = 0.08) -> Augment:
        """No randomness except a fixed pen width."""
        return Augment(pen=(pen, pen), rotate_deg=0.0, shear=0.0, aspect=(1.0, 1.0),
                       jitter=0.0, elastic=0.0, wave=0.0)


def _affine(pts: np.ndarray, aug: Augment, rng: np.random.Generator) -> np.ndarray:
    """Random rotation, shear and aspect change about the ink's centre."""
    theta = np.deg2rad(rng.uniform(-aug.rotate_deg, aug.rotate_deg))
    shear = rng.uniform(-aug.shear, aug.shear)
    aspect = rng.uniform(*aug.aspect)
    rot = np.array([[np.cos(theta), -np.sin(theta)], [np.sin(theta), np.cos(theta)]])
    mat = rot @ np.array([[aspect, shear], [0.0, 1.0]])
    centre = pts.mean(axis=0)
    return (pts - centre) @ mat.T + centre


def _elastic(pts: np.ndarray, amp: float, rng: np.random.Generator) -> np.ndarray:
    """Smooth random warp: a sum of two low-frequency sine fields."""
    lo, hi = pts.min(axis=0), pts.max(axis=0)
    span = np.maximum(hi - lo, 1e-6)
    u = (pts - lo) / span
    out = pts.copy()
    for axis in range(2):
        fx, fy = rng.uniform(0.5, 1.5, size=2)
        px, py = rng.uniform(0, 2 * np.pi, size=2)
        field = np.sin(2 * np.pi * fx * u[:, 0] + px) * np.sin(2 * np.pi * fy * u[:, 1] + py)
        out[:, axis] += amp * field
    return out


def _wave(pts: np.ndarray, amp: float, height: float, rng: np.random.Generator) -> np.ndarray:
    """A local grid-like warp: x and y displaced by waves 1.5-4 ink heights long along the line."""
    out = pts.copy()
    for axis in range(2):
        length = rng.uniform(1.5, 4.0) * height
        out[:, axis] += amp * rng.uniform(0.3, 1.0) * np.sin(2 * np.pi * pts[:, 0] / length + rng.uniform(0, 2 * np.pi))
    return out


def transform_strokes(strokes: Sequence[np.ndarray], height: float, aug: Augment,
                      rng: np.random.Generator | None, min_aspect: float = 0.25) -> list[np.ndarray]:
    """Scale ink to ``height`` pixels tall (y down) and apply random variation.

    The height counted is at least ``min_aspect`` × the width, so a flat mark (a dash) is not blown up.
    """
    pts = np.concatenate([np.asarray(s, dtype=np.float64) for s in strokes])
    lo, hi = pts.min(axis=0), pts.max(axis=0)
    ink_h = max(hi[1] - lo[1], (hi[0] - lo[0]) * min_aspect, 1e-6)
    scale = height / ink_h
    sizes = [len(s) for s in strokes]
    pts = (pts - lo) * scale
    if rng is not None:
        pts = _affine(pts, aug, rng)
        if aug.elastic > 0:
            pts = _elastic(pts, aug.elastic * height, rng)
        if aug.wave > 0:
            pts = _wave(pts, aug.wave * height, height, rng)
        if aug.jitter > 0:
            pts = pts + rng.normal(0.0, aug.jitter * height, size=pts.shape)
    return np.split(pts, np.cumsum(sizes)[:-1])


def draw_strokes(strokes: Sequence[np.ndarray], width: float, margin: int = 4) -> np.ndarray:
    """Draw strokes antialiased on a black canvas; returns uint8 ink image."""
    pts = np.concatenate(strokes)
    lo = pts.min(axis=0) - margin - width
    size = np.ceil(pts.max(axis=0) - lo + margin + width).astype(int) + 1
    canvas = np.zeros((int(size[1]), int(size[0])), dtype=np.uint8)
    thick = max(1, int(round(width)))
    for s in strokes:
        fixed = np.round((s - lo) * (1 << _SUB)).astype(np.int32).reshape(-1, 1, 2)
        if len(s) == 1 or np.ptp(s, axis=0).max() < 0.5:
            centre = tuple(int(v) for v in fixed[0, 0])
            cv2.circle(canvas, centre, max(1, thick // 2) << _SUB, 255, -1, cv2.LINE_AA, _SUB)
        else:
            cv2.polylines(canvas, [fixed], False, 255, thick, cv2.LINE_AA, _SUB)
    return canvas


def render(strokes: Sequence[np.ndarray], height: float = 64.0, aug: Augment | None = None,
           rng: np.random.Generator | None = None) -> np.ndarray:
    """Render strokes (y down) to an ink image about ``height`` pixels tall."""
    aug = aug or Augment.none()
    pts = transform_strokes(strokes, height, aug, rng)
    pen = aug.pen[0] if rng is None else rng.uniform(*aug.pen)
    return draw_strokes(pts, max(1.0, pen * height))


def stroke_unit(strokes: Sequence[np.ndarray]) -> float:
    """Typical height of a pen-down stroke: a size unit that ignores line count."""
    heights = np.array([float(s[:, 1].max() - s[:, 1].min()) for s in map(np.asarray, strokes) if len(s) > 1])
    heights = heights[heights > 0]
    if not heights.size:
        return 1.0
    return float(np.median(heights[heights >= 0.25 * heights.max()]))


def render_page(strokes: Sequence[np.ndarray], char_height: float = 40.0, pen: float = 0.08,
                margin: int = 16) -> np.ndarray:
    """Render a word, line or paragraph as dark-on-white grayscale (uint8).

    Ink is scaled so a typical stroke is about ``char_height`` pixels tall
    (per sample, since UNIPEN resolutions differ between sites), and drawn
    with a pen ``pen`` × char_height wide, framed by ``margin`` pixels.
    """
    pts = np.concatenate([np.asarray(s, dtype=np.float64) for s in strokes])
    full = max(np.ptp(pts[:, 1]), 0.25 * np.ptp(pts[:, 0]), 1e-6)
    height = char_height * full / max(stroke_unit(strokes), 1e-6)
    scaled = transform_strokes(strokes, height, Augment.none(pen), None)
    ink = draw_strokes(scaled, max(1.0, pen * char_height), margin)
    return 255 - ink
