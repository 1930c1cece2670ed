"""The character engine's language-model decoding: a beam over each glyph's top classes.

One glyph is one character, so the search is over a lattice: per glyph its
top classes (both cases where the classifier gives both), word spaces where
the segmentation found them. The n-gram model, the case model and the
lexicon pick the reading: ``0ctober`` → ``October``, ``c1ass`` → ``class``.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from textrecog.decoding.beam import lattice_search, posteriors
from textrecog.decoding.decoder import DecodeOptions, _lm, calibration, word_readings
from textrecog.decoding.lm import check_fits
from textrecog.decoding.lm_scorer import LMScorer, Weights, word_core
from textrecog.engines.alternatives import ranked_alternatives
from textrecog.engines.char_results import assemble
from textrecog.engines.model import ModelInfo
from textrecog.segmentation.segment import Segmentation
from textrecog.types import Prediction, Result

# tuned on the validation sites art, gmd, ape (benchmarks/tune_glyph_lm.py --grid); a manifest's
# "decoding" section overrides them
GLYPH_WEIGHTS = {"lm": 0.3, "insertion": 0.0, "oov": 2.0, "case": 1.0}


class GlyphDecoder:
    """Reads a page's glyph probabilities with the language model."""

    def __init__(self, info: ModelInfo, options: DecodeOptions):
        lm = _lm(options.lm)
        check_fits(lm, info.labels, info.name)
        weights = Weights(**{**GLYPH_WEIGHTS, **info.manifest.get("decoding", {}).get("weights", {})})
        self.labels = info.labels
        self.scorer = LMScorer(lm, info.labels, weights, options.lexicon.folded)
        self.width = options.beam
        self.model = info.name
        self.calibration = calibration(info.manifest)

    def read(self, seg: Segmentation, probs: np.ndarray, shape: tuple[int, ...], top_k: int) -> Result:
        """The result tree with each glyph read in context and each word's readings and confidence."""
        preds, readings, start = [], [], 0
        for line in seg.lines:
            p = probs[start : start + len(line.glyphs)]
            start += len(line.glyphs)
            if not len(p):
                readings.append(([], None))
                continue
            hyps = lattice_search(p, self.labels, list(line.spaces), self.scorer, self.width)
            post = posteriors(hyps, self.calibration.temperature)
            chosen = hyps[0].text.replace(" ", "")
            preds += [_prediction(row, self.labels, c, top_k) for row, c in zip(p, chosen)]
            readings.append((word_readings(hyps, post), self.calibration.line(float(post[0]))))
        result = assemble(seg, preds, shape, self.model)
        return replace(result, lines=tuple(self._attach(ln, r) for ln, r in zip(result.lines, readings)))

    def _attach(self, line, found):
        readings, line_conf = found
        if len(readings) != len(line.words):
            return line
        words = tuple(replace(w, readings=r, calibrated=self._confidence(w, r[0]) if r else None)
                      for w, r in zip(line.words, readings))
        return replace(line, words=words, calibrated=line_conf)


    def _confidence(self, word, reading) -> float:
        known = word_core(reading.text) in self.scorer.lm.words
        return self.calibration.word(reading.prob, [c.confidence for c in word.chars], known)


def _prediction(row: np.ndarray, labels: tuple[str, ...], chosen: str, top_k: int) -> Prediction:
    """The chosen class with the classifier's top classes, best first."""
    index = labels.index(chosen)
    return Prediction(chosen, float(row[index]), ranked_alternatives(row, labels, index, top_k))
