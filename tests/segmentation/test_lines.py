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


# "jinn, jive jitters" over "and Jojo offered Querque to join him." (validation writers, a composed page): the
# j's hang far below their line and "ters" drops, into the gaps of their own line, close above the next one
JITTERS = [
    (181, 34, 25, 49), (199, 18, 5, 6), (211, 39, 18, 20), (227, 19, 6, 6), (238, 29, 24, 30), (271, 27, 25, 32),
    (308, 51, 10, 20), (364, 40, 20, 48), (378, 25, 3, 4), (391, 37, 17, 22), (407, 25, 5, 6), (420, 27, 24, 33),
    (442, 37, 29, 29), (527, 42, 29, 77), (550, 33, 4, 3), (563, 48, 20, 22), (574, 35, 6, 5), (591, 13, 31, 47),
    (619, 24, 24, 37), (643, 40, 25, 27), (675, 37, 23, 27), (706, 38, 27, 29)]
JOJO = [
    (189, 87, 29, 33), (224, 93, 26, 23), (252, 70, 30, 44), (313, 71, 47, 47), (358, 100, 18, 37), (381, 87, 28, 27),
    (437, 75, 50, 46), (485, 75, 28, 42), (502, 95, 24, 26), (548, 95, 25, 27), (574, 78, 42, 40), (632, 84, 30, 43),
    (665, 90, 25, 30), (690, 90, 25, 31), (717, 96, 21, 27), (739, 94, 29, 57), (766, 95, 31, 30), (795, 96, 26, 32),
    (841, 84, 33, 40), (860, 98, 29, 27), (892, 111, 26, 43), (912, 95, 5, 7), (919, 100, 28, 28), (949, 106, 12, 19),
    (953, 90, 5, 5), (960, 105, 32, 22), (1011, 82, 32, 52), (1043, 114, 11, 19), (1047, 106, 8, 6),
    (1059, 110, 45, 24), (1116, 125, 6, 8)]


def two_lines(upper: list, lower: list, char_h: float) -> list[list[int]]:
    """Group the boxes of two written lines; the indices of each line found, sorted."""
    return [sorted(m) for m in group_lines([Box(*b) for b in upper + lower], char_h)]


def test_letters_hanging_into_their_own_lines_gaps_stay_in_it():
    n, total = len(JITTERS), len(JITTERS) + len(JOJO)
    assert two_lines(JITTERS, JOJO, 32.0) == [list(range(n)), list(range(n, total))]


# "jinn, jive jitters" over "123 456 7890" on a photographed ruled page (validation writers): the comma, low,
# starts a line of its own that the j's after it join; their dots stay over them in the line, and the foot of
# an e, cut off by the rule under it, lies in the comma's line
JINN_RULED = [
    (111, 335, 32, 48), (135, 313, 7, 6), (152, 313, 9, 6), (153, 330, 7, 24), (164, 328, 32, 26), (196, 328, 32, 26),
    (285, 312, 7, 7), (300, 327, 8, 27), (306, 308, 5, 6), (315, 321, 25, 33), (336, 323, 30, 31), (417, 313, 9, 7),
    (436, 331, 8, 24), (437, 314, 7, 7), (448, 307, 67, 55), (515, 327, 36, 27), (555, 321, 39, 33),
    (241, 347, 16, 30), (270, 337, 29, 53), (347, 354, 19, 9), (403, 333, 30, 51)]
DIGITS_BELOW = [
    (93, 400, 15, 33), (110, 402, 37, 35), (150, 402, 28, 36), (204, 402, 35, 34), (244, 398, 37, 38),
    (273, 398, 33, 36), (334, 398, 25, 27), (362, 401, 25, 35), (394, 396, 28, 37), (418, 404, 38, 31)]


def test_hanging_letters_under_their_own_dots_stay_in_their_line():
    n, total = len(JINN_RULED), len(JINN_RULED) + len(DIGITS_BELOW)
    assert two_lines(JINN_RULED, DIGITS_BELOW, 37.5) == [list(range(n)), list(range(n, total))]


