"""Composed pages: the lines in order, the four looks, deterministic for a seed."""

from __future__ import annotations

import numpy as np
import pytest

from textrecog.data.linedata import LineInk
from textrecog.data.pages import LOOKS, compose_page, page_lines

# two short "lines" of ink: a horizontal zigzag each (strokes in UNIPEN's y-down coordinates)
LINES = [((np.array([[0, 0], [40, 60], [80, 0], [120, 60], [160, 0]], float),), "first"),
         ((np.array([[0, 0], [30, 60], [60, 0]], float), np.array([[90, 0], [90, 60]], float)), "second")]


@pytest.mark.parametrize("look", LOOKS)
def test_every_look_keeps_the_lines_and_gives_a_grey_page(look):
    page = compose_page(LINES, look, np.random.default_rng(3))
    assert page.lines == ("first", "second") and page.look == look
    assert page.image.dtype == np.uint8 and page.image.ndim == 2
    assert (page.angle != 0) == ("photo" in look) and abs(page.angle) <= 6


def test_ruled_pages_have_long_rules_and_clean_pages_none():
    def long_dark_rows(img: np.ndarray) -> int:
        return int(((img < 200).mean(axis=1) > 0.9).sum())

    rng = lambda: np.random.default_rng(7)  # noqa: E731
    assert long_dark_rows(compose_page(LINES, "clean", rng()).image) == 0
    assert long_dark_rows(compose_page(LINES, "ruled", rng()).image) >= 2


def test_a_seed_gives_the_same_page_and_bad_looks_are_refused():
    a = compose_page(LINES, "photo", np.random.default_rng(1)).image
    b = compose_page(LINES, "photo", np.random.default_rng(1)).image
    assert np.array_equal(a, b)
    with pytest.raises(ValueError, match="unknown look"):
        compose_page(LINES, "sepia", np.random.default_rng(1))


def test_page_lines_leave_out_texts_the_writer_wrapped():
    def zigzag(x0: float, y0: float) -> np.ndarray:
        return np.array([[x0, y0], [x0 + 20, y0 + 60], [x0 + 40, y0]], float)

    one = tuple(zigzag(60 * k, 0) for k in range(6))  # six letters on one line
    wrapped = one[:4] + (zigzag(0, 90), zigzag(60, 90))  # the last two back at the left, a line lower
    inks = [LineInk(one, "all together now", "x", "s1", "8"), LineInk(wrapped, "all together now", "x", "s2", "8")]
    picked = page_lines(inks, 2, np.random.default_rng(0))
    assert [p[0] for p in picked] == [one]


def test_the_photo_crop_never_cuts_into_the_writing():
    """A hand-held photo's edges cut the sheet, not the lines on it: for pages turned 6 degrees and cropped
    hard, every point of the ink, moved as the photo moves it, stays inside the photo."""
    import cv2

    from textrecog.data.pages import _sparing

    pad, size = 80, (1160, 560)  # a 1000 x 400 page padded by 80
    writing = np.float32([[20, 10], [990, 10], [990, 395], [20, 395], [500, 200]])  # ink nearly to the edges
    for angle in (-6.0, 0.0, 6.0):
        m = np.vstack([cv2.getRotationMatrix2D((size[0] / 2, size[1] / 2), angle, 1.0), [0, 0, 1]])
        top, bottom, left, right = _sparing([130, 130, 130, 130], m, writing, pad, size)
        moved = cv2.perspectiveTransform(writing.reshape(-1, 1, 2) + np.float32(pad), m).reshape(-1, 2)
        assert (moved[:, 0] >= left).all() and (moved[:, 0] < size[0] - right).all()
        assert (moved[:, 1] >= top).all() and (moved[:, 1] < size[1] - bottom).all()
    # where the writing leaves room, the crop is left as drawn
    assert _sparing([30, 30, 30, 30], np.eye(3), writing[-1:], pad, size) == [30, 30, 30, 30]
