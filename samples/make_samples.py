"""Regenerate the bundled samples from UNIPEN strokes (CC BY 4.0).

    python samples/make_samples.py --unipen ../shared/data/unipen_train_r01_v07.tar.xz

Picks single-line words and lines, hand-printed and cursive, written by
writers of sites that neither bundled model saw in training (all but
line-lex, line-lex2 and line-atu, whose sites the line model trained on),
renders them, and writes NAME.png with its true text in NAME.gt.txt, plus
SOURCES.tsv.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import cv2

from textrecog.charset import LATIN62
from textrecog.data.texts import iter_texts
from textrecog.data.unipen import UnipenCorpus

# (file stem, section, site, index among that site's suitable samples, hand-printed?)
PICKS = [
    ("line-lex", "8", "lex", 0, True),
    ("line-lex2", "8", "lex", 4, True),
    ("line-att", "8", "att", 1, True),
    ("line-atu", "8", "atu", 2, True),
    ("line-scr", "8", "scr", 1, True),
    ("line-hpb", "8", "hpb", 3, True),
    ("word-nic", "7", "nic", 3, True),
    ("word-hpb", "7", "hpb", 2, True),
    ("word-par", "7", "par", 0, True),
    ("cursive-word-nic", "7", "nic", 4, False),
    ("cursive-line-att", "8", "att", 4, False),
]


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--unipen", required=True)
    p.add_argument("--out", default=str(Path(__file__).parent))
    p.add_argument("--list", type=int, default=0, help="only list N candidates per pick site")
    p.add_argument("--only", nargs="*", help="write only these stems (SOURCES.tsv keeps the other rows)")
    args = p.parse_args()
    corpus = UnipenCorpus(args.unipen)
    out = Path(args.out)
    sources = out / "SOURCES.tsv"
    rows = ["file\tsection\tsite\tsession\ttext"]
    if args.only and sources.is_file():  # keep the rows of the samples not rewritten
        rows = [r for r in sources.read_text(encoding="utf-8").splitlines()
                if r.split("\t")[0][: -len(".png")] not in args.only]
    for stem, section, site, index, printed in PICKS:
        if args.only and stem not in args.only:
            continue
        found = (t for t in iter_texts(corpus, [section], [site], LATIN62, max_len=40)
                 if t.printed == printed and t.lines == 1 and len(t.text) >= 4)
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
        sources.write_text("\n".join(rows) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
