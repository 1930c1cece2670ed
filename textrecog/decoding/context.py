"""Context decoding: use line geometry and word context to settle what a
character classifier cannot see in one size-normalised crop.

* **Case by size.** A glyph as short as the line's x-height is read in
  lower case (capitals are always tall); a tall glyph is never a short
  lower-case letter (a c e m n o r s u v w x z), so o/O, s/S, m/M, n/N,
  x/X ... become upper case.
  Heights are compared with the line's x-height and capital height.
* **Digits among digits.** In a word that is mostly digits, a glyph that
  could be a digit is read as one (0 not O, 1 not l); in a word that is
  mostly letters, the reverse.

Works on probability rows, so the top-k alternatives stay meaningful.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from statistics import median

import numpy as np

from textrecog.segmentation.segment import LineSeg

SHORT_SHAPES = set("acemnorsuvwxz")  # lower-case letters without ascender or descender
WORD_SHARE = 0.6  # a word is "mostly digits" (or letters) from this share of its glyphs
MIN_SPLIT = 1.25  # capital height must exceed x-height by this ratio to be trusted


def size_levels(heights: Sequence[float]) -> tuple[float, float] | None:
    """(x-height, capital height) of a line by 1-D 2-means, or None if one size only."""
    h = sorted(float(v) for v in heights)
    n = len(h)
    if n < 2:
        return None
    # within-cluster sum of squares for every split point, from prefix sums
    # (plain Python: a line has a few dozen glyphs, too few for numpy to pay off)
    s1, s2 = [0.0], [0.0]
    for v in h:
        s1.append(s1[-1] + v)
        s2.append(s2[-1] + v * v)
    best, split = float("inf"), 1
    for k in range(1, n):
        ss = (s2[k] - s1[k] ** 2 / k) + (s2[n] - s2[k]) - (s1[n] - s1[k]) ** 2 / (n - k)
        if ss < best:
            best, split = ss, k
    x_h, cap_h = median(h[:split]), median(h[split:])
    return None if cap_h < MIN_SPLIT * x_h else (x_h, cap_h)


@lru_cache(maxsize=8)
def _case_pairs(labels: tuple[str, ...]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Indices (lower, upper) of letters present in both cases, and which lower
    ones are short shapes."""
    index = {c: i for i, c in enumerate(labels)}
    lower = [c for c in labels if c.islower() and c.upper() in index]
    return (np.array([index[c] for c in lower], dtype=int),
            np.array([index[c.upper()] for c in lower], dtype=int),
            np.array([c in SHORT_SHAPES for c in lower], dtype=bool))


def tall_rows(heights: Sequence[float]) -> list[bool] | None:
    """Which glyphs of a line are capital-tall, or None if the line shows one size only."""
    levels = size_levels(heights)
    if levels is None:
        return None
    x_h, cap_h = levels
    return [(h - x_h) / (cap_h - x_h) > 0.5 for h in heights]


def apply_case(probs: np.ndarray, heights: Sequence[float], labels: Sequence[str]) -> np.ndarray:
    """Move probability between the two cases of letters by glyph height."""
    tall = tall_rows(heights)
    if tall is None:
        return probs
    return _shift_case(probs, np.array(tall, bool), np.array([not t for t in tall], bool), labels)


def _shift_case(probs: np.ndarray, tall: np.ndarray, short: np.ndarray, labels: Sequence[str]) -> np.ndarray:
    """Short rows read lower case; tall rows never read as a short lower-case shape."""
    lower, upper, short_shape = _case_pairs(tuple(labels))
    out = probs.copy()
    # capitals are never x-height: in a short glyph every letter is lower case
    rows = out[short]
    rows[:, lower] += rows[:, upper]
    rows[:, upper] = 0.0
    out[short] = rows
    # tall, yet lower case would be short (o, s, x, m ...): upper case
    lo, up = lower[short_shape], upper[short_shape]
    rows = out[tall]
    rows[:, up] += rows[:, lo]
    rows[:, lo] = 0.0
    out[tall] = rows
    return out


def apply_word_class(probs: np.ndarray, labels: Sequence[str], threshold: float = WORD_SHARE,
                     words: Sequence[tuple[int, int]] | None = None) -> np.ndarray:
    """In a word of 2+ glyphs that is mostly digits (or letters), prefer that class.

    ``words`` are (start, end) row ranges, one per word; by default all rows form one word.
    """
    is_digit, is_letter = _kinds(tuple(labels))
    top = probs.argmax(axis=1)
    digit, letter = is_digit[top].tolist(), is_letter[top].tolist()
    rows = {"digit": np.zeros(len(probs), bool), "letter": np.zeros(len(probs), bool)}
    for start, end in words if words is not None else [(0, len(probs))]:
        kind = _word_kind(digit[start:end], letter[start:end], threshold)
        if kind:
            rows[kind][start:end] = True
    out = probs.copy()
    # all words of one kind in one pass
    for kind, keep in (("digit", is_digit), ("letter", is_letter)):
        if rows[kind].any():
            out[rows[kind]] = _prefer(out[rows[kind]], keep)
    return out


def _word_kind(digit: list[bool], letter: list[bool], threshold: float) -> str | None:
    """"digit" or "letter" if that share of a word's (2+) glyphs reads as one, else None."""
    n = len(digit)
    if n < 2:
        return None
    if sum(digit) >= threshold * n:
        return "digit"
    return "letter" if sum(letter) >= threshold * n else None


def _prefer(probs: np.ndarray, keep: np.ndarray) -> np.ndarray:
    """Scale down the classes outside ``keep`` in rows that give ``keep`` some weight."""
    out = probs.copy()
    # only glyphs that are plausibly of the word's kind are pulled over
    pull = out[:, keep].sum(axis=1) >= 0.05
    out[np.ix_(pull, ~keep)] *= 0.05
    out[pull] /= out[pull].sum(axis=1, keepdims=True)
    return out


@lru_cache(maxsize=8)
def _kinds(labels: tuple[str, ...]) -> tuple[np.ndarray, np.ndarray]:
    """Which classes are digits and which are letters."""
    return np.array([c.isdigit() for c in labels]), np.array([c.isalpha() for c in labels])


def decode_line(line: LineSeg, probs: np.ndarray, labels: Sequence[str]) -> np.ndarray:
    """Contextual probabilities for one line's glyphs (rows in glyph order)."""
    return decode([line], probs, labels)


def decode(lines: Sequence[LineSeg], probs: np.ndarray, labels: Sequence[str]) -> np.ndarray:
    """Contextual probabilities for a page's glyphs (rows in reading order, line by line).

    Case by size is settled per line, word class per word; the probability
    rows of the whole page are then changed in a few array operations.
    """
    out = np.asarray(probs, dtype=np.float32)
    tall, short, words = [], [], []
    start = 0
    for line in lines:
        n = len(line.glyphs)
        rows = tall_rows([g.box.h for g in line.glyphs])
        tall += rows or [False] * n
        short += [not t for t in rows] if rows else [False] * n
        ends = [start + i + 1 for i, space in enumerate(line.spaces) if space] + [start + n]
        words += zip([start, *ends[:-1]], ends)
        start += n
    if not len(out):
        return out.copy()
    out = _shift_case(out, np.array(tall, bool), np.array(short, bool), labels)
    return apply_word_class(out, labels, words=words)
