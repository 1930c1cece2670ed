"""Character n-gram language model: a self-describing directory, validated on load, queried by context.

A language model directory holds ``lm.npz`` (the n-gram tables),
``words.txt`` (the lexicon, one folded word a line) and ``manifest.json``
(format, order, alphabet, sources and licences, the command that built it,
and the SHA-256 of both files). The model reads *folded* text: lower case,
typographic quotes as plain ones, every digit as ``0`` (a digit's own identity is for the recognizer to see;
the language says only that a digit is likely there). Case and the digit's
identity are scored by :mod:`textrecog.decoding.lm_scorer`.

Tables (interpolated Witten-Bell, stored in backoff form like ARPA): a dense
unigram vector, and per context length k ≥ 1 the sorted integer keys of the
contexts kept, each with its backoff log-weight and the log-probabilities
of the symbols seen after it (CSR). ``logprobs(context)`` is one vector
over the alphabet; contexts repeat, so callers cache it.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from textrecog.locate import bundled_models_dir, env_dirs, locate_dir

LM_FORMAT = "textrecog-lm/1"
LM_FILES = ("lm.npz", "words.txt", "manifest.json")
DEFAULT_LM = "en"


class LMError(ValueError):
    """A language model directory that is missing, corrupt or does not fit the recognizer."""


# typographic quotes are the same symbols to a language model as the typewriter's
_MARKS = str.maketrans({"’": "'", "‘": "'", "«": '"', "»": '"', "“": '"', "”": '"'})


def fold(text: str) -> str:
    """The language model's view of text: lower case, digits as 0, typographic quotes as plain ones."""
    return "".join("0" if c.isdigit() else c for c in text.lower().translate(_MARKS))


def context_key(ids: list[int], base: int) -> int:
    """Integer key of a context (symbol ids, oldest first); ids are stored +1 so lengths differ."""
    key = 0
    for i in ids:
        key = key * base + i + 1
    return key


@dataclass(frozen=True)
class Tables:
    """The n-gram tables of one context length."""

    keys: np.ndarray  # int64, sorted
    backoff: np.ndarray  # float32 log γ(h)
    ptr: np.ndarray  # int32, len(keys) + 1
    symbols: np.ndarray  # uint8
    logp: np.ndarray  # float32 log P(symbol | h)


@dataclass(frozen=True)
class CharLM:
    """A loaded character language model."""

    path: Path
    name: str
    order: int
    alphabet: str
    unigram: np.ndarray
    tables: tuple[Tables, ...]  # index k-1 holds contexts of length k
    words: frozenset[str] = field(repr=False)
    manifest: dict = field(repr=False, compare=False)
    index: dict = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "index", {c: i for i, c in enumerate(self.alphabet)})

    def ids(self, text: str) -> list[int] | None:
        """Symbol ids of folded text, or None if a symbol is outside the alphabet."""
        index = self.index
        try:
            return [index[c] for c in text]
        except KeyError:
            return None

    def logprobs(self, context: str) -> np.ndarray:
        """log P(symbol | context) for every alphabet symbol; ``context`` is folded text, oldest first."""
        vec = self.unigram.copy()
        index, base = self.index, len(self.alphabet) + 1
        hist: list[int] = []
        for k in range(1, min(self.order - 1, len(context)) + 1):
            c = index.get(context[-k])
            if c is None:
                break
            hist.insert(0, c)
            t = self.tables[k - 1]
            key = context_key(hist, base)
            i = int(np.searchsorted(t.keys, key))
            if i >= len(t.keys) or t.keys[i] != key:
                break  # longer contexts contain this one: none of them is kept either
            vec += t.backoff[i]
            s, e = t.ptr[i], t.ptr[i + 1]
            vec[t.symbols[s:e]] = t.logp[s:e]
        return vec


def logprobs_many(lm: CharLM, contexts: list[str]) -> np.ndarray:
    """:meth:`CharLM.logprobs` of many contexts at once (rows in order): the same backing off, order by order,
    as array operations over the contexts still found (a beam search meets dozens of new ones a line)."""
    base, n, width = len(lm.alphabet) + 1, len(contexts), lm.order - 1
    out = np.repeat(lm.unigram[None, :], n, axis=0)
    # symbol ids of each context's last ``width`` characters, newest first; -1 past its start or outside the alphabet
    ids = np.full((n, width), -1, np.int64)
    for i, ctx in enumerate(contexts):
        for k, c in enumerate(reversed(ctx[-width:])):
            ids[i, k] = lm.index.get(c, -1)
    alive = np.ones(n, bool)
    key = np.zeros(n, np.int64)
    for k in range(1, width + 1):
        alive &= ids[:, k - 1] >= 0  # a shorter context or an unknown symbol: no longer context either
        key = key + (ids[:, k - 1] + 1) * base ** (k - 1)  # the oldest symbol weighs most, as context_key
        t = lm.tables[k - 1]
        rows = np.flatnonzero(alive)
        at = np.searchsorted(t.keys, key[rows])
        hit = at < len(t.keys)
        hit[hit] = t.keys[at[hit]] == key[rows][hit]
        alive[rows[~hit]] = False
        rows, at = rows[hit], at[hit]
        if not len(rows):
            break
        out[rows] += t.backoff[at][:, None]
        lengths = t.ptr[at + 1] - t.ptr[at]
        starts = np.repeat(t.ptr[at] - np.cumsum(lengths) + lengths, lengths) + np.arange(int(lengths.sum()))
        out[np.repeat(rows, lengths), t.symbols[starts]] = t.logp[starts]
    return out


