"""How file names appear in messages and text output: one line each, whatever the name holds."""

from __future__ import annotations


def printable(text: str) -> str:
    """``text`` with control characters escaped, so a file name with a newline stays on one line."""
    if text.isprintable():
        return text
    return "".join(ch if ch.isprintable() else ch.encode("unicode_escape").decode("ascii") for ch in text)
