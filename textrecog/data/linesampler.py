"""Endless stream of randomly varied training lines, batched by width.

Each sample is drawn from a mixture of real words, real single-line texts,
one writer's words set side by side and number strings from one writer's
characters; rendered with :func:`textrecog.data.lineimages.training_image`.
Batches hold lines of similar width, so little of a batch is padding.
"""

from __future__ import annotations

import queue
import threading
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from textrecog.data.linedata import LineCorpus, LineInk
from textrecog.data.lineimages import training_image
from textrecog.data.photolines import PhotoLook
from textrecog.data.reallines import RealSampler
from textrecog.data.render import stroke_unit
from textrecog.data.ruledlines import RuledLook
from textrecog.data.synthlines import char_line, number_text, word_line
from textrecog.imaging.normalize import LineSpec

# word_line: one writer's words side by side; joined: two of one writer's text lines as one line;
# spaced: 1-3 words with their letters spaced out (a gap inside a word is not a space)
MIX = {"word": 0.34, "text": 0.22, "word_line": 0.22, "number": 0.08, "joined": 0.08, "spaced": 0.06}
MAX_TEXT = 90


@dataclass(frozen=True)
class Batch:
    """Padded images (N, H, W, 1) uint8, labels (N, L) int32, label and frame lengths."""

    images: np.ndarray
    labels: np.ndarray
    label_len: np.ndarray
    frames: np.ndarray
    texts: tuple[str, ...]


def ctc_frames_needed(text: str) -> int:
    """Frames CTC needs for ``text``: one per character plus a blank between repeats."""
    return len(text) + sum(1 for a, b in zip(text, text[1:]) if a == b)


