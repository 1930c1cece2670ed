"""What the line trainer, its export and its command share: the split, the validation sample and its CER,
the architecture the arguments describe, checkpoint copies."""

from __future__ import annotations

import argparse
import logging
from pathlib import Path

import numpy as np

from textrecog.decoding.charset import LINE_ALPHABET
from textrecog.imaging.normalize import LineSpec
from textrecog.training.line_models import LineArch

log = logging.getLogger("textrecog.training.train")
MIN_LR = 1e-5  # the learning rate never goes below this (plateau halving, the end of an anneal)


def spec_of(args: argparse.Namespace) -> LineSpec:
    """The line input the arguments describe."""
    return LineSpec(height=args.height, max_width=getattr(args, "max_width", 1024))


def load_split(args: argparse.Namespace) -> dict:
    """The line corpus, split by site; ``--limit`` trims each split for smoke tests."""
    from textrecog.data.linedata import LineCorpus, load_line_corpus

    corpus = load_line_corpus(args.unipen)
    parts = corpus.split(sites(args.val_sites), sites(args.test_sites))
    if args.limit:
        parts = {k: LineCorpus(v.inks[: args.limit], v.chars) for k, v in parts.items()}
    for k, v in parts.items():
        log.info("%s: %d inks from sites %s, %d character sessions", k, len(v.inks),
                 ",".join(sorted({i.site for i in v.inks})), len(v.chars))
    return parts


def val_key(args: argparse.Namespace) -> str:
    """What the validation sample holds, in words: a CER is comparable only with one on the same sample."""
    ruled = getattr(args, "ruled", 0.0)
    return f"{args.val_count} lines" + (f", {round(args.val_count * ruled)} of them also on ruled paper" if ruled else "")


def val_set(corpus, spec: LineSpec, count: int, seed: int, ruled: float = 0.0) -> list:
    """A fixed, faithfully rendered validation sample (words and texts).

    Texts the line splitter took (split lines, tall single lines) are left out, so the sample (and its
    CER) stays the one every earlier model was measured on. With ``ruled``, that share of the lines is
    also read off seeded ruled paper the way a page's line is (where the page path finds it).
    """
    from textrecog.data.lineimages import faithful_image, faithful_ruled
    from textrecog.data.linesampler import make_batch

    rng = np.random.default_rng(seed)
    whole = [i for i in corpus.inks if not i.part]
    inks = [whole[int(i)] for i in rng.permutation(len(whole))[:count]]
    items = [(faithful_image(i.strokes, spec), i.text) for i in inks]
    on_rules = ((faithful_ruled(i.strokes, spec, seed=k), i.text) for k, i in enumerate(inks[: round(count * ruled)]))
    items = sorted(items + [p for p in on_rules if p[0] is not None], key=lambda p: p[0].shape[1])
    return [make_batch([p[0] for p in items[k : k + 32]], [p[1] for p in items[k : k + 32]], LINE_ALPHABET, spec)
            for k in range(0, len(items), 32)]


def cer_of(model_fn, batches: list) -> float:
    """Character error rate (edit distance / reference length) of best-path decoding."""
    from textrecog.evaluation.metrics import edit_distance

    errors = chars = 0
    for b in batches:
        logits = np.asarray(model_fn(b.images.astype(np.float32) / 255.0))
        for truth, pred in zip(b.texts, greedy_texts(logits, b.frames, LINE_ALPHABET)):
            errors += edit_distance(truth, pred)
            chars += len(truth)
    return errors / max(1, chars)


def save_checkpoint(workdir: Path, folder: Path) -> None:
    """Copy the weights and state into ``folder`` (beside the model, or --init), each file replaced whole."""
    import shutil

    folder.mkdir(parents=True, exist_ok=True)
    # the optimiser's moments too, so a later session resumes exactly; the state last, as it names the epoch
    for name in ("last.weights.h5", "last.optimizer.npz", "best.weights.h5", "state.json"):
        if (workdir / name).is_file():
            shutil.copy(workdir / name, folder / f"{name}.tmp")
            (folder / f"{name}.tmp").replace(folder / name)


def greedy_texts(logits: np.ndarray, frames: np.ndarray, alphabet: str) -> list[str]:
    """Best-path decoding of a batch: argmax per frame, repeats collapsed, blanks dropped."""
    from textrecog.decoding.ctc import best_path

    return [best_path(row[:n].argmax(axis=1), alphabet) for row, n in zip(logits, frames)]


def sites(text: str) -> tuple[str, ...]:
    """Site names from a comma-separated list."""
    return tuple(s for s in text.split(",") if s)


def arch_of(args: argparse.Namespace) -> LineArch:
    """The architecture the arguments describe."""
    ints = lambda text: tuple(int(v) for v in text.split(","))  # noqa: E731
    return LineArch(args.arch, ints(args.convs), args.rnn, args.layers, args.channels, args.kernel,
                    ints(args.dilations), separable_stem=args.separable_stem)
