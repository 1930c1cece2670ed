"""How well a user's word list (--lexicon) is read: 500 names from held-out UNIPEN words.

The list is the 500 most frequent distinct words (letters only, 3+ long)
written at the held-out test sites (UNIPEN section 7: Rembrandt, Istanbul,
Kamchatka ... and plain words); every sample of those words at those
sites, up to --per-word each, is rendered and read with and without the
list. Prints the share read exactly (case-sensitive and any case).

    python benchmarks/eval_lexicon.py --unipen ../shared/data/unipen_train_r01_v07.tar.xz
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def pick(corpus, sites: set[str], names: int, per_word: int, skip: set[str]):
    """(the word list, [(word, ink sample)] of listed words, [(word, ink sample)] of other words)."""
    from textrecog.data.texts import iter_text_samples

    counts = Counter(label for site, label in corpus.iter_labels(["7"], {"WORD"})
                     if site in sites and label.isalpha() and len(label) >= 3 and label.lower() not in skip)
    words = [w for w, _ in counts.most_common(names)]
    wanted, by_word, others = set(words), defaultdict(list), []
    for sample in iter_text_samples(corpus, ["7"], sorted(sites), "".join(sorted(set("".join(words))))):
        if sample.label in wanted and len(by_word[sample.label]) < per_word:
            by_word[sample.label].append(sample)
        elif sample.label not in wanted and len(others) < 2 * names and sample.label.isalpha():
            others.append((sample.label, sample))
    return words, [(w, s) for w in words for s in by_word[w]], others


def rates(images, info, options) -> str:
    """Share of images read exactly, case-sensitive and any case."""
    from textrecog.pipeline import recognize

    reads = [recognize(img, info.path, options=options).text for _, img in images]
    exact = sum(r == w for (w, _), r in zip(images, reads)) / max(1, len(images))
    folded = sum(r.lower() == w.lower() for (w, _), r in zip(images, reads)) / max(1, len(images))
    return f"exact {exact:.1%}, any case {folded:.1%} (n={len(images)})"


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--unipen", default=os.environ.get("TEXTRECOG_UNIPEN"))
    p.add_argument("--model", default="line")
    p.add_argument("--names", type=int, default=500)
    p.add_argument("--per-word", type=int, default=3)
    p.add_argument("--sites", help="default: the model's test sites")
    p.add_argument("--margins", default="", help="try these lexicon margins (nats; validation sites only)")
    p.add_argument("--out", type=Path, default=Path("runs/lexicon-names.txt"), help="where the list is written")
    args = p.parse_args()
    from textrecog.data.texts import render_text
    from textrecog.data.unipen import UnipenCorpus
    from textrecog.decoding.decoder import make_options
    from textrecog.engines.model import load_info
    from textrecog.pipeline import get_engine

    info = load_info(args.model)
    sites = set(args.sites.split(",")) if args.sites else set(info.manifest["training"]["split"]["test_sites"])
    corpus = UnipenCorpus(args.unipen)
    words, samples, others = pick(corpus, sites, args.names, args.per_word, set())
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text("\n".join(words) + "\n", encoding="utf-8")
    print(f"{len(words)} names from sites {','.join(sorted(sites))}; {len(samples)} written samples; list in {args.out}")
    images = [(w, render_text(s).image) for w, s in samples]
    other_images = [(w, render_text(s).image) for w, s in others]
    runs = [("best path", make_options(decoder="greedy"), None), ("beam + LM", make_options(), None)]
    lexicon = make_options(lexicon=args.out)
    runs += [(f"beam + LM + --lexicon (margin {m})", lexicon, float(m)) for m in args.margins.split(",") if m]
    runs += [] if args.margins else [("beam + LM + --lexicon", lexicon, None)]
    for name, options, margin in runs:
        if margin is not None:
            get_engine(str(info.path)).decoder(options).margin = margin
        t0 = time.time()
        print(f"{name:36s} listed words: {rates(images, info, options)}; other words: "
              f"{rates(other_images, info, options)}  ({time.time() - t0:.0f} s)", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
