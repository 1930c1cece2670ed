"""CTC best-path decoding: repeats, blanks and the spans character boxes come from."""

from __future__ import annotations

import numpy as np

from textrecog.decoding.ctc import Span, best_path, best_path_spans, span_probs

ALPHA = "abl"  # blank is index 3
B = 3


def test_repeats_collapse_and_blanks_vanish():
    assert best_path(np.array([0, 0, B, 1, 1, 1, B, B, 2]), ALPHA) == "abl"


def test_a_blank_between_repeats_keeps_both():
    assert best_path(np.array([2, B, 2]), ALPHA) == "ll"
    assert best_path(np.array([2, 2, 2]), ALPHA) == "l"


def test_all_blank_or_empty_is_empty():
    assert best_path(np.array([B, B, B]), ALPHA) == ""
    assert best_path(np.array([], dtype=int), ALPHA) == ""


def test_spans_give_frames_of_each_character():
    spans = best_path_spans(np.array([B, 0, 0, B, 1, 2, 2, B]), B)
    assert spans == [Span(0, 1, 3), Span(1, 4, 5), Span(2, 5, 7)]


def test_span_probs_average_frames_without_blank():
    probs = np.array([[0.6, 0.2, 0.0, 0.2], [0.2, 0.2, 0.0, 0.6]], np.float32)
    p = span_probs(probs, Span(0, 0, 2))
    assert p.shape == (3,) and np.isclose(p.sum(), 1.0)
    assert p.argmax() == 0 and np.isclose(p[0], 0.4 / 0.6)
