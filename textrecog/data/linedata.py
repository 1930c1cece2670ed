"""Ink of whole words and text lines for the line model, split by site.

Real samples are UNIPEN section 7 words and section 8 texts (section 6 is
a subset of 7, so it is not read). Texts whose ink holds more than one
line are split into lines (:mod:`textrecog.data.linesplit`); those whose
split is not trustworthy are left out.
The parsed ink is cached as one pickle per corpus, since parsing the
segment files takes minutes and every training run needs it.
"""

from __future__ import annotations

import logging
import pickle
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from textrecog.data.linesplit import line_bands, one_line, split_text_lines
from textrecog.data.render import stroke_unit
from textrecog.data.texts import clean_label
from textrecog.data.unipen import UnipenCorpus
from textrecog.decoding.charset import LINE_ALPHABET

log = logging.getLogger(__name__)

# Held out of line training. val/test keep the character model's held-out sites
# (art, gmd; val) and add sites with words and texts; samples/ come from test sites.
LINE_VAL_SITES = ("art", "gmd", "ape")
LINE_TEST_SITES = ("val", "att", "scr", "nic", "par", "dar", "hpb")
CHAR_SECTIONS = ("1a", "1b", "1c", "1d")


@dataclass(frozen=True)
class LineInk:
    """One labelled word or single text line: strokes (y down, as stored scale) and text."""

    strokes: tuple[np.ndarray, ...]
    text: str
    site: str
    session: str
    section: str
    # "" for a text the strict one-line rule took whole; "k/n": line k of the n the splitter found in a
    # text that rule refused (n = 1: one tall line). Validation keeps to "" so its sample never changes.
    part: str = ""


def line_count(strokes: Sequence[np.ndarray]) -> int:
    """Text lines in the ink, from blank bands in its row profile."""
    return len(line_bands(strokes))


def is_single_line(strokes: Sequence[np.ndarray]) -> bool:
    """True if the ink reads as one line: no blank band, and not several lines tall."""
    pts = np.concatenate(strokes)
    return line_count(strokes) == 1 and np.ptp(pts[:, 1]) <= 3.2 * stroke_unit(strokes)


def _usable(text: str, max_len: int) -> bool:
    return bool(text.strip()) and len(text) <= max_len and set(text) <= set(LINE_ALPHABET)


def load_line_inks(corpus: UnipenCorpus, max_len: int = 90) -> list[LineInk]:
    """Section 7 words and section 8 texts whose text fits the alphabet; multi-line texts split into lines."""
    out, dropped, split = [], 0, 0
    for section in ("7", "8"):
        for sample in corpus.iter_samples([section], kinds={"WORD", "TEXT"}):
            text = clean_label(sample.label)
            if section == "7" or is_single_line(sample.strokes):
                if _usable(text, max_len):
                    out.append(LineInk(sample.strokes, text, sample.site, sample.session, section))
                continue
            lines = split_text_lines(sample.strokes, text) if text.strip() else None
            if not lines or not all(one_line(p.strokes) for p in lines):
                dropped += 1
                continue
            split += 1
            out += [LineInk(p.strokes, p.text, sample.site, sample.session, section, f"{k + 1}/{len(lines)}")
                    for k, p in enumerate(lines) if _usable(p.text, max_len)]
    log.info("line inks: %d (%d texts taken by the splitter, %d left out)", len(out), split, dropped)
    return out


def load_char_inks(corpus: UnipenCorpus) -> dict[str, dict[str, list[tuple[np.ndarray, ...]]]]:
    """Isolated characters in the line alphabet, grouped session → character → strokes."""
    keep = set(LINE_ALPHABET) - {" "}
    out: dict[str, dict[str, list]] = defaultdict(lambda: defaultdict(list))
    for sample in corpus.iter_samples(CHAR_SECTIONS, kinds={"CHARACTER"}):
        if sample.label in keep:
            out[sample.session][sample.label].append(sample.strokes)
    return {k: dict(v) for k, v in out.items()}


@dataclass(frozen=True)
class LineCorpus:
    """Everything line training reads: real inks and isolated characters by session."""

    inks: list[LineInk]
    chars: dict[str, dict[str, list[tuple[np.ndarray, ...]]]]

    def split(self, val_sites: Sequence[str], test_sites: Sequence[str]) -> dict[str, LineCorpus]:
        """Writer-disjoint split: whole sites go to val or test, the rest to train."""
        if set(val_sites) & set(test_sites):
            raise ValueError(f"sites in both val and test: {sorted(set(val_sites) & set(test_sites))}")

        def part(s: str) -> str:
            return "val" if s in val_sites else "test" if s in test_sites else "train"

        parts = {k: LineCorpus([], {}) for k in ("train", "val", "test")}
        for ink in self.inks:
            parts[part(ink.site)].inks.append(ink)
        for session, chars in self.chars.items():
            parts[part(session.split("/")[1])].chars[session] = chars
        return parts


def load_line_corpus(unipen: str | Path, cache_dir: Path | None = None) -> LineCorpus:
    """Parse (or read from the cache) the line inks and isolated characters of a UNIPEN copy."""
    corpus = UnipenCorpus(unipen)
    cache = (cache_dir or corpus.root.parent) / "line-corpus-v4.pkl"
    if cache.is_file():
        with cache.open("rb") as fh:
            return pickle.load(fh)
    log.info("parsing UNIPEN words, texts and characters (once; cached in %s)", cache)
    data = LineCorpus(load_line_inks(corpus), load_char_inks(corpus))
    tmp = cache.with_suffix(".tmp")
    with tmp.open("wb") as fh:
        pickle.dump(data, fh, protocol=pickle.HIGHEST_PROTOCOL)
    tmp.replace(cache)
    return data
