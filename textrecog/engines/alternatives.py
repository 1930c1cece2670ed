"""A character's alternatives: the top classes by probability, the one chosen always among them."""

from __future__ import annotations

import numpy as np

from textrecog.types import Alternative


def ranked_alternatives(row: np.ndarray, labels: tuple[str, ...], chosen: int, top_k: int) -> tuple[Alternative, ...]:
    """The ``top_k`` most probable classes, best first; ``chosen`` replaces the last if it is not among them.

    The language model may pick a class the frames rank lower: it stays listed
    (a window's menu shows what was read), yet the order is always by probability.
    """
    return alternatives_of_rows(row[None], labels, [chosen], top_k)[0]


def alternatives_of_rows(rows: np.ndarray, labels: tuple[str, ...], chosen: list[int],
                         top_k: int) -> list[tuple[Alternative, ...]]:
    """:func:`ranked_alternatives` of each row (one sort for all of them)."""
    tops = np.argsort(-rows, axis=1, kind="stable")[:, : max(1, top_k)].tolist()
    out = []
    for row, order, pick in zip(rows.tolist(), tops, chosen):
        if pick not in order:
            order[-1] = pick
        order.sort(key=lambda k: -row[k])
        out.append(tuple(Alternative(labels[k], row[k]) for k in order))
    return out
