"""Tune (on validation sites) the character engine's language-model lattice against its plain reading.

Reads UNIPEN words and texts of the chosen sites once with the character
model (segmentation, classification, geometry decoding), caches each line's
glyph probabilities and word spaces, then decodes them plainly (the top
class) and with the lattice for each setting; prints CER/WER by style.

    python benchmarks/tune_glyph_lm.py --sites art,gmd,ape --grid
    python benchmarks/tune_glyph_lm.py --sites art,gmd,ape --lm-weight 0.5 --update-model
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))


def glyph_probs(args) -> list[dict]:
    """[{text, printed, section, lines: [(probs, spaces)]}] (cached)."""
    from textrecog.decoding.lm import sha256
    from textrecog.engines.model import load_info

    digest = sha256(load_info(args.model).tflite_path)[:10]  # a retrained model gets its own cache
    cache = Path(args.cache or f"runs/glyphtune-{args.model}-{digest}-{args.sites.replace(',', '-')}-{args.limit}.pkl")
    if cache.exists():
        return pickle.loads(cache.read_bytes())
    from textrecog.data.unipen import UnipenCorpus
    from textrecog.decoding.context import decode
    from textrecog.engines.char_engine import _upright_inks
    from textrecog.evaluation.eval_texts import texts_of_sites
    from textrecog.imaging.normalize import normalize_batch
    from textrecog.pipeline import get_engine, prepare

    engine = get_engine(args.model)
    out = []
    for section in ("7", "8"):
        for t in texts_of_sites(UnipenCorpus(args.unipen), section, args.sites.split(","), args.limit):
            page = prepare(t.image)
            batch = normalize_batch(_upright_inks(page), engine.info.spec)
            probs = engine.classifier.probabilities(batch) if len(batch) else np.zeros((0, len(engine.info.labels)))
            probs = decode(page.segmentation.lines, probs, engine.info.labels)
            lines, start = [], 0
            for line in page.segmentation.lines:
                lines.append((probs[start : start + len(line.glyphs)], list(line.spaces)))
                start += len(line.glyphs)
            out.append({"text": t.text, "printed": t.printed, "section": section, "lines": lines})
    cache.parent.mkdir(parents=True, exist_ok=True)
    cache.write_bytes(pickle.dumps(out))
    return out


def read(items: list[dict], labels: tuple[str, ...], scorer) -> list[str]:
    """Each item's text: the top class per glyph, or the lattice's best reading."""
    from textrecog.decoding.beam import lattice_search

    texts = []
    for it in items:
        parts = []
        for probs, spaces in it["lines"]:
            if not len(probs):
                continue
            if scorer is None:
                chars = [labels[i] for i in probs.argmax(axis=1)]
                parts.append("".join(c + (" " if k < len(chars) - 1 and spaces[k] else "") for k, c in enumerate(chars)))
            else:
                parts.append(lattice_search(probs, labels, spaces, scorer)[0].text)
        texts.append(" ".join(parts))
    return texts


def fit_calibration(items: list[dict], labels: tuple[str, ...], scorer) -> dict:
    """Temperature with the best-calibrated raw word mass, then the logistic word model and a line Platt map."""
    from textrecog.decoding.beam import lattice_search, posteriors
    from textrecog.decoding.calibrate import TEMPERATURES, ece, fit_confidence, word_features, word_outcomes
    from textrecog.decoding.decoder import word_readings
    from textrecog.decoding.lm_scorer import word_core

    index = {c: i for i, c in enumerate(labels)}
    best = None
    for t in TEMPERATURES:
        feats, mass, right, lines = [], [], [], ([], [])
        for it in items:
            read = []
            for probs, spaces in it["lines"]:
                if not len(probs):
                    continue
                hyps = lattice_search(probs, labels, spaces, scorer)
                post = posteriors(hyps, t)
                chars = hyps[0].text.replace(" ", "")
                char_p = [float(probs[g, index[c]]) for g, c in enumerate(chars)]
                start = 0
                for r in word_readings(hyps, post):
                    cp = char_p[start : start + len(r[0].text)]
                    start += len(r[0].text)
                    mass.append(r[0].prob)
                    feats.append(word_features(r[0].prob, cp, word_core(r[0].text) in scorer.lm.words))
                read += hyps[0].text.split(" ")
                if len(it["lines"]) == 1:
                    lines[0].append(float(post[0]))
                    lines[1].append(hyps[0].text == it["text"])
            right += word_outcomes(it["text"], read)
        raw = ece(mass, right)
        print(f"temperature {t:5.1f}: raw word ECE {raw:.1%}", flush=True)
        if best is None or raw < best[0]:
            best = (raw, t, feats, right, lines)
    raw, t, feats, right, lines = best
    return fit_confidence(t, raw, feats, right, *lines)


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--unipen", default=os.environ.get("TEXTRECOG_UNIPEN", "../shared/data/unipen_train_r01_v07.tar.xz"))
    p.add_argument("--sites", default="art,gmd,ape")
    p.add_argument("--limit", type=int, default=1500)
    p.add_argument("--model", default="latin")
    p.add_argument("--lm", default="en")
    p.add_argument("--cache")
    p.add_argument("--grid", action="store_true")
    p.add_argument("--lm-weight", type=float, default=0.5)
    p.add_argument("--oov", type=float, default=2.0)
    p.add_argument("--case", type=float, default=1.0)
    p.add_argument("--update-model", action="store_true", help="store the weights in the model manifest")
    args = p.parse_args()
    from tune_lm import report

    from textrecog.decoding.lm import load_lm
    from textrecog.decoding.lm_scorer import LMScorer, Weights
    from textrecog.engines.model import load_info

    info = load_info(args.model)
    items = glyph_probs(args)
    print(f"{len(items)} texts, sites {args.sites}, model {args.model}")
    report("top class", items, read(items, info.labels, None), [])
    lm = load_lm(args.lm)
    grid = ([(a, c, k) for a in (0.3, 0.5, 1.0) for c in (1.0, 2.0, 4.0) for k in (0.3, 1.0)] if args.grid
            else [(args.lm_weight, args.oov, args.case)])
    for a, c, k in grid:
        scorer = LMScorer(lm, info.labels, Weights(lm=a, insertion=0.0, oov=c, case=k))
        report(f"lattice lm {a} oov {c} case {k}", items, read(items, info.labels, scorer), [])
    if args.update_model:
        path = info.path / "manifest.json"
        manifest = json.loads(path.read_text(encoding="utf-8"))
        command = "python benchmarks/tune_glyph_lm.py " + " ".join(sys.argv[1:])
        weights = {"lm": args.lm_weight, "insertion": 0.0, "oov": args.oov, "case": args.case}
        manifest["decoding"] = {"weights": weights, "beam": 8, "language_model": args.lm,
                                "tuned_on_sites": args.sites.split(","), "command": command}
        cal = fit_calibration(items, info.labels, LMScorer(lm, info.labels, Weights(**weights)))
        manifest["calibration"] = {**cal, "fitted_on_sites": args.sites.split(","), "command": command}
        path.write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        print(f"updated {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
