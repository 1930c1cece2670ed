"""Ruled lines: found, taken out, and the strokes that crossed them mended."""

from __future__ import annotations

import cv2
import numpy as np
from conftest import blank, draw_word

from textrecog.imaging.binarize import binarize, speck_area, stroke_width
from textrecog.segmentation.rules import find_rules, long_runs, remove_rules


def ruled(with_margin: bool = True) -> np.ndarray:
    img = blank(400, 900)
    for y in range(60, 400, 60):
        cv2.line(img, (0, y), (899, y), 150, 2)
    if with_margin:
        cv2.line(img, (70, 0), (70, 399), 120, 2)
    return img


def test_rules_and_the_margin_are_found_and_removed():
    img = ruled()
    draw_word(img, "HELLO", 100, 110, scale=1.5)
    mask = binarize(img)
    rules = find_rules(mask)
    assert rules.count[0] >= 6 and rules.count[1] >= 1  # runs and straight segments: a rule may count twice
    assert rules.horizontal[60:62].mean() > 0.9 and rules.vertical[:, 70:72].mean() > 0.9
    clean, _ = remove_rules(mask)
    n, _, stats, _ = cv2.connectedComponentsWithStats(clean)
    assert stats[1:, cv2.CC_STAT_WIDTH].max() < 100  # nothing long is left: only letters
    assert n - 1 >= 5  # the letters are all still there


def test_one_line_sitting_on_its_rules_across_a_margin_is_found():
    img = ruled()  # the margin joins every rule, and the letters sitting on one, into one piece of ink
    end = draw_word(img, "HELLO THERE", 100, 181, scale=1.5)
    clean, rules = remove_rules(binarize(img))
    assert rules.count[0] >= 6 and rules.count[1] >= 1
    n, _, stats, _ = cv2.connectedComponentsWithStats(clean)
    assert stats[1:, cv2.CC_STAT_WIDTH].max() < 100 and n - 1 >= 9  # the letters, and nothing long
    assert stats[1:, cv2.CC_STAT_LEFT].min() >= 95 and (stats[1:, cv2.CC_STAT_LEFT] + stats[1:, cv2.CC_STAT_WIDTH]).max() <= end


def test_stubs_of_faint_rules_at_the_margin_start_no_line():
    from textrecog.segmentation.segment import segment

    img = blank(400, 900)
    cv2.line(img, (70, 0), (70, 399), 120, 2)  # the margin; the rules are too faint to binarise, but for
    for y in (121, 201, 281):  # stubs of them across it (where the light is dimmer)
        cv2.line(img, (5, y), (92, y), 100, 1)
        draw_word(img, "WRITE HERE", 110, y - 6, scale=1.2)
    clean, rules = remove_rules(binarize(img))
    assert rules.count[1] >= 1
    lines = segment(clean).lines
    assert len(lines) == 3 and all(ln.box.x >= 105 for ln in lines)  # each line starts at its first letter


def test_a_letter_crossing_a_rule_stays_one_piece():
    img = ruled(with_margin=False)
    cv2.line(img, (300, 100), (300, 150), 0, 4)  # a stroke through the rule at y = 120
    clean, rules = remove_rules(binarize(img))
    n, labels, stats, _ = cv2.connectedComponentsWithStats(clean)
    assert rules.count[0] >= 6
    assert n - 1 == 1 and stats[1, cv2.CC_STAT_HEIGHT] >= 48  # mended across the removed rule


def test_writing_without_rules_is_untouched():
    img = blank(200, 900)
    draw_word(img, "WRITING HERE", 30, 110, scale=1.5)
    mask = binarize(img)
    clean, rules = remove_rules(mask)
    assert rules.count == (0, 0) and clean is mask


