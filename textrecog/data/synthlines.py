"""Synthetic lines from one writer's real ink, so lines, digits and punctuation are well represented.

Two kinds, both built from the pen strokes of a single segment file (one
writer session), never from fonts:

* that writer's words placed side by side with natural gaps, baselines aligned;
* digit strings, dates, prices, times and codes assembled from that
  writer's isolated characters (sections 1a–1d).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from textrecog.data.linedata import LineInk
from textrecog.data.render import stroke_unit

Strokes = tuple[np.ndarray, ...]
# Height of a character relative to a digit; where its bottom sits (1 = baseline, 0.5 = mid).
_SMALL = {c: 0.62 for c in "acemnorsuvwxz"}
_SIZE = {**_SMALL, **{c: 0.62 for c in "gpqy"}, ".": 0.12, ",": 0.25, "'": 0.3, '"': 0.3,
         "-": 0.08, "=": 0.3, "+": 0.5, "*": 0.4, ":": 0.55, ";": 0.65}
_BOTTOM = {"g": 1.3, "p": 1.3, "q": 1.3, "y": 1.3, "j": 1.3, ",": 1.12, "'": 0.35, '"': 0.35,
           "-": 0.55, "=": 0.65, "+": 0.75, "*": 0.45, ";": 1.12}


def _frame(strokes: Strokes) -> tuple[np.ndarray, np.ndarray]:
    pts = np.concatenate(strokes)
    return pts.min(axis=0), pts.max(axis=0)


def place(strokes: Strokes, height: float, x: float, bottom: float) -> tuple[Strokes, float]:
    """Scale ink to ``height`` tall with its bottom at ``bottom`` and its left at ``x``; returns it and its right."""
    lo, hi = _frame(strokes)
    scale = height / max(hi[1] - lo[1], 1e-6)
    width = (hi[0] - lo[0]) * scale
    if width > 3 * height:  # a stray long stroke: keep the character's proportions sane
        scale *= 3 * height / width
        width = 3 * height
    moved = tuple(((s - lo) * scale + (x, bottom - (hi[1] - lo[1]) * scale)).astype(np.float32) for s in strokes)
    return moved, x + width


def word_line(words: Sequence[LineInk], rng: np.random.Generator, letter_gap: float = 0.0) -> tuple[Strokes, str]:
    """One writer's words side by side, at their shared scale, bottoms of their main bodies aligned.

    ``letter_gap`` > 0 spaces each word's letters out by that many stroke heights; the words are then
    set at least twice as far apart, as people do who write that way.
    """
    unit = float(np.median([stroke_unit(w.strokes) for w in words]))
    out: list[np.ndarray] = []
    x = 0.0
    for w in words:
        strokes = spaced_word(w.strokes, letter_gap * unit, rng) if letter_gap > 0 else w.strokes
        lo, hi = _frame(strokes)
        base = float(np.median([s[:, 1].max() for s in strokes]))  # descenders pull less than the max
        out += [(s - (lo[0], base)) + (x, 0.0) for s in strokes]
        x += (hi[0] - lo[0]) + unit * max(rng.uniform(0.5, 1.3), 2.0 * letter_gap * rng.uniform(1.0, 1.3))
    return tuple(o.astype(np.float32) for o in out), " ".join(w.text for w in words)


def letter_groups(strokes: Strokes) -> list[list[int]]:
    """Stroke indices of the ink's pieces left to right: strokes whose x-ranges overlap are one piece.

    A letter's dot, bar or accent overlaps its stem, so it stays with its letter.
    """
    spans = sorted((float(s[:, 0].min()), float(s[:, 0].max()), i) for i, s in enumerate(strokes))
    groups: list[list] = []
    for left, right, i in spans:
        if groups and left <= groups[-1][0]:
            groups[-1][0] = max(groups[-1][0], right)
            groups[-1][1].append(i)
        else:
            groups.append([right, [i]])
    return [g[1] for g in groups]


def spaced_word(strokes: Strokes, gap: float, rng: np.random.Generator) -> Strokes:
    """The word with its pieces set about ``gap`` apart (±15%): letters spaced out evenly, as on forms."""
    out = list(strokes)
    shift, right = 0.0, None
    for group in letter_groups(strokes):
        left = min(float(strokes[i][:, 0].min()) for i in group)
        if right is not None:
            shift += gap * rng.uniform(0.85, 1.15) - (left - right)
        for i in group:
            out[i] = (strokes[i] + (shift, 0.0)).astype(np.float32)
        right = max(float(strokes[i][:, 0].max()) for i in group)
    return tuple(out)


def _digits(rng: np.random.Generator, n: int) -> str:
    return "".join(str(d) for d in rng.integers(0, 10, n))


def number_text(rng: np.random.Generator, have: set[str]) -> str:
    """A date, price, time, phone number, code or plain number, using characters the writer has."""
    d = lambda n: _digits(rng, n)  # noqa: E731
    upper = [c for c in "ABCDEFGHJKLMNPRSTUVWXYZ" if c in have] or ["A"]
    forms = [
        lambda: f"{rng.integers(1, 32)}/{rng.integers(1, 13)}/{rng.choice(['19', '20'])}{d(2)}",
        lambda: f"{rng.integers(1, 29):02d}.{rng.integers(1, 13):02d}.{d(4)}",
        lambda: f"{d(4)}-{rng.integers(1, 13):02d}-{rng.integers(1, 29):02d}",
        lambda: f"${rng.integers(1, 999)}.{d(2)}",
        lambda: f"{rng.integers(1, 99)},{d(3)}",
        lambda: f"{rng.integers(0, 24)}:{rng.integers(0, 60):02d}",
        lambda: f"({d(3)}) {d(3)}-{d(4)}",
        lambda: f"{''.join(rng.choice(upper, 2))}-{d(rng.integers(2, 5))}",
        lambda: f"#{d(rng.integers(1, 4))}",
        lambda: f"{rng.integers(1, 100)}%",
        lambda: f"{d(1)}+{d(1)}={d(rng.integers(1, 3))}",
        lambda: d(int(rng.integers(1, 9))),
        lambda: f"{d(1)}.{d(rng.integers(1, 4))}",
        lambda: f"{rng.integers(1, 999)} {''.join(rng.choice(upper, rng.integers(1, 4)))}",
    ]
    for _ in range(8):
        text = forms[int(rng.integers(len(forms)))]()
        if set(text) - {" "} <= have:
            return text
    return d(int(rng.integers(2, 7)))


def char_line(chars: dict[str, list[Strokes]], text: str, rng: np.random.Generator,
              height: float = 100.0, gap: tuple[float, float] = (0.1, 0.35)) -> Strokes:
    """Ink of ``text`` assembled from one writer's isolated characters, ``gap`` (a range, in character
    heights) between letters."""
    out: list[np.ndarray] = []
    x = 0.0
    for ch in text:
        if ch == " ":
            x += height * rng.uniform(0.35, 0.7)
            continue
        glyph = chars[ch][int(rng.integers(len(chars[ch])))]
        size = _SIZE.get(ch, 1.0) * height * rng.uniform(0.9, 1.1)
        bottom = _BOTTOM.get(ch, 1.0) * height + rng.normal(0, 0.03 * height)
        placed, right = place(glyph, size, x, bottom)
        out += placed
        x = right + height * rng.uniform(*gap)
    return tuple(out)
