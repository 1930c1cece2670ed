"""The word-space rule on gap sequences."""

from textrecog.segmentation.spacing import GAP_FACTOR, HEIGHT_FACTOR, gaps, word_spaces


def spaces_for(gap_list, h=40.0, w=20.0):
    lefts, rights, x = [], [], 0.0
    for g in [0.0, *gap_list]:
        x += g
        lefts.append(x)
        rights.append(x + w)
        x += w
    return word_spaces(lefts, rights, h)


def test_single_word_gets_no_space_even_with_uneven_gaps():
    # half the gaps are above the mean: the old mean-gap rule split this word
    assert spaces_for([2, 9, 1, 12, 3, 10]) == [False] * 6


def test_two_words():
    assert spaces_for([3, 4, 30, 2, 5]) == [False, False, True, False, False]


def test_many_short_words():
    # "I am a boy": more word gaps than letter gaps
    assert spaces_for([32, 3, 34, 30, 4, 2]) == [True, False, True, True, False, False]


def test_two_single_letters():
    assert spaces_for([30]) == [True]
    assert spaces_for([4]) == [False]


def test_widely_spaced_writer_keeps_words_together():
    # letters ~0.5 h apart, words ~1.5 h apart
    assert spaces_for([20, 22, 18, 60, 21, 19]) == [False, False, False, True, False, False]


def test_threshold_scales_with_character_height():
    g = HEIGHT_FACTOR * 40 + 1
    assert spaces_for([2, g, 2], h=40) == [False, True, False]
    assert spaces_for([2, g, 2], h=80) == [False, False, False]
    assert GAP_FACTOR > 1


def test_gaps_measured_from_furthest_right_edge():
    # a long letter overhangs the next one: the gap is from its right edge
    assert list(gaps([0, 10, 60], [50, 30, 80])) == [-40, 10]
    assert word_spaces([0], [10], 40) == []
