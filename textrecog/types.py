"""Frozen result types shared by every stage (no bare tuples cross modules)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

# writing directions: left-to-right lines, or top-to-bottom columns read right to left
DIRECTIONS = ("ltr", "ttb")


@dataclass(frozen=True)
class Box:
    """Axis-aligned box in image pixels: left, top, width, height."""

    x: int
    y: int
    w: int
    h: int

    @property
    def right(self) -> int:
        return self.x + self.w

    @property
    def bottom(self) -> int:
        return self.y + self.h

    @property
    def area(self) -> int:
        return self.w * self.h

    def contains(self, other: Box) -> bool:
        """True if ``other`` lies entirely inside this box."""
        return (self.x <= other.x and self.y <= other.y
                and other.right <= self.right and other.bottom <= self.bottom)

    def to_dict(self) -> dict:
        """{"x", "y", "w", "h"} (faster than dataclasses.asdict, which deep-copies)."""
        return {"x": self.x, "y": self.y, "w": self.w, "h": self.h}

    def union(self, other: Box) -> Box:
        """Smallest box covering both."""
        return bounding_box((self, other))


def bounding_box(boxes: Iterable[Box]) -> Box:
    """Smallest box covering all of ``boxes`` (at least one)."""
    it = iter(boxes)
    first = next(it)
    x0, y0, x1, y1 = first.x, first.y, first.x + first.w, first.y + first.h
    for b in it:  # plain comparisons: min()/max() cost twice as much on this hot path
        if b.x < x0:
            x0 = b.x
        if b.y < y0:
            y0 = b.y
        if b.x + b.w > x1:
            x1 = b.x + b.w
        if b.y + b.h > y1:
            y1 = b.y + b.h
    return Box(x0, y0, x1 - x0, y1 - y0)


@dataclass(frozen=True)
class Alternative:
    """One candidate class with its probability."""

    char: str
    prob: float


@dataclass(frozen=True)
class Prediction:
    """Classifier output for one crop: best class first, then the top-k."""

    char: str
    confidence: float
    alternatives: tuple[Alternative, ...]


@dataclass(frozen=True)
class Geometry:
    """A character's size and position relative to its line (units: line height)."""

    rel_height: float  # box height / line's median character height
    baseline_offset: float  # (line baseline - box bottom) / line height; >0 = above


@dataclass(frozen=True)
class Char:
    """A recognised character."""

    box: Box
    text: str
    confidence: float
    alternatives: tuple[Alternative, ...]
    geometry: Geometry


@dataclass(frozen=True)
class Reading:
    """One reading of a word with its probability (the N-best hypotheses that read it so)."""

    text: str
    prob: float


@dataclass(frozen=True)
class Word:
    """Characters between two word spaces."""

    box: Box
    chars: tuple[Char, ...]
    readings: tuple[Reading, ...] = ()  # best first; from the language-model decoder
    calibrated: float | None = None  # probability the word is read right (calibrated on validation sites)
    flagged: bool = False  # below the --flag-below threshold: worth a human look

    @property
    def text(self) -> str:
        return "".join(c.text for c in self.chars)

    @property
    def confidence(self) -> float:
        """The calibrated confidence where the decoder gives one, else the characters' mean."""
        if self.calibrated is not None:
            return self.calibrated
        return _mean(c.confidence for c in self.chars)


@dataclass(frozen=True)
class Point:
    """A point in image pixels."""

    x: float
    y: float


@dataclass(frozen=True)
class Line:
    """One text line, top to bottom order in its page."""

    box: Box
    words: tuple[Word, ...]
    baseline: float  # y of the baseline in image pixels (median bottom of the line's letters)
    calibrated: float | None = None  # probability the whole line is read right
    # the baseline as written, left to right: it follows a sloping or gently curving line (empty: flat)
    baseline_path: tuple[Point, ...] = ()

    @property
    def text(self) -> str:
        return " ".join(w.text for w in self.words)

    @property
    def confidence(self) -> float:
        """The calibrated confidence where the decoder gives one, else the characters' mean."""
        if self.calibrated is not None:
            return self.calibrated
        return _mean(c.confidence for w in self.words for c in w.chars)


@dataclass(frozen=True)
class Result:
    """Everything recognised in one image."""

    lines: tuple[Line, ...]
    width: int
    height: int
    model: str
    direction: str = "ltr"  # "ttb": lines are columns read top to bottom, right to left

    @property
    def text(self) -> str:
        return "\n".join(line.text for line in self.lines)

    def to_dict(self) -> dict:
        """JSON-ready nested dict: lines → words → chars, with text at each level."""
        return {
            "text": self.text,
            "width": self.width,
            "height": self.height,
            "model": self.model,
            "direction": self.direction,
            "lines": [
                {"text": ln.text, "box": ln.box.to_dict(), "baseline": round(ln.baseline, 1),
                 "baseline_path": [[round(p.x, 1), round(p.y, 1)] for p in ln.baseline_path],
                 "confidence": round(ln.confidence, 4),
                 "words": [_word_dict(w) for w in ln.words]}
                for ln in self.lines
            ],
        }


def _mean(values: Iterable[float]) -> float:
    total = count = 0
    for v in values:
        total += v
        count += 1
    return total / count if count else 0.0


def _word_dict(w: Word) -> dict:
    out = {"text": w.text, "box": w.box.to_dict(), "confidence": round(w.confidence, 4)}
    if w.readings:
        out["alternatives"] = [{"text": r.text, "prob": round(r.prob, 4)} for r in w.readings]
    if w.flagged:
        out["flagged"] = True
    out["chars"] = [_char_dict(c) for c in w.chars]
    return out


def _char_dict(c: Char) -> dict:
    return {"text": c.text, "box": c.box.to_dict(), "confidence": round(c.confidence, 4),
            "alternatives": [{"char": a.char, "prob": round(a.prob, 4)} for a in c.alternatives],
            "geometry": {"rel_height": round(c.geometry.rel_height, 3),
                         "baseline_offset": round(c.geometry.baseline_offset, 3)}}
