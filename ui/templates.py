"""Block-capital stroke templates: simulated writing for tests, benchmarks and screenshots."""

from __future__ import annotations

# Each letter is a list of pen strokes through (x, y) points, 36×60 units, y down.
LETTERS: dict[str, list[list[tuple[float, float]]]] = {
    "T": [[(0, 0), (40, 0)], [(20, 0), (20, 60)]],
    "H": [[(0, 0), (0, 60)], [(36, 0), (36, 60)], [(0, 30), (36, 30)]],
    "E": [[(0, 0), (0, 60), (34, 60)], [(0, 0), (34, 0)], [(0, 30), (28, 30)]],
    "A": [[(0, 60), (18, 0), (36, 60)], [(8, 36), (28, 36)]],
    "X": [[(0, 0), (36, 60)], [(36, 0), (0, 60)]],
    "L": [[(0, 0), (0, 60), (34, 60)]],
}


def letter_strokes(ch: str, x0: float, y0: float, steps: int = 10) -> list[list[tuple[float, float, float]]]:
    """The strokes of letter ``ch`` placed at (x0, y0), densified, pressure 0.5."""
    out = []
    for stroke in LETTERS[ch]:
        pts = []
        for (xa, ya), (xb, yb) in zip(stroke, stroke[1:]):
            pts += [(x0 + xa + (xb - xa) * t / steps, y0 + ya + (yb - ya) * t / steps, 0.5)
                    for t in range(steps + 1)]
        out.append(pts)
    return out
