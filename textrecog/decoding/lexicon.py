"""The user's lexicon (--lexicon): read the file, and re-read each word against the whole list.

Shallow fusion alone only pulls towards the list the words the beam
already holds. Here every word the beam read is scored against every
listed word by the CTC probability of its frames (all words at once, one
numpy step per frame); the best listed word replaces the reading when it
explains the frames almost as well (within ``margin`` nats, tuned on
validation sites). Cased forms are tried as written, lower case, and
capitalised.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

MAX_LEXICON_BYTES = 64 << 20


@dataclass(frozen=True)
class Lexicon:
    """A user's words as written (``surface``) and folded (for the language model's word scores)."""

    surface: tuple[str, ...]
    folded: frozenset[str]

    def __bool__(self) -> bool:
        return bool(self.surface)


def make_lexicon(words: list[str] | tuple[str, ...]) -> Lexicon:
    """A Lexicon from words (punctuation around them stripped)."""
    from textrecog.decoding.lm_scorer import PUNCT_STRIP, word_core

    surface = tuple(sorted({w.strip(PUNCT_STRIP) for w in words} - {""}))
    return Lexicon(surface, frozenset(word_core(w) for w in surface) - {""})


def read_lexicon(path: str | os.PathLike) -> Lexicon:
    """The words of a lexicon file (whitespace-separated, UTF-8); ValueError naming the file otherwise."""
    p = Path(path)
    try:
        if not p.is_file():
            raise ValueError(f"{p}: not a file")
        if p.stat().st_size > MAX_LEXICON_BYTES:
            raise ValueError(f"{p}: larger than {MAX_LEXICON_BYTES >> 20} MB")
        text = p.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise ValueError(f"{p}: not UTF-8 text") from None
    except OSError as exc:
        raise ValueError(f"{p}: {exc.strerror or exc}") from None
    lexicon = make_lexicon(text.split())
    if not lexicon:
        raise ValueError(f"{p}: no words in the lexicon")
    return lexicon


def variants(word: str) -> set[str]:
    """The cased forms a listed word may be written in."""
    return {word, word.lower(), word[:1].upper() + word[1:].lower(), word.upper()}


SHORTLIST = 256  # forms scored by CTC for a word, the nearest in spelling, when the list is longer


class LexiconMatcher:
    """Scores frame ranges against every (cased) listed word the model can spell."""

    def __init__(self, lexicon: Lexicon, labels: tuple[str, ...], as_written: float = 2.0):
        index = {c: i for i, c in enumerate(labels)}
        forms = sorted({v for w in lexicon.surface for v in variants(w) if all(c in index for c in v)})
        self.words = forms
        # the list's own spelling (McDonald, not Mcdonald) is preferred unless the image says otherwise
        listed = set(lexicon.surface)
        self.prior = np.array([0.0 if w in listed else -as_written for w in forms])
        self.blank = len(labels)
        length = max((len(w) for w in forms), default=1)
        self.ids = np.full((len(forms), length), -1, np.int64)
        for n, w in enumerate(forms):
            self.ids[n, : len(w)] = [index[c] for c in w]
        self.lengths = np.array([len(w) for w in forms])
        self._folded: list[str] | None = None  # the forms in lower case, for the shortlist

    def scores(self, probs: np.ndarray) -> np.ndarray:
        """log P(word | frames) under CTC for every listed form (-inf where it cannot fit)."""
        return ctc_log_likelihood(probs, self.ids, self.lengths, self.blank)

    def best(self, probs: np.ndarray, read: str | None = None) -> tuple[str, float] | None:
        """The best listed form for these frames and its log-likelihood.

        With ``read`` (the word as decoded) and a long list, only the SHORTLIST forms nearest to it in
        spelling are scored: a form far from the reading cannot explain the frames almost as well, and
        scoring 80,000 forms by CTC took seconds a word.
        """
        if not self.words or not len(probs):
            return None
        rows = self._near(read) if read is not None and len(self.words) > SHORTLIST else None
        ids, lengths, prior = (self.ids, self.lengths, self.prior) if rows is None else \
            (self.ids[rows], self.lengths[rows], self.prior[rows])
        s = ctc_log_likelihood(probs, ids, lengths, self.blank)
        k = int(np.argmax(s + prior))
        word = self.words[k if rows is None else int(rows[k])]
        return (word, float(s[k])) if np.isfinite(s[k]) else None

    def _near(self, read: str) -> np.ndarray:
        """Rows of the SHORTLIST forms nearest to ``read`` (edit distance, any case)."""
        from rapidfuzz import process
        from rapidfuzz.distance import Levenshtein

        if self._folded is None:
            self._folded = [w.lower() for w in self.words]
        found = process.extract(read.lower(), self._folded, scorer=Levenshtein.distance, limit=SHORTLIST)
        return np.array(sorted(index for _, _, index in found), np.int64)


def ctc_log_likelihood(probs: np.ndarray, ids: np.ndarray, lengths: np.ndarray, blank: int) -> np.ndarray:
    """CTC forward pass for many label sequences at once (ids padded with -1), scaled per frame."""
    n, lmax = ids.shape
    s = 2 * lmax + 1
    ext = np.full((n, s), blank, np.int64)
    ext[:, 1::2] = np.where(ids >= 0, ids, blank)
    skip = np.zeros((n, s), bool)  # s-2 → s allowed: a label different from the one two back
    skip[:, 3::2] = (ext[:, 3::2] != ext[:, 1:-2:2]) & (ids[:, 1:] >= 0)
    p = np.asarray(probs, np.float64)
    alpha = np.zeros((n, s))
    alpha[:, 0] = p[0, blank]
    alpha[:, 1] = p[0, ext[:, 1]]
    logscale = np.zeros(n)
    for t in range(1, len(p)):
        prev = alpha
        alpha = prev.copy()
        alpha[:, 1:] += prev[:, :-1]
        alpha[:, 2:] += np.where(skip[:, 2:], prev[:, :-2], 0.0)
        alpha *= p[t, ext]
        c = alpha.max(axis=1, keepdims=True)
        c[c == 0] = 1.0
        alpha /= c
        logscale += np.log(c[:, 0])
    end = 2 * lengths
    final = alpha[np.arange(n), end] + alpha[np.arange(n), end - 1]
    with np.errstate(divide="ignore"):
        out = np.log(final) + logscale
    out[len(p) < lengths] = -np.inf
    return out
