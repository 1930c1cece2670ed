"""The language model's case classes: a word in capitals goes on in capitals."""

from __future__ import annotations

import numpy as np

from textrecog.decoding.beam import prefix_beam_search
from textrecog.decoding.lm import load_lm
from textrecog.decoding.lm_scorer import LMScorer, Weights, case_class
from textrecog.training.lm_build import case_model

LABELS = tuple("ABCDEINOTabcdeinot ")


def test_case_classes():
    assert [case_class(t) for t in ("", " ", "a", "A", "MI", "Mi", "iM", "M1", "O'", " NO")] == \
        ["start", "start", "lower", "upper", "caps", "lower", "upper", "other", "other", "caps"]


def test_case_model_counts_words_in_capitals_apart():
    case = case_model(["MINETTE DANIEL", "The Dog Ran Home To Paris", "NOT bad"])
    assert case["caps"] > 0.85 > 0.5 > case["upper"]  # after two capitals: capitals; after one: mostly not


def test_after_two_capitals_a_lookalike_reads_as_a_capital():
    scorer = LMScorer(load_lm("en"), LABELS, Weights(case=1.0))
    # frames reading "M", "I", then an o that looks as much like "O" as like "o"
    rows = np.zeros((5, len(LABELS) + 1))
    rows[0, LABELS.index("D")] = rows[2, LABELS.index("O")] = 1.0
    rows[4, [LABELS.index("O"), LABELS.index("o")]] = 0.5
    rows[[1, 3], -1] = 1.0
    assert prefix_beam_search(rows, LABELS, scorer)[0].text == "DOO"
    rows[2] = 0.0
    rows[2, LABELS.index("o")] = 1.0  # "Do": a capitalised word goes on in lower case
    assert prefix_beam_search(rows, LABELS, scorer)[0].text == "Doo"
