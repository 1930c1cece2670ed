"""How often the word-space rule finds the right number of words, per setting.

    python benchmarks/tune_spacing.py --unipen ../shared/data/unipen_train_r01_v07.tar.xz

Renders hand-printed single-line texts of UNIPEN section 8 (sites not used
to train the default model), segments them once, then prints for each
(HEIGHT_FACTOR, GAP_FACTOR) the share of lines whose word count is exact
and the mean absolute word-count error. Segmentation only: no model.
"""

from __future__ import annotations

import argparse

import numpy as np

from textrecog.data.texts import iter_text_samples, render_text
from textrecog.data.unipen import UnipenCorpus
from textrecog.decoding.charset import LATIN62
from textrecog.imaging.binarize import binarize
from textrecog.segmentation import spacing
from textrecog.segmentation.segment import segment

MODEL_SITES = {"apa", "apb", "app", "ibm", "imp", "kai", "lav", "lou", "mot", "pri", "sie", "syn", "uqb",
               "art", "gmd", "val"}


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--unipen", required=True)
    p.add_argument("--count", type=int, default=500, help="texts to sample before filtering")
    args = p.parse_args()
    corpus = UnipenCorpus(args.unipen)
    sites = [d.name for d in (corpus.root / "data" / "8").iterdir() if d.name not in MODEL_SITES]
    inks = list(iter_text_samples(corpus, ["8"], sites, LATIN62, 60))
    data = []
    for i in np.linspace(0, len(inks) - 1, args.count).astype(int):
        t = render_text(inks[i])
        if t.printed and t.lines == 1:
            line = segment(binarize(t.image)).lines[0]
            data.append((len(t.text.split()), [g.box for g in line.glyphs], line.char_height))
    print(f"{len(data)} hand-printed single lines")
    for hf in (0.45, 0.55, 0.65, 0.75, 0.85):
        for gf in (1.5, 2.0, 2.5):
            spacing.HEIGHT_FACTOR, spacing.GAP_FACTOR = hf, gf
            counts = [sum(spacing.word_spaces([b.x for b in boxes], [b.right for b in boxes], h)) + 1
                      for _, boxes, h in data]
            exact = np.mean([c == n for c, (n, _, _) in zip(counts, data)])
            err = np.mean([abs(c - n) for c, (n, _, _) in zip(counts, data)])
            print(f"HEIGHT_FACTOR {hf:.2f} GAP_FACTOR {gf:.1f}: word count exact {exact:.1%}, "
                  f"mean abs error {err:.2f}")


if __name__ == "__main__":
    main()
