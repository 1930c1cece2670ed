"""Decoding options shared by both engines, and the line engine's decoder.

``DecodeOptions`` is what the CLI, batch, the Python API and the window
pass down: best path or beam search, the language model (or none), the
user's lexicon, a field's charset and the review threshold. The line
decoder turns a line's frame probabilities into hypotheses, character
spans (for boxes) and word readings with calibrated probabilities.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass, field, replace
from functools import lru_cache

import numpy as np

from textrecog.decoding.beam import BeamConfig, Hypothesis, posteriors
from textrecog.decoding.calibrate import apply_platt, predict_logistic, word_features
from textrecog.decoding.charset import parse_charset
from textrecog.decoding.ctc import Span, best_path_spans
from textrecog.decoding.lexicon import Lexicon, LexiconMatcher, ctc_log_likelihood, make_lexicon, read_lexicon
from textrecog.decoding.lm import DEFAULT_LM, CharLM, check_fits, lm_for_language, load_lm
from textrecog.decoding.lm_scorer import LMScorer, Weights, word_core
from textrecog.decoding.prefix_search import Prefixes, prefix_beam_search_many
from textrecog.types import Reading

DECODERS = ("beam", "greedy")


@dataclass(frozen=True)
class DecodeOptions:
    """How to turn recognizer outputs into text."""

    decoder: str = "beam"  # "greedy": best path, no language model
    lm: str | None = DEFAULT_LM  # language model name or directory; None: no language model
    lexicon: Lexicon = Lexicon((), frozenset())  # the user's own words
    charset: frozenset[str] | None = None  # a field's allowed characters (and the space)
    flag_below: float | None = None  # flag words whose confidence is below this
    beam: int = BeamConfig.width

    @property
    def uses_lm(self) -> bool:
        return self.decoder == "beam" and self.lm is not None


def make_options(decoder: str = "beam", lm: str | None = DEFAULT_LM, lexicon: str | os.PathLike | list[str] | None = None,
                 charset: str | None = None, flag_below: float | None = None, beam: int = BeamConfig.width,
                 lang: str | None = None) -> DecodeOptions:
    """DecodeOptions from user-level values: a lexicon file or list of words, a charset name or characters;
    ``lang`` ("en", "fr") picks that language's model where ``lm`` is left at its default."""
    if lang is not None and lm == DEFAULT_LM:
        lm = lm_for_language(lang)
    if decoder not in DECODERS:
        raise ValueError(f"decoder must be one of {', '.join(DECODERS)}, not {decoder!r}")
    if flag_below is not None and not 0.0 <= flag_below <= 1.0:
        raise ValueError("flag_below must be a probability between 0 and 1")
    if beam < 1:
        raise ValueError("the beam must hold at least 1 hypothesis")
    words = read_lexicon(lexicon) if isinstance(lexicon, (str, os.PathLike)) else make_lexicon(list(lexicon or []))
    return DecodeOptions(decoder, lm, words, None if charset is None else parse_charset(charset), flag_below, beam)


class DecoderCache:
    """Decoders by options, a few kept: each warms its language-model cache over many lines. The review
    threshold is not part of the key (flags are set after decoding), so moving it rebuilds nothing."""

    def __init__(self, make, size: int = 8):
        self._make, self._size, self._kept = make, size, {}

    def get(self, options: DecodeOptions):
        """The decoder for ``options``, made on first use."""
        key = replace(options, flag_below=None)
        dec = self._kept.get(key)
        if dec is None:
            if len(self._kept) >= self._size:
                self._kept.clear()
            dec = self._kept[key] = self._make(key)
        return dec


def check_options(info, options: DecodeOptions) -> None:
    """Load the language model a model will decode with and check it fits (LMError, before any work)."""
    if options.uses_lm and (info.kind == "line" or info.script == "latin"):
        check_fits(_lm(options.lm), info.labels, info.name)


