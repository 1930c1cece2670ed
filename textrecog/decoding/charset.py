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

# the 46 basic hiragana of ETL8B2, and the ten Kuzushiji-MNIST classes in their index order
HIRAGANA46 = "あいうえおかきくけこさしすせそたちつてとなにぬねのはひふへほまみむめもやゆよらりるれろわをん"
KMNIST10 = "おきすつなはまやれを"

CLASS_SETS = {"latin62": LATIN62, "latin62+punct": LATIN62 + PUNCT, "digits": DIGITS,
              "hiragana46": HIRAGANA46, "kmnist10": KMNIST10}


def section_of(char: str) -> str:
    """Name the section a character belongs to: digit, upper, lower or punct."""
    if char in DIGITS:
        return "digit"
    if char in UPPER:
        return "upper"
    if char in LOWER:
        return "lower"
    if "\u3040" <= char <= "\u30ff":
        return "kana"
    return "punct"


def merge_case(char: str) -> str:
    """Map a case-lookalike letter to its upper-case form; others unchanged."""
    return char.upper() if char.upper() in LOOKALIKES else char


# digits and the letters no single crop tells them from: 0/O/o and 1/l/I
DIGIT_LOOKALIKES = {"O": "0", "o": "0", "l": "1", "I": "1"}


def lookalike_match(truth: str, read: str) -> bool:
    """Right up to a case lookalike (c/C) or a digit lookalike (0/O/o, 1/l/I)."""
    return merge_case(truth) == merge_case(read) or DIGIT_LOOKALIKES.get(truth, truth) == DIGIT_LOOKALIKES.get(read, read)

# The line model's alphabet (the CTC blank is an extra, last class). The letters and marks of French
# come after the first models' 85 classes, so a checkpoint of those keeps its classes' places.
LINE_PUNCT = ".,'\"-!?:;()/&+=%#*@$"
LINE_ALPHABET_V1 = LATIN62 + " " + LINE_PUNCT
FRENCH_LOWER = "éèêëàâäçùûüôöîïœæñ"
FRENCH_UPPER = "ÉÈÊËÀÂÄÇÙÛÜÔÖÎÏŒÆÑ"
LINE_MARKS = "’«»°"
LINE_ALPHABET = LINE_ALPHABET_V1 + FRENCH_LOWER + FRENCH_UPPER + LINE_MARKS

# --charset names for form fields; anything else is taken as the characters themselves
FIELD_CHARSETS = {"digits": DIGITS, "upper": UPPER, "lower": LOWER, "alnum": LATIN62}


LITERAL = "chars:"  # --charset chars:ABC- : these characters, never taken for a name


def parse_charset(spec: str) -> frozenset[str]:
    """The characters a ``--charset`` allows: digits|upper|lower|alnum, ``chars:`` and the characters, or (as
    before ``chars:``) the characters alone where they cannot be taken for a misspelt name."""
    if spec.startswith(LITERAL):
        chars = spec[len(LITERAL):]
    else:
        chars = FIELD_CHARSETS.get(spec, spec)
        near = _near_name(spec)
        if near:  # "digit" or "Digits" meant digits, not the letters d, i, g, t (which read as empty text)
            raise ValueError(f"--charset {spec!r} is not a named set: did you mean {near}? (names: "
                             f"{', '.join(FIELD_CHARSETS)}; a set of your own: {LITERAL}{spec})")
    if not chars:
        raise ValueError("--charset is empty")
    return frozenset(chars)


def _near_name(spec: str) -> str | None:
    """The named set a word of 4 letters or more misspells in any case (2 edits at most), if any."""
    if spec in FIELD_CHARSETS or len(spec) < 4 or not spec.isalpha():
        return None
    from rapidfuzz.distance import Levenshtein

    word = spec.lower()
    near = min(FIELD_CHARSETS, key=lambda name: Levenshtein.distance(word, name))
    return near if Levenshtein.distance(word, near) <= 2 else None
