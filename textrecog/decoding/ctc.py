"""CTC best-path decoding with the alignment that character boxes and confidences come from.

The model's last class is the blank. A character is emitted where the
best class changes to a non-blank; repeats of one class without a blank
between them are one character.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Span:
    """One decoded character: its class and the frames [start, end) that emitted it."""

    index: int
    start: int
    end: int


def best_path_spans(best: np.ndarray, blank: int) -> list[Span]:
    """Collapse a per-frame best-class sequence into character spans (repeats merged, blanks dropped)."""
    best = np.asarray(best)
    if not best.size:
        return []
    change = np.flatnonzero(np.diff(best)) + 1
    starts = np.concatenate([[0], change])
    ends = np.concatenate([change, [best.size]])
    return [Span(int(best[s]), int(s), int(e)) for s, e in zip(starts, ends) if best[s] != blank]


def best_path(best: np.ndarray, alphabet: str) -> str:
    """Text of a per-frame best-class sequence; the blank is ``len(alphabet)``."""
    return "".join(alphabet[s.index] for s in best_path_spans(best, len(alphabet)))


def spans_probs(probs: np.ndarray, spans: list[Span]) -> np.ndarray:
    """:func:`span_probs` of every span, a row each (spans of one frame, as the beam gives, in one pass)."""
    if not spans:
        return np.zeros((0, probs.shape[1] - 1), probs.dtype)
    if any(s.end != s.start + 1 for s in spans):
        return np.array([span_probs(probs, s) for s in spans])
    p = probs[[s.start for s in spans], :-1]
    return p / np.maximum(p.sum(axis=1, keepdims=True), 1e-9)


def span_probs(probs: np.ndarray, span: Span) -> np.ndarray:
    """A character's class distribution: the frame posteriors averaged over its span, blank left out."""
    p = probs[span.start : span.end, :-1].mean(axis=0)
    return p / max(float(p.sum()), 1e-9)
