"""recognize(): image → text, reading top-down through the pipeline stages.

load → binarise → segment (lines, glyphs, word spaces) → the model's
engine reads the pages. The engine is picked by the model's manifest:
``kind: char`` classifies glyphs (:mod:`textrecog.engines.char_engine`), ``kind:
line`` reads whole lines with a CTC model (:mod:`textrecog.engines.line_engine`).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from functools import lru_cache

from textrecog.decoding.decoder import DecodeOptions
from textrecog.engines.model import check_direction
from textrecog.imaging.binarize import binarize
from textrecog.imaging.illumination import flatten_light
from textrecog.imaging.imageio import ImageError, ImageSource, load_gray
from textrecog.output.debug import Analysis
from textrecog.segmentation.deskew import level, skew_angle, turn_back
from textrecog.segmentation.direction import from_reading, to_reading
from textrecog.segmentation.rules import label_ink, remove_rules
from textrecog.segmentation.segment import Page, segment
from textrecog.types import Result


@lru_cache(maxsize=4)
def get_engine(model: str | None = None):
    """Load (once per process) the recognizer engine a model's manifest asks for."""
    from textrecog.engines.model import load_info

    info = load_info(model)
    if info.kind == "line":
        from textrecog.engines.line_engine import LineEngine

        return LineEngine(info)
    from textrecog.engines.char_engine import CharEngine

    return CharEngine(info)


def recognize(image: ImageSource, model: str | os.PathLike | None = None, top_k: int = 3,
              max_bytes: int | None = None, direction: str = "ltr", options: DecodeOptions | None = None, *,
              max_pixels: int | None = None) -> Result:
    """Recognise the handwritten text in a path, encoded bytes (``Encoded``), PIL image or numpy array.

    ``direction="ttb"`` reads top-to-bottom columns, right to left (Japanese).
    ``max_bytes``/``max_pixels``: the largest file and image read (defaults: 512 MiB, 300 megapixels).
    ``options`` (:func:`textrecog.decoding.decoder.make_options`): decoder, language
    model, the user's lexicon, a field's charset, the review threshold.
    """
    return analyze(image, model, top_k, max_bytes, direction, options, max_pixels=max_pixels).result


def analyze(image: ImageSource, model: str | os.PathLike | None = None, top_k: int = 3,
            max_bytes: int | None = None, direction: str = "ltr", options: DecodeOptions | None = None, *,
            max_pixels: int | None = None) -> Analysis:
    """Run the whole pipeline and keep the segmentation (in the reading view) for inspection."""
    engine = get_engine(None if model is None else str(model))
    check_direction(engine.info, direction)
    page = prepare(image, max_bytes, direction, max_pixels)
    (read,) = engine.read([page], top_k, options or DecodeOptions())
    return Analysis(page.gray, page.segmentation, _on_page(read, page), read, page.turn.angle if page.turn else 0.0,
                    page.rules.mask if page.rules is not None and any(page.rules.count) else None)


# Decoded pixels a recognize_many() call holds at once (pages over 4000 px on a side are read downscaled,
# so a group is a few full pages or dozens of line images): memory is bounded by this, not by how many
# images a batch chunk holds. Lines read the same alone or together, so grouping changes no result.
GROUP_PIXELS = 24_000_000


def recognize_many(images: Sequence[ImageSource], model: str | os.PathLike | None = None,
                   top_k: int = 3, max_bytes: int | None = None, direction: str = "ltr",
                   options: DecodeOptions | None = None, *, max_pixels: int | None = None) -> list[Result | ImageError]:
    """Recognise several images with batched model calls across all of them.

    An image that cannot be read yields its ImageError in its place.
    """
    engine = get_engine(None if model is None else str(model))
    check_direction(engine.info, direction)
    out: list[Result | ImageError | None] = [None] * len(images)
    group: list[tuple[int, Page]] = []
    held = 0  # decoded pixels in the group
    for i, image in enumerate(images):
        try:
            group.append((i, prepare(image, max_bytes, direction, max_pixels)))
            held += group[-1][1].gray.size
        except ImageError as exc:
            out[i] = exc.with_traceback(None)  # its frames would keep the half-decoded image alive
            exc.__context__ = None
        if held >= GROUP_PIXELS or i == len(images) - 1:
            results = engine.read([page for _, page in group], top_k, options or DecodeOptions())
            for (j, page), result in zip(group, results):
                out[j] = _on_page(result, page)
            group, held = [], 0
    return out


def prepare(image: ImageSource, max_bytes: int | None = None, direction: str = "ltr",
            max_pixels: int | None = None) -> Page:
    """Load (a path: at most ``max_bytes``), turn to the reading view, even out the light, level the text,
    binarise, take out ruled lines, segment."""
    gray = flatten_light(to_reading(load_gray(image, max_bytes, max_pixels), direction))
    mask = binarize(gray)
    turn = None
    if direction == "ltr":  # columns (ttb) are read as written
        gray, turn = level(gray, skew_angle(mask))
        mask = binarize(gray) if turn else mask
    labelled = label_ink(mask)  # once for both: rule removal mostly hands the same mask on
    ink, rules = remove_rules(mask, labelled)
    return Page(gray, segment(ink, labelled if ink is mask else None), direction, turn, rules)


def _on_page(result: Result, page: Page) -> Result:
    """The result with its boxes on the page as given (read levelled; a ttb page read turned, its view W x H)."""
    levelled = turn_back(result, page.turn)
    width, height = (page.turn.width, page.turn.height) if page.turn else (page.gray.shape[1], page.gray.shape[0])
    return from_reading(levelled, page.direction, height, width)
