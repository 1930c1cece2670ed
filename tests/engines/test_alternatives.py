import numpy as np

from textrecog.engines.alternatives import ranked_alternatives

LABELS = ("a", "b", "c", "D", "e")


def test_sorted_by_probability_when_the_choice_is_not_the_top():
    row = np.array([0.05, 0.23, 0.1, 0.48, 0.14])
    alts = ranked_alternatives(row, LABELS, chosen=1, top_k=3)  # the language model chose "b"
    assert [a.char for a in alts] == ["D", "b", "e"]
    assert [a.prob for a in alts] == sorted((a.prob for a in alts), reverse=True)


def test_a_low_choice_replaces_the_last():
    row = np.array([0.05, 0.23, 0.1, 0.48, 0.14])
    alts = ranked_alternatives(row, LABELS, chosen=0, top_k=3)
    assert [a.char for a in alts] == ["D", "b", "a"]


def test_top_one_is_the_choice():
    row = np.array([0.05, 0.23, 0.1, 0.48, 0.14])
    assert [a.char for a in ranked_alternatives(row, LABELS, chosen=2, top_k=1)] == ["c"]