@lru_cache(maxsize=4)
def _lm(ref: str) -> CharLM:
    return load_lm(ref)


@dataclass(frozen=True)
class Calibration:
    """Temperature on hypothesis scores, then Platt maps for word and line confidences."""

    temperature: float = 1.0
    word_model: dict | None = field(default=None, hash=False, compare=False)
    line_a: float = 1.0
    line_b: float = 0.0

    def word(self, mass: float, char_probs: list[float], in_lexicon: bool) -> float:
        """Calibrated probability that a word is read right (its N-best mass where no model was fitted)."""
        if not self.word_model:
            return mass
        return predict_logistic(self.word_model, word_features(mass, char_probs, in_lexicon))

    def line(self, p: float) -> float:
        """Calibrated probability that a whole line is read right (Platt map of its N-best mass)."""
        return float(apply_platt([p], self.line_a, self.line_b)[0])


def calibration(manifest: dict) -> Calibration:
    """The calibration fitted on validation sites, from the model manifest (identity if none)."""
    cal = manifest.get("calibration", {})
    return Calibration(float(cal.get("temperature", 1.0)), cal.get("word_model"),
                       float(cal.get("line_a", 1.0)), float(cal.get("line_b", 0.0)))


@dataclass(frozen=True)
class Decoded:
    """A line decoded: the spans of its best reading, the N-best hypotheses and their posteriors."""

    spans: list[Span]
    hyps: list[Hypothesis]
    post: np.ndarray


@dataclass
class LineDecoder:
    """Decodes a line model's frame probabilities with the chosen options."""

    labels: tuple[str, ...]
    options: DecodeOptions
    manifest: dict = field(default_factory=dict)
    model_name: str = "line"

    def __post_init__(self) -> None:
        self.scorer = None
        self.index = {c: i for i, c in enumerate(self.labels)}
        dec = self.manifest.get("decoding", {})
        # weights tuned for one language model (French on the real validation writers) over the general ones
        weights = Weights(**{**dec.get("weights", {}), **dec.get("by_lm", {}).get(str(self.options.lm), {})})
        if self.options.uses_lm:
            lm = _lm(self.options.lm)
            check_fits(lm, self.labels, self.model_name)
            self.scorer = LMScorer(lm, self.labels, weights, self.options.lexicon.folded)
        self.config = BeamConfig(width=self.options.beam)
        self.prefixes = Prefixes(self.labels, self.scorer)  # kept: later lines re-grow the same prefixes
        self._lock = threading.Lock()  # the prefixes and the scorer's table are shared state: one search at a time
        self.matcher = LexiconMatcher(self.options.lexicon, self.labels) if self.options.lexicon else None
        self.margin = weights.user
        self.allowed = None
        if self.options.charset is not None:
            self.allowed = np.array([c in self.options.charset or c == " " for c in self.labels])
        self.calibration = calibration(self.manifest)

    def match_words(self, probs: np.ndarray, hyp: Hypothesis) -> Hypothesis:
        """The best hypothesis with each word re-read against the user's list (see textrecog.decoding.lexicon)."""
        index = self.index
        words = hyp.text.split(" ")
        starts = [0] + [k + 1 for k, c in enumerate(hyp.text) if c == " "]
        text, frames = [], []
        for n, (word, s) in enumerate(zip(words, starts)):
            lo = hyp.frames[s - 1] + 1 if s else 0  # after the space before the word
            end = s + len(word)
            hi = hyp.frames[end] if end < len(hyp.frames) else len(probs)  # up to the space after it
            own = hyp.frames[s:end]
            seg = probs[lo:hi]
            found = self.matcher.best(seg, word) if word and len(seg) else None
            if found is not None and found[0] != word:
                free = ctc_log_likelihood(seg, np.array([[index[c] for c in word]]), np.array([len(word)]),
                                          len(self.labels))[0]
                if found[1] + self.margin >= free:
                    word = found[0]
                    own = tuple(np.linspace(own[0], own[-1], len(word)).round().astype(int).tolist()) if own else ()
            text.append(word)
            frames.extend(own)
            if n < len(words) - 1:
                frames.append(hyp.frames[end])
        return Hypothesis(" ".join(text), tuple(frames), hyp.score)

    def word_confidence(self, reading: Reading, chars) -> float:
        """The calibrated confidence of a word read as ``reading`` with these characters."""
        known = self.scorer is not None and word_core(reading.text) in self.scorer.lm.words
        return self.calibration.word(reading.prob, [c.confidence for c in chars], known)

    def decode(self, probs: np.ndarray) -> Decoded:
        """The spans of the best reading, the N-best and their posteriors; greedy gives one hypothesis."""
        return self.decode_many([probs])[0]

    def decode_many(self, lines: list[np.ndarray]) -> list[Decoded]:
        """:meth:`decode` of many lines: the beam searches them together (the same result, faster)."""
        if self.options.decoder == "greedy":
            return [self._greedy(p) for p in lines]
        with self._lock:
            found = prefix_beam_search_many(lines, self.labels, self.scorer, self.config, self.allowed, self.prefixes)
        return [self._decoded(p, hyps) for p, hyps in zip(lines, found)]

    def _greedy(self, probs: np.ndarray) -> Decoded:
        p = probs if self.allowed is None else probs * np.append(self.allowed, True)
        spans = best_path_spans(p.argmax(axis=1), len(self.labels))
        text = "".join(self.labels[s.index] for s in spans)
        return Decoded(spans, [Hypothesis(text, tuple(s.start for s in spans), 0.0)], np.ones(1))

    def _decoded(self, probs: np.ndarray, hyps: list[Hypothesis]) -> Decoded:
        if self.matcher is not None:
            hyps = [self.match_words(probs, hyps[0]), *hyps[1:]]
        post = posteriors(hyps, self.calibration.temperature)
        best = hyps[0]
        return Decoded([Span(self.index[c], t, t + 1) for c, t in zip(best.text, best.frames)], hyps, post)


