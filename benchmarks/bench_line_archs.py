"""LiteRT speed and size of each line architecture, exported as the product exports it.

    python benchmarks/bench_line_archs.py [--archs crnn,crnn_wide,conv] [--repeat 20] [--float32]

For each candidate of the architecture comparison (bench_train.CANDIDATES)
this builds the model (speed does not depend on the weights), exports one
graph for any width, and times LiteRT on one thread: a single line 256 and
512 px wide, and lines of 256 px in batches of 8 where the graph takes a
batch (a crnn's fused LSTMs take one line at a time). Prints ms a line and
the file size.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import numpy as np
from bench_train import CANDIDATES


def time_graph(path: Path, width: int, batch: int, repeat: int) -> float:
    """Median ms a line for (batch, 32, width, 1) inputs on one LiteRT thread."""
    from textrecog.engines.classify import _interpreter_class

    interp = _interpreter_class()(model_path=str(path), num_threads=1)
    inp = interp.get_input_details()[0]
    if inp["shape_signature"][0] != -1 and batch != 1:
        return float("nan")
    interp.resize_tensor_input(inp["index"], [batch, 32, width, 1], strict=True)
    interp.allocate_tensors()
    interp.set_tensor(inp["index"], np.random.default_rng(0).random((batch, 32, width, 1), dtype=np.float32))
    interp.invoke()
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        interp.reset_all_variables()
        interp.invoke()
        times.append((time.perf_counter() - t0) * 1000 / batch)
    return float(np.median(times))


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--archs", default=",".join(CANDIDATES))
    p.add_argument("--repeat", type=int, default=20)
    p.add_argument("--float32", action="store_true", help="float32 weights (default: float16, as shipped)")
    args = p.parse_args()
    from textrecog.decoding.charset import LINE_ALPHABET
    from textrecog.imaging.normalize import LineSpec
    from textrecog.training.line_export import export_tflite
    from textrecog.training.line_models import build_line_model
    from textrecog.training.line_setup import arch_of
    from textrecog.training.train_line import parse_args

    spec = LineSpec()
    with tempfile.TemporaryDirectory() as tmp:
        for name in args.archs.split(","):
            arch = arch_of(parse_args(["--unipen", "-", "--out", "-", *CANDIDATES[name]]))
            model = build_line_model(len(LINE_ALPHABET), spec, arch)
            path = Path(tmp) / f"{name}.tflite"
            path.write_bytes(export_tflite(model.get_weights(), spec, arch, float16=not args.float32))
            one, wide, batched = (time_graph(path, w, b, args.repeat) for w, b in ((256, 1), (512, 1), (256, 8)))
            print(f"{name:>10}: {model.count_params() / 1e6:.2f} M parameters, {path.stat().st_size / 1e6:.1f} MB; "
                  f"one line 256 px {one:.1f} ms, 512 px {wide:.1f} ms; 256 px in batches of 8 {batched:.1f} ms a line",
                  flush=True)


if __name__ == "__main__":
    main()
