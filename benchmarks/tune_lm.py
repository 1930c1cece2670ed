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

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def frame_probs(args) -> list[dict]:
    """[{text, printed, probs: [per line (T, C+1)]}] for the sites' words and texts (cached)."""
    cache = Path(args.cache or f"runs/lmtune-{args.sites.replace(',', '-')}-{args.limit}.pkl")
    if cache.exists():
        return pickle.loads(cache.read_bytes())
    from textrecog.data.unipen import UnipenCorpus
    from textrecog.eval_texts import texts_of_sites
    from textrecog.line_engine import cut_line
    from textrecog.pipeline import get_engine, prepare

    engine = get_engine(args.model)
    corpus = UnipenCorpus(args.unipen)
    out = []
    for section in ("7", "8"):
        for t in texts_of_sites(corpus, section, args.sites.split(","), args.limit):
            page = prepare(t.image)
            cuts = [cut_line(page, line, engine.info) for line in page.segmentation.lines]
            probs = engine.probabilities([c.fitted.image for c in cuts]) if cuts else []
            out.append({"text": t.text, "printed": t.printed, "section": section, "probs": probs})
    cache.parent.mkdir(parents=True, exist_ok=True)
    cache.write_bytes(pickle.dumps(out))
    return out


def decode_all(items: list[dict], labels: tuple[str, ...], scorer, config) -> tuple[list[str], list[float]]:
    """Each item's text (lines joined by a space) and the decoding time of each line."""
    from textrecog.beam import prefix_beam_search
    from textrecog.ctc import best_path

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


def report(name: str, items: list[dict], texts: list[str], times: list[float]) -> dict:
    """Print and return CER/WER by style and set."""
    from textrecog.evaluate import error_rates

    row = {}
    for section, style in itertools.product(("7", "8"), (True, False)):
        idx = [i for i, it in enumerate(items) if it["section"] == section and it["printed"] == style]
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
    p.add_argument("--limit", type=int, default=400, help="texts per section")
    p.add_argument("--model", default="line")
    p.add_argument("--lm", default="en")
    p.add_argument("--cache")
    p.add_argument("--grid", action="store_true", help="try a grid of weights")
    p.add_argument("--lm-weight", type=float, default=0.5)
    p.add_argument("--insertion", type=float, default=1.0)
    p.add_argument("--oov", type=float, default=2.0, help="penalty for a word outside the lexicon")
    p.add_argument("--beam", type=int, default=8)
    args = p.parse_args()
    from textrecog.beam import BeamConfig
    from textrecog.lm import load_lm
    from textrecog.lm_scorer import LMScorer, Weights
    from textrecog.model import load_info

    labels = load_info(args.model).labels
    items = frame_probs(args)
    print(f"{len(items)} texts, {sum(len(i['probs']) for i in items)} lines, sites {args.sites}")
    report("best path", items, *decode_all(items, labels, None, None))
    lm = load_lm(args.lm)
    grid = ([(a, b, c) for a in (0.3, 0.5, 0.8) for b in (0.0, 0.5, 1.0) for c in (1.0, 2.0, 4.0)] if args.grid
            else [(args.lm_weight, args.insertion, args.oov)])
    for a, b, c in grid:
        scorer = LMScorer(lm, labels, Weights(lm=a, insertion=b, oov=c))
        texts, times = decode_all(items, labels, scorer, BeamConfig(width=args.beam))
        report(f"lm {a} ins {b} oov {c} beam {args.beam}", items, texts, times)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
