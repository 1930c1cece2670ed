"""Pages as people photograph them, built from real lines: clean, ruled, photographed, or both.

A page holds 3-6 lines of one or more writers' real ink, each with its own
small slope, on plain or ruled notebook paper (rules under the writing and
a margin line). The photo look turns the page by up to 6 degrees, adds a
slight perspective, paper tone, uneven light with a soft shadow, a strip of
darker desk at an edge, blur, noise and JPEG. Used by the page benchmark
(benchmarks/bench_pages.py) and the page tests; never by training.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import cv2
import numpy as np

from textrecog.data.linesplit import pen_lines
from textrecog.data.render import render_page

LOOKS = ("clean", "ruled", "photo", "ruled+photo")


@dataclass(frozen=True)
class PageSample:
    """A composed page and the true text of its lines, top to bottom."""

    image: np.ndarray  # uint8 grey, dark ink on light paper
    lines: tuple[str, ...]
    look: str
    angle: float  # degrees the photo look turned the page (counter-clockwise), 0 otherwise


def _line_image(strokes: Sequence[np.ndarray], char_height: float, slope_deg: float) -> np.ndarray:
    """One line rendered and given its own small slope (white around it)."""
    gray = render_page(strokes, char_height, pen=0.09, margin=8)
    h, w = gray.shape
    m = cv2.getRotationMatrix2D((w / 2, h / 2), slope_deg, 1.0)
    cos, sin = abs(m[0, 0]), abs(m[0, 1])
    nw, nh = int(w * cos + h * sin) + 2, int(h * cos + w * sin) + 2
    m[0, 2] += nw / 2 - w / 2
    m[1, 2] += nh / 2 - h / 2
    return cv2.warpAffine(gray, m, (nw, nh), flags=cv2.INTER_LINEAR, borderValue=255)


def compose_page(lines: Sequence[tuple[Sequence[np.ndarray], str]], look: str, rng: np.random.Generator,
                 char_height: float | None = None) -> PageSample:
    """A page of ``lines`` (strokes, text), written one under the other, in ``look`` (one of LOOKS)."""
    if look not in LOOKS:
        raise ValueError(f"unknown look {look!r} (choose from {', '.join(LOOKS)})")
    ch = char_height or float(rng.uniform(26, 38))
    images = [_line_image(s, ch, float(rng.uniform(-1.5, 1.5))) for s, _ in lines]
    pitch = int(ch * rng.uniform(2.3, 2.8))  # the rule spacing: lines are written one a rule
    left = int(ch * rng.uniform(2.5, 4))
    width = left + max(i.shape[1] for i in images) + int(ch * rng.uniform(1, 3))
    height = int(pitch * (len(images) + 1.5))
    page = np.full((height, width), 255, np.uint8)
    points = []
    for k, img in enumerate(images):
        y = int(pitch * (k + 0.6)) + (pitch - img.shape[0]) // 2 + int(rng.integers(-3, 4))
        x = left + int(rng.integers(0, max(1, int(ch))))
        _paste_darker(page, img, y, x)
        ys, xs = np.nonzero(img < 128)  # the ink itself, not the white around it
        points.append(np.stack([xs + x, ys + y], axis=1))
    if "ruled" in look:
        _rule(page, pitch, left, ch, rng)
    angle = 0.0
    if "photo" in look:
        page, angle = _photograph(page, rng, np.concatenate(points).astype(np.float32))
    return PageSample(page, tuple(t for _, t in lines), look, angle)


def _paste_darker(page: np.ndarray, img: np.ndarray, y: int, x: int) -> None:
    """Lay ``img`` onto the page at (y, x), clipped, keeping the darker pixel (ink over ink)."""
    y0, x0 = max(0, y), max(0, x)
    y1, x1 = min(page.shape[0], y + img.shape[0]), min(page.shape[1], x + img.shape[1])
    if y1 > y0 and x1 > x0:
        region = page[y0:y1, x0:x1]
        np.minimum(region, img[y0 - y : y1 - y, x0 - x : x1 - x], out=region)


def _rule(page: np.ndarray, pitch: int, left: int, ch: float, rng: np.random.Generator) -> None:
    """Notebook rules (thin, light grey-blue in grey) under the writing, and a margin line."""
    tone = int(rng.uniform(120, 190))
    thick = int(rng.integers(1, 3))
    # the baseline of line k sits near y = pitch * (k + 1.1): rules there, and one above the first line
    for k in range(-1, page.shape[0] // pitch + 1):
        y = int(pitch * (k + 0.6) + pitch / 2 + 0.35 * ch)
        if 0 <= y < page.shape[0]:
            band = page[y : y + thick]
            np.minimum(band, tone, out=band)
    x = max(1, left - int(ch * 0.8))
    band = page[:, x : x + thick + 1]
    np.minimum(band, int(rng.uniform(110, 170)), out=band)


def _photograph(page: np.ndarray, rng: np.random.Generator, writing: np.ndarray) -> tuple[np.ndarray, float]:
    """Turned, a little perspective, paper and desk tones, uneven light and a shadow, blur, noise, JPEG; the
    photo's edges may cut the sheet, never the ``writing`` (its ink's points, x y on the page)."""
    h, w = page.shape
    pad = int(0.08 * max(h, w))
    angle = float(rng.uniform(-6, 6))
    paper = float(rng.uniform(185, 245))
    # the sheet on a darker desk: the desk shows along one or two edges
    canvas = np.full((h + 2 * pad, w + 2 * pad), 255, np.float32)
    canvas[pad : pad + h, pad : pad + w] = page
    sheet = np.zeros_like(canvas)
    sheet[pad : pad + h, pad : pad + w] = 1.0
    src = np.float32([[0, 0], [canvas.shape[1], 0], [canvas.shape[1], canvas.shape[0]], [0, canvas.shape[0]]])
    dst = src + rng.uniform(-0.03, 0.03, (4, 2)).astype(np.float32) * np.float32([canvas.shape[1], canvas.shape[0]])
    m = cv2.getPerspectiveTransform(src, dst)
    rot = np.vstack([cv2.getRotationMatrix2D((canvas.shape[1] / 2, canvas.shape[0] / 2), angle, 1.0), [0, 0, 1]])
    m = rot @ m
    size = (canvas.shape[1], canvas.shape[0])
    ink = cv2.warpPerspective(255 - canvas, m, size, flags=cv2.INTER_LINEAR, borderValue=0) / 255.0
    on_sheet = cv2.warpPerspective(sheet, m, size, flags=cv2.INTER_LINEAR, borderValue=0)
    # keep a margin of desk on one or two sides only, as a hand-held photo crops the rest
    crop = [int(pad * rng.uniform(0.6, 1.6)) if rng.random() < 0.6 else int(pad * 0.3) for _ in range(4)]
    crop = _sparing(crop, m, writing, pad, size)
    ink = ink[crop[0] : size[1] - crop[1], crop[2] : size[0] - crop[3]]
    on_sheet = on_sheet[crop[0] : size[1] - crop[1], crop[2] : size[0] - crop[3]]
    desk = float(rng.uniform(40, 120))
    base = on_sheet * paper + (1 - on_sheet) * desk
    out = base * light_field(ink.shape, rng) - ink * (paper - float(rng.uniform(10, 70)))
    out = cv2.GaussianBlur(out.astype(np.float32), (0, 0), float(rng.uniform(0.3, 1.0)))
    out += rng.normal(0, rng.uniform(2, 6), out.shape).astype(np.float32)
    out = np.clip(out, 0, 255).astype(np.uint8)
    ok, buf = cv2.imencode(".jpg", out, [cv2.IMWRITE_JPEG_QUALITY, int(rng.integers(40, 85))])
    return (cv2.imdecode(buf, cv2.IMREAD_GRAYSCALE) if ok else out), angle


def _sparing(crop: list[int], m: np.ndarray, writing: np.ndarray, pad: int, size: tuple[int, int]) -> list[int]:
    """Crops (top, bottom, left, right) cut back to leave the writing (points on the page padded by ``pad``,
    moved by ``m``) whole in the photo, with a few pixels of paper around it."""
    if not len(writing):
        return crop
    moved = cv2.perspectiveTransform((writing + np.float32(pad)).reshape(-1, 1, 2), m).reshape(-1, 2)
    (left, top), (right, bottom) = moved.min(axis=0), moved.max(axis=0)
    room = 3
    limits = (top - room, size[1] - bottom - room, left - room, size[0] - right - room)
    return [max(0, min(c, int(lim))) for c, lim in zip(crop, limits)]


def light_field(shape: tuple[int, int], rng: np.random.Generator, gradient: tuple[float, float] = (0.1, 0.3),
                shadow: tuple[float, float] = (0.25, 0.45), soft: tuple[float, float] = (0.02, 0.08)) -> np.ndarray:
    """A multiplicative light field: a gradient across the page (dimming it by ``gradient`` at most) and a
    soft-edged shadow over part of it (``shadow`` deep, its border ``soft`` of the page's size wide)."""
    h, w = shape
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    a = float(rng.uniform(0, 2 * np.pi))
    ramp = (np.cos(a) * xx / w + np.sin(a) * yy / h)
    light = 1.0 - float(rng.uniform(*gradient)) * (ramp - ramp.min()) / max(float(np.ptp(ramp)), 1e-6)
    # a shadow: everything beyond a line across the page, darkened, its border blurred
    b = float(rng.uniform(0, 2 * np.pi))
    d = np.cos(b) * (xx - w * rng.uniform(0.3, 0.7)) + np.sin(b) * (yy - h * rng.uniform(0.3, 0.7))
    width = float(rng.uniform(*soft)) * max(h, w)
    dark = 1.0 / (1.0 + np.exp(-d / width))
    return (light * (1.0 - float(rng.uniform(*shadow)) * dark)).astype(np.float32)


def page_lines(inks: Sequence, count: int, rng: np.random.Generator, min_chars: int = 12) -> list:
    """``count`` lines of text (not single words) drawn at random from ``inks`` (LineInk), each written as one
    line: a text the writer wrapped onto a second line (the pen goes back to the left and down, e.g. "All
    together" over "now") is two lines on the page, not the one its label says."""
    pool = [i for i in inks if len(i.text) >= min_chars and " " in i.text and not i.part
            and len(pen_lines(i.strokes)) == 1]
    picks = rng.choice(len(pool), size=min(count, len(pool)), replace=False)
    return [(pool[int(k)].strokes, pool[int(k)].text) for k in picks]