def sha256(path: Path) -> str:
    """Hex SHA-256 of a file."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def lm_search_path() -> list[Path]:
    """Where language models are found by name: ``$TEXTRECOG_LMS`` entries, then the bundled ``models/lm``."""
    return [*env_dirs("TEXTRECOG_LMS"), bundled_models_dir() / "lm"]


def resolve_lm(ref: str | os.PathLike) -> Path:
    """A language model name or directory → its directory."""
    text = str(ref)
    path = locate_dir(text, lm_search_path())
    if path is None:
        raise LMError(f"language model {text!r} not found (searched {', '.join(map(str, lm_search_path()))})")
    if not path.is_dir():
        raise LMError(f"{text}: language model directory not found")
    return path


def languages() -> list[str]:
    """The languages with a language model installed (bundled or on ``$TEXTRECOG_LMS``), by name."""
    names = {d.name for root in lm_search_path() if root.is_dir() for d in root.iterdir()
             if (d / "manifest.json").is_file()}
    return sorted(names)


def lm_for_language(lang: str) -> str:
    """The language model of a language code (``en``, ``fr``); LMError naming the installed ones otherwise."""
    installed = languages()
    if lang not in installed:
        raise LMError(f"unknown language {lang!r} (installed: {', '.join(installed) or 'none'})")
    return lang


def load_lm(ref: str | os.PathLike = DEFAULT_LM) -> CharLM:
    """Find, verify (format, checksums, table shapes) and load a language model directory."""
    path = resolve_lm(ref)
    for name in LM_FILES:
        if not (path / name).is_file():
            raise LMError(f"{path}: missing {name}")
    try:
        manifest = json.loads((path / "manifest.json").read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise LMError(f"{path / 'manifest.json'}: invalid JSON ({exc})") from None
    if not isinstance(manifest, dict) or manifest.get("format") != LM_FORMAT:
        raise LMError(f"{path}: manifest.json is not a {LM_FORMAT} manifest")
    for name in ("lm.npz", "words.txt"):
        if sha256(path / name) != manifest.get("sha256", {}).get(name):
            raise LMError(f"{path / name}: checksum does not match the manifest (corrupt or replaced)")
    return _read_tables(path, manifest)


def _read_tables(path: Path, manifest: dict) -> CharLM:
    try:
        with np.load(path / "lm.npz", allow_pickle=False) as z:
            alphabet = "".join(map(chr, z["alphabet"]))
            order = int(z["order"])
            tables = tuple(Tables(z[f"keys{k}"], z[f"backoff{k}"], z[f"ptr{k}"], z[f"symbols{k}"],
                                  z[f"logp{k}"].astype(np.float32)) for k in range(1, order))
            unigram = z["unigram"].astype(np.float32)
    except (OSError, KeyError, ValueError) as exc:
        raise LMError(f"{path / 'lm.npz'}: unreadable n-gram tables ({exc})") from None
    if alphabet != manifest.get("alphabet") or order != manifest.get("order") or unigram.shape != (len(alphabet),):
        raise LMError(f"{path}: lm.npz does not match its manifest (alphabet or order)")
    for k, t in enumerate(tables, 1):
        if len(t.ptr) != len(t.keys) + 1 or t.ptr[-1] != len(t.symbols) or len(t.logp) != len(t.symbols):
            raise LMError(f"{path / 'lm.npz'}: table {k} is inconsistent")
    words = frozenset(w for w in (path / "words.txt").read_text(encoding="utf-8").split("\n") if w)
    return CharLM(path, str(manifest.get("name", path.name)), order, alphabet, unigram, tables, words, manifest)


def check_fits(lm: CharLM, labels: tuple[str, ...] | list[str], model: str) -> None:
    """Refuse a language model whose alphabet lacks a (folded) letter or digit the recognizer can output."""
    missing = sorted({fold(c) for c in labels if c.isalnum()} - set(lm.alphabet))
    if missing or " " not in lm.alphabet:
        raise LMError(f"{lm.path}: language model does not fit model {model!r}: it lacks "
                      f"{''.join(missing) or 'the space'}")
