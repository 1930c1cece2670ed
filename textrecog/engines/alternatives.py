"""A character's alternatives: the top classes by probability, the one chosen always among them."""

from __future__ import annotations

import numpy as np

from textrecog.types import Alternative


def ranked_alternatives(row: np.ndarray, labels: tuple[str, ...], chosen: int, top_k: int) -> tuple[Alternative, ...]:
    """The ``top_k`` most probable classes, best first; ``chosen`` replaces the last if it is not among them.

    The language model may pick a class the frames rank lower: it stays listed
    (a window's menu shows what was read), yet the order is always by probability.
    """
    order = [int(k) for k in np.argsort(-row, kind="stable")[: max(1, top_k)]]
    if chosen not in order:
        order[-1] = chosen
    order.sort(key=lambda k: -float(row[k]))
    return tuple(Alternative(labels[k], float(row[k])) for k in order)
