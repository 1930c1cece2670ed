"""File names: how they appear in messages and text output, and which are textrecog's own outputs."""

from __future__ import annotations

import re

# `--debug` overlays: IMAGE.debug.png, or IMAGE.debug-N.png when that is taken (output/debug.py)
_OVERLAY = re.compile(r"\.debug(-\d+)?\.png$", re.IGNORECASE)


def printable(text: str) -> str:
    """``text`` with control characters escaped, so a file name with a newline stays on one line."""
    if text.isprintable():
        return text
    return "".join(ch if ch.isprintable() else ch.encode("unicode_escape").decode("ascii") for ch in text)


def is_overlay(name: str) -> bool:
    """Whether a file name is a ``--debug`` overlay textrecog wrote (a folder run never reads those back)."""
    return bool(_OVERLAY.search(name))