# "which lives 200 meters under the ground" over "That's right:" (validation writers): the long line starts
# within the short one's width and, being mostly beyond it, hardly lies over its glyphs; it is no tail of it
WHICH_LIVES = [
    (109, 14, 63, 48), (174, 34, 8, 21), (176, 26, 6, 4), (184, 11, 54, 48), (279, 12, 16, 40), (293, 32, 9, 20),
    (299, 22, 3, 3), (308, 31, 22, 26), (324, 27, 29, 29), (362, 25, 30, 30), (418, 17, 100, 37), (536, 32, 45, 30),
    (578, 35, 24, 29), (606, 20, 23, 39), (618, 37, 25, 26), (644, 40, 26, 26), (674, 35, 28, 30), (724, 32, 26, 34),
    (746, 17, 67, 48), (813, 32, 28, 30), (870, 16, 26, 48), (895, 41, 22, 26), (919, 31, 42, 65), (961, 34, 28, 25),
    (976, 39, 45, 27), (1017, 32, 60, 37)]
THATS_RIGHT = [
    (96, 85, 33, 31), (121, 78, 52, 44), (176, 91, 5, 10), (176, 106, 19, 19), (235, 101, 15, 23), (248, 108, 13, 15),
    (258, 97, 4, 4), (260, 106, 17, 47), (280, 90, 12, 33), (295, 95, 14, 29), (316, 106, 3, 3), (316, 112, 3, 4)]


def test_a_long_line_over_a_short_one_is_not_its_tail():
    n, total = len(WHICH_LIVES), len(WHICH_LIVES) + len(THATS_RIGHT)
    assert two_lines(WHICH_LIVES, THATS_RIGHT, 30.0) == [list(range(n)), list(range(n, total))]


# "After collecting these samples," rising to the right (a validation writer): the sweep starts "g samples,"
# anew; the piece runs on from the line's end and, where the two meet, lies in the line's gaps
RISING = [
    (137, 23, 22, 35), (161, 15, 23, 71), (180, 19, 24, 42), (200, 35, 17, 24), (216, 38, 21, 21), (275, 37, 22, 27),
    (294, 40, 17, 23), (317, 16, 23, 47), (332, 17, 24, 45), (347, 42, 33, 22), (377, 24, 32, 40), (405, 42, 6, 5),
    (409, 49, 32, 49), (470, 22, 50, 41), (517, 47, 35, 16), (576, 47, 41, 26), (617, 33, 59, 62), (667, 51, 41, 25),
    (703, 70, 13, 12)]


def test_a_rising_line_keeps_its_tail_that_began_in_its_gaps():
    lines = group_lines([Box(*b) for b in RISING], 35.0)
    assert [sorted(m) for m in lines] == [list(range(len(RISING)))]


def test_stray_specks_far_from_the_writing_join_no_line_but_its_marks_do():
    # i-dots over the line, a full stop and a comma at its foot stay; bits of a rule left two lines' height
    # below it and far out to its left (each once stretched a real line's box to four times its height) do not
    boxes = [Box(*b) for b in HANDWRITTEN_LINE]
    marks = [Box(440, 48, 8, 10), Box(1440, 95, 6, 6), Box(1000, 106, 5, 14)]
    stray = [Box(780, 240, 12, 2), Box(956, 250, 11, 2), Box(-200, 90, 12, 2)]
    lines = group_lines(boxes + marks + stray, 51.0)
    n = len(boxes) + len(marks)
    assert [sorted(m) for m in lines] == [list(range(n))]


def test_a_speck_high_above_a_line_is_no_dot_of_it():
    # a flat bit of rule 1.2 letters above the band (over a line of capitals it stretched the box, and the
    # reader saw the letters at two thirds of their size); a flat dot 0.8 letters above it is an accent, and a
    # round one 1.1 letters above an i-dot (test_a_descender_straight_after_tall_letters_stays_in_its_line)
    boxes = [Box(*b) for b in HANDWRITTEN_LINE]
    accent, speck = Box(1200, 22, 7, 3), Box(1230, 2, 7, 2)
    lines = group_lines(boxes + [accent, speck], 51.0)
    assert [sorted(m) for m in lines] == [list(range(len(boxes) + 1))]


def test_a_row_of_specks_beside_a_line_does_not_chain_onto_it():
    # what is left of a rule left of the margin: dashes at the line's foot, the nearest 2.1 letters before
    # its first letter, each within reach of the one before; and bits of a rule past its end
    boxes = [Box(*b) for b in HANDWRITTEN_LINE]
    before = [Box(x, 100, 10, 2) for x in range(-200, -90, 14)]
    after = [Box(x, 30, 9, 1) for x in range(1520, 1700, 20)]
    lines = group_lines(boxes + before + after, 51.0)
    assert [sorted(m) for m in lines] == [list(range(len(boxes)))]


