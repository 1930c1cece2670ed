"""Page benchmark: pages of 3-6 real handwritten lines in four looks, read whole; page CER and line counts.

    python benchmarks/bench_pages.py --unipen ../shared/data/unipen_train_r01_v07.tar.xz            # test sites
    python benchmarks/bench_pages.py --unipen ... --split val                                      # for tuning

The lines come from the model's held-out sites (its manifest's split): ``--split test`` reports, ``--split val``
is the only one to tune on. The validation sites hold few texts (141 lines fit a page), so the page layer's line
finding is also tuned with ``--split train``: many more writers, unseen by the page layer (which learns
nothing), though not by the reader, whose CER there is optimistic. Every look gets the same texts (page i has
the same lines in each look), so the looks differ only by paper and photo. Reports, per look: page CER (edit
distance over the page's text, line breaks included, / its length), the share of pages whose number of lines
read equals the number written, and seconds a page; and the same lines read one at a time (each rendered alone),
the reference for clean pages.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--unipen", required=True, help="UNIPEN train_r01_v07 folder or .tar.xz")
    p.add_argument("--split", choices=("val", "test", "train"), default="test",
                   help="whose writers (default test); train: the reader's own writers, many more of them, to "
                        "tune the page layer's line finding on (their CER is optimistic: the reader knows them)")
    p.add_argument("--pages", type=int, default=20, help="pages per look (default 20)")
    p.add_argument("--looks", default="clean,ruled,photo,ruled+photo")
    p.add_argument("--model", default=None, help="model (default: the default model)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--lines", type=int, default=0, help="lines a page (default: 3-6 at random)")
    p.add_argument("--char-height", type=float, default=None, help="letter height in pixels (default 26-38)")
    p.add_argument("--save", type=Path, help="write each page image and its truth here")
    p.add_argument("--json", type=Path, help="write the figures as JSON")
    return p.parse_args(argv)


def _held_out(args: argparse.Namespace):
    """The inks of the model's validation, test or training sites."""
    from textrecog.data.linedata import load_line_corpus
    from textrecog.engines.model import load_info

    split = load_info(args.model).manifest["training"]["split"]
    corpus = load_line_corpus(args.unipen)
    return corpus.split(split["val_sites"], split["test_sites"])[args.split].inks


def _cer(truth: str, read: str) -> tuple[int, int]:
    from rapidfuzz.distance import Levenshtein

    return Levenshtein.distance(truth, read), len(truth)


def run(args: argparse.Namespace) -> dict:
    """Figures per look, and for the lines read one at a time."""
    from textrecog.data.pages import compose_page, page_lines
    from textrecog.data.render import render_page
    from textrecog.pipeline import recognize

    inks = _held_out(args)
    counts = [args.lines or int(np.random.default_rng([args.seed, i]).integers(3, 7)) for i in range(args.pages)]
    texts = [page_lines(inks, n, np.random.default_rng([args.seed, i, 1])) for i, n in enumerate(counts)]
    report: dict = {"split": args.split, "pages": args.pages, "looks": {}}
    for look in args.looks.split(","):
        errors = chars = right = 0
        seconds = 0.0
        for i, lines in enumerate(texts):
            page = compose_page(lines, look, np.random.default_rng([args.seed, i, 2]), args.char_height)
            t0 = time.perf_counter()
            result = recognize(page.image, args.model)
            seconds += time.perf_counter() - t0
            e, n = _cer("\n".join(page.lines), result.text)
            errors, chars = errors + e, chars + n
            right += len(result.lines) == len(page.lines)
            if args.save:
                args.save.mkdir(parents=True, exist_ok=True)
                import cv2

                cv2.imwrite(str(args.save / f"{look}-{i:02d}.png"), page.image)
                (args.save / f"{look}-{i:02d}.txt").write_text("\n".join(page.lines) + "\n--- read\n" + result.text)
        report["looks"][look] = {"cer": errors / max(chars, 1), "line_count_right": right / len(texts),
                                 "seconds_a_page": seconds / len(texts)}
        print(f"{look:12s} page CER {errors / max(chars, 1):6.1%}   lines right {right / len(texts):5.0%}   "
              f"{seconds / len(texts):.2f} s a page", flush=True)
    errors = chars = 0
    for lines in texts:
        for strokes, text in lines:
            e, n = _cer(text, recognize(render_page(strokes, 32.0), args.model).text)
            errors, chars = errors + e, chars + n
    report["lines_alone_cer"] = errors / max(chars, 1)
    print(f"{'lines alone':12s} CER {errors / max(chars, 1):6.1%}")
    return report


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    report = run(args)
    if args.json:
        args.json.write_text(json.dumps(report, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
