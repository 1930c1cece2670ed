"""End-to-end evaluation of one or more models on the same held-out words and lines.

Texts come from UNIPEN sections 7 (words) and 8 (texts) of sites that no
evaluated model trained or tuned on. Each is rendered once, clean and with
a seeded scan look, and read through the whole pipeline by every model,
so the engines are compared on exactly the same images.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from textrecog.decoding.charset import LINE_ALPHABET
from textrecog.engines.model import ModelInfo

log = logging.getLogger("textrecog.eval")


def seen_sites(corpus, info: ModelInfo) -> set[str]:
    """Sites a model trained or was tuned on (every site that is not one of its test sites)."""
    split = info.manifest.get("training", {}).get("split", {})
    tuned = set(info.manifest.get("decoding", {}).get("tuned_on_sites", []))  # decoding weights and
    tuned |= set(info.manifest.get("calibration", {}).get("fitted_on_sites", []))  # calibration saw these
    return _trained_sites(corpus, info, split) | tuned | _lm_sites(info)


def _lm_sites(info: ModelInfo) -> set[str]:
    """Sites whose word and text labels the model's default language model was built from."""
    import json

    from textrecog.decoding.lm import DEFAULT_LM, LMError, resolve_lm

    try:
        path = resolve_lm(info.manifest.get("decoding", {}).get("language_model", DEFAULT_LM))
        manifest = json.loads((path / "manifest.json").read_text(encoding="utf-8"))
    except (LMError, OSError, ValueError):
        return set()  # no language model: nothing read
    return {site for src in manifest.get("sources", []) for site in src.get("sites", [])}


def _trained_sites(corpus, info: ModelInfo, split: dict) -> set[str]:
    if info.kind == "line":
        test = set(split.get("test_sites", []))
        return {p.name for sec in ("1a", "1b", "1c", "1d", "7", "8") if (corpus.root / "data" / sec).is_dir()
                for p in (corpus.root / "data" / sec).iterdir()} - test
    held = set(split.get("val_sites", [])) | set(split.get("test_sites", []))
    sites = {p.name for sec in ("1a", "1b", "1c") if (corpus.root / "data" / sec).is_dir()
             for p in (corpus.root / "data" / sec).iterdir()}
    return sites - held if split else sites


@dataclass(frozen=True)
class EvalText:
    """A rendered held-out text, clean and with the scan look."""

    text: str
    image: np.ndarray
    scanned: np.ndarray
    printed: bool
    site: str


def held_out_texts(corpus, infos: Sequence[ModelInfo], section: str, limit: int) -> tuple[list[EvalText], list[str]]:
    """Render the section's texts from sites none of ``infos`` saw (every n-th, up to ``limit``)."""
    seen = set().union(*(seen_sites(corpus, i) for i in infos))
    root = corpus.root / "data" / section
    sites = sorted(p.name for p in root.iterdir() if p.name not in seen) if root.is_dir() else []
    return texts_of_sites(corpus, section, sites, limit), sites


def texts_of_sites(corpus, section: str, sites: Sequence[str], limit: int) -> list[EvalText]:
    """Render the section's texts of ``sites`` (every n-th, up to ``limit``), clean and with the scan look."""
    from textrecog.data.lineimages import ScanLook, scan_look
    from textrecog.data.texts import iter_text_samples, render_text

    inks = list(iter_text_samples(corpus, [section], sites, LINE_ALPHABET, max_len=80))
    if limit and len(inks) > limit:
        inks = [inks[i] for i in np.linspace(0, len(inks) - 1, limit).round().astype(int)]
    out = []
    for k, ink in enumerate(inks):
        t = render_text(ink)
        scanned = scan_look(t.image, np.random.default_rng(k), ScanLook(p=1.0))
        out.append(EvalText(t.text, t.image, scanned, t.printed, t.site))
    return out


def read_all(texts: Sequence[EvalText], info: ModelInfo, options=None) -> tuple[list[str], list[str], list]:
    """A model's readings of the clean and scanned images, and the clean analyses (for the gallery)."""
    from textrecog.pipeline import analyze

    clean, scanned, analyses = [], [], []
    for t in texts:
        a = analyze(t.image, info.path, options=options)
        clean.append(" ".join(line.text for line in a.result.lines))
        analyses.append(a)
        scanned.append(" ".join(line.text for line in analyze(t.scanned, info.path, options=options).result.lines))
    return clean, scanned, analyses


def read_clean(texts: Sequence[EvalText], info: ModelInfo, options) -> list[str]:
    """A model's readings of the clean images only."""
    from textrecog.pipeline import recognize

    return [" ".join(line.text for line in recognize(t.image, info.path, options=options).lines) for t in texts]


def confidence_pairs(texts: Sequence[EvalText], analyses: list) -> dict[str, list]:
    """(confidence, right?) of every word read, and of every single-line text read."""
    from textrecog.decoding.calibrate import word_outcomes

    out: dict[str, list] = {"words": [], "lines": []}
    for t, a in zip(texts, analyses):
        words = [w for line in a.result.lines for w in line.words]
        out["words"] += zip([w.confidence for w in words], word_outcomes(t.text, [w.text for w in words]))
        if len(a.result.lines) == 1:
            out["lines"].append((a.result.lines[0].confidence, a.result.lines[0].text == t.text))
    return out


def score(texts: Sequence[EvalText], clean: list[str], scanned: list[str]) -> dict:
    """CER/WER by style, case-sensitive and not, clean and scanned."""
    from textrecog.evaluation.metrics import error_rates

    out = {}
    for style, keep in (("printed", True), ("cursive", False)):
        idx = [i for i, t in enumerate(texts) if t.printed == keep]
        truth = [texts[i].text for i in idx]
        out[style] = {"case_sensitive": error_rates(truth, [clean[i] for i in idx]),
                      "case_insensitive": error_rates(truth, [clean[i] for i in idx], fold_case=True),
                      "scan_look": error_rates(truth, [scanned[i] for i in idx])}
    return out


def evaluate_models(corpus, infos: Sequence[ModelInfo], limit: int, greedy: bool = True) -> tuple[dict, dict]:
    """Report per model and section, and per model the (text, reading, analysis) cases for galleries.

    Readings use the default decoding (beam search with the language model);
    with ``greedy`` the clean images are also read by best path, for the gain.
    """
    from textrecog.decoding.decoder import make_options
    from textrecog.evaluation.metrics import substitutions

    report: dict = {"sites": {}, "models": {i.name: {} for i in infos}}
    cases: dict = {i.name: [] for i in infos}
    for section, name in (("7", "words"), ("8", "lines")):
        texts, sites = held_out_texts(corpus, infos, section, limit)
        if not texts:
            continue
        report["sites"][name] = sites
        log.info("%s: %d texts from held-out sites %s", name, len(texts), ",".join(sites))
        for info in infos:
            clean, scanned, analyses = read_all(texts, info)
            mine = report["models"][info.name]
            mine[name] = score(texts, clean, scanned)
            mine[name]["confused"] = substitutions([t.text for t in texts], clean)
            pairs = confidence_pairs(texts, analyses)
            for kind in ("words", "lines"):
                mine.setdefault("confidence", {}).setdefault(kind, []).extend(pairs[kind])
            if greedy:
                best_path = read_clean(texts, info, make_options(decoder="greedy"))
                mine.setdefault("greedy", {})[name] = score(texts, best_path, best_path)
            cases[info.name] += [(t, p, a) for t, p, a in zip(texts, clean, analyses)]
    return report, cases
