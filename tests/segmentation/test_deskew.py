"""Deskew: the text angle of drawn pages, none for words or level pages, and boxes mapped back."""

from __future__ import annotations

import cv2
import numpy as np
import pytest
from conftest import blank, draw_word

from textrecog.imaging.binarize import binarize
from textrecog.segmentation.deskew import level, skew_angle, turn_back
from textrecog.types import Box, Char, Geometry, Line, Result, Word


def page(lines: int = 4) -> np.ndarray:
    img = blank(80 + 70 * lines, 900)
    for k in range(lines):
        x = 30
        for word in ("THE", "QUICK", "FOX", "JUMPS", "OVER"):
            x = draw_word(img, word, x, 80 + 70 * k, scale=1.3, gap=4) + 30
    return img


def turned(img: np.ndarray, angle: float) -> np.ndarray:
    h, w = img.shape
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    return cv2.warpAffine(img, m, (w, h), borderValue=255)


@pytest.mark.parametrize("angle", [-6.0, -2.5, 3.0, 5.5])
def test_the_angle_of_a_turned_page(angle):
    assert skew_angle(binarize(turned(page(), angle))) == pytest.approx(angle, abs=0.4)


def test_a_level_page_and_a_single_word_are_left_as_they_are():
    assert skew_angle(binarize(page())) == 0.0
    word = blank(120, 300)
    draw_word(word, "FOX", 20, 80)
    assert skew_angle(binarize(turned(word, 7))) == 0.0  # a word's letters give no direction
    assert level(word, 0.1) == (word, None)


def test_levelling_keeps_all_ink_and_points_map_back():
    img = turned(page(), 4.0)
    flat, turn = level(img, 4.0)
    assert turn is not None and flat.shape[0] > img.shape[0] and flat.shape[1] > img.shape[1]
    assert np.count_nonzero(binarize(flat)) == pytest.approx(np.count_nonzero(binarize(img)), rel=0.05)
    a, b, c, d, e, f = turn.matrix
    x, y = np.array([100.0, 700.0]), np.array([50.0, 300.0])
    back = turn.back(a * x + b * y + c, d * x + e * y + f)
    np.testing.assert_allclose(back, (x, y), atol=1e-6)


def test_a_result_read_levelled_is_put_back_on_the_page():
    img = turned(page(2), 5.0)
    flat, turn = level(img, 5.0)
    a, b, c, d, e, f = turn.matrix
    # a char box around the point that (300, 80) on the given page went to
    px, py = a * 300 + b * 80 + c, d * 300 + e * 80 + f
    box = Box(int(px) - 10, int(py) - 10, 20, 20)
    char = Char(box, "A", 0.9, (), Geometry(1.0, 0.0))
    res = Result((Line(box, (Word(box, (char,)),), float(py)),), flat.shape[1], flat.shape[0], "m")
    back = turn_back(res, turn)
    got = back.lines[0].words[0].chars[0].box
    assert (back.width, back.height) == (img.shape[1], img.shape[0])
    assert abs(got.x + got.w / 2 - 300) < 2 and abs(got.y + got.h / 2 - 80) < 2
    assert back.lines[0].baseline == pytest.approx(80, abs=2)


def test_a_turned_page_reads_with_sloped_baselines_in_the_documents(tmp_path):
    """End to end through segmentation: the baseline path of a page turned by 4 degrees slopes by 4 degrees."""
    from textrecog.imaging.illumination import flatten_light
    from textrecog.segmentation.segment import segment

    img = turned(page(3), 4.0)
    flat, turn = level(img, skew_angle(binarize(flatten_light(img))))
    seg = segment(binarize(flat))
    path = seg.lines[0].baseline_path
    assert len(path) >= 3 and abs(path[-1].y - path[0].y) < 4  # level where it was read
    xs, ys = turn.back(np.array([p.x for p in path]), np.array([p.y for p in path]))
    slope = np.degrees(np.arctan2(-(ys[-1] - ys[0]), xs[-1] - xs[0]))
    assert slope == pytest.approx(4.0, abs=0.6)  # and turned back with the page


def test_the_corners_a_turn_uncovers_are_paper():
    """Grey paper turned: the uncovered corners take the paper's shade (white beside grey paper made an edge
    that a threshold between paper and white read as a sheet of ink)."""
    img = np.full((200, 900), 200, np.uint8)
    cv2.putText(img, "a sloped line of text here", (20, 120), cv2.FONT_HERSHEY_SIMPLEX, 1.6, 40, 4)
    turned, turn = level(img, 3.0)
    assert turn is not None
    corners = turned[:3, :3], turned[:3, -3:], turned[-3:, :3], turned[-3:, -3:]
    assert all(abs(int(c.mean()) - 200) <= 2 for c in corners)
    assert binarize(turned).mean() < 0.15
