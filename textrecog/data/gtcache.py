"""Cut ground-truth lines once and keep them: an epoch never decodes a JPEG page again.

Each page's cut lines (grey crops as PNG, with their slope, text, type and
id) are stored in one file under the cache folder, named by a hash of the
ground-truth file, its image (paths, sizes, times) and the cut's version;
an edited transcription or image is cut again. Every line is kept, so the
alphabet or the markup rules can change without cutting anew.
"""

from __future__ import annotations

import hashlib
import logging
import os
import pickle
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from textrecog.data.gttypes import GroundTruthError, GtLine, GtPage
from textrecog.data.linecut import cut_line

log = logging.getLogger(__name__)
CUT_VERSION = 1  # raise when cut_line changes what it produces


@dataclass(frozen=True)
class CutLine:
    """One ground-truth line cut from its page, ready for training or scoring."""

    png: bytes  # the grey crop, dark ink on light paper
    slope: float
    text: str  # as transcribed (markup and all)
    kind: str
    source: str  # the ground-truth file
    id: str

    def gray(self) -> np.ndarray:
        """The crop as a uint8 array."""
        return cv2.imdecode(np.frombuffer(self.png, np.uint8), cv2.IMREAD_GRAYSCALE)

    @property
    def line(self) -> GtLine:
        """The text and type as a GtLine (geometry not kept), for :func:`textrecog.data.transcripts.judge_line`."""
        return GtLine(self.text, (), (), (0, 0, 0, 0), self.kind, self.id)


def default_cache() -> Path:
    """The user's cache folder for cut lines."""
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "textrecog" / "gt-lines"


def _key(page: GtPage) -> str:
    parts = [str(CUT_VERSION)]
    for f in (page.source, page.image):
        st = f.stat()
        parts += [str(f.resolve()), str(st.st_size), str(st.st_mtime_ns)]
    return hashlib.sha1("\0".join(parts).encode()).hexdigest()


def cut_page(page: GtPage) -> list[CutLine]:
    """Every line of a page, cut with its polygon (GroundTruthError if the image cannot be read)."""
    from PIL import Image

    from textrecog.imaging.imageio import ImageError, load_gray

    try:
        gray = load_gray(page.image)
        with Image.open(page.image) as im:
            width = im.size[0]
    except (ImageError, OSError) as exc:
        raise GroundTruthError(f"{page.image}: {exc}") from None
    scale = gray.shape[1] / width  # the loader shrinks huge scans; the geometry follows
    out = []
    for line in page.lines:
        crop = cut_line(gray, _scaled(line, scale) if scale != 1 else line)
        if crop is None:
            continue
        ok, buf = cv2.imencode(".png", crop.gray)
        if ok:
            out.append(CutLine(buf.tobytes(), crop.slope, line.text, line.kind, str(page.source), line.id))
    return out


def _scaled(line: GtLine, k: float) -> GtLine:
    from dataclasses import replace

    pts = lambda ps: tuple((x * k, y * k) for x, y in ps)  # noqa: E731
    return replace(line, polygon=pts(line.polygon), baseline=pts(line.baseline),
                   box=tuple(int(round(v * k)) for v in line.box))


def cut_lines(pages: Sequence[GtPage], cache: Path | None = None, progress: bool = True
              ) -> tuple[list[CutLine], list[str]]:
    """All lines of ``pages``, from the cache where they were cut before; plus one error per failed page."""
    from tqdm import tqdm

    folder = cache or default_cache()
    folder.mkdir(parents=True, exist_ok=True)
    lines, errors = [], []
    for page in tqdm(pages, desc="cutting lines", unit="page", file=sys.stderr, disable=not progress or None,
                     mininterval=1.0):
        try:
            lines += _cached(page, folder)
        except (GroundTruthError, OSError) as exc:
            errors.append(str(exc))
    return lines, errors


def _cached(page: GtPage, folder: Path) -> list[CutLine]:
    path = folder / f"{_key(page)}.pkl"
    if path.is_file():
        try:
            with path.open("rb") as fh:
                return pickle.load(fh)
        except (pickle.UnpicklingError, EOFError, AttributeError):
            log.warning("%s: unreadable cache entry, cutting again", path)
    lines = cut_page(page)
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    with tmp.open("wb") as fh:
        pickle.dump(lines, fh, protocol=pickle.HIGHEST_PROTOCOL)
    tmp.replace(path)
    return lines
