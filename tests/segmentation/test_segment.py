"""Segmentation on images drawn in the test."""

from __future__ import annotations

import cv2
import numpy as np
import pytest
from conftest import blank, draw_line, draw_word

from textrecog.imaging.binarize import binarize
from textrecog.segmentation.segment import find_components, segment


def seg_of(img):
    return segment(binarize(img))


def boxes_of(line):
    return [g.box for g in line.glyphs]


def test_one_box_per_separate_letter():
    img = blank()
    draw_word(img, "LTHK", 20, 80, gap=12)
    seg = seg_of(img)
    assert len(seg.lines) == 1
    assert len(seg.lines[0].glyphs) == 4


def test_holes_give_no_boxes():
    img = blank()
    draw_word(img, "o80B", 20, 80, gap=14)
    mask = binarize(img)
    n_contours = len(cv2.findContours(mask, cv2.RETR_LIST, cv2.CHAIN_APPROX_SIMPLE)[0])
    _, glyphs = find_components(mask)
    assert n_contours > 4  # a contour list would include the holes
    assert len(glyphs) == 4
    assert len(seg_of(img).lines[0].glyphs) == 4


def test_specks_give_no_glyphs_but_dots_do():
    img = blank(120, 200)
    cv2.circle(img, (60, 60), 6, 0, -1)  # an i-dot sized mark
    cv2.line(img, (100, 20), (100, 100), 0, 5)
    img[10, 10] = 0  # a one-pixel speck
    seg = seg_of(img)
    boxes = [g.box for line in seg.lines for g in line.glyphs]
    assert len(boxes) == 2
    assert not any(b.x <= 10 < b.right and b.y <= 10 < b.bottom for b in boxes)


def test_separate_component_inside_a_box_is_kept():
    img = blank(200, 200)
    cv2.rectangle(img, (20, 20), (180, 180), 0, 3)  # a frame (its own component)
    cv2.circle(img, (100, 100), 20, 0, 3)  # a ring inside the frame's box
    _, glyphs = find_components(binarize(img))
    assert len({c for g in glyphs for c in g.components}) == 2


def test_dots_of_i_and_j_are_merged():
    img = blank(160, 400)
    draw_word(img, "ijij", 30, 100, scale=2.5, gap=25, thick=4)
    line = seg_of(img).lines[0]
    assert len(line.glyphs) == 4
    assert all(len(g.components) == 2 for g in line.glyphs)


@pytest.mark.parametrize("text", ["=", ":", ";", "!", "?", "%"])
def test_multi_part_symbols_are_one_glyph(text):
    img = blank(160, 300)
    draw_word(img, "a" + text + "a", 30, 100, scale=2.5, gap=30, thick=4)
    line = seg_of(img).lines[0]
    assert len(line.glyphs) == 3, [g.box for g in line.glyphs]


def test_pen_lifts_inside_a_letter_are_merged():
    img = blank(160, 300)
    # an E drawn as four strokes that do not quite touch, and a broken t
    cv2.line(img, (40, 30), (40, 130), 0, 5)
    for y in (30, 80, 130):
        cv2.line(img, (50, y), (94, y), 0, 5)
    cv2.line(img, (160, 30), (160, 130), 0, 5)
    cv2.line(img, (138, 60), (152, 60), 0, 5)
    cv2.line(img, (169, 60), (184, 60), 0, 5)
    line = seg_of(img).lines[0]
    assert len(line.glyphs) == 2
    assert [len(g.components) for g in line.glyphs] == [4, 3]


def test_neighbouring_letters_are_not_merged_with_an_overhanging_bar():
    img = blank(160, 300)
    cv2.line(img, (30, 30), (150, 30), 0, 5)  # T bar overhanging the o
    cv2.line(img, (60, 30), (60, 130), 0, 5)
    cv2.circle(img, (115, 105), 25, 0, 5)
    line = seg_of(img).lines[0]
    assert len(line.glyphs) == 2


def test_left_to_right_order():
    img = blank()
    draw_word(img, "1234", 20, 80, gap=15)
    xs = [b.x for b in boxes_of(seg_of(img).lines[0])]
    assert xs == sorted(xs) and len(xs) == 4


@pytest.mark.parametrize("top,bottom", [("abc", "defg"), ("gyplhk", "dbqj")],
                         ids=["plain", "ascenders-descenders"])
def test_two_lines_are_split_top_to_bottom(top, bottom):
    img = blank(260, 500)
    draw_word(img, top, 20, 85)
    draw_word(img, bottom, 20, 205)
    seg = seg_of(img)
    assert [len(ln.glyphs) for ln in seg.lines] == [len(top), len(bottom)]
    assert seg.lines[0].box.y < seg.lines[1].box.y


def test_slanted_line_stays_one_line():
    img = blank(300, 700)
    for i in range(12):  # baseline rising 7 px per letter (~12°): 77 px over the line
        cv2.putText(img, "nmx"[i % 3], (20 + 34 * i, 250 - 7 * i), cv2.FONT_HERSHEY_SIMPLEX, 1.2, 0, 3)
    seg = seg_of(img)
    assert len(seg.lines) == 1 and len(seg.lines[0].glyphs) == 12


def test_spaces_between_words_only():
    two = seg_of(draw_line(["ab", "cd"])).lines[0]
    assert two.spaces == (False, True, False)
    one = seg_of(draw_line(["abcd"])).lines[0]
    assert not any(one.spaces)


