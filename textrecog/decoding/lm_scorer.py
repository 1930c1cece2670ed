"""Language-model scores over a recognizer's labels: n-gram, case, digits and the lexicon.

The n-gram model reads folded text (:mod:`textrecog.decoding.lm`); this module turns
it into a score for each of the recognizer's labels after a given raw
context: log P(folded symbol | folded context), plus log P(case | the
previous character's case) for letters, plus log(1/10) for a digit (the
model says a digit is likely, the image says which). Words are scored
when they end: a bonus for a word in the lexicon, a larger one for a word
in the user's own list.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from textrecog.decoding.lm import CharLM, fold, logprobs_many

PUNCT_STRIP = " .,'\"-!?:;()/&+=%#*@$°"
TABLE_ROWS = 50_000  # contexts kept between searches (a row of ~100 float64 each: 40 MB at most)
LIST_CONTEXTS = 20_000  # contexts kept as lists (~3 kB each as Python floats)
# P(upper | the case class of what came before); the builder measures them on the labels it reads. "caps":
# after two capitals a word goes on in capitals (UNIPEN training labels: 10,122 of 10,130 letters), "upper":
# after one capital, mostly a capitalised word (16% upper)
DEFAULT_CASE = {"start": 0.2, "upper": 0.2, "caps": 0.99, "lower": 0.02, "other": 0.2}


@dataclass(frozen=True)
class Weights:
    """Shallow-fusion weights (tuned on validation sites; see the model card)."""

    lm: float = 0.5  # times the LM log-probability
    insertion: float = 1.0  # per character: balances the LM's cost of every symbol
    oov: float = 2.0  # penalty for a finished word not in the lexicon (a bonus would reward splitting words)
    user: float = 6.0  # bonus for a finished word in the user's --lexicon
    case: float = 1.0  # weight of the case model (the image shows case; lookalikes c/C, o/O, s/S need the prior)


def char_class(c: str) -> str:
    """The case class a character gives the next one: start (after a space or nothing), upper, lower, other."""
    if not c or c == " ":
        return "start"
    if c.isalpha():
        return "upper" if c.isupper() else "lower"
    return "other"


def case_class(before: str) -> str:
    """The case class the text ``before`` gives the next letter: "caps" after two capitals, else
    :func:`char_class` of its last character (a word in capitals reads in capitals, a mixed one needs the
    image's evidence)."""
    if len(before) >= 2 and before[-1].isupper() and before[-2].isupper():
        return "caps"
    return char_class(before[-1:])


def word_core(word: str) -> str:
    """A word as the lexicon lists it: folded, punctuation around it stripped."""
    return fold(word).strip(PUNCT_STRIP)


@dataclass
class LMScorer:
    """Scores label extensions of a prefix; caches a vector per context (contexts repeat a lot)."""

    lm: CharLM
    labels: tuple[str, ...]
    weights: Weights = Weights()
    user_words: frozenset[str] = frozenset()
    _cache: dict = field(default_factory=dict, repr=False)  # context -> vector() (contexts repeat a lot)
    _rows: dict = field(default_factory=dict, repr=False)  # context -> row of ``table``
    _words: dict = field(default_factory=dict, repr=False)  # the beam ends the same words over and over

    def __post_init__(self) -> None:
        case = {**DEFAULT_CASE, **self.lm.manifest.get("case", {})}
        self.context_len = self.lm.order - 1
        # the space is scored even for recognizers without a space label (the character engine)
        self.space = self.labels.index(" ") if " " in self.labels else len(self.labels)
        labels = self.labels if " " in self.labels else (*self.labels, " ")
        folded = [fold(c) for c in labels]
        self._sym = np.array([self.lm.index.get(f, 0) for f in folded])
        known = np.array([f in self.lm.index for f in folded])
        digit = np.array([c.isdigit() for c in labels])
        self._fixed = np.where(known, 0.0, -30.0) + np.where(digit, np.log(0.1), 0.0)
        upper = np.array([c.isalpha() and c.isupper() for c in labels])
        lower = np.array([c.isalpha() and c.islower() for c in labels])
        self.table = np.empty((64, len(labels)))  # contexts' score vectors, one a row
        self._case = {k: self.weights.case * (np.where(upper, np.log(p), 0.0) + np.where(lower, np.log(1 - p), 0.0))
                      for k, p in case.items()}

    def vector(self, context: str) -> list[float]:
        """Weighted LM score of every label (and the space) after ``context`` (raw text; the line starts as after
        a space), as a list: the one-line search indexes it per candidate, faster than an array."""
        vec = self._cache.get((" " + context)[-self.context_len:])  # the common case first: a known context
        return vec if vec is not None else self.vectors([context])[0]

    def vectors(self, contexts: list[str]) -> list[list[float]]:
        """:meth:`vector` of each context, the new ones computed together."""
        ctxs = [(" " + c)[-self.context_len:] for c in contexts]
        cache = self._cache
        new = [c for c in dict.fromkeys(ctxs) if c not in cache]
        if new:
            if len(cache) + len(new) > LIST_CONTEXTS:
                cache.clear()
            cache.update(zip(new, self._scores(new).tolist()))
        return [cache[c] for c in ctxs]

    def row(self, context: str) -> int:
        """The row of :attr:`table` that holds :meth:`vector` of ``context`` (computed on first use)."""
        return self.rows([context])[0]

    def rows(self, contexts: list[str]) -> list[int]:
        """:meth:`row` of each context; the new ones computed together (the same scores, in a fraction of the
        time: a batch of lines meets hundreds of new contexts)."""
        ctxs = [(" " + c)[-self.context_len:] for c in contexts]
        new = [c for c in dict.fromkeys(ctxs) if c not in self._rows]
        if new:
            start = len(self._rows)
            while start + len(new) > len(self.table):  # grown by doubling: rows handed out keep their numbers
                self.table = np.concatenate([self.table, np.empty_like(self.table)])
            self.table[start:start + len(new)] = self._scores(new)
            self._rows.update(zip(new, range(start, start + len(new))))
        return [self._rows[c] for c in ctxs]

    def _scores(self, ctxs: list[str]) -> np.ndarray:
        """Rows of weighted scores after each context (already cut to the model's order)."""
        folded = [fold(c) for c in ctxs]
        # together from a handful on (the array version's fixed cost is that of about four single contexts)
        lp = logprobs_many(self.lm, folded) if len(folded) >= 8 else np.array([self.lm.logprobs(c) for c in folded])
        lp = lp[:, self._sym] + self._fixed
        lp += np.array([self._case[case_class(c)] for c in ctxs])
        return self.weights.lm * lp + self.weights.insertion

    def trim(self) -> bool:
        """Forget the contexts once there are many (between searches: rows in use stay valid within one);
        True if they were forgotten (row numbers handed out before mean nothing now)."""
        if len(self._rows) <= TABLE_ROWS:
            return False
        self._rows.clear()
        return True

    def word_bonus(self, word: str) -> float:
        """Score of a finished word: a bonus from the user's list, a penalty outside the lexicon; 0 for numbers."""
        bonus = self._words.get(word)
        if bonus is None:
            if len(self._words) > 100_000:
                self._words.clear()
            bonus = self._words[word] = self._word_bonus(word)
        return bonus

    def _word_bonus(self, word: str) -> float:
        core = word_core(word)
        if not core or not any(c.isalpha() for c in core):
            return 0.0
        if core in self.user_words:
            return self.weights.user
        return 0.0 if core in self.lm.words else -self.weights.oov

    def end(self, text: str) -> float:
        """Score of ending the line after ``text``: the LM's end of word, and the last word's bonus."""
        if not text:
            return 0.0
        tail = 0.0 if text.endswith(" ") else self.vector(text)[self.space] - self.weights.insertion
        return tail + self.word_bonus(text.rsplit(" ", 1)[-1])