# "that are called digits, and" over "That's right:" (a validation writer's lines on a photographed page,
# small writing): the g of "digits" comes straight after "di", whose band reaches up to the tall letters
# before it, so the g's x-height part overlaps that band by under 0.4 of it; it once began a line of its own,
# which then went to the short line below with the rest of its word
CALLED_DIGITS = [
    (174, 16, 28, 38), (198, 14, 24, 39), (219, 38, 15, 14), (313, 35, 46, 24), (358, 35, 16, 24), (377, -3, 4, 9),
    (429, 37, 41, 22), (472, 14, 24, 44), (489, 16, 25, 42), (512, 22, 23, 38), (578, 22, 34, 37), (605, 45, 26, 52),
    (616, 38, 5, 5), (635, 47, 11, 12), (645, 38, 4, 3), (647, 31, 22, 36), (666, 48, 21, 31), (724, 47, 25, 22),
    (749, 48, 21, 20), (769, 34, 29, 35)]
THATS_RIGHT = [(176, 82, 67, 37), (246, 86, 18, 32), (268, 91, 5, 7), (272, 97, 18, 20), (310, 96, 20, 20),
               (331, 96, 24, 45), (355, 85, 22, 29), (374, 87, 19, 29), (401, 109, 5, 5), (406, 88, 5, 9)]


def test_a_descender_straight_after_tall_letters_stays_in_its_line():
    boxes = [Box(*b) for b in CALLED_DIGITS + THATS_RIGHT]
    lines = group_lines(boxes, 30.0)
    n = len(CALLED_DIGITS)
    assert [sorted(m) for m in lines] == [list(range(n)), list(range(n, len(boxes)))]


# "quick brown fox?" over "handwriting recognition software package." (small writing, written close): the q
# comes first, and the h below it hangs from its band just as a descender would; a line's first letters are
# no line's end to run on from
QUICK = [(114, 90, 28, 61), (145, 89, 26, 35), (172, 95, 13, 24), (179, 83, 7, 4), (189, 89, 18, 32),
         (211, 72, 34, 47), (282, 73, 28, 42), (310, 82, 24, 28), (331, 84, 67, 39), (396, 87, 37, 26),
         (464, 60, 37, 51), (489, 82, 29, 30), (515, 79, 31, 30), (563, 64, 27, 27), (565, 100, 4, 5)]
HANDWRITING = [(125, 136, 21, 38), (147, 163, 15, 14), (168, 144, 38, 39), (207, 161, 23, 21), (229, 163, 17, 18),
               (247, 166, 13, 14), (254, 150, 4, 7), (261, 146, 15, 25), (279, 167, 12, 12), (289, 152, 4, 6),
               (299, 159, 12, 18), (311, 162, 16, 41), (365, 162, 18, 16), (383, 165, 17, 15), (402, 162, 14, 17),
               (418, 160, 33, 46), (452, 162, 17, 20), (474, 164, 11, 16), (481, 150, 4, 5), (488, 145, 15, 29)]


def test_the_first_letter_of_a_line_does_not_run_on_from_the_line_above():
    boxes = [Box(*b) for b in QUICK + HANDWRITING]
    lines = group_lines(boxes, 30.5)
    n = len(QUICK)
    assert [sorted(m) for m in lines] == [list(range(n)), list(range(n, len(boxes)))]


# "DINNING IN A RESTURANT?" over "ABCD EFGH IJKLM NOPQR STUV WXYZ" (a validation writer, photographed on ruled
# paper): at "ST" the line dips, the S's lower half starts a line of its own, and "URANT?" follows that
# short band; the T between lies over the S. The tail's first letters are level with the line's last ones.
DIPPING_OVER_CAPITALS = [
    (104, 218, 75, 42), (109, 136, 40, 43), (154, 141, 23, 40), (186, 141, 29, 36), (188, 226, 33, 34),
    (216, 142, 31, 34), (234, 227, 30, 33), (254, 137, 16, 41), (263, 229, 30, 29), (278, 141, 31, 36),
    (286, 226, 28, 37), (315, 144, 22, 42), (318, 218, 33, 43), (366, 220, 92, 39), (405, 140, 20, 33),
    (405, 174, 20, 8), (433, 142, 30, 37), (460, 224, 13, 33), (484, 217, 38, 39), (538, 225, 30, 32),
    (561, 137, 31, 44), (570, 225, 21, 32), (590, 220, 30, 38), (644, 218, 29, 30), (645, 136, 29, 40),
    (668, 248, 5, 8), (673, 147, 27, 40), (689, 218, 48, 39), (702, 149, 14, 26), (707, 174, 36, 19),
    (730, 152, 32, 24), (736, 226, 39, 30), (771, 154, 34, 36), (782, 224, 30, 35), (808, 149, 29, 36),
    (810, 223, 23, 25), (833, 222, 22, 26), (842, 153, 26, 34), (854, 221, 26, 36), (870, 158, 32, 33),
    (907, 153, 29, 36), (953, 138, 46, 30)]


