"""The character engine: classify each segmented glyph with a CNN, then decode in context.

Right for isolated characters and boxed form fields, where every character
is its own ink component. All glyphs of all pages go to the classifier in
batched calls.
"""

from __future__ import annotations

from collections.abc import Sequence

import cv2
import numpy as np

from textrecog.decoding.context import decode
from textrecog.decoding.decoder import DecodeOptions, DecoderCache, flag_words, restrict
from textrecog.engines.char_lattice import GlyphDecoder
from textrecog.engines.char_results import assemble
from textrecog.engines.classify import Classifier, predictions_from_probs
from textrecog.engines.model import ModelInfo
from textrecog.imaging.binarize import component_mask
from textrecog.imaging.ink import MARGIN, contrast_lut
from textrecog.imaging.normalize import normalize_batch
from textrecog.segmentation.cells import cell_segmentation
from textrecog.segmentation.direction import upright
from textrecog.segmentation.segment import Page, Segmentation
from textrecog.types import Result


class CharEngine:
    """Reads pages glyph by glyph with a character classifier model."""

    def __init__(self, info: ModelInfo):
        self.classifier = Classifier(info)
        self.info = info
        self._decoders = DecoderCache(self._glyph_decoder)

    def read(self, pages: Sequence[Page], top_k: int = 3, options: DecodeOptions = DecodeOptions()) -> list[Result]:
        """Results for segmented pages, all their glyphs classified together."""
        if not self.info.spaces:  # kana: the strokes of one character cell are one glyph
            pages = [Page(p.gray, cell_segmentation(p.segmentation), p.direction) for p in pages]
        batches = [normalize_batch(_upright_inks(p), self.info.spec) for p in pages]
        if not batches:
            return []
        probs = self.classifier.probabilities(np.concatenate(batches))
        out, start = [], 0
        for page, batch in zip(pages, batches):
            out.append(self.finish(page, probs[start : start + len(batch)], top_k, options))
            start += len(batch)
        return out

    def finish(self, page: Page, probs: np.ndarray, top_k: int, options: DecodeOptions = DecodeOptions()) -> Result:
        """Decode in context (geometry, then the language model), take the top-k, build the result tree."""
        labels = self.classifier.labels
        probs = restrict(decode(page.segmentation.lines, probs, labels), labels, options.charset)
        lattice = self.lattice(options)
        if lattice is None:
            result = assemble(page.segmentation, predictions_from_probs(probs, labels, top_k), page.gray.shape,
                              self.info.name, self.info.spaces)
        else:
            result = lattice.read(page.segmentation, probs, page.gray.shape, top_k)
        return flag_words(result, options.flag_below)

    def lattice(self, options: DecodeOptions):
        """The language-model decoder for ``options``, or None (greedy, no LM, or a script without one)."""
        if not options.uses_lm or self.info.script != "latin":
            return None
        return self._decoders.get(options)

    def _glyph_decoder(self, options: DecodeOptions):
        return GlyphDecoder(self.info, options)


def _upright_inks(page: Page) -> list[np.ndarray]:
    """The page's glyph inks, as written (a ttb page is read turned: its glyphs are turned back)."""
    inks = glyph_inks(page.gray, page.segmentation)
    return inks if page.direction == "ltr" else [upright(i, page.direction) for i in inks]


def glyph_inks(gray: np.ndarray, seg: Segmentation) -> list[np.ndarray]:
    """Ink images (bright on 0) of every glyph in reading order, neighbours' ink masked out.

    Contrast is stretched between the line's paper and its darkest ink, so
    a faint pencil photo and a black render look alike. The stretch is
    measured once a line and applied through a lookup table, which keeps
    the per-character work to a few small calls.
    """
    out = []
    for line in seg.lines:
        lb = line.box
        line_gray, labels = gray[lb.y : lb.bottom, lb.x : lb.right], seg.labels[lb.y : lb.bottom, lb.x : lb.right]
        ink = cv2.LUT(line_gray, contrast_lut(line_gray, labels))
        for glyph in line.glyphs:
            b = glyph.box
            y, x = b.y - lb.y, b.x - lb.x
            own = component_mask(labels[y : y + b.h, x : x + b.w], glyph.components)
            # one pixel of margin keeps the antialiased edge the mask cut off
            out.append(ink[y : y + b.h, x : x + b.w] * cv2.dilate(own, MARGIN))
    return out