def make_batch(images: list[np.ndarray], texts: list[str], alphabet: str, spec: LineSpec,
               multiple: int = 16) -> Batch:
    """Pad images to one width (paper = 0) and encode their texts."""
    index = {c: i for i, c in enumerate(alphabet)}
    width = -(-max(im.shape[1] for im in images) // multiple) * multiple
    x = np.zeros((len(images), spec.height, width, 1), np.uint8)
    for i, im in enumerate(images):
        x[i, :, : im.shape[1], 0] = im
    longest = max(len(t) for t in texts)
    labels = np.zeros((len(texts), longest), np.int32)
    for i, t in enumerate(texts):
        labels[i, : len(t)] = [index[c] for c in t]
    return Batch(x, labels, np.array([len(t) for t in texts], np.int32),
                 np.array([-(-im.shape[1] // spec.downsample) for im in images], np.int32), tuple(texts))


class LineSampler:
    """Draw (strokes, text) pairs from the mixture; one writer session per synthetic line."""

    def __init__(self, corpus: LineCorpus, seed: int):
        self.rng = np.random.default_rng(seed)
        self.words = [i for i in corpus.inks if i.section == "7"]
        self.texts = [i for i in corpus.inks if i.section == "8"]
        sessions: dict[str, list[LineInk]] = defaultdict(list)
        for w in self.words:
            sessions[w.session].append(w)
        self.sessions = [v for v in sessions.values() if len(v) >= 2]
        by_writer: dict[str, list[LineInk]] = defaultdict(list)
        for t in self.texts:
            by_writer[t.session].append(t)
        self.text_sessions = [v for v in by_writer.values() if len(v) >= 2]
        self.digit_writers = [c for c in corpus.chars.values() if sum(d in c for d in "0123456789") == 10]
        self.kinds = [k for k in MIX if self._has(k)]
        p = np.array([MIX[k] for k in self.kinds])
        self.p = p / p.sum()

    def _has(self, kind: str) -> bool:
        return bool({"word": self.words, "text": self.texts, "word_line": self.sessions,
                     "number": self.digit_writers, "joined": self.text_sessions, "spaced": self.sessions}[kind])

    def _pick(self, pool: list, n: int) -> list:
        return [pool[int(i)] for i in self.rng.integers(0, len(pool), n)]

    def _one_writer(self, sessions: list[list[LineInk]], n: int) -> list[LineInk]:
        """``n`` inks (with repeats) of one randomly chosen writer session."""
        return self._pick(self._pick(sessions, 1)[0], n)

    def _number(self, height: float = 100.0) -> LineInk:
        chars = self.digit_writers[int(self.rng.integers(len(self.digit_writers)))]
        text = number_text(self.rng, set(chars))
        return LineInk(char_line(chars, text, self.rng, height), text, "", "", "synthetic")

    def _word_line(self) -> tuple[tuple[np.ndarray, ...], str]:
        words = self._one_writer(self.sessions, int(self.rng.integers(2, 7)))
        if self.digit_writers and self.rng.random() < 0.3:
            unit = float(np.median([stroke_unit(w.strokes) for w in words]))
            words.insert(int(self.rng.integers(len(words) + 1)), self._number(unit * self.rng.uniform(1.0, 1.5)))
        strokes, text = word_line(words, self.rng)
        return strokes, text

    def draw(self) -> tuple[tuple[np.ndarray, ...], str]:
        """One (strokes, text) pair."""
        kind = self.kinds[int(self.rng.choice(len(self.kinds), p=self.p))]
        if kind == "word_line":
            return self._word_line()
        if kind == "joined":
            return word_line(self._one_writer(self.text_sessions, 2), self.rng)
        if kind == "spaced":
            words = self._one_writer(self.sessions, int(self.rng.integers(1, 4)))
            return word_line(words, self.rng, letter_gap=float(self.rng.uniform(0.3, 0.9)))
        if kind == "number":
            ink = self._number()
            return ink.strokes, ink.text
        pool = self.words if kind == "word" else self.texts
        ink = pool[int(self.rng.integers(len(pool)))]
        return ink.strokes, ink.text


def batches(corpus: LineCorpus | None, alphabet: str, spec: LineSpec, batch: int, seed: int,
            group: int = 16, ruled: RuledLook = RuledLook(), photo: PhotoLook = PhotoLook(),
            real: RealSampler | None = None, real_share: float = 0.0) -> Iterator[Batch]:
    """Endless width-grouped batches of freshly varied training lines (``ruled.p`` of them on ruled paper,
    ``photo.p`` photographed); ``real_share`` of them real scanned lines from ``real`` (all without a corpus)."""
    sampler = LineSampler(corpus, seed) if corpus is not None and corpus.inks else None
    share = 1.0 if sampler is None else real_share if real is not None else 0.0
    rng = np.random.default_rng(seed + 1)
    while True:
        pool: list[tuple[np.ndarray, str]] = []
        while len(pool) < batch * group:
            try:
                if share and (share >= 1.0 or rng.random() < share):
                    image, text = real.draw(spec)
                else:
                    strokes, text = sampler.draw()
                    if not text or len(text) > MAX_TEXT:
                        continue
                    image = training_image(strokes, spec, rng, ruled=ruled, photo=photo)
            except (ValueError, IndexError):  # degenerate ink (a lone point), a ruled line not found; draw another
                continue
            if -(-image.shape[1] // spec.downsample) >= ctc_frames_needed(text):
                pool.append((image, text))
        pool.sort(key=lambda p: p[0].shape[1])
        chunks = [pool[i : i + batch] for i in range(0, len(pool), batch)]
        for k in rng.permutation(len(chunks)):
            chunk = chunks[int(k)]
            yield make_batch([c[0] for c in chunk], [c[1] for c in chunk], alphabet, spec)


def prefetch(it: Iterator[Batch], size: int = 24) -> Iterator[Batch]:
    """Run a batch iterator in a background thread (OpenCV releases the GIL while drawing)."""
    q: queue.Queue = queue.Queue(size)

    def work() -> None:
        for item in it:
            q.put(item)

    threading.Thread(target=work, daemon=True).start()
    while True:
        yield q.get()
