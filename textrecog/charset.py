"""Character sets, sections and the EMNIST-bymerge case-lookalike merge."""

from __future__ import annotations

import string

DIGITS = string.digits
UPPER = string.ascii_uppercase
LOWER = string.ascii_lowercase
LATIN62 = DIGITS + UPPER + LOWER
PUNCT = ".,'-!?:;()\"/&"
# Letters whose upper and lower case differ only in size (EMNIST bymerge).
LOOKALIKES = "CIJKLMOPSUVWXYZ"

CLASS_SETS = {"latin62": LATIN62, "latin62+punct": LATIN62 + PUNCT, "digits": DIGITS}


def section_of(char: str) -> str:
    """Name the section a character belongs to: digit, upper, lower or punct."""
    if char in DIGITS:
        return "digit"
    if char in UPPER:
        return "upper"
    if char in LOWER:
        return "lower"
    return "punct"


def merge_case(char: str) -> str:
    """Map a case-lookalike letter to its upper-case form; others unchanged."""
    return char.upper() if char.upper() in LOOKALIKES else char

# The line model's alphabet (the CTC blank is an extra, last class).
LINE_PUNCT = ".,'\"-!?:;()/&+=%#*@$"
LINE_ALPHABET = LATIN62 + " " + LINE_PUNCT
