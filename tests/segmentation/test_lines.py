"""Line grouping on real handwriting geometry (box lists), no images needed."""

from __future__ import annotations

from textrecog.segmentation.lines import group_lines
from textrecog.types import Box

# Component boxes (x, y, w, h) of a real handwritten line, "abcde fghij Klmno pqrst uvwxyz"
# (a UNIPEN section 8 text rendered at 40 px). Descenders of g and j just before a word
# gap once tilted the line's band so far that the rest became two more "lines".
HANDWRITTEN_LINE = [
    (17, 55, 57, 43), (64, 26, 83, 74), (153, 18, 41, 82), (205, 62, 43, 38), (313, 33, 27, 76),
    (344, 73, 34, 60), (384, 41, 34, 61), (433, 74, 8, 28), (440, 48, 8, 10), (445, 77, 32, 51),
    (476, 46, 5, 13), (548, 27, 39, 73), (603, 26, 10, 73), (622, 62, 62, 40), (695, 66, 33, 36),
    (737, 64, 41, 41), (847, 64, 34, 79), (899, 69, 46, 73), (951, 64, 39, 43), (1010, 62, 38, 45),
    (1048, 41, 42, 61), (1139, 71, 51, 32), (1192, 64, 39, 42), (1240, 62, 51, 43), (1304, 65, 38, 41),
    (1349, 71, 33, 61), (1391, 62, 43, 45)]


def test_descenders_before_a_word_gap_do_not_split_the_line():
    boxes = [Box(*b) for b in HANDWRITTEN_LINE]
    lines = group_lines(boxes, 51.0)
    assert len(lines) == 1 and sorted(lines[0]) == list(range(len(boxes)))


def test_second_line_below_a_handwritten_line_stays_apart():
    boxes = [Box(*b) for b in HANDWRITTEN_LINE]
    below = [Box(b.x, b.y + 140, b.w, b.h) for b in boxes]
    lines = group_lines(boxes + below, 51.0)
    assert [sorted(m) for m in lines] == [list(range(27)), list(range(27, 54))]


# "2-(3+4) = 2-3+4!" over "See you tomorrow" (UNIPEN validation writers' lines on a composed page): a line of
# small separate digits, and under it, close, a cursive line of only three glyphs, each a whole word
DIGITS_OVER_CURSIVE = [
    (15, 35, 29, 41), (58, 52, 15, 6), (82, 26, 23, 45), (113, 34, 17, 28), (136, 38, 17, 18), (153, 28, 21, 35),
    (174, 10, 22, 59), (212, 48, 18, 7), (214, 40, 18, 6), (262, 28, 26, 40), (301, 43, 14, 7), (321, 27, 24, 40),
    (365, 41, 17, 15), (391, 27, 19, 33), (415, 56, 7, 7), (421, 11, 19, 36),
    (18, 77, 80, 54), (117, 95, 92, 65), (204, 90, 207, 49)]


def test_a_cursive_line_of_three_words_is_not_a_piece_of_the_line_above():
    boxes = [Box(*b) for b in DIGITS_OVER_CURSIVE]
    lines = group_lines(boxes, 40.0)
    assert [sorted(m) for m in lines] == [list(range(16)), [16, 17, 18]]
