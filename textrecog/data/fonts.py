"""Glyphs rendered from fonts: an optional auxiliary training source.

Off by default: fonts are not handwriting (a font-only digit model reached
90% on real MNIST where real data gives 99%+), so they may only add to real
data, and only when that measurably helps on held-out writers. Each glyph
gets a random size, rotation, shear and position, then the shared crop
normalisation.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

from textrecog.imaging.normalize import InputSpec

FONT_SUFFIXES = {".ttf", ".otf", ".ttc"}


def find_fonts(root: str | os.PathLike) -> list[Path]:
    """Font files under a folder (recursively), or the single file given."""
    root = Path(root)
    if root.is_file():
        return [root]
    return sorted(p for p in root.rglob("*") if p.suffix.lower() in FONT_SUFFIXES)


def glyph_ink(font: ImageFont.FreeTypeFont, char: str) -> np.ndarray | None:
    """The character drawn bright on black, cropped; None if the font lacks it."""
    left, top, right, bottom = font.getbbox(char)
    if right - left < 1 or bottom - top < 1:
        return None
    img = Image.new("L", (right - left + 8, bottom - top + 8), 0)
    ImageDraw.Draw(img).text((4 - left, 4 - top), char, fill=255, font=font)
    return np.asarray(img)


def distort(ink: np.ndarray, rng: np.random.Generator, rotate_deg: float = 8.0, shear: float = 0.25) -> np.ndarray:
    """Random rotation and shear about the glyph's centre, on a padded canvas."""
    h, w = ink.shape
    pad = max(h, w) // 2
    canvas = cv2.copyMakeBorder(ink, pad, pad, pad, pad, cv2.BORDER_CONSTANT, value=0)
    ch, cw = canvas.shape
    mat = cv2.getRotationMatrix2D((cw / 2, ch / 2), float(rng.uniform(-rotate_deg, rotate_deg)), 1.0)
    mat[0, 1] += float(rng.uniform(-shear, shear))
    return cv2.warpAffine(canvas, mat, (cw, ch), flags=cv2.INTER_LINEAR, borderValue=0)


def render_font_chars(fonts: Sequence[Path | ImageFont.FreeTypeFont], classes: str, variants: int,
                      spec: InputSpec, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Normalised uint8 images and class indices for every font × class × variant."""
    from textrecog.data.chars import to_model_uint8

    rng = np.random.default_rng(seed)
    images, labels = [], []
    for source in fonts:
        for _ in range(variants):
            size = int(rng.integers(32, 72))
            font = ImageFont.truetype(str(source), size) if isinstance(source, (str, Path)) else source
            for label, char in enumerate(classes):
                ink = glyph_ink(font, char)
                if ink is not None:
                    images.append(to_model_uint8(distort(ink, rng), spec))
                    labels.append(label)
    if not images:
        return np.zeros((0, spec.size, spec.size), np.uint8), np.zeros(0, np.int32)
    return np.stack(images), np.array(labels, dtype=np.int32)
