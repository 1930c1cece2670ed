"""CTC prefix beam search with shallow fusion of the character language model.

Each prefix keeps the probability of its frames ending in a blank (``pb``)
and in its last character (``pnb``), and the language-model score of its
text (n-gram, case, digits, word bonuses: :class:`textrecog.decoding.lm_scorer.LMScorer`).
A prefix is ranked by log(pb + pnb) + its LM score. Speed, in plain
Python: frames where the blank holds nearly all the mass are passed over,
only the few labels above ``prune`` are tried in a frame, and the beam is
capped. With a beam of 1 and no LM the result is the best path.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Iterable
from dataclasses import dataclass
from operator import itemgetter

import numpy as np

from textrecog.decoding.lm_scorer import LMScorer


@dataclass(frozen=True)
class BeamConfig:
    """Search settings (tuned on validation sites with the weights)."""

    width: int = 8
    prune: float = 1e-3  # labels below this probability in a frame are not tried
    blank_skip: float = 0.999  # frames whose blank is above this are passed over
    max_candidates: int = 6  # labels tried per frame at most


@dataclass(frozen=True)
class Hypothesis:
    """A decoded line: its text, the frame each character was first emitted at, and its total log score."""

    text: str
    frames: tuple[int, ...]
    score: float


class _Beam:
    # frames: the frame each character was emitted at, as nested pairs (earlier frames, frame): growing a
    # prefix costs one pair, not a copy of its frames; vec: the LM scores after it (looked up once)
    __slots__ = ("pb", "pnb", "lm", "frames", "vec")

    def __init__(self, pb: float, pnb: float, lm: float, frames: tuple, vec: list[float] | None = None):
        self.pb, self.pnb, self.lm, self.frames, self.vec = pb, pnb, lm, frames, vec


def prefix_beam_search(probs: np.ndarray, labels: tuple[str, ...], scorer: LMScorer | None = None,
                       config: BeamConfig = BeamConfig(), allowed: np.ndarray | None = None) -> list[Hypothesis]:
    """Hypotheses, best first, for (T, len(labels) + 1) frame probabilities; the last class is the blank.

    ``allowed`` (a boolean mask over the labels) restricts what may be emitted (a field's charset).
    """
    blank = len(labels)
    probs = np.asarray(probs, np.float64)
    if allowed is not None:
        probs = probs * np.append(allowed, True)
    index = {c: i for i, c in enumerate(labels)}
    beams = {"": _Beam(1.0, 0.0, 0.0, None)}
    active = probs[:, blank] < config.blank_skip
    tried = [[c for c in r if c >= 0] for r in candidates(probs[active], blank, config).tolist()]
    for t, row, cands in zip(np.flatnonzero(active).tolist(), probs[active].tolist(), tried):
        if t and not active[t - 1]:
            for b in beams.values():  # the frames passed over were blanks
                b.pb, b.pnb = b.pb + b.pnb, 0.0
        beams = _step(beams, row, cands, t, labels, index, scorer, config.width)
    if len(probs) and not active[-1]:
        for b in beams.values():
            b.pb, b.pnb = b.pb + b.pnb, 0.0
    return _finish(beams, scorer, config.width)


def candidates(probs: np.ndarray, blank: int, config: BeamConfig) -> np.ndarray:
    """Per frame, the labels worth trying (above ``prune``, at most a few, in the order found), then -1s."""
    k = min(config.max_candidates, blank)
    if k < blank:
        top = np.argpartition(-probs[:, :blank], k - 1, axis=1)[:, :k] if len(probs) else np.zeros((0, k), int)
    else:
        top = np.tile(np.arange(blank), (len(probs), 1))
    keep = np.take_along_axis(probs, top, axis=1) > config.prune
    first = np.argsort(~keep, axis=1, kind="stable")  # the kept ones first
    return np.where(np.take_along_axis(keep, first, axis=1), np.take_along_axis(top, first, axis=1), -1)


def _step(beams: dict[str, _Beam], p: list[float], cands: list[int], t: int, labels: tuple[str, ...],
          index: dict[str, int], scorer: LMScorer | None, width: int) -> dict[str, _Beam]:
    """One frame: every prefix stays (blank, or its last character again) or grows by a candidate."""
    pblank = p[len(labels)]
    tried = [(c, labels[c], p[c]) for c in cands]  # once a frame, not once a prefix
    nxt: dict[str, _Beam] = {}
    for text, b in beams.items():
        pnb = b.pnb
        total = b.pb + pnb
        last = text[-1] if text else None
        again = pnb * p[index[last]] if last is not None else 0.0
        vec = b.vec
        if vec is None and scorer is not None and tried:
            vec = b.vec = scorer.vector(text)
        stay = nxt.get(text)
        if stay is None:
            nxt[text] = _Beam(total * pblank, again, b.lm, b.frames, vec)
        else:  # a shorter prefix grew into this one earlier in the frame
            stay.pb += total * pblank
            stay.pnb += again
        for c, ch, pc in tried:
            if ch == " " and (not text or last == " "):
                continue  # no leading or double spaces
            new = text + ch
            mass = b.pb * pc if ch == last else total * pc
            ext = nxt.get(new)
            if ext is None:
                lm = b.lm
                if vec is not None:
                    lm += vec[c]
                    if ch == " ":
                        lm += scorer.word_bonus(text.rsplit(" ", 1)[-1])
                nxt[new] = _Beam(0.0, mass, lm, (b.frames, t))
            else:
                ext.pnb += mass
    return _prune(nxt, width)


def _prune(beams: dict[str, _Beam], width: int) -> dict[str, _Beam]:
    """The ``width`` best prefixes, rescaled so the best has mass 1 (no underflow on long lines)."""
    log, inf = math.log, -math.inf
    # scores computed once in a list (a key function is called over and over: a third of the step's time)
    scored = [((log(m) if (m := b.pb + b.pnb) > 0 else inf) + b.lm, m, text, b) for text, b in beams.items()]
    if len(scored) > width:
        scored = sorted(scored, key=itemgetter(0), reverse=True)[:width]  # = heapq.nlargest, stable; faster here
    top = max(m for _, m, _, _ in scored) or 1.0
    for _, _, _, b in scored:
        b.pb /= top
        b.pnb /= top
    return {text: b for _, _, text, b in scored}


def _finish(beams: dict[str, _Beam], scorer: LMScorer | None, width: int) -> list[Hypothesis]:
    return ended(((text, b.pb + b.pnb, b.lm, _flat(b.frames)) for text, b in beams.items()), scorer, width)


def ended(prefixes: Iterable[tuple[str, float, float, tuple[int, ...]]], scorer: LMScorer | None,
          width: int) -> list[Hypothesis]:
    """The hypotheses a search ends with, best first, from its prefixes' (text, mass, LM score, frames): the
    LM's end of line added, trailing spaces dropped (both searches end here, so they rank alike)."""
    out = []
    for text, total, lm, frames in prefixes:
        if total <= 0:
            continue
        score = math.log(total) + lm + (scorer.end(text) if scorer is not None else 0.0)
        stripped = text.rstrip(" ")
        out.append(Hypothesis(stripped, frames[: len(stripped)], score))
    out.sort(key=lambda h: -h.score)
    return out[:width] or [Hypothesis("", (), 0.0)]


def _flat(frames: tuple | None) -> tuple[int, ...]:
    """Nested (earlier, frame) pairs as a flat tuple of frames."""
    out = []
    while frames is not None:
        frames, t = frames
        out.append(t)
    return tuple(out[::-1])


def posteriors(hyps: list[Hypothesis], temperature: float = 1.0) -> np.ndarray:
    """Probability of each hypothesis among the N best (softmax of scores / temperature)."""
    s = np.array([h.score for h in hyps]) / max(temperature, 1e-6)
    e = np.exp(s - s.max()) if len(s) else s
    return e / e.sum() if len(s) else e


def lattice_search(probs: np.ndarray, labels: tuple[str, ...], breaks: list[bool], scorer: LMScorer,
                   width: int = 8, top: int = 5) -> list[Hypothesis]:
    """Best readings of a line of classified glyphs: each glyph's top classes, scored with the LM.

    ``probs`` is (glyphs, labels); ``breaks[i]`` says a word space follows
    glyph i. Case and digit/letter lookalikes are settled by the context the
    language model sees; the word spaces are the segmentation's.
    """
    beams: list[tuple[str, float]] = [("", 0.0)]
    logp = np.log(np.maximum(probs, 1e-12))
    k = min(top, len(labels))
    for g in range(len(probs)):
        cands = np.argsort(-probs[g])[:k].tolist()
        grown = []
        for text, score in beams:
            vec = scorer.vector(text)
            grown += [(text + labels[c], score + float(logp[g, c]) + vec[c]) for c in cands]
        beams = heapq.nlargest(width, grown, key=lambda b: b[1])
        if g < len(probs) - 1 and breaks[g]:
            beams = [(t + " ", s + scorer.vector(t)[scorer.space] + scorer.word_bonus(t.rsplit(" ", 1)[-1]))
                     for t, s in beams]
    out = [Hypothesis(t, tuple(range(len(probs))), s + scorer.end(t)) for t, s in beams]
    return sorted(out, key=lambda h: -h.score)
