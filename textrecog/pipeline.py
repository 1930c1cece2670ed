"""recognize(): image → text, reading top-down through the pipeline stages.

load → binarise → segment (lines, glyphs, word spaces) → the model's
engine reads the pages. The engine is picked by the model's manifest:
``kind: char`` classifies glyphs (:mod:`textrecog.char_engine`), ``kind:
line`` reads whole lines with a CTC model (:mod:`textrecog.line_engine`).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from textrecog.binarize import binarize
from textrecog.decoder import DecodeOptions
from textrecog.direction import check_model, from_reading, to_reading
from textrecog.imageio import ImageError, ImageSource, load_gray
from textrecog.segment import Page, Segmentation, segment
from textrecog.types import Result


@lru_cache(maxsize=4)
def get_engine(model: str | None = None):
    """Load (once per process) the recognizer engine a model's manifest asks for."""
    from textrecog.model import load_info

    info = load_info(model)
    if info.kind == "line":
        from textrecog.line_engine import LineEngine

        return LineEngine(info)
    from textrecog.char_engine import CharEngine

    return CharEngine(info)


@dataclass(frozen=True)
class Analysis:
    """A result with the intermediate images that explain it (for --debug)."""

    gray: np.ndarray
    segmentation: Segmentation
    result: Result


def recognize(image: ImageSource, model: str | os.PathLike | None = None, top_k: int = 3,
              max_bytes: int | None = None, direction: str = "ltr", options: DecodeOptions | None = None) -> Result:
    """Recognise the handwritten text in a path, PIL image or numpy array.

    ``direction="ttb"`` reads top-to-bottom columns, right to left (Japanese).
    ``options`` (:func:`textrecog.decoder.make_options`): decoder, language
    model, the user's lexicon, a field's charset, the review threshold.
    """
    return analyze(image, model, top_k, max_bytes, direction, options).result


def analyze(image: ImageSource, model: str | os.PathLike | None = None, top_k: int = 3,
            max_bytes: int | None = None, direction: str = "ltr", options: DecodeOptions | None = None) -> Analysis:
    """Run the whole pipeline and keep the segmentation (in the reading view) for inspection."""
    engine = get_engine(None if model is None else str(model))
    check_model(engine.info, direction)
    page = prepare(image, max_bytes, direction)
    (result,) = engine.read([page], top_k, options or DecodeOptions())
    return Analysis(page.gray, page.segmentation, _on_page(result, page))


def recognize_many(images: Sequence[ImageSource], model: str | os.PathLike | None = None,
                   top_k: int = 3, max_bytes: int | None = None, direction: str = "ltr",
                   options: DecodeOptions | None = None) -> list[Result | ImageError]:
    """Recognise several images with batched model calls across all of them.

    An image that cannot be read yields its ImageError in its place.
    """
    engine = get_engine(None if model is None else str(model))
    check_model(engine.info, direction)
    prepared: list[Page | ImageError] = []
    for image in images:
        try:
            prepared.append(prepare(image, max_bytes, direction))
        except ImageError as exc:
            prepared.append(exc)
    results = iter(engine.read([p for p in prepared if isinstance(p, Page)], top_k, options or DecodeOptions()))
    return [p if isinstance(p, ImageError) else _on_page(next(results), p) for p in prepared]


def prepare(image: ImageSource, max_bytes: int | None = None, direction: str = "ltr") -> Page:
    """Load (a path: at most ``max_bytes``), turn to the reading view, binarise and segment an image."""
    gray = to_reading(load_gray(image, max_bytes), direction)
    return Page(gray, segment(binarize(gray)), direction)


def _on_page(result: Result, page: Page) -> Result:
    """The result with its boxes on the page as given (a ttb page was read turned; its view is W x H)."""
    return from_reading(result, page.direction, page.gray.shape[0], page.gray.shape[1])
