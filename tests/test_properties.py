"""Property-based: segmentation never crashes and its output is consistent."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from textrecog.imaging.binarize import binarize
from textrecog.imaging.imageio import load_gray
from textrecog.segmentation.segment import segment

shapes = st.tuples(st.integers(1, 120), st.integers(1, 160))


@st.composite
def images(draw):
    """Random paper with random rectangles and lines of random grey levels."""
    h, w = draw(shapes)
    img = np.full((h, w), draw(st.integers(0, 255)), np.uint8)
    for _ in range(draw(st.integers(0, 12))):
        y0, x0 = draw(st.integers(0, h - 1)), draw(st.integers(0, w - 1))
        y1, x1 = draw(st.integers(y0, h)), draw(st.integers(x0, w))
        img[y0 : y1 + 1, x0 : x1 + 1] = draw(st.integers(0, 255))
    return img


def check(seg, shape):
    h, w = shape
    seen = set()
    for line in seg.lines:
        assert len(line.spaces) == max(0, len(line.glyphs) - 1)
        xs = [g.box.x + g.box.w / 2 for g in line.glyphs]
        assert xs == sorted(xs)  # left to right
        for g in line.glyphs:
            b = g.box
            assert 0 <= b.x and 0 <= b.y and b.right <= w and b.bottom <= h and b.w > 0 and b.h > 0
            assert not (g.components & seen)  # every component in one glyph only
            seen |= g.components


@settings(max_examples=80, deadline=None)
@given(images())
def test_structured_images_never_crash(img):
    gray = load_gray(img)
    check(segment(binarize(gray)), gray.shape)


@settings(max_examples=40, deadline=None)
@given(arrays(np.uint8, shapes))
def test_noise_images_never_crash(img):
    gray = load_gray(img)
    check(segment(binarize(gray)), gray.shape)
