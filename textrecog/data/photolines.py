"""Training lines photographed, read back the way a page's line is read.

A line drawn for training is laid on a strip of paper (plain, or ruled by
:mod:`textrecog.data.ruledlines`) and photographed: turned a few degrees, in
a little perspective, on toned paper under uneven light and a soft shadow,
blurred, noisy and JPEG-compressed at the page's own scale. It then goes the
whole run-time way (:func:`textrecog.data.ruledlines.read_as_page`): light
evened out, binarised, levelled, rules taken out, segmented, the line cut. So
the reader learns from what a photographed page's line looks like once the
page layer has turned it back: resampled strokes, a residual slope, the
binariser's edges in blur and JPEG.

The ranges are wider than the page benchmark's photo look
(:mod:`textrecog.data.pages`), whose pages training never sees.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from textrecog.data.pages import light_field
from textrecog.data.ruledlines import RuledStrip, core_band


@dataclass(frozen=True)
class PhotoLook:
    """Probabilities and ranges of the photo taken of a training line's strip."""

    p: float = 0.0  # share of training lines photographed and read back as a page's line
    ruled: float = 0.5  # share of those on ruled paper
    turn_deg: float = 8.0  # the strip turned by up to this much either way
    keystone: float = 0.04  # corners moved by up to this share of the strip's size (perspective)
    paper: tuple[float, float] = (160.0, 250.0)
    ink: tuple[float, float] = (5.0, 90.0)  # the ink's grey under full light
    gradient: tuple[float, float] = (0.0, 0.35)
    shadow: tuple[float, float] = (0.0, 0.5)
    blur: tuple[float, float] = (0.005, 0.04)  # Gaussian sigma, in letter heights (a page's 0.3-1 px)
    noise: tuple[float, float] = (1.0, 8.0)
    jpeg: tuple[int, int] = (30, 90)  # quality, on ``jpeg_p`` of the photos
    jpeg_p: float = 0.7


def plain_paper(gray: np.ndarray, rng: np.random.Generator) -> RuledStrip:
    """The line (dark on white) on a strip of plain paper with a margin of a few letters around it."""
    top, base = core_band(gray)
    core = max(4.0, base - top + 1.0)
    rows = np.flatnonzero((gray < 128).any(axis=1))
    pad = [int(core * rng.uniform(0.8, 2.5)) for _ in range(4)]  # top, bottom, left, right
    page = np.pad(gray, ((pad[0], pad[1]), (pad[2], pad[3])), constant_values=255)
    return RuledStrip(page, pad[0] + int(rows[0]), pad[0] + int(rows[-1]))


def photograph(gray: np.ndarray, letter: float, rng: np.random.Generator, look: PhotoLook = PhotoLook()) -> np.ndarray:
    """A strip of paper (dark ink on white, its letters ``letter`` pixels tall) as photographed: turned,
    keystoned, toned, lit unevenly, blurred, noisy, JPEG; the canvas grows to keep the turned strip whole."""
    h, w = gray.shape
    angle = float(rng.uniform(-look.turn_deg, look.turn_deg))
    rad = np.radians(abs(angle))
    size = (int(w * np.cos(rad) + h * np.sin(rad)) + 4, int(h * np.cos(rad) + w * np.sin(rad)) + 4)
    src = np.float32([[0, 0], [w, 0], [w, h], [0, h]])
    dst = src + rng.uniform(-look.keystone, look.keystone, (4, 2)).astype(np.float32) * np.float32([w, h])
    m = np.vstack([cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0), [0, 0, 1]]) @ cv2.getPerspectiveTransform(
        src, dst)
    m[:2, 2] += np.float32([size[0] / 2 - w / 2, size[1] / 2 - h / 2])
    ink = cv2.warpPerspective(255 - gray, m, size, flags=cv2.INTER_LINEAR, borderValue=0).astype(np.float32) / 255
    paper = float(rng.uniform(*look.paper))
    tone = float(rng.uniform(look.ink[0], min(look.ink[1], paper - 60)))
    lit = paper * light_field(ink.shape, rng, look.gradient, look.shadow)
    out = lit - ink * (lit - tone * lit / paper)  # ink darkens with the light it lies in
    out = cv2.GaussianBlur(out, (0, 0), max(0.2, letter * float(rng.uniform(*look.blur))))
    out += rng.normal(0, rng.uniform(*look.noise), out.shape).astype(np.float32)
    out = np.clip(out, 0, 255).astype(np.uint8)
    if rng.random() < look.jpeg_p:
        ok, buf = cv2.imencode(".jpg", out, [cv2.IMWRITE_JPEG_QUALITY, int(rng.integers(*look.jpeg))])
        out = cv2.imdecode(buf, cv2.IMREAD_GRAYSCALE) if ok else out
    return out
