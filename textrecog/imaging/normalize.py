"""Crop normalisation shared by training, the CLI, batch and the UI.

Every character image that reaches the classifier goes through
:func:`normalize_crop`, whether it was cut out of a photo at run time or
rendered from pen strokes for training, so the two can never drift apart.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

POLARITIES = ("white_on_black", "black_on_white")


@dataclass(frozen=True)
class InputSpec:
    """How a model wants its character images (read from its manifest)."""

    size: int = 28  # side of the square input tensor
    inner: int = 20  # side of the box the glyph is scaled into
    transpose: bool = False  # EMNIST stores images transposed
    polarity: str = "white_on_black"  # ink bright on dark, as MNIST
    scale: float = 1.0 / 255.0  # pixel value multiplier after polarity

    def __post_init__(self) -> None:
        if not 0 < self.inner <= self.size:
            raise ValueError(f"inner size {self.inner} must be in 1..{self.size}")
        if self.polarity not in POLARITIES:
            raise ValueError(f"polarity must be one of {POLARITIES}, got {self.polarity!r}")


def _trim(ink: np.ndarray) -> np.ndarray:
    """Cut the image down to the bounding box of its non-zero pixels."""
    x, y, w, h = cv2.boundingRect(ink)  # of the non-zero pixels; 0 × 0 if there are none
    return ink[y : y + h, x : x + w]


def fit_crop(ink: np.ndarray, spec: InputSpec) -> np.ndarray:
    """The geometric half of :func:`normalize_crop`: uint8 (size, size), ink still bright on 0.

    Trim to the ink, pad to a square, resize into ``spec.inner``, centre in
    ``spec.size`` and transpose as the model expects.
    """
    canvas = np.zeros((spec.size, spec.size), dtype=np.uint8)
    _fit_into(ink, spec, canvas)
    return canvas.T if spec.transpose else canvas


def _fit_into(ink: np.ndarray, spec: InputSpec, canvas: np.ndarray) -> None:
    """Draw the trimmed, squared, resized glyph into a zeroed (size, size) canvas (untransposed)."""
    ink = np.asarray(ink, dtype=np.uint8)
    if ink.ndim != 2:
        raise ValueError(f"expected a 2-D ink image, got shape {ink.shape}")
    glyph = _trim(ink)
    if not glyph.size:
        return
    h, w = glyph.shape
    side = max(h, w)
    top, left = (side - h) // 2, (side - w) // 2
    square = np.zeros((side, side), dtype=np.uint8)  # cheaper than cv2.copyMakeBorder for glyph sizes
    square[top : top + h, left : left + w] = glyph
    # INTER_AREA averages when shrinking (keeps thin strokes visible);
    # enlarging tiny marks such as dots wants a smooth interpolation.
    interp = cv2.INTER_AREA if side >= spec.inner else cv2.INTER_LINEAR
    off = (spec.size - spec.inner) // 2
    canvas[off : off + spec.inner, off : off + spec.inner] = cv2.resize(
        square, (spec.inner, spec.inner), interpolation=interp)


def to_input(fitted: np.ndarray, spec: InputSpec) -> np.ndarray:
    """The value half of :func:`normalize_crop`: polarity and scale, float32, any leading shape."""
    out = fitted.astype(np.float32)
    if spec.polarity == "black_on_white":
        out = 255.0 - out
    return out * np.float32(spec.scale)


def normalize_crop(ink: np.ndarray, spec: InputSpec) -> np.ndarray:
    """Turn one character's ink image (uint8, ink > 0 on 0) into a model input.

    Trim to the ink, pad to a square, resize into ``spec.inner``, centre in
    ``spec.size``, transpose and set polarity as the model expects; returns
    float32 of shape (size, size).
    """
    return to_input(fit_crop(ink, spec), spec)


def normalize_batch(inks: list[np.ndarray], spec: InputSpec) -> np.ndarray:
    """Normalise many crops into one (N, size, size, 1) float32 batch (as normalize_crop does each)."""
    fitted = np.zeros((len(inks), spec.size, spec.size), dtype=np.uint8)
    for ink, canvas in zip(inks, fitted):
        _fit_into(ink, spec, canvas)  # each row drawn in place
    if spec.transpose:
        fitted = fitted.transpose(0, 2, 1)
    # one conversion for the whole batch instead of one per crop
    return to_input(fitted, spec)[..., None]


@dataclass(frozen=True)
class LineSpec:
    """How a line model wants its line images (read from its manifest)."""

    height: int = 32  # input rows
    margin: int = 2  # blank rows above and below the ink; twice that left and right
    max_width: int = 1024  # longer lines are squeezed horizontally to fit
    polarity: str = "white_on_black"
    scale: float = 1.0 / 255.0
    downsample: int = 4  # input columns per output frame

    def __post_init__(self) -> None:
        if self.height <= 2 * self.margin:
            raise ValueError(f"line height {self.height} leaves no room inside margin {self.margin}")
        if self.polarity not in POLARITIES:
            raise ValueError(f"polarity must be one of {POLARITIES}, got {self.polarity!r}")


SLOPE_MIN = 0.0175  # a degree: lines sloping less read as well as they are (the reader learnt such slopes)


@dataclass(frozen=True)
class FittedLine:
    """A normalised line image (uint8, ink bright on 0) and how it maps back to the source."""

    image: np.ndarray  # (spec.height, width)
    x0: int  # source column of the ink's left edge
    y0: int  # source row of the ink's top edge
    sx: float  # normalised columns per source column
    sy: float  # normalised rows per source row
    left: int  # normalised column where the ink starts

    def to_source_x(self, col: float) -> float:
        """Source-image column of a normalised column."""
        return self.x0 + (col - self.left) / self.sx


def fit_line(ink: np.ndarray, spec: LineSpec, slope: float = 0.0) -> FittedLine:
    """The one line normalisation: level a sloping line, crop to the ink, scale to the model height
    keeping aspect, pad.

    ``ink`` is uint8 with ink bright on 0 (a rendered training line or a
    line cut from a page by the segmentation engine, other lines masked
    out); ``slope`` is its baseline's rise (rows down per column). The
    result is ``spec.height`` rows tall; its width follows the ink's aspect
    ratio, squeezed only past ``spec.max_width``.
    """
    ink = np.asarray(ink, dtype=np.uint8)
    if ink.ndim != 2:
        raise ValueError(f"expected a 2-D ink image, got shape {ink.shape}")
    ink = unslope(ink, slope)
    x, y, w, h = cv2.boundingRect(ink)
    inner, left = spec.height - 2 * spec.margin, 2 * spec.margin
    if not w:
        return FittedLine(np.zeros((spec.height, 2 * left), np.uint8), 0, 0, 1.0, 1.0, left)
    sy = inner / h
    new_w = max(1, min(int(round(w * sy)), spec.max_width - 2 * left))
    sx = new_w / w
    # INTER_AREA averages when shrinking (keeps thin strokes visible)
    interp = cv2.INTER_AREA if sy < 1 else cv2.INTER_LINEAR
    out = np.zeros((spec.height, new_w + 2 * left), np.uint8)
    out[spec.margin : spec.margin + inner, left : left + new_w] = cv2.resize(
        ink[y : y + h, x : x + w], (new_w, inner), interpolation=interp)
    return FittedLine(out, x, y, sx, sy, left)


def unslope(ink: np.ndarray, slope: float) -> np.ndarray:
    """The ink sheared vertically so a baseline rising ``slope`` rows a column runs level: columns move up or
    down, never sideways (letters keep their slant and their columns; a turned line would lean them).
    Rows are added so nothing leaves the image; slopes under SLOPE_MIN are left alone."""
    if abs(slope) < SLOPE_MIN:
        return ink
    h, w = ink.shape
    extra = int(np.ceil(abs(slope) * (w - 1)))
    shift = max(0.0, slope * (w - 1))  # the ink's right end moves up by slope * w: room above it
    m = np.float32([[1, 0, 0], [-slope, 1, shift]])
    return cv2.warpAffine(ink, m, (w, h + extra), flags=cv2.INTER_LINEAR, borderValue=0)


def line_to_input(fitted: np.ndarray, spec: LineSpec) -> np.ndarray:
    """Polarity and scale of a (batch of) fitted line image(s), float32."""
    out = fitted.astype(np.float32)
    if spec.polarity == "black_on_white":
        out = 255.0 - out
    return out * np.float32(spec.scale)
