"""CTC prefix beam search and the glyph lattice, with and without the language model."""

from __future__ import annotations

import numpy as np
import pytest

from textrecog.decoding.beam import BeamConfig, lattice_search, posteriors, prefix_beam_search
from textrecog.decoding.ctc import best_path
from textrecog.decoding.lm import load_lm
from textrecog.decoding.lm_scorer import LMScorer, Weights

LABELS = tuple("abcdehlostr0123456789 ")
BLANK = len(LABELS)


def frames(*columns: dict[str, float], blank_between: bool = True) -> np.ndarray:
    """Frame probabilities: each column puts the given mass on labels, the rest on the blank."""
    rows = []
    for col in columns:
        row = np.zeros(len(LABELS) + 1)
        for ch, p in col.items():
            row[LABELS.index(ch)] = p
        row[BLANK] = 1.0 - row.sum()
        rows.append(row)
        if blank_between:
            rows.append(np.eye(len(LABELS) + 1)[BLANK])
    return np.array(rows)


def peaked(rng: np.random.Generator, t: int, spaces: bool = True) -> np.ndarray:
    """Random CTC-like output: every frame's best class holds at least 60% of the mass."""
    probs = rng.dirichlet(np.full(len(LABELS) + 1, 0.3), size=t) * 0.4
    best = rng.choice(len(LABELS) + 1, size=t, p=np.r_[np.full(len(LABELS), 0.5 / len(LABELS)), 0.5])
    probs[np.arange(t), best] += 0.6
    if not spaces:  # the beam never starts a line with a space or doubles one; best path may
        probs[:, LABELS.index(" ")] = 0.0
        probs /= probs.sum(axis=1, keepdims=True)
    return probs


@pytest.mark.parametrize("seed", range(20))
def test_beam_of_one_without_lm_is_best_path(seed):
    rng = np.random.default_rng(seed)
    probs = peaked(rng, int(rng.integers(1, 60)), spaces=False)
    hyp = prefix_beam_search(probs, LABELS, None, BeamConfig(width=1, prune=0.0, blank_skip=1.01, max_candidates=99))
    assert hyp[0].text == best_path(probs.argmax(axis=1), "".join(LABELS))
    assert prefix_beam_search(probs, LABELS, None, BeamConfig(width=1))[0].text == hyp[0].text  # pruned too


def test_wider_beam_finds_the_likelier_merged_prefix():
    # best path reads "a" then blank-free "b"... the summed prefix probability prefers "b"
    probs = frames({"a": 0.4, "b": 0.35}, {"b": 0.45}, blank_between=False)
    assert prefix_beam_search(probs, LABELS, None, BeamConfig(width=8))[0].text == "b"


def test_repeated_letter_needs_a_blank_between():
    probs = frames({"l": 0.9}, {"l": 0.9})  # blank between the two: "ll"
    assert prefix_beam_search(probs, LABELS)[0].text == "ll"
    joined = frames({"l": 0.9}, {"l": 0.9}, blank_between=False)
    assert prefix_beam_search(joined, LABELS)[0].text == "l"


def test_lexicon_word_wins_over_a_near_miss(tiny_lm):
    # the image slightly prefers "tbe"; English says "the"
    probs = frames({"t": 0.9}, {"b": 0.5, "h": 0.4}, {"e": 0.9})
    assert prefix_beam_search(probs, LABELS)[0].text == "tbe"
    scorer = LMScorer(load_lm(tiny_lm), LABELS, Weights(lm=0.5, insertion=0.5, oov=2.0))
    assert prefix_beam_search(probs, LABELS, scorer)[0].text == "the"


def test_user_word_beats_a_near_miss(tiny_lm):
    probs = frames({"d": 0.9}, {"o": 0.5, "a": 0.4}, {"s": 0.9}, {"h": 0.9})
    weights = Weights(lm=0.1, insertion=0.0, oov=0.0)  # the image decides, unless the word is the user's
    plain = LMScorer(load_lm(tiny_lm), LABELS, weights)
    assert prefix_beam_search(probs, LABELS, plain)[0].text == "dosh"
    user = LMScorer(load_lm(tiny_lm), LABELS, weights, frozenset({"dash"}))
    assert prefix_beam_search(probs, LABELS, user)[0].text == "dash"


def test_charset_never_emits_what_it_excludes(tiny_lm):
    rng = np.random.default_rng(7)
    digits = np.array([c.isdigit() for c in LABELS])
    scorer = LMScorer(load_lm(tiny_lm), LABELS)
    for _ in range(30):
        probs = peaked(rng, 40)
        for sc in (None, scorer):
            text = prefix_beam_search(probs, LABELS, sc, allowed=digits | (np.array(LABELS) == " "))[0].text
            assert all(c.isdigit() or c == " " for c in text)


def test_no_leading_trailing_or_double_spaces():
    probs = frames({" ": 0.9}, {"a": 0.9}, {" ": 0.9}, {" ": 0.9}, {"b": 0.9}, {" ": 0.9})
    assert prefix_beam_search(probs, LABELS)[0].text == "a b"


def test_frames_point_at_each_character():
    probs = frames({"c": 0.9}, {"a": 0.9}, {"t": 0.9})  # characters at frames 0, 2, 4
    hyp = prefix_beam_search(probs, LABELS)[0]
    assert hyp.text == "cat" and hyp.frames == (0, 2, 4)


def test_posteriors_are_a_distribution():
    probs = frames({"c": 0.5, "o": 0.3}, {"a": 0.6, "o": 0.3}, {"t": 0.5, "l": 0.4})
    hyps = prefix_beam_search(probs, LABELS)
    p = posteriors(hyps)
    assert len(hyps) > 1 and p.sum() == pytest.approx(1.0) and list(p) == sorted(p, reverse=True)


def test_lattice_settles_case_and_digit_lookalikes(tiny_lm):
    labels = tuple("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
    rows = np.full((5, len(labels)), 1e-4)
    for g, options in enumerate([{"c": 0.9}, {"1": 0.5, "l": 0.4}, {"a": 0.9}, {"s": 0.5, "S": 0.45},
                                 {"s": 0.9}]):
        for ch, p in options.items():
            rows[g, labels.index(ch)] = p
    rows /= rows.sum(axis=1, keepdims=True)
    scorer = LMScorer(load_lm(tiny_lm), labels, Weights(lm=0.5, insertion=0.0, oov=2.0))
    assert lattice_search(rows, labels, [False] * 4, scorer)[0].text == "class"
    assert lattice_search(rows, labels, [False, False, True, False], scorer)[0].text.count(" ") == 1
