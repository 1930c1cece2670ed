"""argparse value types every command shares: the error names the option, the message says what was wanted."""

from __future__ import annotations

import argparse
from typing import Callable

SIZE_UNITS = {"k": 2**10, "m": 2**20, "g": 2**30}


def _checked(text: str, convert: Callable[[str], float], wanted: str, ok: Callable[[float], bool],
             bound: str) -> float:
    """``convert(text)``, refused with argparse's error when it fails or ``ok`` says no."""
    try:
        value = convert(text)
    except (ValueError, KeyError):
        raise argparse.ArgumentTypeError(f"expected {wanted}, not {text!r}") from None
    if not ok(value):
        raise argparse.ArgumentTypeError(f"must be {bound}, not {text}")
    return value


def positive_int(text: str) -> int:
    """An integer of at least 1."""
    return int(_checked(text, int, "a whole number", lambda v: v >= 1, "at least 1"))


def probability(text: str) -> float:
    """A number from 0 to 1."""
    return _checked(text, float, "a number from 0 to 1", lambda v: 0.0 <= v <= 1.0, "a probability from 0 to 1")


def _bytes(text: str) -> int:
    unit = text[-1:].lower()
    return int(float(text[:-1]) * SIZE_UNITS[unit]) if unit in SIZE_UNITS else int(text)


def parse_size(text: str) -> int:
    """A byte count with an optional K, M or G suffix: '512M' -> 536870912."""
    return int(_checked(text, _bytes, "a size such as 200M", lambda v: v >= 1, "at least 1 byte"))


def parse_megapixels(text: str) -> int:
    """Megapixels as pixels: '500' -> 500000000."""
    return int(_checked(text, float, "a number of megapixels such as 500", lambda v: v > 0, "above 0") * 1_000_000)
