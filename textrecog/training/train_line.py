"""`textrecog train --kind line`: train a line model (``--arch crnn|conv``) with CTC on real scanned lines
(``--gt``: ALTO, PAGE-XML, .gt.txt) and/or UNIPEN pen ink (``--unipen``).

Data: real scanned lines cut with their polygons, split by writer (page group, folder, file or a regex),
varied as scans differ; UNIPEN section 7 words and section 8 texts (multi-line texts split into
lines), plus synthetic lines from one writer's words and characters, split
by site (no writer in two splits), rendered with fresh random variation and
the scan look for every batch. Resumes after an interruption (run the same
command again), keeps the best checkpoint by validation CER, exports one
``.tflite`` graph for any width and checks it against Keras.
"""

from __future__ import annotations

import argparse
import logging
import os
import shlex
import sys
from pathlib import Path

from textrecog.data.gtsplit import check_rule
from textrecog.data.linedata import LINE_TEST_SITES, LINE_VAL_SITES

log = logging.getLogger("textrecog.training.train")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="textrecog train --kind line", description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    p.add_argument("--kind", choices=["line"], default="line")
    p.add_argument("--unipen", default=os.environ.get("TEXTRECOG_UNIPEN"),
                   help="UNIPEN train_r01_v07 folder or .tar.xz (env TEXTRECOG_UNIPEN)")
    p.add_argument("--gt", nargs="+", action="extend", metavar="PATH",
                   help="real scanned lines: ALTO or PAGE-XML files, folders or globs, or line images with .gt.txt; "
                        "split by writer into training, validation and test (--split-by)")
    p.add_argument("--gt-train", nargs="+", action="extend", metavar="PATH",
                   help="ground truth for training only (a single hand, which a split would put on both sides)")
    p.add_argument("--split-by", default="page", type=check_rule,
                   help="what one writer wrote: page (a file name without its page number: name_1, name-2), "
                        "folder, file, or a regular expression whose first group on the file name names the writer")
    p.add_argument("--val-share", type=float, default=0.1, help="share of --gt writer groups held out for validation")
    p.add_argument("--test-share", type=float, default=0.1, help="share of --gt writer groups held out for testing")
    p.add_argument("--real-share", type=float, default=0.6,
                   help="with --gt and --unipen: share of training lines that are real scanned lines")
    p.add_argument("--gt-cache", help="folder for the cut lines (default: ~/.cache/textrecog/gt-lines)")
    p.add_argument("--checkpoint", help="a folder the checkpoint is copied to after every epoch, to keep or commit "
                                        "(default: the --init folder when this run continues it)")
    p.add_argument("--out", required=True, help="model directory to write")
    p.add_argument("--overwrite", action="store_true", help="replace a model already in --out")
    p.add_argument("--init", help="a checkpoint folder (weights + state.json) or a model (name or folder) with one: "
                   "a fresh work folder continues it (the same data) or fine-tunes its weights (other data, e.g. "
                   "--gt); the model in --out is replaced only by a better one")
    p.add_argument("--workdir", help="checkpoints, logs, TensorBoard (default: OUT.work)")
    p.add_argument("--minutes", type=float, default=0, help="stop (and export) after this much training time; "
                   "0: no limit. Run the same command again to continue")
    p.add_argument("--epochs", type=int, default=200, help="most epochs in all, across resumed runs")
    p.add_argument("--steps", type=int, default=400, help="batches per epoch")
    p.add_argument("--batch", type=int, default=32, help="training lines per step")
    p.add_argument("--lr", type=float, default=1e-3, help="learning rate (halved when validation stalls)")
    p.add_argument("--anneal", type=int, default=0, metavar="EPOCHS",
                   help="warm restart: the rate follows a cosine from --lr down to 1e-5 over EPOCHS epochs "
                        "(a resumed run continues its anneal)")
    p.add_argument("--patience", type=int, default=8, help="epochs without a better val CER before stopping")
    p.add_argument("--height", type=int, default=32, help="line image height in pixels")
    p.add_argument("--arch", choices=["crnn", "conv"], default="crnn",
                   help="crnn: conv + BiLSTMs; conv: conv stem + residual dilated 1-D blocks (no recurrence)")
    p.add_argument("--convs", default="32,64,96,128", help="channels of the conv stem's four blocks")
    p.add_argument("--rnn", type=int, default=128, help="crnn: LSTM units a direction")
    p.add_argument("--layers", type=int, default=2, help="crnn: BiLSTM layers; conv: 1-D blocks")
    p.add_argument("--channels", type=int, default=256, help="conv: channels of the 1-D blocks")
    p.add_argument("--kernel", type=int, default=5, help="conv: kernel of the 1-D blocks")
    p.add_argument("--dilations", default="1,2,4", help="conv: dilations, cycled over the blocks")
    p.add_argument("--separable-stem", action="store_true",
                   help="depthwise-separable convolutions in the stem after the first (fewer FLOPs)")
    p.add_argument("--cpu-minutes", type=float, default=0,
                   help="stop (and export) once training has used this much CPU time in all, across resumed "
                        "runs (all threads): a budget that other work on the machine does not shrink; 0: no limit")
    p.add_argument("--val-sites", default=",".join(LINE_VAL_SITES), help="UNIPEN sites held out for validation")
    p.add_argument("--test-sites", default=",".join(LINE_TEST_SITES), help="UNIPEN sites held out for testing")
    p.add_argument("--val-count", type=int, default=800, help="validation lines scored each epoch")
    p.add_argument("--seed", type=int, default=0, help="random seed")
    p.add_argument("--ruled", type=float, default=0.0, metavar="P",
                   help="share of training lines written on ruled paper and read back as a page's line is (rules "
                        "found and taken out); the same share of validation lines is also scored that way")
    p.add_argument("--photo", type=float, default=0.0, metavar="P",
                   help="share of training lines photographed (turned, keystoned, uneven light, blur, noise, JPEG; "
                        "half of them on ruled paper) and read back as a page's line is")
    p.add_argument("--export-only", action="store_true", help="export the best checkpoint and stop")
    p.add_argument("--max-width", type=int, default=1024,
                   help="the longest line read unsqueezed (longer ones are squeezed to fit)")
    p.add_argument("--no-export", action="store_true", help="train only (architecture comparisons)")
    p.add_argument("--limit", type=int, default=0, help="use only N inks per split (smoke tests)")
    return p.parse_args(argv)


