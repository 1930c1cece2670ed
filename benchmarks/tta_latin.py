"""Does test-time augmentation (or an ensemble) pay for the character engine?

Renders the UNIPEN isolated characters of the validation and test sites
faithfully, classifies each image in several views (shifted by a pixel,
strokes thickened) and averages the probabilities; optionally averages over
several models. Prints the issue's figures per setting (digits with
lookalikes merged, upper/lower case-merged, digits restricted to digits) and
the cost in model passes. Choose on the validation sites; the test site is
reported, never tuned on.

    python benchmarks/tta_latin.py --unipen ../shared/data/unipen_train_r01_v07.tar.xz
    python benchmarks/tta_latin.py --unipen ... --models latin,runs/latin-res/export
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

VIEWS = {
    "plain": [(0, 0, False)],
    "shift4": [(0, 0, False), (1, 0, False), (-1, 0, False), (0, 1, False), (0, -1, False)],
    "thick": [(0, 0, False), (0, 0, True)],
    "shift4+thick": [(0, 0, False), (1, 0, False), (-1, 0, False), (0, 1, False), (0, -1, False),
                     (0, 0, True)],
}


def view(images: np.ndarray, dx: int, dy: int, thick: bool) -> np.ndarray:
    """One test-time view of model-ready images (N×S×S, ink bright): shifted, optionally dilated."""
    out = np.roll(images, (dy, dx), axis=(1, 2))
    if thick:
        p = np.pad(out, ((0, 0), (0, 1), (0, 1)))
        out = np.maximum.reduce([p[:, :-1, :-1], p[:, 1:, :-1], p[:, :-1, 1:], p[:, 1:, 1:]])
    return out


def probabilities(clfs, images: np.ndarray, views) -> np.ndarray:
    """Mean class probabilities over models and views."""
    from textrecog.evaluation.metrics import image_probabilities

    total = sum(image_probabilities(clf, view(images, dx, dy, thick)) for clf in clfs for dx, dy, thick in views)
    return total / (len(clfs) * len(views))


def figures(labels: tuple[str, ...], truth: list[str], probs: np.ndarray) -> dict[str, float]:
    """The issue's targets from probabilities."""
    from textrecog.decoding.charset import DIGITS
    from textrecog.evaluation.metrics import accuracy_by_section, restrict_probs

    pred = [labels[i] for i in np.argmax(probs, axis=1)]
    sec = accuracy_by_section(truth, pred)
    digit = np.array([t in DIGITS for t in truth])
    restricted = np.argmax(restrict_probs(probs[digit], labels, DIGITS), axis=1)
    right = np.mean([labels[i] == t for i, t in zip(restricted, np.array(truth)[digit])])
    return {"all": sec["all"]["exact"], "digit~": sec["digit"]["lookalikes"], "upper~": sec["upper"]["merged"],
            "lower~": sec["lower"]["merged"], "digit|09": round(float(right), 4)}


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--unipen", required=True)
    p.add_argument("--models", default="latin", help="comma list of model names or directories")
    p.add_argument("--views", default=",".join(VIEWS), help=f"comma list of {', '.join(VIEWS)}")
    args = p.parse_args()
    from textrecog.data.chars import FAITHFUL, build_split, load_char_samples, split_by_site
    from textrecog.data.unipen import UnipenCorpus
    from textrecog.engines.classify import Classifier
    from textrecog.engines.model import load_info

    clfs = [Classifier(load_info(m)) for m in args.models.split(",")]
    info = clfs[0].info
    labels = clfs[0].labels
    split_info = info.manifest["training"]["split"]
    classes = "".join(labels)
    samples = load_char_samples(UnipenCorpus(args.unipen), classes, ["1a", "1b", "1c"])
    split = split_by_site(samples, split_info["val_sites"], split_info["test_sites"])
    for name in ("val", "test"):
        data = build_split(split[name], classes, info.spec, FAITHFUL, None)
        truth = [labels[i] for i in data.labels]
        for key in args.views.split(","):
            t0 = time.perf_counter()
            probs = probabilities(clfs, data.images, VIEWS[key])
            secs = time.perf_counter() - t0
            row = figures(labels, truth, probs)
            print(f"{name:4s} {key:13s} models {len(clfs)} passes {len(clfs) * len(VIEWS[key])} "
                  + " ".join(f"{k} {v:.2%}" for k, v in row.items())
                  + f" {len(data) / secs:,.0f} chars/s", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
