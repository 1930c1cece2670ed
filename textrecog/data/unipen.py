"""Reader for UNIPEN train_r01_v07 online handwriting (directory or .tar.xz).

Implements the traps listed in ``shared/data/README.md``: components are the
non-empty ``.PEN_DOWN`` *and* ``.PEN_UP`` blocks numbered in file order
(``.START_SET`` resets the count), ranges may be point-level (``A:M-B:N``),
y points up, pressure <= 0 inside a pen-down block is a pen lift, labels use
``\\"`` escapes and site ``kai`` marks joins with ``@``.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import shutil
import tarfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

log = logging.getLogger(__name__)

SECTIONS = ("1a", "1b", "1c", "1d", "2", "3", "6", "7", "8")
_DIRECTIVE = re.compile(r"^\.([A-Z_]+)[ \t]*(.*)$", re.M)
_SEGMENT = re.compile(r'^(\S+)\s+(\S+)(?:\s+(\S+))?\s+"((?:[^"\\]|\\.)*)"')


@dataclass(frozen=True)
class InkSample:
    """One labelled segment: pen-down strokes in image coordinates (y down)."""

    label: str
    strokes: tuple[np.ndarray, ...]  # each (N, 2) float32, x right, y down
    site: str
    session: str  # segment file relative to data/, one writer session
    section: str
    kind: str  # CHARACTER, WORD, TEXT, ...
    quality: str


@dataclass(frozen=True)
class _Component:
    points: np.ndarray  # (N, ncols) float32 as stored (y up)
    pen_down: bool


@dataclass(frozen=True)
class _PenFile:
    sets: tuple[tuple[_Component, ...], ...]  # components per .START_SET
    pressure_col: int | None


def unescape_label(raw: str, site: str) -> str:
    """Undo ``\\"``/``\\\\`` escapes and trailing tabs; drop kai's join marks."""
    label = re.sub(r"\\(.)", r"\1", raw).rstrip("\t")
    if site == "kai":
        label = label.replace("@", "")
    return label


def parse_range(spec: str) -> list[tuple[int, int | None, int, int | None]]:
    """Parse ``A-B``, ``A`` and ``A:M-B:N`` parts into (a, m, b, n) tuples."""
    parts = []
    for part in spec.split(","):
        part = part.strip()
        if not part:
            continue
        lo, _, hi = part.partition("-")
        hi = hi or lo
        a, _, m = lo.partition(":")
        b, _, n = hi.partition(":")
        parts.append((int(a), int(m) if m else None, int(b), int(n) if n else None))
    return parts


def _coord_columns(text: str) -> list[str] | None:
    """Column names of the last ``.COORD`` directive in ``text``, if any."""
    found = re.findall(r"^\.COORD[ \t]+(.*)$", text, re.M)
    return found[-1].split() if found else None


