"""Recognition speed: cold start of the command, time per line, classifier throughput.

    python benchmarks/bench_recognize.py [--model latin] [--repeat 5]

Prints one figure per line; the README quotes them with this command.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = sorted((ROOT / "samples").glob("*.png"))


def cold_start(model: str, repeat: int) -> tuple[float, float]:
    """Wall time of `textrecog SAMPLE` in a fresh process (seconds): the first run after installing, which
    compiles the package's modules, and the median of later ones, which load the compiled modules as any
    installed program does (the run is timed with bytecode caching on, whatever PYTHONDONTWRITEBYTECODE says)."""
    cmd = [sys.executable, "-m", "textrecog", "--model", model, str(SAMPLES[0])]
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    for cache in (ROOT / "textrecog").rglob("__pycache__"):
        shutil.rmtree(cache)
    times = []
    for _ in range(repeat + 1):
        t0 = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True, env=env)
        times.append(time.perf_counter() - t0)
    return times[0], statistics.median(times[1:])


def per_line(model: str, repeat: int) -> tuple[float, float]:
    """Median and p95 milliseconds to recognise one sample line, warm process."""
    from textrecog.pipeline import recognize

    lines = [p for p in SAMPLES if p.name.startswith("line")] or SAMPLES
    recognize(lines[0], model)  # load the model once
    times = []
    for _ in range(repeat):
        for path in lines:
            t0 = time.perf_counter()
            recognize(path, model)
            times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times), float(np.percentile(times, 95))


def line_throughput(model: str, width: int = 256, batch: int = 8, rounds: int = 20) -> float:
    """Line model alone: lines per second on batches of normalised line images ``width`` wide."""
    from textrecog.engines.line_runtime import LineModel

    lm = LineModel(model)
    x = np.random.default_rng(0).random((batch, lm.spec.height, width, 1), dtype=np.float32)
    lm.probabilities(x)
    t0 = time.perf_counter()
    for _ in range(rounds):
        lm.probabilities(x)
    return batch * rounds / (time.perf_counter() - t0)


def throughput(model: str, batch: int = 1024, rounds: int = 10) -> float:
    """Classifier characters per second on batches of normalised crops."""
    from textrecog.engines.classify import Classifier

    clf = Classifier(model)
    size = clf.info.spec.size
    x = np.random.default_rng(0).random((batch, size, size, 1), dtype=np.float32)
    clf.probabilities(x)
    t0 = time.perf_counter()
    for _ in range(rounds):
        clf.probabilities(x)
    return batch * rounds / (time.perf_counter() - t0)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--model", default="latin")
    p.add_argument("--repeat", type=int, default=5)
    args = p.parse_args()
    first, cold = cold_start(args.model, args.repeat)
    print(f"cold one-image run (python -m textrecog {SAMPLES[0].name}): {cold * 1000:.0f} ms median of "
          f"{args.repeat}; the first run after installing (modules compiled): {first * 1000:.0f} ms")
    med, p95 = per_line(args.model, args.repeat)
    print(f"per line, warm ({len([s for s in SAMPLES if s.name.startswith('line')])} sample lines): "
          f"{med:.1f} ms median, {p95:.1f} ms p95")
    from textrecog.engines.model import load_info

    if load_info(args.model).kind == "line":
        for width, batch in ((256, 1), (256, 8), (512, 8)):
            print(f"line model alone, {width} px wide lines in batches of {batch}: "
                  f"{line_throughput(args.model, width, batch):,.0f} lines/s")
    else:
        print(f"classifier throughput (batch 1024): {throughput(args.model):,.0f} characters/s")
    print(f"tensorflow imported by recognition: {'tensorflow' in sys.modules}")


if __name__ == "__main__":
    main()
