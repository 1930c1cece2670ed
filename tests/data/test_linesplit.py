"""Multi-line UNIPEN texts split into lines with a label each, on strokes drawn in the test."""

from __future__ import annotations

import numpy as np

from textrecog.data.linedata import is_single_line, line_count
from textrecog.data.linesplit import line_bands, split_text_lines

LETTER, PITCH, SPACE = 10.0, 12.0, 15.0


def draw_line(words: list[str], top: float, rng: np.random.Generator) -> list[np.ndarray]:
    """A zigzag stroke a letter, a dot over each word's first letter, in time order."""
    strokes, x = [], 0.0
    for word in words:
        for k, _ in enumerate(word):
            left = x + k * PITCH
            pts = np.array([[left, top], [left + LETTER / 2, top + 20], [left + LETTER, top]], float)
            strokes.append(pts + rng.normal(0, 0.3, pts.shape))
        strokes.append(np.array([[x + 3, top - 8], [x + 4, top - 7]], float))  # an i-dot above its line
        x += len(word) * PITCH + SPACE
    return strokes


def test_two_drawn_lines_get_one_label_each():
    rng = np.random.default_rng(0)
    first, second = ["hello", "big", "world"], ["and", "the", "rest", "of", "it"]
    strokes = draw_line(first, 0, rng) + draw_line(second, 40, rng)
    assert line_count(strokes) == 2 and not is_single_line(strokes)
    lines = split_text_lines(strokes, " ".join(first + second))
    assert [p.text for p in lines] == ["hello big world", "and the rest of it"]
    assert sum(len(p.strokes) for p in lines) == len(strokes)  # every stroke on exactly one line
    assert all(is_single_line(p.strokes) for p in lines)


def test_three_lines_of_uneven_length():
    rng = np.random.default_rng(1)
    texts = [["a", "short", "one"], ["then", "a", "much", "longer", "line", "follows"], ["end"]]
    strokes = [s for k, words in enumerate(texts) for s in draw_line(words, 45 * k, rng)]
    lines = split_text_lines(strokes, " ".join(w for words in texts for w in words))
    assert [p.text for p in lines] == [" ".join(words) for words in texts]


def test_dots_between_lines_stay_with_their_line():
    rng = np.random.default_rng(2)
    strokes = draw_line(["dot", "it"], 0, rng) + draw_line(["in", "line", "two"], 40, rng)
    bands = line_bands(strokes)
    assert len(bands) == 2
    second_dots = [i for i, s in enumerate(strokes) if len(s) == 2 and s[0, 1] > 20]
    assert all(i in bands[1] for i in second_dots)


def test_lines_written_bottom_up_are_left_out():
    rng = np.random.default_rng(3)
    strokes = draw_line(["second", "line"], 40, rng) + draw_line(["first", "line"], 0, rng)
    assert split_text_lines(strokes, "second line first line") is None


def test_a_label_that_cannot_match_the_ink_is_left_out():
    rng = np.random.default_rng(4)
    strokes = draw_line(["aaaaaaaaaaaa", "b"], 0, rng) + draw_line(["c", "d"], 40, rng)
    # the ink's first line is six times as wide as its second; no split of these words fits that
    assert split_text_lines(strokes, "a b c dddddddddddddddd") is None
    single = split_text_lines(draw_line(["one", "line"], 0, rng), "one line")
    assert [p.text for p in single] == ["one line"]  # one line: nothing to split
