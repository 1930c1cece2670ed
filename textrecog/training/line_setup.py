"""What the line trainer, its export and its command share: the split, the validation sample and its CER,
the architecture the arguments describe, checkpoint copies."""

from __future__ import annotations

import argparse
import logging
from dataclasses import replace
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


def data_key(args: argparse.Namespace) -> str:
    """What a run learns from: a checkpoint of other data starts a fine-tune, not a resume."""
    gt = getattr(args, "gt", None)
    if not gt:
        return "unipen"
    paths = sorted(str(Path(p).resolve()) for p in [*gt, *(getattr(args, "gt_train", None) or [])])
    return "gt:" + " ".join(paths) + (" + unipen" if args.unipen else "")


def load_split(args: argparse.Namespace) -> dict:
    """The line corpus split by site, and real scanned lines split by writer (``--gt``): train, val, test
    (UNIPEN), gt (:class:`textrecog.data.gtdata.GtSplit`); ``--limit`` trims each split for smoke tests."""
    parts = load_unipen_split(args) if args.unipen else {"train": None, "val": None, "test": None}
    parts["gt"] = load_real_split(args) if getattr(args, "gt", None) else None
    return parts


def load_real_split(args: argparse.Namespace):
    """The real lines of ``--gt`` (split by writer) and ``--gt-train`` (training only)."""
    from dataclasses import replace

    from textrecog.data.gtdata import load_gt_split

    gt = load_gt_split(args.gt, args.gt_train or [], LINE_ALPHABET, args.split_by, args.val_share, args.test_share,
                       Path(args.gt_cache) if args.gt_cache else None)
    if args.limit:
        gt = replace(gt, train=gt.train[: args.limit], val=gt.val[: args.limit], test=gt.test[: args.limit])
    for side, what in (("train", "training"), ("val", "validation")):
        if not getattr(gt, side):
            raise ValueError(f"--gt: no {what} lines (writer groups: {len(gt.groups('train'))} training, "
                             f"{len(gt.groups('val'))} validation, {len(gt.groups('test'))} test); give more pages "
                             f"or writers, another --split-by, or a larger --val-share")
    d = gt.describe()
    for side in ("train", "val", "test"):
        log.info("real lines, %s: %d lines of %d writer groups %s", side, d[side]["lines"], d[side]["groups"],
                 d[side]["sets"])
    log.info("real lines left out: %s", d["left_out"] or "none")
    return gt


def load_unipen_split(args: argparse.Namespace) -> dict:
    """The UNIPEN line corpus, split by site; ``--limit`` trims each split for smoke tests."""
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
    if getattr(args, "gt", None):
        return (f"real validation lines of {' '.join(args.gt)} (writer groups by {args.split_by}, "
                f"{args.val_share:g} to validation)")
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


def validation(args: argparse.Namespace, parts: dict) -> list:
    """The batches whose CER picks the best epoch: the real validation lines with ``--gt``, else UNIPEN's."""
    if parts.get("gt") is not None:
        return real_val_set(parts["gt"].val, spec_of(args))
    return val_set(parts["val"], spec_of(args), args.val_count, args.seed, args.ruled)


def real_val_set(lines: list, spec: LineSpec) -> list:
    """Real validation lines as scanned (no variation), batched by width."""
    from textrecog.data.linesampler import make_batch
    from textrecog.data.reallines import real_image

    items = sorted(((real_image(r, spec, None), r.text) for r in lines), key=lambda p: p[0].shape[1])
    return [make_batch([p[0] for p in items[k : k + 32]], [p[1] for p in items[k : k + 32]], LINE_ALPHABET, spec)
            for k in range(0, len(items), 32)]


def load_grown(model, path: Path, old: str, new: str, spec: LineSpec, arch: LineArch) -> None:
    """Load weights trained with the alphabet ``old`` into ``model`` (alphabet ``new``): every layer as it was;
    the output's classes by character (the blank last), a new accented letter starting from its base letter's
    scores made less likely, other new classes from scratch."""
    import unicodedata

    from textrecog.training.line_models import build_line_model

    height = saved_height(path, arch)
    if old == new and height == spec.height:
        model.load_weights(path)
        return
    source = build_line_model(len(old), replace(spec, height=height), arch)
    source.load_weights(path)
    for layer in model.layers:
        weights = source.get_layer(layer.name).get_weights()
        if layer.name == "project" and height != spec.height:
            layer.set_weights([taller(weights[0], arch.convs[-1], layer.get_weights()[0].shape[1])])
            continue
        if layer.name != "logits":
            layer.set_weights(weights)
            continue
        kernel, bias = layer.get_weights()
        place = {c: i for i, c in enumerate(old)}
        for j, c in enumerate(new):
            base = unicodedata.normalize("NFD", c)[0]
            i = place.get(c, place.get(base))
            if i is not None:
                kernel[:, j], bias[j] = weights[0][:, i], weights[1][i] - (0.0 if c in place else 2.0)
        kernel[:, -1], bias[-1] = weights[0][:, -1], weights[1][-1]  # the blank
        layer.set_weights([kernel, bias])


def saved_height(path: Path, arch: LineArch) -> int:
    """The input height saved weights were trained at: the rows their 1-D head reads (each 16 input rows)."""
    import h5py

    with h5py.File(path, "r") as f:
        shapes = []
        f.visititems(lambda name, obj: shapes.append(obj.shape) if name.endswith("conv1d/vars/0") else None)
    rows = [s[1] // arch.convs[-1] for s in shapes if len(s) == 3 and s[0] == 1]
    return 16 * rows[0] if rows else 32


def taller(kernel: np.ndarray, channels: int, size: int) -> np.ndarray:
    """A 1-D head's input projection for more (or fewer) rows of the stem's output: each new row takes the old
    rows it lies over, by how much of each it covers, so the sum over the rows stays the same."""
    old_rows, new_rows = kernel.shape[1] // channels, size // channels
    rows = kernel.reshape(old_rows, channels, -1)
    edges = np.arange(new_rows + 1) * old_rows / new_rows
    cover = np.array([[max(0.0, min(edges[k + 1], j + 1) - max(edges[k], j)) for j in range(old_rows)]
                      for k in range(new_rows)])
    return np.einsum("kj,jcd->kcd", cover, rows).reshape(1, size, -1).astype(kernel.dtype)


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
