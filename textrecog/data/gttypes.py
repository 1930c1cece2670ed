"""Types of line ground truth: a page, its lines, the error a reader raises, and the helpers readers share."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".tif", ".tiff", ".bmp", ".webp", ".jp2")

Point = tuple[float, float]


class GroundTruthError(Exception):
    """A ground-truth file that cannot be read; the message names the file."""


@dataclass(frozen=True)
class GtLine:
    """One transcribed text line of a page, in the image's pixels."""

    text: str
    polygon: tuple[Point, ...]  # the line's outline; empty: use ``box``
    baseline: tuple[Point, ...]  # left to right; may be empty
    box: tuple[int, int, int, int]  # x, y, w, h
    kind: str = ""  # the line type the file gives ("default", "DefaultLine:Handwritten", ...)
    id: str = ""


@dataclass(frozen=True)
class GtPage:
    """A page image and its transcribed lines, from one ground-truth file."""

    source: Path  # the ALTO/PAGE file, or the .gt.txt
    image: Path
    lines: tuple[GtLine, ...]
    size: tuple[int, int] = (0, 0)  # width, height declared by the file (0: not given)


@dataclass(frozen=True)
class GtRead:
    """What reading a list of paths gave: pages, and one error per file that failed."""

    pages: tuple[GtPage, ...]
    errors: tuple[str, ...]

    @property
    def lines(self) -> int:
        """Lines on all pages."""
        return sum(len(p.lines) for p in self.pages)


def box_of(points: Sequence[Point]) -> tuple[int, int, int, int]:
    """The integer box (x, y, w, h) around some points."""
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    x0, y0 = int(min(xs)), int(min(ys))
    return x0, y0, max(1, int(round(max(xs))) - x0), max(1, int(round(max(ys))) - y0)


def parse_points(text: str) -> tuple[Point, ...]:
    """Points from "x y x y ..." (ALTO) or "x,y x,y ..." (PAGE); a malformed list raises ValueError."""
    values = [float(v) for v in text.replace(",", " ").split()]
    if len(values) % 2:
        raise ValueError(f"odd number of coordinates in {text[:40]!r}")
    return tuple(zip(values[0::2], values[1::2]))


def find_image(source: Path, named: str | None) -> Path:
    """The page image a ground-truth file names (relative to the file's folder), else one beside it with the
    file's stem; GroundTruthError if there is none."""
    candidates = []
    if named:
        p = Path(named.replace("\\", "/"))
        candidates += [p] if p.is_absolute() else [source.parent / p]
        candidates.append(source.parent / p.name)  # an absolute or foreign path from another machine
    stem = gt_stem(source)
    candidates += [source.parent / f"{stem}{s}" for s in IMAGE_SUFFIXES + tuple(x.upper() for x in IMAGE_SUFFIXES)]
    for c in candidates:
        if c.is_file():
            return c
    raise GroundTruthError(f"{source}: page image {named or stem + '.*'} not found")


def gt_stem(source: Path) -> str:
    """A ground-truth file's name without its format suffix (.xml, .alto.xml, .page.xml, .gt.txt)."""
    name = source.name
    for suffix in (".gt.txt", ".alto.xml", ".page.xml", ".xml"):
        if name.lower().endswith(suffix):
            return name[: -len(suffix)]
    return source.stem


def local_name(elem) -> str:
    """An element's tag without its namespace ("" for comments and processing instructions)."""
    tag = elem.tag
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def children(elem, name: str) -> list:
    """The direct children with this local name, in any namespace."""
    return [c for c in elem if local_name(c) == name]


def descendants(elem, name: str) -> list:
    """Every element below with this local name, in any namespace."""
    return [e for e in elem.iter() if local_name(e) == name]
