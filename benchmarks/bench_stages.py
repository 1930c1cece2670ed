"""Where a file's time goes: milliseconds per stage, one process, one thread.

    python benchmarks/bench_stages.py [FOLDER] [--count 300] [--model latin]

FOLDER defaults to the line images bench_batch.py renders
(/tmp/textrecog-bench-lines); any folder of images works, e.g. 2-megapixel
photographed pages of 10 lines from
``bench_pages.py --split val --looks ruled+photo --lines 10 --char-height 64 --save DIR``. Run it before
and after a change to a stage; bench_batch.py gives the end-to-end figure.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from collections import Counter
from pathlib import Path


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("folder", nargs="?", type=Path, default=Path(tempfile.gettempdir()) / "textrecog-bench-lines")
    p.add_argument("--count", type=int, default=300)
    p.add_argument("--model", default=None)
    args = p.parse_args()
    os.environ.setdefault("TEXTRECOG_THREADS", "1")  # as in a batch worker
    import cv2

    cv2.setNumThreads(1)
    from textrecog.decoding.context import decode
    from textrecog.decoding.decoder import DecodeOptions
    from textrecog.engines.char_engine import glyph_inks
    from textrecog.engines.char_results import assemble
    from textrecog.engines.classify import predictions_from_probs
    from textrecog.engines.line_engine import cut_line
    from textrecog.imaging.binarize import binarize
    from textrecog.imaging.illumination import flatten_light
    from textrecog.imaging.imageio import load_gray
    from textrecog.imaging.normalize import normalize_batch
    from textrecog.output.records import format_record, result_record
    from textrecog.pipeline import get_engine
    from textrecog.segmentation.deskew import level, skew_angle
    from textrecog.segmentation.rules import label_ink, remove_rules
    from textrecog.segmentation.segment import Page, segment
    from textrecog.types import Result

    files = sorted(f for f in args.folder.iterdir() if f.suffix.lower() in {".png", ".jpg", ".jpeg"})
    files = files[: args.count]
    if not files:
        raise SystemExit(f"no images in {args.folder} (run benchmarks/bench_batch.py first)")
    engine = get_engine(args.model)
    clf = getattr(engine, "classifier", None)
    spent: Counter = Counter()

    def timed(stage: str, fn, *a):
        t0 = time.perf_counter()
        out = fn(*a)
        spent[stage] += time.perf_counter() - t0
        return out

    chars = 0
    for f in files:
        gray = timed("load", load_gray, str(f))
        gray = timed("light", flatten_light, gray)
        mask = timed("binarize", binarize, gray)
        angle = timed("deskew", skew_angle, mask)
        gray, turn = timed("level", level, gray, angle)
        mask = timed("level", binarize, gray) if turn else mask
        labelled = timed("label", label_ink, mask)  # once for both, as pipeline.prepare does
        ink, _ = timed("rules", remove_rules, mask, labelled)
        seg = timed("segment", segment, ink, labelled if ink is mask else None)
        if clf is None:  # the line engine
            cuts = timed("line ink+normalise", lambda: [cut_line(Page(gray, seg), ln, engine.info.spec) for ln in seg.lines])
            probs = timed("line model", engine.probabilities, [c.fitted.image for c in cuts])
            decoder = engine.decoder(DecodeOptions())  # the default decoding: beam search with the LM
            found = timed("decode", decoder.decode_many, probs)
            lines = timed("assemble", lambda: [engine.read_line(c, p, d, 3, decoder) for c, p, d in zip(cuts, probs, found)])
            result = Result(tuple(lines), gray.shape[1], gray.shape[0], engine.info.name)
            chars += sum(len(w.chars) for ln in lines for w in ln.words)
            timed("json record", lambda: format_record(result_record(str(f), result, 0.0), "jsonl"))
            continue
        inks = timed("glyph ink", glyph_inks, gray, seg)
        chars += len(inks)
        batch = timed("normalise", normalize_batch, inks, clf.info.spec)
        probs = timed("classify", clf.probabilities, batch)
        probs = timed("decode", decode, seg.lines, probs, clf.labels)
        preds = timed("top-k", predictions_from_probs, probs, clf.labels, 3)
        result = timed("assemble", assemble, seg, preds, gray.shape, clf.info.name)
        timed("json record", lambda: format_record(result_record(str(f), result, 0.0), "jsonl"))
    n = len(files)
    for stage, seconds in spent.items():
        print(f"{stage:12s} {seconds / n * 1000:6.2f} ms/file")
    total = sum(spent.values()) / n
    print(f"{'total':12s} {total * 1000:6.2f} ms/file = {1 / total:.0f} files/s on one core "
          f"({chars / n:.1f} characters/file; model batches of one file)")


if __name__ == "__main__":
    main()
