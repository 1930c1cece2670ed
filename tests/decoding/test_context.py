"""Context decoding: case by size, digits among digits."""

from __future__ import annotations

import numpy as np

from textrecog.decoding.context import apply_case, apply_word_class, decode, size_levels
from textrecog.segmentation.segment import Glyph, LineSeg
from textrecog.types import Box

LABELS = list("0123456789") + list("ABCDEFGHIJKLMNOPQRSTUVWXYZ") + list("abcdefghijklmnopqrstuvwxyz")


def onehot(chars: str, p: float = 0.9) -> np.ndarray:
    rows = np.full((len(chars), len(LABELS)), (1 - p) / (len(LABELS) - 1), np.float32)
    for r, c in enumerate(chars):
        rows[r, LABELS.index(c)] = p
    return rows


def read(probs: np.ndarray) -> str:
    return "".join(LABELS[i] for i in probs.argmax(axis=1))


def test_size_levels():
    assert size_levels([20, 21, 40, 19, 41]) == (20.0, 40.5)
    assert size_levels([30, 31, 29]) is None  # one size: case cannot be told
    assert size_levels([10]) is None


def test_short_glyphs_become_lower_case_and_tall_short_shapes_upper():
    # "OsCAR" written as tall O, short s, tall c, short A, tall R
    probs = onehot("oSCAR")
    out = apply_case(probs, [40, 20, 40, 21, 41], LABELS)
    assert read(out) == "OsCaR"
    np.testing.assert_allclose(out.sum(axis=1), probs.sum(axis=1), rtol=1e-6)


def test_tall_letters_with_ascenders_keep_lower_case():
    # "bd" are tall in lower case: size must not capitalise them
    assert read(apply_case(onehot("bdo"), [40, 40, 20], LABELS)) == "bdo"


def test_one_size_line_unchanged():
    probs = onehot("oO")
    np.testing.assert_array_equal(apply_case(probs, [30, 30], LABELS), probs)


def test_digits_among_digits():
    probs = onehot("12O4", p=0.5)
    probs[2, LABELS.index("0")] = 0.3  # O is likely, but 0 is plausible
    assert read(apply_word_class(probs, LABELS)) == "1204"


def test_letters_among_letters():
    probs = onehot("he1lo", p=0.5)
    probs[2, LABELS.index("l")] = 0.3
    assert read(apply_word_class(probs, LABELS)) == "hello"


def test_single_glyph_word_unchanged():
    probs = onehot("0")
    np.testing.assert_array_equal(apply_word_class(probs, LABELS), probs)


def test_decode_splits_words_at_spaces():
    xs = [0, 12, 24, 70, 82]
    glyphs = tuple(Glyph(Box(x, 0, 10, 30), frozenset({i + 1})) for i, x in enumerate(xs))
    line = LineSeg(Box(0, 0, 92, 30), glyphs, (False, False, True, False), 30.0, 30.0)
    probs = onehot("12OlO", p=0.5)
    probs[2, LABELS.index("0")] = 0.3  # "12O": a number
    probs[3, LABELS.index("1")] = 0.1  # "lO": a word, its l stays a letter
    assert read(decode([line], probs, LABELS)) == "120lO"