def word_readings(hyps: list[Hypothesis], post: np.ndarray, top: int = 3) -> list[tuple[Reading, ...]]:
    """Per word of the best hypothesis: the word as read, then its likeliest other readings.

    A reading's probability is the mass of the N-best hypotheses that read
    the word so; hypotheses that split the line into another number of
    words are left out, so a word's readings add up to at most 1.
    """
    words = hyps[0].text.split(" ") if hyps and hyps[0].text else []
    mass: list[dict[str, float]] = [{} for _ in words]
    for h, p in zip(hyps, post):
        parts = h.text.split(" ") if h.text else []
        if len(parts) == len(words):
            for k, w in enumerate(parts):
                mass[k][w] = mass[k].get(w, 0.0) + float(p)
    out = []
    for word, m in zip(words, mass):
        others = sorted(((w, p) for w, p in m.items() if w != word), key=lambda kv: -kv[1])[: top - 1]
        out.append((Reading(word, m[word]), *(Reading(w, p) for w, p in others)))
    return out


def restrict(probs: np.ndarray, labels: tuple[str, ...], charset: frozenset[str] | None) -> np.ndarray:
    """Glyph probabilities with the classes outside a field's charset removed (rows renormalised)."""
    if charset is None:
        return probs
    keep = np.array([c in charset for c in labels])
    if not keep.any():
        raise ValueError(f"--charset allows none of the model's classes ({''.join(labels)[:40]}...)")
    p = probs * keep
    return p / np.maximum(p.sum(axis=1, keepdims=True), 1e-12)


def flag_words(result, threshold: float | None):
    """The result with words whose confidence is below ``threshold`` flagged for review."""
    if threshold is None:
        return result
    lines = tuple(replace(ln, words=tuple(replace(w, flagged=w.confidence < threshold) for w in ln.words))
                  for ln in result.lines)
    return replace(result, lines=lines)
