"""Read the plain line convention: a folder of line images, each with ``NAME.gt.txt`` beside it.

Each image is one line (kraken's, OCR-D's and Tesseract's training
layout); its outline is the whole image.
"""

from __future__ import annotations

from pathlib import Path

from textrecog.data.gttypes import GroundTruthError, GtLine, GtPage, find_image


def read_line_gt(path: Path) -> GtPage:
    """A one-line page: the image beside ``NAME.gt.txt`` and the file's text (its first line)."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise GroundTruthError(f"{path}: cannot read ({exc.strerror or exc})") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise GroundTruthError(f"{path}: not UTF-8 text") from None
    lines = [t for t in text.splitlines() if t.strip()]
    if len(lines) > 1:
        raise GroundTruthError(f"{path}: {len(lines)} lines of text; a .gt.txt holds one line")
    stem = path.name[: -len(".gt.txt")]
    image = find_image(path, None)
    size = _image_size(image)
    line = GtLine(" ".join(lines[0].split()) if lines else "", (), (), (0, 0, size[0], size[1]), "", stem)
    return GtPage(path, image, (line,), size)


def _image_size(image: Path) -> tuple[int, int]:
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(image) as im:
            return im.size
    except (OSError, UnidentifiedImageError) as exc:
        raise GroundTruthError(f"{image}: not a readable image ({exc})") from None
