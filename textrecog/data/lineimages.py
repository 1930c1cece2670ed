"""Line training images: render real ink with random variation, add the scan look, normalise.

Every image goes the way a page's line goes at run time: grey image →
binarisation → ink components (specks dropped) → contrast-stretched ink
(:func:`textrecog.imaging.ink.masked_ink`) → :func:`textrecog.imaging.normalize.fit_line`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

import cv2
import numpy as np

from textrecog.data.photolines import PhotoLook, photograph, plain_paper
from textrecog.data.render import Augment, draw_strokes, stroke_unit, transform_strokes
from textrecog.data.ruledlines import RuledLook, core_band, read_as_page, rule_paper
from textrecog.imaging.binarize import binarize, speck_area
from textrecog.imaging.ink import masked_ink
from textrecog.imaging.normalize import FittedLine, LineSpec, fit_line
from textrecog.segmentation.rules import remove_rules
from textrecog.segmentation.segment import find_components

# Lines tilt less than isolated characters do, but slant as much (shear ±30°); narrow and wide
# hands (aspect), a local warp of letters and baseline over a few letters, stroke width.
LINE_AUG = Augment(pen=(0.04, 0.15), rotate_deg=2.5, shear=0.58, aspect=(0.65, 1.3),
                   jitter=0.004, elastic=0.025, wave=0.04)


@dataclass(frozen=True)
class ScanLook:
    """Probabilities and ranges of the photo/scan effects."""

    p: float = 0.5  # share of images that get the scan look at all
    paper: tuple[int, int] = (150, 255)
    ink: tuple[int, int] = (0, 110)
    gradient: float = 60.0  # grey levels across the image
    blur: float = 0.4  # probability of a Gaussian blur
    noise: float = 10.0  # max noise sigma
    jpeg: float = 0.4  # probability of JPEG compression (quality 15-70)
    broken: float = 0.15  # probability of broken strokes


def render_gray(strokes: Sequence[np.ndarray], rng: np.random.Generator | None, height: float = 48.0,
                aug: Augment = LINE_AUG, pen: float = 0.1) -> np.ndarray:
    """Draw ink dark on white, its whole height about ``height`` px; random variation if ``rng``."""
    pts = transform_strokes(strokes, height, aug, rng, min_aspect=0.03)
    unit = stroke_unit(pts)
    width = unit * (rng.uniform(*aug.pen) if rng is not None else pen)
    ink = draw_strokes(pts, max(1.0, width), margin=int(3 + 0.3 * unit))
    if rng is not None and rng.random() < 0.3:  # thinning or thickening beyond the pen's width
        op = cv2.erode if rng.random() < 0.4 and width >= 3 else cv2.dilate  # a thin pen would vanish
        size = 2 if height < 3 * 32 else 3  # about the same share of a stroke at any drawing scale
        ink = op(ink, np.ones((size, size), np.uint8))
    return 255 - ink


def scan_look(gray: np.ndarray, rng: np.random.Generator, look: ScanLook = ScanLook()) -> np.ndarray:
    """Paper tone and gradient, ink tone, blur, noise, broken strokes, JPEG: a photo or scan of the page."""
    h, w = gray.shape
    ink = (255.0 - gray.astype(np.float32)) * np.float32(1 / 255)
    if rng.random() < look.broken:
        holes = rng.random((max(1, h // 3), max(1, w // 3))) < 0.12
        ink *= 1.0 - cv2.resize(holes.astype(np.float32), (w, h), interpolation=cv2.INTER_NEAREST)
    paper = float(rng.uniform(*look.paper))
    tone = rng.uniform(look.ink[0], min(look.ink[1], paper - 40))
    ramp = np.linspace(-0.5, 0.5, w, dtype=np.float32)[None, :] * rng.uniform(-1, 1)
    ramp = ramp + np.linspace(-0.5, 0.5, h, dtype=np.float32)[:, None] * rng.uniform(-1, 1)
    page = np.float32(paper) + np.float32(look.gradient) * ramp
    out = page - ink * (page - np.float32(tone))
    if rng.random() < look.blur:
        out = cv2.GaussianBlur(out, (0, 0), rng.uniform(0.4, 1.2))
    noise = np.empty(out.shape, np.float32)
    cv2.setRNGSeed(int(rng.integers(2**31)))  # OpenCV's own generator, seeded from ours: the same rng, the same image
    cv2.randn(noise, 0.0, float(rng.uniform(0, look.noise)))
    out = np.clip(out + noise, 0, 255).astype(np.uint8)
    if rng.random() < look.jpeg:
        ok, buf = cv2.imencode(".jpg", out, [cv2.IMWRITE_JPEG_QUALITY, int(rng.integers(15, 70))])
        out = cv2.imdecode(buf, cv2.IMREAD_GRAYSCALE) if ok else out
    return out


def page_ink(gray: np.ndarray, rules: bool = False) -> np.ndarray:
    """Ink (bright on 0) of a one-line grey image, as the segmentation engine would keep it; with ``rules``,
    ruled lines are taken out first, as the page path does (a real scan's line cut from ruled paper)."""
    mask = binarize(gray)
    if rules:
        mask, _ = remove_rules(mask)
    labels, glyphs = find_components(mask, speck_area(mask))  # the segmentation engine's speck rule
    keep = np.zeros(int(labels.max()) + 1, np.uint8)
    keep[[k for g in glyphs for k in g.components]] = 1
    return masked_ink(gray, keep[labels])


def line_image(gray: np.ndarray, spec: LineSpec, slope: float = 0.0, rules: bool = False) -> FittedLine:
    """A grey one-line image → the model's normalised line (the path training uses); ``slope``: its baseline's
    rise, levelled as a page's line is; ``rules``: take ruled lines out first."""
    return fit_line(page_ink(gray, rules), spec, slope)


def training_image(strokes: Sequence[np.ndarray], spec: LineSpec, rng: np.random.Generator,
                   look: ScanLook = ScanLook(), ruled: RuledLook = RuledLook(),
                   photo: PhotoLook = PhotoLook()) -> np.ndarray:
    """One randomly varied training image (uint8, spec.height rows) from real ink.

    On ruled paper (``ruled.p`` of the images) or photographed (``photo.p``) the line is read the way a
    page's line is; raises ValueError where that finds no single line in it (the caller draws another).
    """
    # drawn at 1-4x the model's height, then reduced as a page's line would be: a scan's
    # strokes end up thinner than a pixel after the reduction, and training must see that too
    gray = render_gray(strokes, rng, height=spec.height * float(np.exp(rng.uniform(0.0, np.log(4.0)))))
    on_rules = rng.random() < ruled.p
    photographed = photo.p > 0 and rng.random() < photo.p  # no draw without photos: older runs' streams stay
    on_rules = on_rules or (photographed and rng.random() < photo.ruled)
    if not (on_rules or photographed):
        if rng.random() < look.p:
            gray = scan_look(gray, rng, look)
        return line_image(gray, spec).image
    top, base = core_band(gray)
    strip = rule_paper(gray, rng, ruled) if on_rules else plain_paper(gray, rng)
    if photographed:
        strip = replace(strip, gray=photograph(strip.gray, base - top + 1.0, rng, photo))
    elif rng.random() < look.p:
        strip = replace(strip, gray=scan_look(strip.gray, rng, look))
    image = read_as_page(strip, spec)
    if image is None:
        raise ValueError("the line on its paper was not found as one line")
    return image


def faithful_image(strokes: Sequence[np.ndarray], spec: LineSpec, scan: bool = False,
                   seed: int = 0) -> np.ndarray:
    """A validation image: no variation (or a fixed, seeded scan look)."""
    gray = render_gray(strokes, None, height=spec.height * 2.0)
    if scan:
        gray = scan_look(gray, np.random.default_rng(seed), ScanLook(p=1.0))
    return line_image(gray, spec).image


def faithful_ruled(strokes: Sequence[np.ndarray], spec: LineSpec, seed: int = 0) -> np.ndarray | None:
    """A validation image on seeded ruled paper, read as a page's line is (None where the page path misses it)."""
    rng = np.random.default_rng(seed)
    gray = render_gray(strokes, None, height=spec.height * 2.0)
    strip = rule_paper(gray, rng, RuledLook(p=1.0))
    if rng.random() < 0.5:
        strip = replace(strip, gray=scan_look(strip.gray, rng, ScanLook(p=1.0)))
    return read_as_page(strip, spec)
