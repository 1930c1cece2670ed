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


def span_probs(probs: np.ndarray, span: Span) -> np.ndarray:
    """A character's class distribution: the frame posteriors averaged over its span, blank left out."""
    p = probs[span.start : span.end, :-1].mean(axis=0)
    return p / max(float(p.sum()), 1e-9)
