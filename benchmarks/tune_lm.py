"""Tune (on validation sites) and measure the line engine's LM decoding against best path.

Renders UNIPEN words (section 7) and texts (section 8) of the chosen sites
once, runs the line model once and caches each line's frame probabilities
(``--cache``); then decodes them with best path and with each requested
setting and prints CER/WER by style and the median decoding time a line.

    python benchmarks/tune_lm.py --sites art,gmd,ape --grid        # tuning: validation sites only
    python benchmarks/tune_lm.py --sites art,gmd,ape --lm-weight 0.5 --insertion 1.0
"""

from __future__ import annotations

import argparse
import itertools
import os
import pickle
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def model_digest(model: str) -> str:
    """A short hash of the model file, so a cache never serves another model's frames."""
    import hashlib

    from textrecog.engines.model import load_info

    return hashlib.sha1(load_info(model).tflite_path.read_bytes()).hexdigest()[:10]


def real_frame_probs(args) -> list[dict]:
    """[{text, set, probs: [(T, C+1)]}] for the real validation writers' lines (--gt; cut as training does)."""
    from textrecog.data.gtdata import load_gt_split
    from textrecog.data.reallines import real_image
    from textrecog.decoding.charset import LINE_ALPHABET
    from textrecog.pipeline import get_engine

    engine = get_engine(args.model)
    lines = load_gt_split(args.gt, [], LINE_ALPHABET).val
    lines = lines[:: max(1, len(lines) // args.limit)] if args.limit else lines  # spread over every set
    probs = engine.probabilities([real_image(r, engine.info.spec, None) for r in lines])
    return [{"text": r.text, "set": r.set_name, "probs": [p]} for r, p in zip(lines, probs)]


def frame_probs(args) -> list[dict]:
    """[{text, printed, probs: [per line (T, C+1)]}] for the sites' words and texts (cached)."""
    name = "gt-" + "-".join(Path(g).name for g in args.gt) if args.gt else args.sites.replace(",", "-")
    cache = Path(args.cache or f"runs/lmtune-{name}-{args.limit}-{model_digest(args.model)}.pkl")
    if cache.exists():
        return pickle.loads(cache.read_bytes())
    if args.gt:
        out = real_frame_probs(args)
        cache.parent.mkdir(parents=True, exist_ok=True)
        cache.write_bytes(pickle.dumps(out))
        return out
    from textrecog.data.unipen import UnipenCorpus
    from textrecog.engines.line_engine import cut_line
    from textrecog.evaluation.eval_texts import texts_of_sites
    from textrecog.pipeline import get_engine, prepare

    engine = get_engine(args.model)
    corpus = UnipenCorpus(args.unipen)
    out = []
    for section in ("7", "8"):
        for t in texts_of_sites(corpus, section, args.sites.split(","), args.limit):
            page = prepare(t.image)
            cuts = [cut_line(page, line, engine.info.spec) for line in page.segmentation.lines]
            probs = engine.probabilities([c.fitted.image for c in cuts]) if cuts else []
            out.append({"text": t.text, "printed": t.printed, "section": section, "probs": probs})
    cache.parent.mkdir(parents=True, exist_ok=True)
    cache.write_bytes(pickle.dumps(out))
    return out


def decode_all(items: list[dict], labels: tuple[str, ...], scorer, config) -> tuple[list[str], list[float]]:
    """Each item's text (lines joined by a space) and the decoding time of each line."""
    from textrecog.decoding.beam import prefix_beam_search
    from textrecog.decoding.ctc import best_path

    texts, times = [], []
    for it in items:
        parts = []
        for p in it["probs"]:
            t0 = time.perf_counter()
            if config is None:
                parts.append(best_path(p.argmax(axis=1), "".join(labels)))
            else:
                parts.append(prefix_beam_search(p, labels, scorer, config)[0].text)
            times.append(time.perf_counter() - t0)
        texts.append(" ".join(parts))
    return texts, times


def calibration_data(items: list[dict], labels: tuple[str, ...], scorer, config, temperature: float):
    """Per word read: (N-best mass, confidence features, right?); per single-line text: (mass, right?)."""
    from textrecog.decoding.beam import posteriors, prefix_beam_search
    from textrecog.decoding.calibrate import word_features, word_outcomes
    from textrecog.decoding.ctc import Span, span_probs
    from textrecog.decoding.decoder import word_readings
    from textrecog.decoding.lm_scorer import word_core

    index = {c: i for i, c in enumerate(labels)}
    words, lines = {"mass": [], "features": [], "right": []}, {"mass": [], "right": []}
    for it in items:
        read = []
        for p in it["probs"]:
            hyps = prefix_beam_search(p, labels, scorer, config)
            post = posteriors(hyps, temperature)
            best = hyps[0]
            # as the engine computes a character's confidence: its frame's distribution, blank left out
            char_p = [float(span_probs(p, Span(index[c], t, t + 1))[index[c]]) for c, t in zip(best.text, best.frames)]
            starts = [0] + [k + 1 for k, c in enumerate(best.text) if c == " "]
            for r, s in zip(word_readings(hyps, post), starts):
                cp = char_p[s : s + len(r[0].text)]
                words["mass"].append(r[0].prob)
                words["features"].append(word_features(r[0].prob, cp, word_core(r[0].text) in scorer.lm.words))
            read += best.text.split(" ") if best.text else []
            if len(it["probs"]) == 1:
                lines["mass"].append(float(post[0]))
                lines["right"].append(best.text == it["text"])
        words["right"].extend(word_outcomes(it["text"], read))
    return words, lines


def fit_calibration(items, labels, scorer, config) -> dict:
    """The temperature whose raw word mass is best calibrated; then a logistic word-confidence model
    (N-best mass, character probabilities, lexicon, length) and a Platt map for lines."""
    from textrecog.decoding.calibrate import TEMPERATURES, ece, fit_confidence

    best = None
    for t in TEMPERATURES:
        words, lines = calibration_data(items, labels, scorer, config, t)
        raw = ece(words["mass"], words["right"])
        print(f"temperature {t:5.1f}: raw word ECE {raw:.1%}", flush=True)
        if best is None or raw < best[0]:
            best = (raw, t, words, lines)
    raw, t, words, lines = best
    return fit_confidence(t, raw, words["features"], words["right"], lines["mass"], lines["right"])


def report(name: str, items: list[dict], texts: list[str], times: list[float]) -> dict:
    """Print and return CER/WER by style and set."""
    from textrecog.evaluation.metrics import error_rates

    row = {}
    for name_ in sorted({it["set"] for it in items if "set" in it}):  # real lines: by set
        idx = [i for i, it in enumerate(items) if it.get("set") == name_]
        row[name_] = error_rates([items[i]["text"] for i in idx], [texts[i] for i in idx])
    for section, style in itertools.product(("7", "8"), (True, False)):
        idx = [i for i, it in enumerate(items) if it.get("section") == section and it.get("printed") == style]
        if idx:
            r = error_rates([items[i]["text"] for i in idx], [texts[i] for i in idx])
            row[f"{'words' if section == '7' else 'lines'}-{'printed' if style else 'cursive'}"] = r
    cells = "  ".join(f"{k} CER {v['cer']:.1%} WER {v['wer']:.1%}" for k, v in row.items())
    ms = statistics.median(times) * 1000 if times else 0.0
    print(f"{name:40s} {cells}  median {ms:.2f} ms/line", flush=True)
    return row


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--unipen", default=os.environ.get("TEXTRECOG_UNIPEN", "../shared/data/unipen_train_r01_v07.tar.xz"))
    p.add_argument("--sites", default="art,gmd,ape")
    p.add_argument("--gt", nargs="+", help="tune on the real validation writers of this ground truth instead (the "
                                           "split line training uses); --update-model then stores the weights for --lm")
    p.add_argument("--limit", type=int, default=400, help="texts per section")
    p.add_argument("--model", default="line")
    p.add_argument("--lm", default="en")
    p.add_argument("--cache")
    p.add_argument("--grid", action="store_true", help="try a grid of weights")
    p.add_argument("--lm-weight", type=float, default=0.5)
    p.add_argument("--insertion", type=float, default=1.0)
    p.add_argument("--oov", type=float, default=2.0, help="penalty for a word outside the lexicon")
    p.add_argument("--case", type=float, default=1.0, help="weight of the case model")
    p.add_argument("--beam", type=int, default=8)
    p.add_argument("--update-model", action="store_true",
                   help="store the weights and a calibration fitted on these sites in the model manifest")
    args = p.parse_args()
    from textrecog.decoding.beam import BeamConfig
    from textrecog.decoding.lm import load_lm
    from textrecog.decoding.lm_scorer import LMScorer, Weights
    from textrecog.engines.model import load_info

    labels = load_info(args.model).labels
    items = frame_probs(args)
    print(f"{len(items)} texts, {sum(len(i['probs']) for i in items)} lines, "
          + (f"real validation writers of {' '.join(args.gt)}" if args.gt else f"sites {args.sites}"))
    report("best path", items, *decode_all(items, labels, None, None))
    lm = load_lm(args.lm)
    grid = ([(a, b, c) for a in (0.3, 0.5, 0.8) for b in (0.0, 0.5, 1.0) for c in (1.0, 2.0, 4.0)] if args.grid
            else [(args.lm_weight, args.insertion, args.oov)])
    for a, b, c in grid:
        scorer = LMScorer(lm, labels, Weights(lm=a, insertion=b, oov=c, case=args.case))
        texts, times = decode_all(items, labels, scorer, BeamConfig(width=args.beam))
        report(f"lm {a} ins {b} oov {c} beam {args.beam}", items, texts, times)
    if args.update_model:
        update_model(args, items, labels, lm)
    return 0


def update_model(args, items, labels, lm) -> None:
    """Write the weights and the fitted calibration into the model's manifest."""
    import json

    from textrecog.decoding.beam import BeamConfig
    from textrecog.decoding.lm_scorer import LMScorer, Weights
    from textrecog.engines.model import load_info

    weights = {"lm": args.lm_weight, "insertion": args.insertion, "oov": args.oov, "case": args.case}
    scorer = LMScorer(lm, labels, Weights(**weights))
    cal = fit_calibration(items, labels, scorer, BeamConfig(width=args.beam))
    if args.gt:  # weights for this language model, and the calibration, fitted on the real validation writers
        return update_language(args, weights, cal)
    info = load_info(args.model)
    path = info.path / "manifest.json"
    manifest = json.loads(path.read_text(encoding="utf-8"))
    command = "python benchmarks/tune_lm.py " + " ".join(sys.argv[1:])
    old = manifest.get("decoding", {})  # settings tuned elsewhere (user-word weight, lexicon margin) stay
    manifest["decoding"] = {**old, "weights": {**old.get("weights", {}), **weights}, "beam": args.beam,
                            "language_model": args.lm, "tuned_on_sites": args.sites.split(","), "command": command}
    manifest["calibration"] = {**cal, "fitted_on_sites": args.sites.split(","), "command": command}
    path.write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"updated {path}: {json.dumps(manifest['calibration'])}")


def update_language(args, weights: dict, cal: dict) -> None:
    """Store weights for one language model (``decoding.by_lm``) and the calibration, both fitted on the real
    validation writers."""
    import json

    from textrecog.engines.model import load_info

    path = load_info(args.model).path / "manifest.json"
    manifest = json.loads(path.read_text(encoding="utf-8"))
    dec = manifest.setdefault("decoding", {})
    dec.setdefault("by_lm", {})[args.lm] = weights
    command = "python benchmarks/tune_lm.py " + " ".join(sys.argv[1:])
    where = "real validation writers of " + " ".join(args.gt)
    dec.setdefault("by_lm_tuning", {})[args.lm] = {"command": command, "tuned_on": where}
    manifest["calibration"] = {**cal, "fitted_on": where, "language_model": args.lm, "command": command}
    path.write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"updated {path}: decoding.by_lm.{args.lm} = {weights}")


if __name__ == "__main__":
    raise SystemExit(main())
