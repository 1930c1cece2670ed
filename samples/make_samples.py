"""Regenerate the bundled samples from UNIPEN strokes (CC BY 4.0).

    python samples/make_samples.py --unipen ../shared/data/unipen_train_r01_v07.tar.xz

Picks hand-printed, single-line words and lines written by writers of
sites that the default model never saw in training, renders them, and
writes NAME.png with its true text in NAME.gt.txt, plus SOURCES.tsv.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import cv2

from textrecog.charset import LATIN62
from textrecog.data.texts import iter_texts
from textrecog.data.unipen import UnipenCorpus

# (file stem, section, site, index among that site's suitable samples)
PICKS = [
    ("line-lex", "8", "lex", 0),
    ("line-lex2", "8", "lex", 4),
    ("line-att", "8", "att", 1),
    ("line-atu", "8", "atu", 2),
    ("line-scr", "8", "scr", 1),
    ("line-hpb", "8", "hpb", 3),
    ("word-nic", "7", "nic", 3),
    ("word-hpb", "7", "hpb", 2),
    ("word-par", "7", "par", 0),
]


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--unipen", required=True)
    p.add_argument("--out", default=str(Path(__file__).parent))
    p.add_argument("--list", type=int, default=0, help="only list N candidates per pick site")
    args = p.parse_args()
    corpus = UnipenCorpus(args.unipen)
    out = Path(args.out)
    rows = ["file\tsection\tsite\tsession\ttext"]
    for stem, section, site, index in PICKS:
        found = (t for t in iter_texts(corpus, [section], [site], LATIN62, max_len=40)
                 if t.printed and t.lines == 1 and len(t.text) >= 4)
        for i, sample in enumerate(found):
            if args.list:
                print(stem, i, repr(sample.text))
                if i + 1 >= args.list:
                    break
                continue
            if i == index:
                cv2.imwrite(str(out / f"{stem}.png"), sample.image)
                (out / f"{stem}.gt.txt").write_text(sample.text + "\n", encoding="utf-8")
                rows.append(f"{stem}.png\t{section}\t{site}\t{sample.session}\t{sample.text}")
                print(stem, repr(sample.text))
                break
    if not args.list:
        (out / "SOURCES.tsv").write_text("\n".join(rows) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