def test_a_line_whose_end_dips_keeps_its_tail():
    boxes = [Box(*b) for b in DIPPING_OVER_CAPITALS]
    lines = group_lines(boxes, 36.0)
    first = sorted(k for k, b in enumerate(boxes) if b.y < 200)
    assert [sorted(m) for m in lines] == [first, sorted(set(range(len(boxes))) - set(first))]


# "SEE YOU TOMORROW!", "That's right:" and "DO NOT JOIN ADJACEMENT CHARACTERS" (validation writers, a
# composed page): the short middle line's slope, read from its last letters with the g's descender among
# them, once carried its band far past its end into the long line under it, which lost half its letters
SHORT_LINE_BETWEEN = [
    (106, 254, 33, 45), (109, 323, 33, 30), (117, 410, 56, 43), (133, 317, 52, 44), (149, 264, 29, 31),
    (155, 266, 23, 9), (156, 295, 18, 5), (187, 345, 18, 19), (188, 331, 4, 10), (196, 269, 27, 25),
    (203, 296, 22, 6), (216, 413, 27, 34), (244, 342, 16, 23), (248, 421, 22, 29), (258, 349, 13, 15),
    (268, 339, 4, 3), (269, 348, 17, 45), (271, 417, 26, 27), (275, 262, 32, 45), (288, 332, 13, 32),
    (304, 337, 13, 29), (310, 278, 32, 23), (325, 348, 3, 3), (325, 355, 3, 3), (344, 276, 35, 25),
    (355, 415, 27, 36), (384, 416, 26, 31), (408, 416, 19, 23), (409, 444, 18, 4), (415, 272, 30, 38),
    (433, 418, 28, 30), (448, 275, 32, 26), (481, 277, 39, 31), (516, 409, 24, 32), (526, 280, 29, 25),
    (541, 410, 30, 30), (563, 279, 34, 32), (573, 410, 19, 32), (592, 408, 21, 39), (598, 277, 21, 33),
    (616, 410, 23, 34), (628, 281, 20, 30), (642, 411, 18, 35), (648, 270, 46, 36), (664, 413, 23, 26),
    (693, 305, 8, 8), (694, 410, 18, 34), (715, 416, 19, 22), (741, 410, 23, 29), (826, 411, 25, 32),
    (858, 415, 16, 26), (878, 411, 22, 33), (904, 404, 27, 40), (932, 408, 50, 35), (986, 410, 25, 27),
    (1016, 406, 26, 35), (1044, 405, 29, 31), (1080, 408, 32, 38)]


def _by_rows(boxes: list, *cuts: int) -> list[list[int]]:
    """Box indices in the bands of rows between ``cuts`` (by each box's top), top to bottom."""
    edges = [-1, *cuts, 10**6]
    return [[k for k, b in enumerate(boxes) if a <= b[1] < z] for a, z in zip(edges, edges[1:])]


def test_a_short_line_s_slope_is_not_carried_far_past_its_end():
    lines = group_lines([Box(*b) for b in SHORT_LINE_BETWEEN], 32.0)
    assert [sorted(m) for m in lines] == _by_rows(SHORT_LINE_BETWEEN, 315, 400)


