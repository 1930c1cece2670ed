"""The user's lexicon: reading the file, CTC scores of listed words, re-reading words against the list."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from textrecog.decoding.lexicon import LexiconMatcher, ctc_log_likelihood, make_lexicon, variants


def brute_force(probs: np.ndarray, label: list[int], blank: int) -> float:
    """log P(label | frames): the sum over every frame path that collapses to the label."""
    total = 0.0
    for path in itertools.product(range(probs.shape[1]), repeat=len(probs)):
        collapsed = [k for k, _ in itertools.groupby(path) if k != blank]
        if collapsed == label:
            total += float(np.prod([probs[t, k] for t, k in enumerate(path)]))
    return float(np.log(total)) if total else -np.inf


@pytest.mark.parametrize("seed", range(5))
def test_ctc_forward_matches_brute_force(seed):
    rng = np.random.default_rng(seed)
    probs = rng.dirichlet(np.ones(4), size=5)  # 3 labels + blank, 5 frames
    labels = [[0], [0, 1], [1, 1], [2, 0, 2], [0, 1, 2, 1]]
    ids = np.full((len(labels), 4), -1)
    for n, lab in enumerate(labels):
        ids[n, : len(lab)] = lab
    got = ctc_log_likelihood(probs, ids, np.array([len(x) for x in labels]), blank=3)
    want = [brute_force(probs, lab, 3) for lab in labels]
    assert got == pytest.approx(want, rel=1e-6)


def test_word_too_long_for_its_frames_is_impossible():
    probs = np.full((2, 3), 1 / 3)
    assert ctc_log_likelihood(probs, np.array([[0, 1, 0]]), np.array([3]), 2)[0] == -np.inf


def test_matcher_finds_the_listed_word_the_frames_spell():
    labels = tuple("abcdehlnoprst")
    lexicon = make_lexicon(["Boston", "Denver", "Dallas"])
    matcher = LexiconMatcher(lexicon, labels + tuple("BDOSTN"))
    word = "Boston"
    all_labels = labels + tuple("BDOSTN")
    probs = np.full((2 * len(word), len(all_labels) + 1), 0.01)
    for k, c in enumerate(word):
        probs[2 * k, all_labels.index(c)] = 0.6 if c != "s" else 0.3  # "s" smudged: half "r"
        probs[2 * k, all_labels.index("r")] += 0.3 if c == "s" else 0.0
        probs[2 * k + 1, -1] = 0.9
    probs /= probs.sum(axis=1, keepdims=True)
    assert matcher.best(probs)[0] == "Boston"


def test_variants_and_folding():
    assert variants("McDonald") == {"McDonald", "mcdonald", "Mcdonald", "MCDONALD"}
    lexicon = make_lexicon(["(Zoë)", "zoë", "O'Brien,"])
    assert lexicon.surface == ("O'Brien", "Zoë", "zoë") and lexicon.folded == {"o'brien", "zoë"}


def test_a_long_list_scores_only_the_forms_near_the_reading_with_the_same_answer():
    import string

    from textrecog.decoding import lexicon as lex

    rng = np.random.default_rng(3)
    letters = string.ascii_lowercase
    names = {"".join(rng.choice(list(letters), size=rng.integers(3, 10))).capitalize() for _ in range(3000)}
    names |= {"Morley", "Morlen", "Marley"}
    labels = tuple(string.ascii_letters)
    matcher = LexiconMatcher(make_lexicon(sorted(names)), labels)
    assert len(matcher.words) > lex.SHORTLIST
    word = "Morley"
    probs = np.full((2 * len(word), len(labels) + 1), 0.01)
    for k, c in enumerate(word):
        probs[2 * k, labels.index(c)] = 0.5 if c != "y" else 0.25  # the y smudged: half a v
        probs[2 * k, labels.index("v")] += 0.25 if c == "y" else 0.0
        probs[2 * k + 1, -1] = 0.9
    probs /= probs.sum(axis=1, keepdims=True)
    everything = matcher.best(probs)
    shortlisted = matcher.best(probs, "Morlev")  # the reading the beam made of it
    assert shortlisted == everything and shortlisted[0] == "Morley"
