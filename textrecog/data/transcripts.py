"""Which ground-truth lines a model may learn from, and their texts made plain.

Transcriptions of the CATMuS / CREMMA conventions carry markup for what
the ink does not show as written: ``>crossed out<``, ``[supplied]``,
``⟦deleted⟧``, ``_`` for a gap, ``{...}``. A line holding any of it is
left out: a model must never learn to write marks it cannot see. A ``^``
before a superscript is dropped (the raised letters are in the ink).
Printed, typewritten and signature lines (line types) are not handwriting.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from textrecog.data.gttypes import GtLine

MARKUP = frozenset("<>[]⟦⟧_{}")
NOT_HANDWRITING = re.compile(r"print|typewrit|signature", re.IGNORECASE)
SPACES = str.maketrans({"\u00a0": " ", "\u202f": " ", "\u2009": " ", "\t": " "})


@dataclass(frozen=True)
class Verdict:
    """A line's plain text, or why it is left out (``text`` is None then)."""

    text: str | None
    reason: str = ""


def plain_text(text: str) -> str:
    """Spaces of every kind as one space, superscript marks dropped."""
    return " ".join(text.translate(SPACES).replace("^", "").split())


def judge_line(line: GtLine, alphabet: str) -> Verdict:
    """The text to learn or score for ``line``, or the reason to leave it out."""
    if NOT_HANDWRITING.search(line.kind):
        return Verdict(None, "not handwriting")
    text = plain_text(line.text)
    if not text:
        return Verdict(None, "no text")
    if MARKUP & set(text):
        return Verdict(None, "markup")
    if not set(text) <= set(alphabet):
        return Verdict(None, "characters outside the alphabet")
    return Verdict(text)
