"""recognize(): image → text, reading top-down through the pipeline stages."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import cv2
import numpy as np

from textrecog.binarize import binarize, component_mask
from textrecog.classify import predictions_from_probs
from textrecog.decode import decode
from textrecog.imageio import ImageError, ImageSource, load_gray
from textrecog.normalize import InputSpec, normalize_batch
from textrecog.segment import Glyph, LineSeg, Segmentation, segment
from textrecog.types import Char, Geometry, Line, Prediction, Result, Word, bounding_box


@lru_cache(maxsize=4)
def get_classifier(model: str | None = None):
    """Load (once per process) the classifier for a model name or path."""
    from textrecog.classify import Classifier

    return Classifier(model)


@dataclass(frozen=True)
class Analysis:
    """A result with the intermediate images that explain it (for --debug)."""

    gray: np.ndarray
    segmentation: Segmentation
    result: Result


def recognize(image: ImageSource, model: str | os.PathLike | None = None, top_k: int = 3) -> Result:
    """Recognise the handwritten text in a path, PIL image or numpy array."""
    return analyze(image, model, top_k).result


def analyze(image: ImageSource, model: str | os.PathLike | None = None, top_k: int = 3) -> Analysis:
    """Run the whole pipeline and keep the segmentation for inspection."""
    classifier = get_classifier(None if model is None else str(model))
    gray, seg, batch = prepare(image, classifier.info.spec)
    return finish(gray, seg, classifier.probabilities(batch), classifier, top_k)


def recognize_many(images: Sequence[ImageSource], model: str | os.PathLike | None = None,
                   top_k: int = 3) -> list[Result | ImageError]:
    """Recognise several images with one classifier call for all their characters.

    An image that cannot be read yields its ImageError in its place.
    """
    classifier = get_classifier(None if model is None else str(model))
    prepared: list[tuple | ImageError] = []
    for image in images:
        try:
            prepared.append(prepare(image, classifier.info.spec))
        except ImageError as exc:
            prepared.append(exc)
    batches = [p[2] for p in prepared if not isinstance(p, ImageError)]
    probs = classifier.probabilities(np.concatenate(batches)) if batches else None
    out: list[Result | ImageError] = []
    start = 0
    for p in prepared:
        if isinstance(p, ImageError):
            out.append(p)
            continue
        gray, seg, batch = p
        out.append(finish(gray, seg, probs[start : start + len(batch)], classifier, top_k).result)
        start += len(batch)
    return out


def prepare(image: ImageSource, spec: InputSpec) -> tuple[np.ndarray, Segmentation, np.ndarray]:
    """Load, binarise and segment an image; normalise its glyphs into a model batch."""
    gray = load_gray(image)
    seg = segment(binarize(gray))
    return gray, seg, normalize_batch(glyph_inks(gray, seg), spec)


def finish(gray: np.ndarray, seg: Segmentation, probs: np.ndarray, classifier, top_k: int) -> Analysis:
    """Decode in context, take the top-k and build the result tree."""
    probs = decode(seg.lines, probs, classifier.labels)
    predictions = predictions_from_probs(probs, classifier.labels, top_k)
    return Analysis(gray, seg, assemble(seg, predictions, gray.shape, classifier.info.name))


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
            out.append(ink[y : y + b.h, x : x + b.w] * cv2.dilate(own, _MARGIN))
    return out


def contrast_lut(gray: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """Grey level → ink table: paper (mean of the uninked pixels) → 0, darkest ink → 255.

    Measured on every second pixel each way: the same levels at a quarter of the cost.
    """
    gray, inked = np.ascontiguousarray(gray[::2, ::2]), (labels[::2, ::2] > 0).view(np.uint8)
    ink_hist = cv2.calcHist([gray], [0], inked, [256], [0, 256]).ravel()
    n_ink = int(ink_hist.sum(dtype=np.float64))
    # the paper's mean from the total and the ink's histogram: no second masked pass
    n_paper = gray.size - n_ink
    paper = (cv2.sumElems(gray)[0] - float(ink_hist @ _LEVELS64)) / n_paper if n_paper else 255.0
    # a low percentile, not the minimum, so one noisy pixel cannot set the scale
    darkest = float(np.searchsorted(np.cumsum(ink_hist), n_ink // 20 + 1)) if n_ink else 0.0
    return (np.clip((paper - _LEVELS) / max(1.0, paper - darkest), 0.0, 1.0) * 255.0).astype(np.uint8)


_LEVELS = np.arange(256, dtype=np.float32)
_LEVELS64 = _LEVELS.astype(np.float64)
_MARGIN = np.ones((3, 3), np.uint8)


def _char(glyph: Glyph, pred: Prediction, line: LineSeg) -> Char:
    b = glyph.box
    geom = Geometry(rel_height=b.h / line.char_height,
                    baseline_offset=(line.baseline - b.bottom) / line.char_height)
    return Char(b, pred.char, pred.confidence, pred.alternatives, geom)


def assemble(seg: Segmentation, predictions: list[Prediction], shape: tuple[int, ...], model: str) -> Result:
    """Build the Result tree (lines → words → chars) from segmentation and predictions."""
    it = iter(predictions)
    lines = []
    for line in seg.lines:
        words, current = [], []
        for i, glyph in enumerate(line.glyphs):
            current.append(_char(glyph, next(it), line))
            if i == len(line.glyphs) - 1 or line.spaces[i]:
                words.append(Word(bounding_box(c.box for c in current), tuple(current)))
                current = []
        lines.append(Line(line.box, tuple(words)))
    return Result(tuple(lines), int(shape[1]), int(shape[0]), model)