def test_single_word_with_uneven_letter_spacing_gets_no_space():
    img = blank(130, 600)
    x = 15
    for ch, gap in zip("minimum", [4, 9, 3, 10, 5, 8, 0]):  # mean-gap rule would split
        x = draw_word(img, ch, x, 80, gap=gap)
    line = seg_of(img).lines[0]
    assert not any(line.spaces)


def test_many_words():
    words = ["I", "am", "a", "big", "cat", "on", "mats"]
    line = seg_of(draw_line(words, width=1300)).lines[0]
    assert sum(line.spaces) == len(words) - 1


def test_geometry_baseline_and_height():
    seg = seg_of(draw_line(["Aaxg"]))
    line = seg.lines[0]
    a, _, _, g = line.glyphs
    assert abs(a.box.bottom - line.baseline) <= 3
    assert g.box.bottom > line.baseline  # descender below the baseline


@pytest.mark.parametrize("img", [
    np.full((50, 50), 255, np.uint8),  # blank
    np.zeros((50, 50), np.uint8),  # all black
    np.full((1, 1), 0, np.uint8),  # 1×1
    np.full((3, 5000), 255, np.uint8),  # very wide
], ids=["blank", "black", "1x1", "wide"])
def test_degenerate_images_give_no_lines(img):
    from textrecog.imaging.imageio import load_gray

    assert seg_of(load_gray(img)).lines == ()


def test_noise_does_not_crash():
    rng = np.random.default_rng(1)
    img = rng.integers(0, 256, size=(200, 300), dtype=np.uint8)
    seg = seg_of(img)
    assert isinstance(seg.lines, tuple)


def test_more_components_than_16_bit_labels_is_noise_not_a_crash():
    mask = np.zeros((600, 600), np.uint8)
    mask[::2, ::2] = 1  # 90,000 isolated dots: more than 65,535 labels
    labels, glyphs = find_components(mask)
    assert glyphs == [] and labels.shape == mask.shape and not labels.any()
    assert segment(mask).lines == ()


def test_the_baseline_path_follows_a_sloping_line():
    import cv2
    from conftest import blank, draw_word

    from textrecog.imaging.binarize import binarize
    from textrecog.segmentation.segment import segment

    img = blank(260, 900)
    x = 20
    for k, word in enumerate(("SLOPING", "LINES", "CLIMB", "UPWARDS")):
        x = draw_word(img, word, x, 200 - 22 * k, scale=1.2, gap=4) + 25
    (line,) = segment(binarize(img)).lines
    path = line.baseline_path
    assert path[0].x == line.box.x and path[-1].x == line.box.right
    assert all(a.x <= b.x for a, b in zip(path, path[1:]))
    assert path[0].y - path[-1].y > 40  # it climbs with the writing, unlike the flat median baseline
    assert cv2.countNonZero(binarize(img)) > 0


@pytest.mark.parametrize("degrees", [-4.0, 3.0])
def test_the_baseline_path_of_a_few_cursive_words_follows_their_turn(degrees):
    """Cursive: each word one piece, some with descenders (their boxes end far below the baseline). Turned
    a few degrees, the path still climbs with the writing, read from the letters' middle band."""
    from textrecog.engines.line_engine import line_slope

    img = blank(300, 1100)
    x = 40
    for k in range(4):  # joined letters: a wavy stroke along the baseline, loops up, a descender in two words
        xs = np.arange(x, x + 200)
        ys = 150 - 12 * np.abs(np.sin((xs - x) / 10.0))
        cv2.polylines(img, [np.stack([xs, ys], 1).astype(np.int32)], False, 0, 3)
        cv2.line(img, (x + 63, 150), (x + 63, 110), 0, 3)  # an ascender
        if k % 2:
            cv2.line(img, (x + 157, 150), (x + 157, 195), 0, 3)  # a descender
        x += 240
    m = cv2.getRotationMatrix2D((550, 150), degrees, 1.0)
    turned = cv2.warpAffine(img, m, (1100, 300), borderValue=255)
    (line,) = seg_of(turned).lines
    assert len(line.glyphs) <= 4
    assert line_slope(line) == pytest.approx(-np.tan(np.radians(degrees)), abs=0.015)


def _mask(img):
    from textrecog.imaging.binarize import binarize

    return binarize(img)


def test_slivers_cut_by_the_crop_edges_are_not_lines():
    """A form field's crop: the name in the middle, the feet of the field above at the top edge and
    the tops of the field below at the bottom edge."""
    from textrecog.segmentation.segment import segment

    img = blank(90, 420)
    draw_word(img, "DANIEL", 20, 62, scale=1.4, gap=8)
    for x in (30, 90, 150, 260):  # descenders of the line above, cut by the top edge
        cv2.line(img, (x, 0), (x + 6, 7), 0, 3)
    for x in (60, 200, 330):  # tops of the line below, cut by the bottom edge
        cv2.line(img, (x, 84), (x + 12, 89), 0, 3)
    lines = segment(_mask(img)).lines
    assert len(lines) == 1 and len(lines[0].glyphs) == 6


def test_a_crop_whose_lines_all_touch_an_edge_keeps_them():
    from textrecog.segmentation.segment import segment

    img = blank(40, 300)
    draw_word(img, "abc", 10, 30, scale=1.0, gap=8)
    img[:3, :] = 255
    cv2.line(img, (5, 0), (5, 39), 0, 2)  # a tall stroke from edge to edge, the crop's only writing
    assert segment(_mask(img)).lines  # nothing dropped when nothing lies inside
