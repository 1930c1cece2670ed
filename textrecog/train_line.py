"""`textrecog train --kind line`: train the CRNN line model with CTC on real UNIPEN words and texts.

Data: section 7 words and single-line section 8 texts, plus synthetic lines
from one writer's words and characters, split by site (no writer in two
splits), rendered with fresh random variation and the scan look for every
batch. Resumes after an interruption (run the same command again), keeps
the best checkpoint by validation CER, exports ``.tflite`` and checks it.
"""

from __future__ import annotations

import argparse
import logging
import os
import shlex
import sys
from pathlib import Path

import numpy as np

from textrecog.data.linedata import LINE_TEST_SITES, LINE_VAL_SITES
from textrecog.normalize import LineSpec

log = logging.getLogger("textrecog.train")
BN_MOMENTUM = 0.9
POOLS = ((2, 2), (2, 2), (2, 1), (2, 1))  # 4x fewer columns (frames), height 32 → 2


def build_line_model(num_classes: int, spec: LineSpec, width: int | None = None,
                     convs: tuple[int, ...] = (32, 64, 96, 128), rnn: int = 128, dropout: float = 0.25,
                     softmax: bool = False):
    """CRNN: conv/BN/ReLU/pool blocks, two bidirectional LSTMs, a per-frame layer over the alphabet + blank."""
    import keras
    from keras import layers

    inp = keras.Input((spec.height, width, 1), name="line")
    x = inp
    for i, w in enumerate(convs):
        x = layers.Conv2D(w, 3, padding="same", use_bias=False)(x)
        x = layers.BatchNormalization(momentum=BN_MOMENTUM)(x)
        x = layers.ReLU()(x)
        x = layers.MaxPooling2D(POOLS[min(i, len(POOLS) - 1)])(x)
    rows = x.shape[1]
    x = layers.Permute((2, 1, 3))(x)  # (frames, rows, channels)
    x = layers.Reshape((-1 if width is None else x.shape[1], rows * convs[-1]))(x)
    x = layers.Dropout(dropout / 2)(x)
    for _ in range(2):
        x = layers.Bidirectional(layers.LSTM(rnn, return_sequences=True, unroll=width is not None))(x)
        x = layers.Dropout(dropout)(x)
    x = layers.Dense(num_classes + 1, name="logits")(x)
    if softmax:
        x = layers.Softmax(name="probs")(x)
    return keras.Model(inp, x, name="textrecog_crnn")


def greedy_texts(logits: np.ndarray, frames: np.ndarray, alphabet: str) -> list[str]:
    """Best-path decoding of a batch: argmax per frame, repeats collapsed, blanks dropped."""
    from textrecog.ctc import best_path

    return [best_path(row[:n].argmax(axis=1), alphabet) for row, n in zip(logits, frames)]


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="textrecog train --kind line", description=__doc__.split("\n\n")[0])
    p.add_argument("--kind", choices=["line"], default="line")
    p.add_argument("--unipen", default=os.environ.get("TEXTRECOG_UNIPEN"),
                   help="UNIPEN train_r01_v07 folder or .tar.xz (env TEXTRECOG_UNIPEN)")
    p.add_argument("--out", required=True, help="model directory to write")
    p.add_argument("--overwrite", action="store_true", help="replace a model already in --out")
    p.add_argument("--workdir", help="checkpoints, logs, TensorBoard (default: OUT.work)")
    p.add_argument("--minutes", type=float, default=0, help="stop (and export) after this much training time; "
                   "0: no limit. Run the same command again to continue")
    p.add_argument("--epochs", type=int, default=200, help="most epochs in all, across resumed runs")
    p.add_argument("--steps", type=int, default=400, help="batches per epoch")
    p.add_argument("--batch", type=int, default=32)
    p.add_argument("--lr", type=float, default=1e-3)
    p.add_argument("--patience", type=int, default=8, help="epochs without a better val CER before stopping")
    p.add_argument("--height", type=int, default=32)
    p.add_argument("--convs", default="32,64,96,128")
    p.add_argument("--rnn", type=int, default=128)
    p.add_argument("--val-sites", default=",".join(LINE_VAL_SITES))
    p.add_argument("--test-sites", default=",".join(LINE_TEST_SITES))
    p.add_argument("--val-count", type=int, default=800, help="validation lines scored each epoch")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--export-only", action="store_true", help="export the best checkpoint and stop")
    p.add_argument("--export-widths", default="128,256,512,1024",
                   help="width buckets exported as signatures (the widest is the longest line read unsqueezed)")
    p.add_argument("--limit", type=int, default=0, help="use only N inks per split (smoke tests)")
    return p.parse_args(argv)


def _sites(text: str) -> tuple[str, ...]:
    return tuple(s for s in text.split(",") if s)


def main(argv: list[str] | None = None) -> int:
    """Entry point of ``textrecog train --kind line``."""
    argv = sys.argv[1:] if argv is None else list(argv)
    args = parse_args(argv)
    args.command = "textrecog train " + shlex.join(argv)
    out = Path(args.out)
    workdir = Path(args.workdir or f"{out}.work")
    # continuing a model's own training (its work folder, or the checkpoint shipped beside it)
    # replaces it with the continued result; anything else needs --overwrite
    continuing = (workdir / "state.json").exists() or (out / "checkpoint" / "state.json").exists()
    if (out / "manifest.json").exists() and not args.overwrite and not continuing:
        print(f"textrecog train: {out} already holds a model; give --overwrite to replace it "
              "or another --out", file=sys.stderr)
        return 2
    if args.export_only and not continuing:
        print(f"textrecog train: --export-only needs a trained checkpoint in {workdir} or "
              f"{out / 'checkpoint'}", file=sys.stderr)
        return 2
    if not args.unipen:
        print("textrecog train: give --unipen PATH or set TEXTRECOG_UNIPEN", file=sys.stderr)
        return 2
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s", stream=sys.stderr)
    from textrecog.line_training import train_and_export

    return train_and_export(args, workdir, out)
