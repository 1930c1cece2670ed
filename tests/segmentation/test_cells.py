"""Square cells for kana: the strokes of one character merged, two characters never."""

from __future__ import annotations

import cv2
import numpy as np

from textrecog.imaging.binarize import binarize
from textrecog.segmentation.cells import cell_segmentation, merge_cells
from textrecog.segmentation.segment import Glyph, LineSeg, segment
from textrecog.types import Box


def line_of(boxes: list[tuple[int, int]], height: int = 60) -> LineSeg:
    glyphs = tuple(Glyph(Box(x, 0, w, height), frozenset({i})) for i, (x, w) in enumerate(boxes))
    return LineSeg(Box(boxes[0][0], 0, boxes[-1][0] + boxes[-1][1] - boxes[0][0], height), glyphs,
                   (True,) * (len(glyphs) - 1), 40.0, 55.0)


def test_strokes_of_a_wide_character_merge_and_whole_characters_do_not():
    # い as two strokes with a wide gap, then a whole character, then け as a thin and a wide part
    line = merge_cells(line_of([(0, 14), (34, 16), (75, 48), (140, 8), (155, 38)]))
    assert [sorted(g.components) for g in line.glyphs] == [[0, 1], [2], [3, 4]]
    assert line.spaces == (False, False)  # a script without word spaces


def test_two_whole_characters_side_by_side_stay_two():
    line = merge_cells(line_of([(0, 50), (52, 50)]))
    assert len(line.glyphs) == 2


def test_a_thin_line_does_not_split_a_long_character():
    # a row as a short column is read (turned): narrow kana make the line only 36 px high, and a
    # 52-px character (a detached 12-px mark, then a 36-px body) must stay one cell, not two
    line = merge_cells(line_of([(0, 40), (60, 12), (76, 36), (132, 52)], height=36))
    assert [sorted(g.components) for g in line.glyphs] == [[0], [1, 2], [3]]


def test_drawn_kana_like_line_reads_as_cells():
    img = np.full((100, 400), 255, np.uint8)
    for x0 in (20, 120, 220):  # three "い": two strokes 30 px apart in a 70-px cell
        cv2.line(img, (x0, 25), (x0 + 5, 75), 0, 5)
        cv2.line(img, (x0 + 40, 30), (x0 + 45, 65), 0, 5)
    (line,) = cell_segmentation(segment(binarize(img))).lines
    assert len(line.glyphs) == 3


def draw_voiced(img: np.ndarray, x0: int, y0: int = 25, marks: str = "dakuten") -> None:
    """A kana-sized character body (two strokes, like か without its dot) with ゛ or ゜ at its top right."""
    cv2.line(img, (x0, y0 + 15), (x0 + 45, y0 + 15), 0, 5)
    cv2.line(img, (x0 + 20, y0), (x0 + 12, y0 + 55), 0, 5)
    if marks == "dakuten":  # two short ticks
        cv2.line(img, (x0 + 52, y0 - 8), (x0 + 56, y0 + 2), 0, 3)
        cv2.line(img, (x0 + 60, y0 - 10), (x0 + 64, y0), 0, 3)
    else:  # handakuten: a small ring
        cv2.circle(img, (x0 + 58, y0 - 4), 5, 0, 2)


def test_dakuten_and_handakuten_stay_with_their_character():
    for marks in ("dakuten", "handakuten"):
        img = np.full((110, 420), 255, np.uint8)
        for x0 in (20, 140, 260):  # three voiced characters in a row, one cell apart
            draw_voiced(img, x0, marks=marks)
        (line,) = cell_segmentation(segment(binarize(img))).lines
        assert len(line.glyphs) == 3, marks
        # each cell holds its marks: the cells' boxes reach up to the marks above the body
        assert all(g.box.y <= 20 and g.box.right >= x + 55 for g, x in zip(line.glyphs, (20, 140, 260))), marks


def test_voiced_marks_stay_with_their_character_in_a_column():
    from textrecog.pipeline import prepare

    img = np.full((420, 130), 255, np.uint8)
    for y0 in (30, 160, 290):  # a column, top to bottom, marks at each character's top right
        draw_voiced(img, 20, y0)
    page = prepare(img, direction="ttb")
    (line,) = cell_segmentation(page.segmentation).lines
    assert len(line.glyphs) == 3
