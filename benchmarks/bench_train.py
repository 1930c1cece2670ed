"""Line training throughput: the data pipeline alone, and training steps of each architecture.

    python benchmarks/bench_train.py --unipen ../shared/data/unipen_train_r01_v07.tar.xz [--batches 30]
        [--steps 8] [--bf16]

Prints images/s of the width-grouped batch stream (render, augment, scan
look, normalise) on one thread, and per architecture the parameters, ms a
training step (batch 32 of real rendered lines, so the padded widths are
the real ones) and images/s; ``--bf16`` adds the same under Keras'
``mixed_bfloat16`` policy. The pipeline must outrun every step rate.
"""

from __future__ import annotations

import argparse
import time

CANDIDATES = {  # the architecture comparison of issue 20 (models/line/manifest.json, experiments)
    "crnn": ["--arch", "crnn", "--convs", "24,48,80,128", "--rnn", "128", "--layers", "2"],
    "crnn_wide": ["--arch", "crnn", "--convs", "32,64,128,192", "--rnn", "256", "--layers", "2"],
    "conv": ["--arch", "conv", "--convs", "32,64,96,160", "--layers", "10", "--channels", "256", "--kernel", "5",
             "--dilations", "1,2,4,1,2"],
    # measured for speed after the comparison: separable stem convs, for the batch and window targets
    "conv_sep": ["--arch", "conv", "--convs", "32,64,128,192", "--layers", "10", "--channels", "256", "--kernel",
                 "5", "--dilations", "1,2,4,1,2", "--separable-stem"],
}


def pipeline_rate(train, batches: int) -> tuple[float, list]:
    """Images/s of the batch stream on this thread, and the batches it made."""
    from textrecog.data.linesampler import batches as stream
    from textrecog.decoding.charset import LINE_ALPHABET
    from textrecog.imaging.normalize import LineSpec

    it = stream(train, LINE_ALPHABET, LineSpec(), 32, 0)
    next(it)
    t0, made = time.perf_counter(), []
    for _ in range(batches):
        made.append(next(it))
    return sum(len(b.texts) for b in made) / (time.perf_counter() - t0), made


def step_rate(name: str, made: list, steps: int, bf16: bool) -> tuple[int, float]:
    """(parameters, seconds a step) of one architecture on the given batches."""
    import tempfile
    from pathlib import Path

    import keras

    from textrecog.training.line_training import Trainer
    from textrecog.training.train_line import parse_args

    keras.mixed_precision.set_global_policy("mixed_bfloat16" if bf16 else "float32")
    with tempfile.TemporaryDirectory() as tmp:
        trainer = Trainer(parse_args(["--unipen", "-", "--out", f"{tmp}/m", *CANDIDATES[name]]), Path(tmp))
        run = lambda b: trainer._step(b.images, b.labels, b.label_len, b.frames)  # noqa: E731
        run(made[0]), run(made[1])  # traced for two widths
        t0 = time.perf_counter()
        for k in range(steps):
            run(made[k % len(made)])
        return trainer.model.count_params(), (time.perf_counter() - t0) / steps


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--unipen", required=True)
    p.add_argument("--batches", type=int, default=30)
    p.add_argument("--steps", type=int, default=8)
    p.add_argument("--archs", default=",".join(CANDIDATES))
    p.add_argument("--bf16", action="store_true", help="also time steps under mixed_bfloat16")
    args = p.parse_args()
    from textrecog.data.linedata import LINE_TEST_SITES, LINE_VAL_SITES, load_line_corpus

    train = load_line_corpus(args.unipen).split(LINE_VAL_SITES, LINE_TEST_SITES)["train"]
    rate, made = pipeline_rate(train, args.batches)
    width = sum(b.images.shape[2] * len(b.texts) for b in made) / sum(len(b.texts) for b in made)
    print(f"data pipeline: {rate:.0f} images/s on one thread (mean padded width {width:.0f} px)")
    for name in args.archs.split(","):
        for bf16 in (False, True) if args.bf16 else (False,):
            params, sec = step_rate(name, made, args.steps, bf16)
            print(f"{name:>10} {'bf16' if bf16 else 'fp32'}: {params / 1e6:.2f} M parameters, "
                  f"{sec * 1000:.0f} ms a step of 32, {32 / sec:.0f} images/s")


if __name__ == "__main__":
    main()