def test_a_slightly_tilted_dashed_rule_is_found():
    """Under perspective a rule lies a few degrees off level, and a faint one binarises into dashes."""
    img = blank(300, 900)
    for x in range(0, 900, 24):
        cv2.line(img, (x, 150 + x // 30), (x + 18, 150 + (x + 18) // 30), 100, 2)  # 1.9 degrees, dashed
    draw_word(img, "ABOVE", 100, 120, scale=1.5)
    mask = binarize(img)
    clean, rules = remove_rules(mask)
    assert rules.count[0] >= 1
    assert clean[140:190].sum() < 0.05 * mask[140:190].sum()  # the rule is gone
    assert clean[80:125].sum() > 0.9 * mask[80:125].sum()  # the word above it stays


def test_long_straight_strokes_of_large_writing_are_not_rules():
    """A big cursive word: an l's 100-px stem and a 120-px flat join are writing, not a margin or a rule."""
    img = blank(160, 520)
    cv2.line(img, (40, 20), (40, 120), 0, 8)  # the stem
    cv2.line(img, (40, 120), (160, 120), 0, 8)  # the join along the baseline
    cv2.ellipse(img, (200, 100), (30, 22), 0, 0, 360, 0, 8)  # an o
    cv2.line(img, (230, 105), (330, 110), 0, 8)  # another join
    cv2.ellipse(img, (370, 100), (30, 22), 0, 0, 360, 0, 8)
    mask = binarize(img)
    clean, rules = remove_rules(mask)
    assert rules.count == (0, 0)
    assert np.array_equal(clean, mask)


def test_a_margin_turned_by_perspective_is_found():
    """A photo's perspective turns a long margin line 8° off plumb once the text is level: still a rule."""
    img = blank(600, 900)
    for y in range(80, 600, 90):
        draw_word(img, "WRITING HERE", 160, y, scale=1.5)
    cv2.line(img, (70, 0), (70 + int(600 * np.tan(np.radians(8))), 599), 120, 2)
    rules = find_rules(binarize(img))
    assert rules.count[1] >= 1
    assert rules.vertical[300, 100:125].any()  # at x = 70 + 300 tan 8° = 112


def test_more_pieces_than_16_bit_labels_hold():
    """Noise of 90,000 separate specks (more than 16-bit labels hold): still labelled, no rule, no error."""
    mask = np.zeros((600, 600), np.uint8)
    mask[::2, ::2] = 1
    clean, rules = remove_rules(mask)
    assert rules.count == (0, 0) and clean.shape == mask.shape


def test_long_runs_is_an_opening_with_a_line():
    rng = np.random.default_rng(3)
    mask = (rng.random((60, 300)) < 0.85).astype(np.uint8)
    mask[10, :] = 1  # a run the whole width: kept to the edges
    for length in (9, 31):  # odd: OpenCV's opening with an even kernel comes back shifted by a pixel
        for horizontal, kernel in ((True, (1, length)), (False, (length, 1))):
            opened = cv2.morphologyEx(mask, cv2.MORPH_OPEN, np.ones(kernel, np.uint8))
            runs = long_runs(mask, length, horizontal)
            inner = (slice(None), slice(length, -length)) if horizontal else (slice(length, -length), slice(None))
            assert np.array_equal(runs[inner], opened[inner])  # at the edges OpenCV counts the outside as ink
            assert runs.dtype == mask.dtype and runs.shape == mask.shape
    assert long_runs(mask, 300)[10].all() and not long_runs(mask, 301).any()


def test_tilted_rules_with_writing_sitting_on_them_are_found():
    """A photographed notebook: rules 1.5° off level, each with a line of capitals sitting on it, some letters
    dipping across it. The rule is solid ink all along, so it is a rule though letters touch both sides."""
    img = blank(520, 1000)
    slope = np.tan(np.radians(1.5))
    for y in range(100, 500, 100):
        cv2.line(img, (0, y), (999, y + int(1000 * slope)), 120, 2)
        for k, x in enumerate(range(40, 960, 26)):
            draw_word(img, "EHLTZ"[k % 5], x, y + int(x * slope) + (0, 24, 6, 20, 2)[k % 5], scale=1.2)
    rules = find_rules(binarize(img))
    assert rules.count[0] >= 4
    for y in range(100, 500, 100):
        assert rules.horizontal[y + int(500 * slope) - 3 : y + int(500 * slope) + 4, 480:520].any()


def test_a_rule_with_a_dense_line_of_writing_sitting_on_it_is_a_thin_line():
    """Cursive written on a rule touches it along half its length or more on one side; paper on the other
    side still tells the rule from a row of letters."""
    from textrecog.segmentation.rules import _thin_line

    mask = np.zeros((120, 600), np.uint8)
    mask[60:62, :] = 1  # the rule
    for x in range(0, 600, 20):
        mask[40:60, x : x + 11] = 1  # letters standing on it over 55% of its length
    assert _thin_line(mask, (0, 60, 599, 60), 8, False, spread=1)
    mask[62:80, ::2] = 1  # letters below it too: a band of writing, no rule
    assert not _thin_line(mask, (0, 60, 599, 60), 8, False, spread=1)


def _tilted_ruling(img: np.ndarray, top: int, pitch: int, count: int, slope: float) -> list[int]:
    """Rules ``pitch`` apart, ``slope`` off level; their heights at x = 0."""
    ys = [top + k * pitch for k in range(count)]
    for y in ys:
        cv2.line(img, (0, y), (img.shape[1] - 1, y + round(img.shape[1] * slope)), 120, 2)
    return ys


def _left_along(clean: np.ndarray, y0: int, slope: float, x0: int, x1: int) -> int:
    """Ink pixels left within three pixels of a rule from x0 to x1."""
    xs = np.arange(x0, x1)
    rows = np.rint(y0 + slope * xs).astype(int)
    return int(sum(clean[rows + d, xs].sum() for d in range(-3, 4)))


def test_a_rule_that_fades_into_dashes_is_taken_out_to_its_end():
    """A shadow over the right of a photographed page: a tilted rule goes on in faint dashes there, which
    the straight-segment search does not reach; following the rule takes them out too."""
    img = blank(500, 1000)
    slope = np.tan(np.radians(1.2))
    _tilted_ruling(img, 80, 90, 5, slope)
    img[:, 600:] = 255
    for y in (80, 170, 260, 350, 440):
        for x in range(600, 1000, 30):  # the same rules, dashed
            cv2.line(img, (x, y + round(x * slope)), (x + 12, y + round((x + 12) * slope)), 150, 1)
    draw_word(img, "ABOVE", 100, 150, scale=1.5)
    clean, rules = remove_rules(binarize(img))
    assert rules.count[0] >= 5
    assert all(_left_along(clean, y, slope, 610, 990) == 0 for y in (80, 170, 260, 350, 440))
    assert _left_along(clean, 80, slope, 10, 590) == 0


def test_a_rule_the_search_missed_is_found_from_the_ruling():
    """Notebook rules are evenly spaced: a faint one, in short dashes no straight-segment search joins, is
    looked for where the others say it lies, and taken out; the writing stays."""
    img = blank(560, 1000)
    slope = np.tan(np.radians(1.5))
    ys = _tilted_ruling(img, 60, 100, 5, slope)
    img[ys[0] - 4 : ys[0] + 3 + round(1000 * slope)] = 255  # the top rule, faint: dashes 16 on, 14 off
    for x in range(0, 1000, 30):
        cv2.line(img, (x, ys[0] + round(x * slope)), (x + 15, ys[0] + round((x + 15) * slope)), 150, 2)
    draw_word(img, "WRITTEN", 100, 240, scale=1.5)
    mask = binarize(img)
    clean, rules = remove_rules(mask)
    assert _left_along(clean, ys[0], slope, 10, 990) == 0
    assert all(_left_along(clean, y, slope, 10, 990) == 0 for y in ys)
    n, _, stats, _ = cv2.connectedComponentsWithStats(clean)
    assert n - 1 >= 7 and stats[1:, cv2.CC_STAT_WIDTH].max() < 100  # the letters, and nothing long


def test_a_rule_broken_into_short_faint_dashes_is_taken_out():
    """A rule in a shadow binarises into a row of one-pixel dashes, none of them long: thinner than any
    stroke and all in a row across the page, they are a rule; the writing's own dashes stay."""
    img = blank(400, 1000)
    for y in (90, 200, 310):
        draw_word(img, "WRITING - HERE", 120, y, scale=1.5)
    rng = np.random.default_rng(4)
    x = 20
    while x < 980:  # dashes of 4-16 px with gaps of 3-20 px, one pixel high, along y = 130
        n = int(rng.integers(4, 17))
        img[130, x : x + n] = 110
        x += n + int(rng.integers(3, 21))
    mask = binarize(img)
    clean, rules = remove_rules(mask)
    assert rules.count[0] >= 1
    assert clean[127:134].sum() == 0  # every dash is gone
    writing = np.ones_like(mask)
    writing[127:134] = 0
    assert np.array_equal(clean & writing, mask & writing)  # the writing, its hyphens too, all stays



def test_a_margin_broken_into_tiny_dashes_is_taken_out():
    """A faint margin line in a shadow binarises into a column of one- or two-pixel-wide dashes, none long
    (and no rule binarised to go with it): a column of pieces thinner than the strokes is a margin; the
    writing's own thin strokes, an l and an i beside it, stay."""
    img = blank(420, 1000)
    for y in (60, 170, 280):
        draw_word(img, "Il WRITING HERE", 120, y, scale=1.5)
    rng = np.random.default_rng(5)
    y = 10
    while y < 400:  # dashes 1-10 px long, one pixel wide, gaps of 3-14 px, down x = 80
        n = int(rng.integers(1, 11))
        img[y : y + n, 80] = 110
        y += n + int(rng.integers(3, 15))
    mask = binarize(img)
    clean, rules = remove_rules(mask)
    assert rules.count[1] >= 1
    n, _, stats, _ = cv2.connectedComponentsWithStats(clean[:, 77:84])
    assert stats[1:, cv2.CC_STAT_AREA].max(initial=0) < speck_area(mask)  # no dash is left but specks
    writing = np.ones_like(mask)
    writing[:, 77:84] = 0
    assert np.array_equal(clean & writing, mask & writing)  # the writing all stays


def test_stubs_of_a_faint_margin_too_sparse_for_a_column_start_no_line():
    """A faint margin a little off plumb binarises into a few short hairline stubs, one by each line's start
    (where a rule crossed it), too few to line up into a column: they are no marks of the lines."""
    from textrecog.segmentation.segment import segment

    img = blank(420, 1000)
    for k, y in enumerate((80, 190, 300)):
        cv2.line(img, (0, y + 8), (999, y + 8), 100, 2)  # the rule the line sits on
        draw_word(img, "WRITING HERE", 140, y, scale=1.5)
        img[y - 14 : y - 6, 100 + 3 * k] = 110  # a stub a pixel wide, a letter height left of the writing
    clean, rules = remove_rules(binarize(img))
    assert rules.count[0] >= 3
    assert not clean[:, 95:115].any()
    assert all(line.box.x >= 135 for line in segment(clean).lines)


def test_a_stretch_of_rule_cut_off_on_its_own_is_taken_out():
    """A stretch of a photographed rule, too short for a rule across the page and a little off level, left
    on its own: no stroke of writing is that long, flat and alone."""
    img = blank(500, 1400)
    for y in (120, 260, 400):
        draw_word(img, "WRITING HERE", 200, y, scale=1.5)
    cv2.line(img, (40, 190), (460, 190 + round(420 * np.tan(np.radians(1.2)))), 120, 2)
    mask = binarize(img)
    clean, rules = remove_rules(mask)
    assert clean[180:210, 30:470].sum() == 0
    writing = np.ones_like(mask)
    writing[180:210, 30:470] = 0
    assert np.array_equal(clean & writing, mask & writing)


def test_a_stretch_of_rule_with_a_line_written_across_it_is_no_bare_rule():
    """A rule the searches missed (a line of capitals written across it, letters on both sides) joins its
    letters into one piece: long, flat and mostly thin like a bare stretch of rule, but columns of letters
    stand on it. Only the rule is taken out of it, never the letters."""
    from textrecog.segmentation.rulepieces import in_pieces
    from textrecog.segmentation.rules import _label

    letters = blank(200, 900)
    draw_word(letters, "THE BLACK DOG", 60, 120, scale=2.0)
    img = letters.copy()
    cv2.line(img, (40, 100), (760, 100 + round(720 * np.tan(np.radians(1.2)))), 120, 2)
    mask, own = binarize(img), binarize(letters)
    assert _label(mask)[0] == 2  # one piece of ink (and the paper)
    stroke = stroke_width(mask)
    found, count, _, _ = in_pieces(_label(mask), None, stroke, tall=40.0, thick=int(np.ceil(2.5 * stroke)))
    assert count == 1
    assert (found & own).sum() < 0.15 * own.sum()  # the letters stay, but where the rule crosses them
    assert _label(mask & (1 - found))[0] - 1 >= 11  # each letter a piece of its own again
    rule = mask & (1 - cv2.dilate(own, np.ones((5, 5), np.uint8)))
    assert (found & rule).sum() > 0.9 * rule.sum()  # the rule between them goes


def test_a_rule_a_line_of_writing_runs_across_is_found_from_the_ruling():
    """A line written low, across its rule rather than on it (letters on both sides of it): where the two
    rules found above say a rule lies, ink all along is that rule."""
    img = blank(460, 1000)
    slope = np.tan(np.radians(1.5))
    ys = _tilted_ruling(img, 80, 110, 3, slope)
    for k, x in enumerate(range(40, 960, 50)):
        draw_word(img, "EHLTZ"[k % 5], x, ys[2] + round(x * slope) + 17, scale=1.6)  # centred on the rule
    mask = binarize(img)
    clean, rules = remove_rules(mask)
    assert rules.count[0] >= 3
    assert _left_along(clean, ys[2], slope, 10, 990) < 0.5 * _left_along(mask, ys[2], slope, 10, 990)
    n, _, stats, _ = cv2.connectedComponentsWithStats(clean)
    assert n - 1 >= 19 and stats[1:, cv2.CC_STAT_WIDTH].max() < 100  # the letters, mended, and nothing long


def test_a_page_of_lines_written_close_is_still_searched_as_a_page():
    """Lines written so close that no paper of half a letter lies between them: the rows of ink run on down
    the page, but far further than one line of writing can, so it is a page and its tilted margin is found."""
    img = blank(520, 1000)
    for y in range(60, 500, 45):
        draw_word(img, "WRITING HERE AND THERE", 200, y, scale=1.5)
    cv2.line(img, (120, 0), (120 + round(520 * np.tan(np.radians(2.5))), 519), 110, 3)
    clean, rules = remove_rules(binarize(img))
    assert rules.count[1] >= 1
    assert clean[:, 110:150].sum() == 0


def test_rules_printed_as_rows_of_dots_are_taken_out_and_a_line_of_i_dots_stays():
    """Ruled paper printed in dots: round dots, a few pixels apart, under every line. None is longer than
    it is tall, yet a hundred of them level across the page are a rule; the dots over a line's i's, level
    too but a word apart, are writing."""
    img = blank(400, 1000)
    for y in (90, 200, 310):
        draw_word(img, "WRITING HERE", 120, y, scale=1.5)
    for y in (100, 210, 320):
        for x in range(20, 980, 9):
            cv2.circle(img, (x, y), 1, 120, -1)
    for x in range(150, 900, 75):  # dots over i's: a row of them, a letter and more apart
        cv2.circle(img, (x, 30), 2, 30, -1)
    mask = binarize(img)
    clean, rules = remove_rules(mask)
    assert rules.count[0] >= 3
    assert clean[97:104].sum() == 0 and clean[317:324].sum() == 0  # every dot of the rules is gone
    assert np.array_equal(clean[20:40], mask[20:40])  # the i-dots stay
    assert clean[40:95].sum() >= 0.95 * mask[40:95].sum()  # and the writing