def parse_pen_text(text: str, columns: list[str] | None) -> _PenFile:
    """Split pen data into components, grouped by ``.START_SET``."""
    columns = _coord_columns(text) or columns or ["X", "Y"]
    pcol = columns.index("P") if "P" in columns else None
    sets: list[list[_Component]] = [[]]
    marks = list(_DIRECTIVE.finditer(text))
    for i, mark in enumerate(marks):
        name = mark.group(1)
        if name == "START_SET":
            sets.append([])
            continue
        if name not in ("PEN_DOWN", "PEN_UP"):
            continue
        end = marks[i + 1].start() if i + 1 < len(marks) else len(text)
        body = text[mark.end() : end]
        values = np.array(body.split(), dtype=np.float32)
        ncol = len(columns)
        if values.size < ncol:
            continue  # empty blocks are not counted
        values = values[: values.size // ncol * ncol].reshape(-1, ncol)
        sets[-1].append(_Component(values, name == "PEN_DOWN"))
    return _PenFile(tuple(tuple(s) for s in sets if s), pcol)


def _split_on_lifts(points: np.ndarray, pcol: int | None) -> list[np.ndarray]:
    """Cut a pen-down block where pressure drops to zero (site atu)."""
    if pcol is None or pcol >= points.shape[1]:
        return [points]
    down = points[:, pcol] > 0
    if down.all():
        return [points]
    pieces, start = [], None
    for i, d in enumerate(down):
        if d and start is None:
            start = i
        elif not d and start is not None:
            pieces.append(points[start:i])
            start = None
    if start is not None:
        pieces.append(points[start:])
    return pieces


def select_ink(pen: tuple[_Component, ...], spec: str, pcol: int | None) -> list[np.ndarray]:
    """Return the pen-down strokes (x, y as stored) that a range selects."""
    strokes: list[np.ndarray] = []
    for a, m, b, n in parse_range(spec):
        if b < a or b >= len(pen):
            raise ValueError(f"range {spec!r} outside {len(pen)} components")
        for c in range(a, b + 1):
            comp = pen[c]
            lo = m if (c == a and m is not None) else 0
            hi = n + 1 if (c == b and n is not None) else len(comp.points)
            if not comp.pen_down:
                continue
            for piece in _split_on_lifts(comp.points[lo:hi], pcol):
                if len(piece):
                    strokes.append(piece[:, :2])
    return strokes


def flip_y(strokes: Iterable[np.ndarray]) -> tuple[np.ndarray, ...]:
    """Convert y-up tablet coordinates to y-down image coordinates."""
    strokes = [np.asarray(s, dtype=np.float32) for s in strokes]
    if not strokes:
        return ()
    top = max(float(s[:, 1].max()) for s in strokes)
    return tuple(np.column_stack([s[:, 0], top - s[:, 1]]) for s in strokes)


def _cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "textrecog"


UNIPEN_LAYOUT = ("--unipen takes the UNIPEN train_r01_v07 archive (.tar.xz) or the folder it unpacks to, "
                 "which holds data/ (the pen strokes) and include/ (the lexicons); for your own scanned "
                 "lines use --gt (ALTO, PAGE-XML or images with .gt.txt)")


def find_root(path: str | os.PathLike) -> Path:
    """Locate the UNIPEN root (holding ``data/`` and ``include/``) under ``path``.

    A ``.tar.xz`` archive is unpacked once into the user cache directory
    (``$XDG_CACHE_HOME/textrecog``), since its members need random access.
    """
    path = Path(path)
    if path.is_file():
        digest = hashlib.sha1(f"{path.resolve()}:{path.stat().st_size}".encode()).hexdigest()[:12]
        target = _cache_dir() / f"unipen-{digest}"
        if not (target / ".complete").exists():
            log.info("unpacking %s into %s (once)", path, target)
            target.mkdir(parents=True, exist_ok=True)
            try:
                with tarfile.open(path) as tar:
                    tar.extractall(target, filter="data")
            except tarfile.TarError as exc:
                shutil.rmtree(target, ignore_errors=True)
                raise FileNotFoundError(f"{path}: not a UNIPEN archive ({exc}); {UNIPEN_LAYOUT}") from None
            (target / ".complete").touch()
        path = target
    for cand in [path, *sorted(p for p in path.iterdir() if p.is_dir())] if path.is_dir() else []:
        if (cand / "data").is_dir() and (cand / "include").is_dir():
            return cand
    raise FileNotFoundError(f"{path}: no UNIPEN data/ and include/ folders found; {UNIPEN_LAYOUT}")


class UnipenCorpus:
    """Iterate labelled ink samples of a UNIPEN train_r01_v07 copy."""

    def __init__(self, path: str | os.PathLike):
        self.root = find_root(path)
        self._pen_cache: dict[str, _PenFile] = {}

    def segment_files(self, section: str) -> list[Path]:
        """All segment files of one section, sorted for reproducibility."""
        return sorted((self.root / "data" / section).rglob("*.dat"))

    def _resolve(self, seg_text: str) -> tuple[tuple[_Component, ...], int | None]:
        """Load the components that a segment file's .INCLUDE lines bring in."""
        columns: list[str] | None = None
        comps: list[_Component] = []
        pcol = None
        for inc in re.findall(r"^\.INCLUDE[ \t]+(\S+)", seg_text, re.M):
            text = self._read_include(inc)
            columns = _coord_columns(text) or columns
            if "PEN_DOWN" not in text and "PEN_UP" not in text:
                continue
            key = inc
            if key not in self._pen_cache:
                if len(self._pen_cache) > 64:
                    self._pen_cache.clear()
                self._pen_cache[key] = parse_pen_text(text, columns)
            pen = self._pen_cache[key]
            pcol = pen.pressure_col
            if pen.sets:
                comps = list(pen.sets[-1]) if len(pen.sets) > 1 else comps + list(pen.sets[0])
        return tuple(comps), pcol

    def _read_include(self, name: str) -> str:
        path = self.root / "include" / name
        text = path.read_text(encoding="latin-1")
        # pen files may include their own settings (.doc); inline them first
        for inc in re.findall(r"^\.INCLUDE[ \t]+(\S+)", text, re.M):
            inc_path = self.root / "include" / inc
            if inc_path != path and inc_path.is_file() and inc_path.suffix == ".doc":
                text = inc_path.read_text(encoding="latin-1") + "\n" + text
        return text

    def iter_file(self, path: Path, section: str, kinds: set[str] | None = None) -> Iterator[InkSample]:
        """Samples of one segment file; bad segments are logged and skipped."""
        rel = path.relative_to(self.root / "data")
        site = rel.parts[1]
        seg_text = path.read_text(encoding="latin-1")
        try:
            comps, pcol = self._resolve(seg_text)
        except OSError as exc:  # a few segment files name pen files this copy lacks
            log.warning("%s: skipped (%s)", rel, exc.strerror or exc)
            return
        for m in re.finditer(r"^\.SEGMENT[ \t]+(.*)$", seg_text, re.M):
            sm = _SEGMENT.match(m.group(1))
            if not sm:
                continue
            kind, rng, quality, raw = sm.groups()
            if kinds and kind not in kinds:
                continue
            try:
                strokes = select_ink(comps, rng, pcol)
            except (ValueError, IndexError) as exc:
                log.debug("%s: %s", rel, exc)
                continue
            if not strokes:
                continue
            yield InkSample(unescape_label(raw, site), flip_y(strokes), site, str(rel),
                            section, kind, quality or "?")

    def iter_samples(self, sections: Iterable[str], kinds: set[str] | None = None) -> Iterator[InkSample]:
        """All samples of the given sections, in a stable order."""
        for section in sections:
            if section not in SECTIONS:
                raise ValueError(f"unknown UNIPEN section {section!r}; expected one of {SECTIONS}")
            for path in self.segment_files(section):
                yield from self.iter_file(path, section, kinds)

    def iter_labels(self, sections: Iterable[str], kinds: set[str]) -> Iterator[tuple[str, str]]:
        """(site, label) of every segment of ``kinds`` in ``sections``, without reading any ink."""
        for section in sections:
            for path in self.segment_files(section):
                site = path.relative_to(self.root / "data").parts[1]
                for m in re.finditer(r"^\.SEGMENT[ \t]+(.*)$", path.read_text(encoding="latin-1"), re.M):
                    sm = _SEGMENT.match(m.group(1))
                    if sm and sm.group(1) in kinds:
                        yield site, unescape_label(sm.group(4), site)
