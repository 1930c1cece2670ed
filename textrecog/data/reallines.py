"""Training images from real scanned lines: the variation real scans have, then the shared line path.

A cut line (grey, dark ink on paper) is varied the way other scans of
other pages differ: resolution, pen width, slant and width of the hand,
paper tone and texture, ink tone, blur, noise, JPEG, and now and then a
rule under the line. It then goes the one way every line goes
(:func:`textrecog.data.linecut.fit_crop_line`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import cv2
import numpy as np

from textrecog.data.gtdata import RealLine
from textrecog.data.linecut import LineCrop, fit_crop_line
from textrecog.imaging.normalize import LineSpec


@dataclass(frozen=True)
class RealLook:
    """Probabilities and ranges of the variation given to real lines."""

    rescale: float = 0.5  # share of lines resampled to another resolution
    scale: tuple[float, float] = (0.45, 1.15)
    thicker: float = 0.2  # ink spread (a wider pen, a darker scan)
    thinner: float = 0.15
    shear: float = 0.25  # slant change, columns per row, either way
    stretch: tuple[float, float] = (0.85, 1.15)  # narrower or wider hands
    tone: float = 0.6  # share with other paper and ink tones
    texture: float = 0.3
    blur: float = 0.25
    noise: float = 6.0
    jpeg: float = 0.3
    rule: float = 0.1


def vary(gray: np.ndarray, rng: np.random.Generator, look: RealLook = RealLook()) -> np.ndarray:
    """A randomly varied copy of a grey line crop (uint8, dark ink on light paper)."""
    g = gray
    if rng.random() < look.rescale:
        k = rng.uniform(*look.scale)
        g = cv2.resize(g, (max(8, round(g.shape[1] * k)), max(8, round(g.shape[0] * k))), interpolation=cv2.INTER_AREA)
    g = _geometry(g, rng, look)
    if rng.random() < look.thicker:
        g = cv2.erode(g, np.ones((2, 2), np.uint8))  # dark ink spreads: the grey minimum
    elif rng.random() < look.thinner:
        g = cv2.dilate(g, np.ones((2, 2), np.uint8))
    f = g.astype(np.float32)
    if rng.random() < look.rule:
        f = _rule(f, rng)
    if rng.random() < look.tone:
        f = _tone(f, rng)
    if rng.random() < look.texture:
        f = _texture(f, rng)
    if rng.random() < look.blur:
        f = cv2.GaussianBlur(f, (0, 0), rng.uniform(0.4, 1.0))
    if look.noise:
        f = f + rng.normal(0.0, rng.uniform(0, look.noise), f.shape).astype(np.float32)
    out = np.clip(f, 0, 255).astype(np.uint8)
    if rng.random() < look.jpeg:
        ok, buf = cv2.imencode(".jpg", out, [cv2.IMWRITE_JPEG_QUALITY, int(rng.integers(25, 85))])
        out = cv2.imdecode(buf, cv2.IMREAD_GRAYSCALE) if ok else out
    return out


def _geometry(g: np.ndarray, rng: np.random.Generator, look: RealLook) -> np.ndarray:
    """Slant (a horizontal shear about the middle row) and width, paper filling what is uncovered."""
    h, w = g.shape
    shear = rng.uniform(-look.shear, look.shear) if rng.random() < 0.5 else 0.0
    sx = rng.uniform(*look.stretch) if rng.random() < 0.5 else 1.0
    if not shear and sx == 1.0:
        return g
    extra = int(np.ceil(abs(shear) * h))
    m = np.float32([[sx, shear, extra / 2 - shear * h / 2], [0, 1, 0]])
    paper = int(np.percentile(g, 75))
    return cv2.warpAffine(g, m, (max(8, int(w * sx) + extra), h), flags=cv2.INTER_LINEAR, borderValue=paper)


def _rule(f: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """A printed rule under the letters (as on ruled paper), lighter than the ink."""
    paper, ink = float(np.percentile(f, 75)), float(np.percentile(f, 2))
    rows = (f < (paper + ink) / 2).sum(axis=1)
    if not rows.any():
        return f
    base = int(np.flatnonzero(rows >= 0.4 * rows.max())[-1])  # the bottom of the letters' dense band
    y = min(f.shape[0] - 1, base + int(rng.integers(0, 3)))
    tone = paper - rng.uniform(40, 110)
    thick = int(rng.integers(1, 3))
    f = f.copy()
    f[y : y + thick] = np.minimum(f[y : y + thick], tone)
    return f


def _tone(f: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Other paper and ink tones: the grey levels mapped linearly from (ink, paper) to new ones."""
    paper, ink = float(np.percentile(f, 75)), float(np.percentile(f, 2))
    new_paper = rng.uniform(170, 255)
    new_ink = rng.uniform(0, max(1.0, min(120.0, new_paper - 60)))
    k = (new_paper - new_ink) / max(10.0, paper - ink)
    return new_paper + (f - paper) * k


def _texture(f: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Paper grain and stains: smooth low-frequency noise."""
    h, w = f.shape
    small = rng.normal(0, 1, (max(2, h // 8), max(2, w // 8))).astype(np.float32)
    field = cv2.resize(small, (w, h), interpolation=cv2.INTER_CUBIC)
    return f + field * np.float32(rng.uniform(3, 12))


def real_image(line: RealLine, spec: LineSpec, rng: np.random.Generator | None) -> np.ndarray:
    """A training image of a real line (varied when ``rng`` is given; as scanned otherwise)."""
    gray = line.cut.gray()
    if rng is not None:
        gray = vary(gray, rng)
    return fit_crop_line(LineCrop(gray, line.cut.slope, 0, 0), spec).image


class RealSampler:
    """Draw varied real lines at random, each line as often as any other."""

    def __init__(self, lines: Sequence[RealLine], seed: int):
        self.lines = list(lines)
        if not self.lines:
            raise ValueError("no real lines to draw from")
        self.rng = np.random.default_rng(seed)

    def draw(self, spec: LineSpec) -> tuple[np.ndarray, str]:
        """One (image, text) pair."""
        line = self.lines[int(self.rng.integers(len(self.lines)))]
        return real_image(line, spec, self.rng), line.text
