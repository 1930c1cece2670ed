"""Speed work must not change what is read: this code's results against a baseline commit's, field by field.

    python benchmarks/same_results.py --baseline REV [--folder /tmp/textrecog-bench-one-line] [--count 300]
        [--model line]

Reads the golden samples (samples/, samples/real/) and the first COUNT images of FOLDER (bench_batch.py's
one-line renders) with both trees: each image alone (recognize(), as the window and a one-image run read)
and all together (recognize_many(), as batch and a many-image run read). Compares the JSON records (texts,
boxes, confidences, alternatives) and the ALTO, PAGE and hOCR documents (with one fixed time stamp), and
prints every difference. The baseline is checked out with `git worktree` into the temp folder.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

READER = r"""
import json, sys
import textrecog
from textrecog.output.documents import Source, render
from textrecog.output.records import result_record
from textrecog.pipeline import recognize, recognize_many
model, count, files = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
from textrecog.pipeline import get_engine
engine = get_engine(model)
alone = [recognize(f, model) for f in files]
getattr(engine, "forget", lambda: None)()  # every line read afresh, not taken from the lines read alone
together = recognize_many(files, model)
out = {"package": textrecog.__file__, "alone": [result_record(f, r, 0.0) for f, r in zip(files, alone)],
       "together": [result_record(f, r, 0.0) for f, r in zip(files, together)],
       "documents": {f"{f} {fmt}": render(fmt, r, Source(f, model, "-")).decode()
                     for f, r in zip(files[:count], alone) for fmt in ("alto", "page", "hocr")}}
print(json.dumps(out))
"""


def baseline_tree(rev: str) -> Path:
    """A checkout of ``rev`` (made once per commit)."""
    sha = subprocess.run(["git", "-C", str(ROOT), "rev-parse", rev], check=True, capture_output=True,
                         text=True).stdout.strip()
    tree = Path(tempfile.gettempdir()) / f"textrecog-baseline-{sha[:12]}"
    if not tree.is_dir():
        subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", str(tree), sha], check=True,
                       capture_output=True)
    return tree


def read(tree: Path, model: str, golden: int, files: list[str]) -> dict:
    """Results of ``files`` read with the package in ``tree`` (its own models and language models)."""
    env = {**os.environ, "PYTHONPATH": str(tree), "TEXTRECOG_THREADS": "1"}
    proc = subprocess.run([sys.executable, "-c", READER, model, str(golden), *files], env=env, cwd=tree,
                          capture_output=True, text=True, check=True)
    out = json.loads(proc.stdout)
    if not Path(out.pop("package")).is_relative_to(tree):  # an installed copy would shadow the tree
        raise SystemExit(f"{tree}: the package read was not this tree's")
    return out


def differences(a, b, where: str = "") -> list[str]:
    """Paths at which two JSON values differ (numbers exactly, as written)."""
    if isinstance(a, dict) and isinstance(b, dict):
        keys = sorted(set(a) | set(b))
        return [d for k in keys for d in differences(a.get(k), b.get(k), f"{where}.{k}")]
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        return [d for i, (x, y) in enumerate(zip(a, b)) for d in differences(x, y, f"{where}[{i}]")]
    return [] if a == b else [f"{where}: {str(a)[:80]!r} -> {str(b)[:80]!r}"]


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--baseline", required=True, help="commit to compare with (e.g. HEAD~3, a tag)")
    p.add_argument("--folder", type=Path, default=Path(tempfile.gettempdir()) / "textrecog-bench-one-line")
    p.add_argument("--count", type=int, default=300)
    p.add_argument("--model", default="line")
    args = p.parse_args()
    golden = sorted(str(f.resolve()) for d in ("samples", "samples/real") for f in (ROOT / d).glob("*.png"))
    bench = sorted(str(f) for f in args.folder.glob("*.png"))[: args.count]
    if len(bench) < args.count:
        raise SystemExit(f"{args.folder}: {len(bench)} images, {args.count} asked (run bench_batch.py --one-line)")
    files = golden + bench
    old, new = read(baseline_tree(args.baseline), args.model, len(golden), files), read(ROOT, args.model, len(golden), files)
    found = differences(old, new)
    for d in found[:50]:
        print(d)
    print(f"{len(golden)} golden samples and {len(bench)} benchmark images, each alone and all together, "
          f"and {3 * len(golden)} documents: {len(found)} differences against {args.baseline}")


if __name__ == "__main__":
    main()
