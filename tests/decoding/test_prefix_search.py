"""The many-line prefix beam search gives what the one-line search gives, hypothesis for hypothesis."""

from __future__ import annotations

import numpy as np
import pytest

from textrecog.decoding.beam import BeamConfig, prefix_beam_search
from textrecog.decoding.lexicon import make_lexicon
from textrecog.decoding.lm import load_lm
from textrecog.decoding.lm_scorer import LMScorer
from textrecog.decoding.prefix_search import Prefixes, prefix_beam_search_many

LABELS = tuple("abcdehlostrACE0123456789 .")


def ctc_like(rng: np.random.Generator, t: int, blank_share: float = 0.5) -> np.ndarray:
    """Random CTC-like frames: peaked, with runs of near-certain blanks and close calls between labels."""
    n = len(LABELS) + 1
    probs = rng.dirichlet(np.full(n, 0.2), size=t) * 0.5
    best = rng.choice(n, size=t, p=np.r_[np.full(n - 1, (1 - blank_share) / (n - 1)), blank_share])
    probs[np.arange(t), best] += 0.5
    sure = rng.random(t) < 0.3
    probs[sure] = np.eye(n)[-1] * 0.9995 + probs[sure] * 0.0005  # passed over
    return probs / probs.sum(axis=1, keepdims=True)


@pytest.fixture(scope="module")
def scorer():
    return LMScorer(load_lm("en"), LABELS)


def lines(seed: int, count: int) -> list[np.ndarray]:
    rng = np.random.default_rng(seed)
    return [ctc_like(rng, int(rng.integers(0, 90)), float(rng.uniform(0.2, 0.7))) for _ in range(count)]


@pytest.mark.parametrize("config", [BeamConfig(), BeamConfig(width=1), BeamConfig(width=3, prune=1e-4),
                                    BeamConfig(width=8, max_candidates=99, prune=0.0, blank_skip=1.01)])
@pytest.mark.parametrize("with_lm", [True, False])
def test_many_lines_read_as_one_line_each(config, with_lm, scorer):
    probs = lines(7, 40)
    sc = scorer if with_lm else None
    expected = [prefix_beam_search(p, LABELS, sc, config) for p in probs]
    assert prefix_beam_search_many(probs, LABELS, sc, config) == expected  # texts, frames and scores, exactly


def test_many_lines_with_a_charset_and_a_users_list(scorer):
    probs = lines(11, 30)
    allowed = np.array([c in "abc0123 " for c in LABELS])
    user = LMScorer(scorer.lm, LABELS, user_words=make_lexicon(["cab", "abba"]).folded)
    expected = [prefix_beam_search(p, LABELS, user, BeamConfig(), allowed) for p in probs]
    assert prefix_beam_search_many(probs, LABELS, user, BeamConfig(), allowed) == expected


def test_prefixes_carried_over_calls_change_nothing(scorer):
    prefixes = Prefixes(LABELS, scorer)
    first, second = lines(3, 20), lines(4, 20)
    fresh = prefix_beam_search_many(second, LABELS, scorer)
    prefix_beam_search_many(first, LABELS, scorer, prefixes=prefixes)
    assert prefix_beam_search_many(second, LABELS, scorer, prefixes=prefixes) == fresh
    assert len(prefixes.text) > 100  # the first call's prefixes were kept


def test_groups_and_empty_lines(scorer):
    probs = lines(5, 150) + [np.zeros((0, len(LABELS) + 1))]
    got = prefix_beam_search_many(probs, LABELS, scorer)
    assert len(got) == len(probs)
    assert got[-1] == [prefix_beam_search(probs[-1], LABELS, scorer)[0]]
    assert got[:150:7] == [prefix_beam_search(p, LABELS, scorer) for p in probs[:150:7]]


def test_one_decoder_used_from_several_threads(scorer):
    from concurrent.futures import ThreadPoolExecutor

    from textrecog.decoding.decoder import DecodeOptions, LineDecoder

    decoder = LineDecoder(LABELS, DecodeOptions(lm=None))
    decoder.scorer, decoder.prefixes = scorer, Prefixes(LABELS, scorer)  # the test alphabet's scorer
    batches = [lines(seed, 16) for seed in range(8)]
    alone = [[d.hyps for d in decoder.decode_many(b)] for b in batches]
    with ThreadPoolExecutor(4) as pool:
        together = list(pool.map(lambda b: [d.hyps for d in decoder.decode_many(b)], batches))
    assert together == alone
