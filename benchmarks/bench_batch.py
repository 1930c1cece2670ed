"""Batch throughput: N real handwritten text images, --jobs 1 and --jobs 2.

    python benchmarks/bench_batch.py --unipen ../shared/data/unipen_train_r01_v07.tar.xz [--count 2000] [--one-line]
        [--cluster local:2]

Renders N texts (lines and short paragraphs; with --one-line, single lines only)
from UNIPEN section 8 strokes into a temporary folder
(once; reused from --cache), then times `textrecog batch` over it and
prints files/s, text lines/s, characters/s and the peak memory of the run.
With --cluster, it times the local pool (--jobs 2) against the same run on
Ray, Ray's start included, and prints the driver's CPU time per file.
The batch runs under the same Python as this script.
"""

from __future__ import annotations

import argparse
import json
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from textrecog.output.records import char_count


def make_images(unipen: str, count: int, folder: Path, one_line: bool = False) -> int:
    """Render ``count`` section-8 texts (any writer, any style) as PNG files.

    With ``one_line``, only texts written on a single line (as the segmenter
    reads them: a mild bias towards tidy writing) are kept.
    """
    import cv2

    from textrecog.data.render import render_page
    from textrecog.data.texts import iter_text_samples
    from textrecog.data.unipen import UnipenCorpus
    from textrecog.decoding.charset import LATIN62
    from textrecog.imaging.binarize import binarize
    from textrecog.segmentation.segment import segment

    folder.mkdir(parents=True, exist_ok=True)
    existing = len(list(folder.glob("*.png")))
    if existing >= count:
        return count
    corpus = UnipenCorpus(unipen)
    written = 0
    for sample in iter_text_samples(corpus, ["8"], None, LATIN62, max_len=80):
        if written >= count:
            break
        image = render_page(sample.strokes, 40.0)
        if one_line and len(segment(binarize(image)).lines) != 1:
            continue
        cv2.imwrite(str(folder / f"line{written:05d}.png"), image)
        written += 1
    return min(count, len(list(folder.glob("*.png"))))


DRIVER = """
import resource, runpy, sys
sys.argv = ["textrecog", *sys.argv[1:]]
try:
    runpy.run_module("textrecog", run_name="__main__")
except SystemExit:
    pass
u = resource.getrusage(resource.RUSAGE_SELF)
print(u.ru_utime + u.ru_stime, file=sys.stderr)
"""


def run_batch(folder: Path, jobs: int, model: str, cluster: str | None = None) -> dict:
    """Time one batch run; returns files/s, chars/s and peak memory (MiB)."""
    out = Path(tempfile.mkdtemp()) / "r.jsonl"
    # run through DRIVER to get the driver's own CPU time: what limits a cluster of many machines
    cmd = [sys.executable, "-c", DRIVER, "batch", str(folder), "--out", str(out),
           "--jobs", str(jobs), "--model", model] + (["--cluster", cluster] if cluster else [])
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, check=False, stderr=subprocess.PIPE, text=True)
    seconds = time.perf_counter() - t0
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    recs = [json.loads(line) for line in out.read_text().splitlines()]
    chars = sum(char_count(r.get("text", "")) for r in recs)
    lines = sum(len(r.get("lines", [])) for r in recs)
    driver_cpu = float(proc.stderr.strip().splitlines()[-1])
    return {"files": len(recs), "seconds": seconds, "files_per_s": len(recs) / seconds,
            "lines_per_s": lines / seconds, "chars_per_s": chars / seconds, "peak_mib": max(peak, before) / 1024,
            "driver_ms_per_file": 1000 * driver_cpu / max(1, len(recs))}


def interpreter() -> str:
    """The Python running the benchmark: its build matters here (see README, Measured)."""
    return f"Python {platform.python_version()} at {sys.executable}"


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--unipen", required=True)
    p.add_argument("--count", type=int, default=2000)
    p.add_argument("--one-line", action="store_true", help="only texts written on one line (true line images)")
    p.add_argument("--cache", type=Path, default=None,
                   help="image folder (default: textrecog-bench-lines or -one-line in the temp folder)")
    p.add_argument("--model", default="latin")
    p.add_argument("--cluster", help="also time this --cluster (e.g. local:2) against --jobs 2")
    args = p.parse_args()
    cache = args.cache or Path(tempfile.gettempdir()) / ("textrecog-bench-one-line" if args.one_line
                                                        else "textrecog-bench-lines")
    n = make_images(args.unipen, args.count, cache, args.one_line)
    print(f"{n} images in {cache}; {interpreter()}")
    runs = [("--jobs 2", 2, args.cluster), ("--jobs 2", 2, None)] if args.cluster else [
        ("--jobs 1", 1, None), ("--jobs 2", 2, None)]
    for name, jobs, cluster in runs:
        r = run_batch(cache, jobs, args.model, cluster)
        name = f"--cluster {cluster}" if cluster else name
        print(f"{name}: {r['files']} files in {r['seconds']:.1f} s: {r['files_per_s']:.1f} files/s, "
              f"{r['lines_per_s']:.0f} text lines/s, {r['chars_per_s']:,.0f} characters/s, "
              f"peak memory {r['peak_mib']:.0f} MiB (largest process), "
              f"driver CPU {r['driver_ms_per_file']:.2f} ms a file")


if __name__ == "__main__":
    main()
