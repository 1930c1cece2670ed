"""Lines written so close that they touch are cut apart between their bands; tall letters are not cut."""

from __future__ import annotations

import cv2
import numpy as np
from conftest import blank, draw_word

from textrecog.imaging.binarize import binarize, speck_area
from textrecog.segmentation.segment import find_components, segment, typical_height
from textrecog.segmentation.touching import part_lines


def two_lines(touching: bool) -> np.ndarray:
    img = blank(230, 700)
    draw_word(img, "HELLO THERE", 30, 80, scale=1.5)
    draw_word(img, "WORLD AGAIN", 30, 150, scale=1.5)
    if touching:  # a long descender from the E of THERE down into the A of AGAIN, as a quick writer's g's
        cv2.line(img, (322, 80), (330, 132), 0, 3, cv2.LINE_AA)
    return img


def test_two_lines_joined_by_a_descender_are_two_lines_again():
    lines = segment(binarize(two_lines(touching=True))).lines
    assert len(lines) == 2
    top, bottom = lines
    # each line holds its own letters only: the cut falls in the gap between the lines, on the joining stroke
    assert all(g.box.bottom <= 95 for g in top.glyphs) and all(g.box.y >= 80 for g in bottom.glyphs)
    assert top.box.h < 1.3 * top.char_height


def test_apart_lines_are_left_as_they_are():
    mask = binarize(two_lines(touching=False))
    labels, glyphs = find_components(mask, speck_area(mask))
    assert part_lines(mask, labels, [g.box for g in glyphs], [min(g.components) for g in glyphs],
                      typical_height(glyphs)) is None
    assert len(segment(mask).lines) == 2


def test_tall_letters_of_one_line_are_not_cut():
    img = blank(200, 700)
    draw_word(img, "long tails", 30, 90, scale=1.5)
    for x in (60, 150, 240):  # loops and descenders far below the line, ascenders far above it
        cv2.line(img, (x, 90), (x + 5, 160), 0, 3, cv2.LINE_AA)
        cv2.line(img, (x + 20, 60), (x + 22, 10), 0, 3, cv2.LINE_AA)
    cv2.line(img, (30, 150), (300, 150), 0, 3, cv2.LINE_AA)  # the descenders joined by a flourish
    mask = binarize(img)
    labels, glyphs = find_components(mask, speck_area(mask))
    assert part_lines(mask, labels, [g.box for g in glyphs], [min(g.components) for g in glyphs],
                      typical_height(glyphs)) is None
    assert len(segment(mask).lines) == 1
