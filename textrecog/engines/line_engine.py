"""The line engine: read each segmented line whole with a CRNN trained with CTC.

Joined and touching letters cannot be split into components; a line model
reads them in context. The segmentation engine still finds the lines: each
line's own ink (other lines masked out) goes through the one line
normaliser, lines of similar width run together in LiteRT, and best-path
decoding gives the text. Character boxes come from the CTC alignment:
frames → columns → the line's ink inside those columns.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass

import cv2
import numpy as np

from textrecog.decoding.ctc import Span, spans_probs
from textrecog.decoding.decoder import DecodeOptions, Decoded, DecoderCache, LineDecoder, flag_words, word_readings
from textrecog.engines.alternatives import alternatives_of_rows
from textrecog.engines.line_runtime import LineModel
from textrecog.engines.model import ModelInfo
from textrecog.imaging.binarize import component_mask
from textrecog.imaging.ink import masked_ink
from textrecog.imaging.normalize import FittedLine, LineSpec, fit_line
from textrecog.segmentation.rules import rule_ink_near
from textrecog.segmentation.segment import LineSeg, Page
from textrecog.types import Alternative, Box, Char, Geometry, Line, Result, Word, bounding_box

FEET = 0.1  # of the letter height: how far from a line's ink the rule pixels it lost are given back
# Lines kept with their reading: the drawing window re-reads only the lines a stroke changed (a batch's lines
# are all new: the lookup costs it a hash of each line's pixels)
RECENT_LINES = 64
# Points of a baseline path a line needs before it is levelled. Four would read hand-printed words better (UNIPEN
# validation sites, words printed / cursive, lines printed / cursive: 10.0 / 11.2 / 8.8 / 10.3% CER with two
# points, 9.7 / 11.1 / 9.0 / 10.2% with four) but leaves a few turned cursive words or a photographed short line
# unlevelled (tests/segmentation/test_segment.py, tests/data/test_photolines.py); see docs/measured.md
SLOPE_POINTS = 2


@dataclass(frozen=True)
class LineCut:
    """One segmented line ready for the model: its own ink mask and the normalised image."""

    seg: LineSeg
    box: Box  # the crop: the line's box and one pixel around it (where the image has one)
    mask: np.ndarray  # uint8, 1 = this line's ink, over box
    fitted: FittedLine


def cut_line(page: Page, line: LineSeg, spec: LineSpec) -> LineCut:
    """A line's ink, neighbours masked out, through the shared line normaliser.

    The crop keeps one pixel around the line's box: the ink mask is widened
    by a pixel for antialiased edges, as it is for a rendered training line.
    On ruled paper it reaches a little further, to give the letters sitting on
    a rule their feet back (the normaliser crops to the ink either way).
    """
    ruled = page.rules is not None and any(page.rules.count)
    reach = max(2, round(FEET * line.char_height)) if ruled else 0
    b, (h, w), pad = line.box, page.gray.shape, 1 + reach
    x0, y0, x1, y1 = max(0, b.x - pad), max(0, b.y - pad), min(w, b.right + pad), min(h, b.bottom + pad)
    labels = page.segmentation.labels[y0:y1, x0:x1]
    mask = component_mask(labels, frozenset().union(*(g.components for g in line.glyphs)))
    if ruled:
        mask |= rule_ink_near(page.rules, mask, x0, y0, reach)
    ink = masked_ink(page.gray[y0:y1, x0:x1], mask)
    return LineCut(line, Box(x0, y0, x1 - x0, y1 - y0), mask, fit_line(ink, spec, line_slope(line)))


def line_key(cut: LineCut) -> tuple:
    """Everything a line's reading depends on: its crop, own ink and normalised image, and its segmentation
    (not its pieces' label numbers, which a stroke elsewhere on the page changes)."""
    seg, fitted = cut.seg, cut.fitted
    return (cut.box, cut.mask.shape, cut.mask.tobytes(), fitted.image.shape, fitted.image.tobytes(), fitted.x0,
            fitted.y0, fitted.sx, fitted.sy, fitted.left, seg.box, seg.spaces, seg.char_height, seg.baseline,
            seg.baseline_path, tuple(g.box for g in seg.glyphs))


def line_slope(line: LineSeg) -> float:
    """The rise of a line's baseline, rows a column: a straight fit through its baseline path's points (the
    ends, carried out flat, left out); 0 for a line too short to have SLOPE_POINTS of them."""
    points = line.baseline_path[1:-1]
    if len(points) < SLOPE_POINTS:
        return 0.0
    xs, ys = np.array([p.x for p in points]), np.array([p.y for p in points])
    return float(np.polyfit(xs, ys, 1)[0]) if np.ptp(xs) > 0 else 0.0


class LineEngine:
    """Reads pages line by line with a CTC line model."""

    def __init__(self, info: ModelInfo):
        self.model = LineModel(info)
        self.info = info
        self.labels = info.labels
        self._decoders = DecoderCache(lambda o: LineDecoder(self.labels, o, info.manifest, info.name))
        self._recent: dict[tuple, Line] = {}  # lines read lately, by everything their reading depends on
        self._recent_lock = threading.Lock()

    def forget(self) -> None:
        """Drop the lines read lately (the next read reads every line afresh; benchmarks compare so)."""
        with self._recent_lock:
            self._recent.clear()

    def decoder(self, options: DecodeOptions) -> LineDecoder:
        """The decoder for ``options`` (kept: its language-model cache warms up over many lines)."""
        return self._decoders.get(options)

    def read(self, pages: Sequence[Page], top_k: int = 3, options: DecodeOptions = DecodeOptions()) -> list[Result]:
        """Results for segmented pages; lines of all pages batched by width, lines read just before (the
        window's lines that no stroke touched) taken from the recent lines."""
        decoder = self.decoder(options)
        cuts = [[cut_line(p, line, self.info.spec) for line in p.segmentation.lines] for p in pages]
        flat = [c for page_cuts in cuts for c in page_cuts]
        keys = [(line_key(c), top_k, decoder.options) for c in flat]
        with self._recent_lock:
            known = {k: self._recent.pop(k) for k in keys if k in self._recent}  # back in as the latest
        todo = [i for i, k in enumerate(keys) if k not in known]
        probs = self.probabilities([flat[i].fitted.image for i in todo])
        for i, p, found in zip(todo, probs, decoder.decode_many(probs)):  # all new lines searched together
            known[keys[i]] = self.read_line(flat[i], p, found, top_k, decoder)
        with self._recent_lock:
            self._recent.update(known)
            while len(self._recent) > RECENT_LINES:
                del self._recent[next(iter(self._recent))]  # the least recently read first
        lines = iter([known[k] for k in keys])
        return [flag_words(Result(tuple(next(lines) for _ in page_cuts), int(p.gray.shape[1]),
                                  int(p.gray.shape[0]), self.info.name), options.flag_below)
                for p, page_cuts in zip(pages, cuts)]

    def probabilities(self, images: list[np.ndarray]) -> list[np.ndarray]:
        """Per-frame probabilities of each line image (frames cut to its own width)."""
        return self.model.read(images)

    def read_line(self, cut: LineCut, probs: np.ndarray, found: Decoded, top_k: int, decoder: LineDecoder) -> Line:
        """Characters with boxes from the decoded alignment → words split at spaces, with their readings."""
        spans, hyps, post = found.spans, found.hyps, found.post
        boxes = char_boxes(cut, spans, self.model.spec.downsample)
        dists = spans_probs(probs, spans)
        alts = alternatives_of_rows(dists, self.labels, [s.index for s in spans], top_k)
        groups: list[list[Char]] = [[]]
        for span, box, p, alt in zip(spans, boxes, dists, alts):
            if self.labels[span.index] == " ":
                groups.append([])
            else:
                groups[-1].append(self._char(cut.seg, box, span.index, float(p[span.index]), alt))
        groups = [g for g in groups if g]
        lm = decoder.options.decoder == "beam"
        readings = word_readings(hyps, post) if lm else [()] * len(groups)
        if len(readings) != len(groups):
            readings = [()] * len(groups)
        words = [Word(bounding_box(c.box for c in chars), tuple(chars), read,
                      decoder.word_confidence(read[0], chars) if read else None) for chars, read in zip(groups, readings)]
        line_conf = decoder.calibration.line(float(post[0])) if lm else None
        return Line(cut.seg.box, tuple(words), float(cut.seg.baseline), line_conf, cut.seg.baseline_path)

    def _char(self, line: LineSeg, box: Box, chosen: int, prob: float, alts: tuple[Alternative, ...]) -> Char:
        """The decoded character (the language model may have chosen it) with the frames' alternatives."""
        geom = Geometry(rel_height=box.h / line.char_height,
                        baseline_offset=(line.baseline - box.bottom) / line.char_height)
        return Char(box, self.labels[chosen], prob, alts, geom)


def char_boxes(cut: LineCut, spans: Sequence[Span], downsample: int) -> list[Box]:
    """A box per span: the line's ink between the midpoints to the neighbouring characters.

    CTC fires on a narrow spike inside each character, so a character's
    columns reach halfway to the spikes on either side (to the ink's edge
    at the ends); the box is the ink found in those columns.
    """
    crop, fitted, mask = cut.box, cut.fitted, cut.mask
    centres = [fitted.to_source_x((s.start + s.end) / 2 * downsample) for s in spans]
    cols = np.flatnonzero(mask.any(axis=0))
    lo_ink, hi_ink = (int(cols[0]), int(cols[-1]) + 1) if cols.size else (0, crop.w)
    edges = [lo_ink] + [int(round((a + b) / 2)) for a, b in zip(centres, centres[1:])] + [hi_ink]
    boxes = []
    for k in range(len(spans)):
        # an alignment spike may fall just off the ink (past a line's end): the box keeps to the ink
        x1 = min(hi_ink, max(edges[k + 1], edges[k] + 1))
        x0 = min(max(lo_ink, edges[k]), x1 - 1)
        x, y, w, h = cv2.boundingRect(mask[:, x0:x1])  # the ink in those columns (one call, not four)
        if w:
            boxes.append(Box(crop.x + x0 + x, crop.y + y, w, h))
        else:  # no ink there (a space, or an alignment off the ink): the column range, full height
            boxes.append(Box(crop.x + x0, crop.y, max(1, x1 - x0), crop.h))
    return boxes