# "That's right:" over "bless the birds and the bees"" (validation writers): the closing quote, level with the
# short line's band but far past its end, ended the long line under it
QUOTE_AFTER_LONG_LINE = [
    (148, 300, 45, 42), (161, 382, 65, 83), (181, 291, 72, 60), (229, 386, 35, 68), (256, 328, 26, 25),
    (256, 422, 35, 41), (257, 308, 6, 13), (292, 429, 32, 39), (323, 424, 32, 43), (336, 321, 21, 31),
    (355, 330, 18, 20), (372, 327, 22, 64), (397, 305, 18, 45), (419, 311, 18, 40), (446, 326, 6, 5),
    (460, 403, 56, 58), (511, 396, 40, 64), (549, 432, 39, 31), (687, 392, 52, 72), (735, 440, 25, 24),
    (759, 416, 6, 8), (767, 426, 35, 26), (803, 390, 52, 78), (854, 426, 29, 33), (984, 426, 48, 35),
    (1045, 416, 31, 40), (1081, 371, 48, 86), (1198, 387, 47, 64), (1243, 390, 39, 65), (1286, 416, 48, 34),
    (1422, 383, 55, 64), (1473, 418, 45, 38), (1520, 417, 41, 39), (1575, 412, 36, 37), (1634, 378, 30, 25)]


def test_a_mark_past_a_short_line_s_end_goes_to_the_long_line_it_ends():
    lines = group_lines([Box(*b) for b in QUOTE_AFTER_LONG_LINE], 43.5)
    assert [sorted(m) for m in lines] == _by_rows(QUOTE_AFTER_LONG_LINE, 370)


# "Congress in 1954; Saturday of" (a training-site writer, large, its end dropping): the semicolon's comma, low,
# began a track of its own, whose narrow band then fitted the tall "ay" and "o" better than the line's did
COMMA_THEN_DESCENDERS = [
    (107, 333, 19, 33), (149, 337, 39, 30), (190, 341, 50, 29), (245, 342, 70, 56), (307, 343, 36, 26),
    (348, 344, 30, 28), (386, 342, 28, 30), (411, 342, 31, 33), (496, 345, 24, 28), (518, 345, 47, 27),
    (520, 333, 6, 8), (648, 326, 40, 52), (678, 326, 51, 52), (722, 331, 64, 44), (767, 332, 63, 54),
    (869, 382, 18, 17), (885, 343, 12, 13), (990, 331, 73, 62), (1046, 357, 41, 30), (1088, 335, 43, 54),
    (1112, 360, 51, 29), (1160, 364, 45, 26), (1203, 349, 74, 46), (1261, 368, 59, 31), (1294, 373, 80, 56),
    (1321, 367, 29, 30), (1412, 363, 44, 34), (1420, 348, 103, 92)]


def test_a_track_begun_by_a_comma_does_not_take_the_line_s_letters():
    assert [sorted(m) for m in group_lines([Box(*b) for b in COMMA_THEN_DESCENDERS], 37.0)] == [
        list(range(len(COMMA_THEN_DESCENDERS)))]


# a real scanned line (copiste, 1400-px page, letters 15 px): large cursive with wide gaps, whose pieces from
# "de la Vendée" on the sweep started as a line of their own, lying inside the line's own rows
WIDE_LINE = [(131, 495, 29, 25), (161, 492, 16, 25), (179, 488, 66, 29), (220, 503, 62, 30), (247, 492, 2, 5),
             (266, 501, 67, 18), (318, 505, 18, 10), (336, 488, 30, 27), (376, 487, 27, 28), (428, 484, 29, 34),
             (432, 516, 3, 2), (480, 488, 22, 27), (501, 501, 28, 13), (530, 482, 54, 31), (562, 489, 13, 9),
             (562, 513, 38, 9), (594, 507, 3, 3), (615, 468, 11, 19), (623, 485, 63, 54), (666, 486, 69, 29),
             (749, 494, 32, 28), (810, 488, 18, 30), (829, 512, 9, 6), (853, 517, 3, 2), (862, 490, 24, 26),
             (886, 482, 101, 50), (887, 517, 2, 2), (968, 469, 3, 2), (974, 469, 2, 2), (984, 469, 2, 2),
             (990, 506, 2, 3)]


def test_glyphs_lost_inside_a_lines_own_rows_go_back_to_it():
    assert len(group_lines([Box(*b) for b in WIDE_LINE], 15.0)) == 1
    # a line written under it, a line's pitch lower, stays a line of its own
    below = [Box(x, y + 45, w, h) for x, y, w, h in WIDE_LINE[:12]]
    assert len(group_lines([Box(*b) for b in WIDE_LINE] + below, 15.0)) == 2
