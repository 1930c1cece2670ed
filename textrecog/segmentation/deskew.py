"""Deskew: the page's dominant text angle, from the ink's row profile over a range of angles.

Text lines turned by an angle make the rows of the turned-back ink sharply
peaked (lines) and empty (gaps between them); at the right angle the sum of
the squared row counts is largest. The search runs on a sample of ink
pixels' coordinates, not on rotated images: a coarse sweep, then a fine one.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import cv2
import numpy as np

from textrecog.imaging.binarize import stroke_width
from textrecog.types import Box, Point, Result

MAX_ANGLE = 10.0  # degrees either way: photos of a page held roughly level
MIN_ANGLE = 0.3  # below this the page is read as it is (a turn costs time and a little sharpness)
# A turn must sharpen the profile clearly (tilted pages: 1.13-1.75 on the validation pages; level pages and
# single words at most 1.06 and 1.3) and the ink must be long enough to have a direction: a word's angle
# is its letters' shapes, not a line's.
MIN_GAIN = 1.10
MIN_SPAN = 120  # stroke widths of ink, left to right
_SAMPLE = 20_000  # ink pixels enough for a stable profile on any page (angles within 0.1° in the tests)
_COARSE_SAMPLE = 10_000  # and for the coarse sweep (every k-th of them: the sweep is most of the time)


def skew_angle(mask: np.ndarray, rng_seed: int = 0) -> float:
    """Angle in degrees (counter-clockwise, as the image is shown) that the text lines are turned by;
    0 where the ink shows no clear direction (a word, a level page)."""
    points = cv2.findNonZero(mask)  # (x, y) of the ink, in raster order: a quarter of np.nonzero's time
    if points is None:
        return 0.0
    xs, ys = points.reshape(-1, 2).T
    if len(ys) < 50 or np.ptp(xs) < MIN_SPAN * stroke_width(mask):
        return 0.0
    if len(ys) > _SAMPLE:  # a fixed sample: the same page always gives the same angle
        pick = np.random.default_rng(rng_seed).choice(len(ys), _SAMPLE, replace=False)
        ys, xs = ys[pick], xs[pick]
    xs = xs.astype(np.float64) - xs.mean()
    ys = ys.astype(np.float64)
    coarse = np.arange(-MAX_ANGLE, MAX_ANGLE + 1e-9, 0.5)
    few = slice(None, None, -(-len(ys) // _COARSE_SAMPLE))  # the coarse sweep only picks the half degree
    best = coarse[int(np.argmax([_sharpness(xs[few], ys[few], a) for a in coarse]))]
    fine = np.clip(np.arange(best - 0.5, best + 0.5 + 1e-9, 0.1), -MAX_ANGLE, MAX_ANGLE)
    scores = [_sharpness(xs, ys, a) for a in fine]
    k = int(np.argmax(scores))
    return float(fine[k]) if scores[k] >= MIN_GAIN * _sharpness(xs, ys, 0.0) else 0.0


def _sharpness(xs: np.ndarray, ys: np.ndarray, angle: float) -> float:
    """How peaked the row profile is with the ink turned back by ``angle``: the sum of squared row counts."""
    t = np.deg2rad(angle)
    # a point of a line turned counter-clockwise by t rises by x·tan(t) to the right (y grows downwards)
    rows = np.round(ys + xs * np.sin(t)).astype(np.int64)
    counts = np.bincount(rows - rows.min())
    return float(np.dot(counts, counts))


@dataclass(frozen=True)
class Turn:
    """The turn that levels a page: the page as given → the page as read, and back."""

    angle: float  # degrees the text was turned by (counter-clockwise); the page is read turned back by it
    matrix: tuple[float, ...]  # the 2 x 3 affine map from the page as given to the page as read
    width: int  # the page as given
    height: int

    def back(self, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Points of the page as read → the same points on the page as given."""
        a, b, c, d, e, f = self.matrix
        det = a * e - b * d
        x0, y0 = np.asarray(x, np.float64) - c, np.asarray(y, np.float64) - f
        return (e * x0 - b * y0) / det, (-d * x0 + a * y0) / det


def level(gray: np.ndarray, angle: float) -> tuple[np.ndarray, Turn | None]:
    """``gray`` turned back by ``angle`` on a canvas that holds all of it (paper around), and the Turn;
    the image itself and None when the angle is too small to matter."""
    if abs(angle) < MIN_ANGLE:
        return gray, None
    h, w = gray.shape
    m = cv2.getRotationMatrix2D((w / 2, h / 2), -angle, 1.0)
    cos, sin = abs(m[0, 0]), abs(m[0, 1])
    nw, nh = int(np.ceil(w * cos + h * sin)), int(np.ceil(h * cos + w * sin))
    m[0, 2] += (nw - w) / 2
    m[1, 2] += (nh - h) / 2
    # the corners the turn uncovers get the paper's shade: white beside grey paper would be a long edge,
    # and a threshold between paper and white reads the whole sheet as ink
    paper = int(np.median(gray))
    turned = cv2.warpAffine(gray, m, (nw, nh), flags=cv2.INTER_LINEAR, borderValue=paper)
    return turned, Turn(angle, tuple(float(v) for v in m.ravel()), w, h)


def turn_back(result: Result, turn: Turn | None) -> Result:
    """A result read on the levelled page, with its boxes and baselines on the page as given."""
    if turn is None:
        return result

    def box(b: Box) -> Box:
        xs, ys = turn.back(np.array([b.x, b.right, b.right, b.x]), np.array([b.y, b.y, b.bottom, b.bottom]))
        x0, y0 = max(0, int(np.floor(xs.min()))), max(0, int(np.floor(ys.min())))
        x1, y1 = min(turn.width, int(np.ceil(xs.max()))), min(turn.height, int(np.ceil(ys.max())))
        return Box(x0, y0, max(1, x1 - x0), max(1, y1 - y0))

    lines = []
    for ln in result.lines:
        words = tuple(replace(w, box=box(w.box), chars=tuple(replace(c, box=box(c.box)) for c in w.chars))
                      for w in ln.words)
        _, mid = turn.back(np.array([ln.box.x + ln.box.w / 2]), np.array([ln.baseline]))
        xs, ys = turn.back(np.array([q.x for q in ln.baseline_path]), np.array([q.y for q in ln.baseline_path]))
        path = tuple(Point(float(x), float(y)) for x, y in zip(xs, ys))
        lines.append(replace(ln, box=box(ln.box), words=words, baseline=float(mid[0]), baseline_path=path))
    return replace(result, lines=tuple(lines), width=turn.width, height=turn.height)