def checkpoint_folder(init: str) -> Path | None:
    """The checkpoint folder ``--init`` names: itself, or a model's (by name or folder) ``checkpoint/``."""
    path = Path(init)
    if (path / "state.json").is_file():
        return path
    from textrecog.engines.model import ModelError, resolve

    try:
        model = resolve(init)
    except ModelError:
        return None
    return model / "checkpoint" if (model / "checkpoint" / "state.json").is_file() else None


def main(argv: list[str] | None = None) -> int:
    """Entry point of ``textrecog train --kind line``."""
    argv = sys.argv[1:] if argv is None else list(argv)
    args = parse_args(argv)
    args.command = "textrecog train " + shlex.join(argv)
    out = Path(args.out)
    workdir = Path(args.workdir or f"{out}.work")
    # continuing a model's own training (its work folder, or the checkpoint shipped beside it)
    # replaces it with the continued result; anything else needs --overwrite
    continuing = any((f / "state.json").exists() for f in (workdir, out / "checkpoint"))
    if (out / "manifest.json").exists() and not args.overwrite and not continuing:
        print(f"textrecog train: {out} already holds a model; give --overwrite to replace it "
              "or another --out", file=sys.stderr)
        return 2
    if args.init:
        found = checkpoint_folder(args.init)
        if found is None:
            print(f"textrecog train: --init {args.init}: not a checkpoint folder (state.json) or a model with one "
                  "(checkpoint/state.json)", file=sys.stderr)
            return 2
        args.init = str(found)
    if args.export_only and not continuing:
        print(f"textrecog train: --export-only needs a trained checkpoint in {workdir} or "
              f"{out / 'checkpoint'}", file=sys.stderr)
        return 2
    if not args.unipen and not args.gt:
        print("textrecog train: give --gt PATH (real lines), --unipen PATH or TEXTRECOG_UNIPEN", file=sys.stderr)
        return 2
    if args.gt_train and not args.gt:
        print("textrecog train: --gt-train adds to --gt, whose writers give the validation lines; give --gt too",
              file=sys.stderr)
        return 2
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s", stream=sys.stderr)
    from textrecog.training.line_training import train_and_export

    return train_and_export(args, workdir, out)
