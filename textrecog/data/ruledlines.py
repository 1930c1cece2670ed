"""Training lines written on ruled paper, read back the way a page's line is read.

A line drawn for training is laid on a strip of notebook paper (rules under
and around the writing, sometimes dashed or faint, a margin line or a grid),
and then goes the whole run-time way: light evened out, binarised, levelled,
rules found and taken out, lines segmented, the line's ink cut with its feet
given back (:func:`textrecog.engines.line_engine.cut_line`). So the reader
learns from what rule removal leaves: letters' feet cut flat, a stub of rule
before the first letter, a dash the search missed.

The rules' look is drawn from wider ranges than the page benchmark's own
(:mod:`textrecog.data.pages`), which training never uses.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from textrecog.imaging.binarize import stroke_width
from textrecog.imaging.normalize import LineSpec


@dataclass(frozen=True)
class RuledLook:
    """Probabilities and ranges of the ruled paper under a training line."""

    p: float = 0.0  # share of training lines written on ruled paper
    pitch: tuple[float, float] = (1.0, 1.5)  # rule spacing over the writing's height (at least 1.6 cores)
    width: tuple[float, float] = (4.0, 9.0)  # the sheet's width in pitches (at least the writing's)
    offset: tuple[float, float] = (-0.1, 0.25)  # the rule's distance below the baseline, in core heights
    tone: tuple[int, int] = (90, 205)  # the rules' grey (the paper is white)
    thick: tuple[float, float] = (0.3, 1.0)  # rule thickness over the pen's (a rule is a fine line)
    slope_deg: float = 1.5  # the writing's slope against the rules
    dashed: float = 0.15  # probability of dashed rules
    margin: float = 0.35  # probability of a margin line left of the writing
    grid: float = 0.1  # probability of squared paper (vertical rules too)


def core_band(gray: np.ndarray) -> tuple[int, int]:
    """Rows (top, baseline) of a line's dense middle band: where most of its letters' ink lies."""
    rows = (gray < 128).sum(axis=1).astype(np.float32)
    if not rows.any():
        raise ValueError("no ink")
    dense = np.flatnonzero(rows >= 0.4 * rows.max())
    return int(dense[0]), int(dense[-1])


@dataclass(frozen=True)
class RuledStrip:
    """A line laid on ruled paper, and where its writing is (rows top..bottom, in the strip)."""

    gray: np.ndarray
    top: int
    bottom: int


def rule_paper(gray: np.ndarray, rng: np.random.Generator, look: RuledLook = RuledLook()) -> RuledStrip:
    """The line (dark on white) laid on a wider strip of ruled paper: one rule under it, others a pitch apart."""
    top, base = core_band(gray)
    core = max(4.0, base - top + 1.0)
    h, w = gray.shape
    rows = np.flatnonzero((gray < 128).any(axis=1))
    pitch = max(1.6 * core, rows[-1] - rows[0] + 1.0) * rng.uniform(*look.pitch)
    pad_x = [int(core * rng.uniform(1.0, 4.0)), int(core * rng.uniform(0.5, 3.0))]
    pad_x[1] = max(pad_x[1], int(pitch * rng.uniform(*look.width)) - w - pad_x[0])  # rules run on across the sheet
    pad_y = [int(pitch * 1.2), int(pitch * 1.2)]
    page = np.full((h + sum(pad_y), w + sum(pad_x)), 255, np.uint8)
    page[pad_y[0] : pad_y[0] + h, pad_x[0] : pad_x[0] + w] = gray
    rules = np.full_like(page, 255)
    tone = int(rng.uniform(*look.tone))
    thick = max(1, int(round(stroke_width((gray < 128).astype(np.uint8)) * rng.uniform(*look.thick))))
    slope = np.tan(np.radians(rng.uniform(-look.slope_deg, look.slope_deg)))
    first = pad_y[0] + base + core * rng.uniform(*look.offset)
    dashed = rng.random() < look.dashed
    for k in range(-3, 4):
        y = first + k * pitch
        ys = (y - slope * page.shape[1] / 2, y + slope * page.shape[1] / 2)
        if -pitch < min(ys) and max(ys) < page.shape[0] + pitch:
            _line(rules, (0, ys[0]), (page.shape[1], ys[1]), tone, thick, dashed, rng)
    if rng.random() < look.grid:
        for x in np.arange(rng.uniform(0, pitch), page.shape[1], pitch):
            _line(rules, (x, 0), (x, page.shape[0]), tone, thick, dashed, rng)
    elif rng.random() < look.margin:
        x = pad_x[0] - core * rng.uniform(0.3, 0.9)
        _line(rules, (x, 0), (x, page.shape[0]), int(rng.uniform(*look.tone)), thick + 1, False, rng)
    return RuledStrip(np.minimum(page, rules), pad_y[0] + int(rows[0]), pad_y[0] + int(rows[-1]))


def _line(img: np.ndarray, a: tuple[float, float], b: tuple[float, float], tone: int, thick: int,
          dashed: bool, rng: np.random.Generator) -> None:
    """Draw a straight rule from a to b (x, y), whole or in dashes."""
    if not dashed:
        cv2.line(img, (int(a[0]), int(round(a[1]))), (int(b[0]), int(round(b[1]))), tone, thick, cv2.LINE_AA)
        return
    on, off = rng.uniform(4, 12) * thick, rng.uniform(2, 8) * thick
    length = float(np.hypot(b[0] - a[0], b[1] - a[1]))
    for s in np.arange(0.0, length, on + off):
        t0, t1 = s / length, min(1.0, (s + on) / length)
        p0 = (int(a[0] + t0 * (b[0] - a[0])), int(round(a[1] + t0 * (b[1] - a[1]))))
        p1 = (int(a[0] + t1 * (b[0] - a[0])), int(round(a[1] + t1 * (b[1] - a[1]))))
        cv2.line(img, p0, p1, tone, thick, cv2.LINE_AA)


def read_as_page(strip: RuledStrip, spec: LineSpec) -> np.ndarray | None:
    """A ruled strip read as a page is: the model's normalised line; None where the page path finds no
    single line, or one reaching far past the writing (rules it kept: no text to learn from at that size)."""
    from textrecog.engines.line_engine import cut_line, line_slope
    from textrecog.pipeline import prepare

    page = prepare(strip.gray)
    if len(page.segmentation.lines) != 1:
        return None
    line = page.segmentation.lines[0]
    rise = abs(line_slope(line)) * line.box.w  # a photographed line, turned: levelled when it is cut
    if line.box.h - rise > 1.5 * (strip.bottom - strip.top + 1):
        return None
    return cut_line(page, line, spec).fitted.image
