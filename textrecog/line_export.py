"""Export the line model to ``.tflite`` and write its self-describing model directory.

Keras 3 LSTMs convert to TFLite only unrolled over a static sequence
length (``from_keras_model`` fails on TensorList ops), so the model is
exported once per width bucket as signatures ``w<width>`` of one file,
via ``keras.export.ExportArchive`` and ``TFLiteConverter.from_saved_model``.
Weights are stored as float16 (half the file; computed in float32).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import logging
import tempfile
from pathlib import Path

import numpy as np

from textrecog.charset import LINE_ALPHABET
from textrecog.normalize import LineSpec

log = logging.getLogger("textrecog.train")
def export_tflite(weights: list[np.ndarray], spec: LineSpec, convs: tuple[int, ...], rnn: int,
                  widths: tuple[int, ...]) -> bytes:
    """One .tflite file with a signature per width bucket, softmax outputs (N, width / 4, classes + 1)."""
    import keras
    import tensorflow as tf

    from textrecog.train_line import build_line_model

    archive = keras.export.ExportArchive()
    for w in widths:
        fixed = build_line_model(len(LINE_ALPHABET), spec, w, convs, rnn, softmax=True)
        fixed.set_weights(weights)
        archive.track(fixed)
        archive.add_endpoint(f"w{w}", _call(fixed),
                             input_signature=[tf.TensorSpec([None, spec.height, w, 1], tf.float32)])
    with tempfile.TemporaryDirectory() as tmp:
        archive.write_out(tmp, verbose=False)
        conv = tf.lite.TFLiteConverter.from_saved_model(tmp, signature_keys=[f"w{w}" for w in widths])
        conv.optimizations = [tf.lite.Optimize.DEFAULT]
        conv.target_spec.supported_types = [tf.float16]
        return conv.convert()


def _call(model):
    return lambda x: model(x, training=False)


def export_widths(args: argparse.Namespace) -> tuple[int, ...]:
    """The width buckets to export, narrowest first."""
    text = getattr(args, "export_widths", None) or "128,256,512,1024"
    return tuple(sorted(int(w) for w in text.split(",")))


def manifest(args: argparse.Namespace, spec: LineSpec, parts: dict, state: dict) -> dict:
    """The manifest: input geometry, data and licences, split, commands, training runs."""
    from textrecog.train_line import _sites

    widths = export_widths(args)
    command, previous = args.command, Path(args.out) / "manifest.json"
    if args.export_only and previous.is_file():  # a re-export: the weights came from the training command
        command = json.loads(previous.read_text(encoding="utf-8")).get("training", {}).get("command", command)
    return {
        "name": Path(args.out).name,
        "kind": "line",
        "description": "Handwritten line recognizer: CRNN (conv + 2 BiLSTM) trained with CTC, best-path decoding",
        "input": {"height": spec.height, "margin": spec.margin, "max_width": widths[-1],
                  "polarity": spec.polarity, "scale": spec.scale, "downsample": spec.downsample,
                  "widths": list(widths)},
        "classes": "line alphabet (labels.json) + CTC blank as the last output",
        "training": {
            "data": [{"name": "UNIPEN train_r01_v07 sections 7 (words) and 8 (single-line texts); isolated "
                              "characters of sections 1a-1d for synthetic number lines",
                      "licence": "CC BY 4.0", "reference": "Guyon et al., ICPR 1994; doi:10.5281/zenodo.1195803"}],
            "synthetic": "one writer's words side by side; dates, prices, codes from one writer's characters",
            "split": {"method": "by UNIPEN contributing site (writer-disjoint)",
                      "val_sites": _sites(args.val_sites), "test_sites": _sites(args.test_sites),
                      "inks": {k: len(v.inks) for k, v in parts.items()}},
            "command": command,
            **({"export_command": args.command} if args.export_only else {}),
            "architecture": f"conv {args.convs}, pools 2x2,2x2,2x1,2x1, 2 x BiLSTM {args.rnn}, height {spec.height}",
            "schedule": f"Adam {args.lr}, clipnorm 5, batch {args.batch}, {args.steps} batches an epoch, "
                        "rate halved after 3 epochs without a better val CER",
            "epochs": state["epoch"], "best_epoch": state["best_epoch"],
            "best_val_cer": state["best_cer"], "train_seconds": round(state["seconds"]),
            "runs": state["runs"], "date": dt.date.today().isoformat(),
            "note": "Training resumes from its work folder: the same command continues where it stopped.",
        },
    }


def export_model_dir(args: argparse.Namespace, trainer, parts: dict, out: Path) -> None:
    """Export the best checkpoint, check Keras and LiteRT agree on validation lines, write ``out``."""
    from textrecog.line_training import _convs, _spec, cer_of, val_set
    from textrecog.model import write_model_dir

    spec = _spec(args)
    model = trainer.model
    best = trainer.workdir / "best.weights.h5"
    if best.is_file():
        model.load_weights(best)
    tflite = export_tflite(model.get_weights(), spec, _convs(args), args.rnn, export_widths(args))
    meta = manifest(args, spec, parts, trainer.state)
    staging = trainer.workdir / "export"
    write_model_dir(staging, tflite, list(LINE_ALPHABET), meta)
    from textrecog.line_runtime import LineModel

    val = val_set(parts["val"], spec, args.val_count, args.seed)
    lite = LineModel(staging)
    keras_cer = cer_of(lambda x: model(x, training=False), val)
    lite_cer = cer_of(lambda x: np.log(np.maximum(lite.probabilities(x), 1e-9)), val)
    meta["accuracy"] = {"val_cer_keras": keras_cer, "val_cer_tflite": lite_cer}
    log.info("validation CER: Keras %.4f, LiteRT %.4f", keras_cer, lite_cer)
    if abs(keras_cer - lite_cer) > 0.001:
        log.warning("Keras and LiteRT disagree by more than 0.1 CER points")
    write_model_dir(out, tflite, list(LINE_ALPHABET), meta)
    save_checkpoint(trainer.workdir, out / "checkpoint")
    log.info("wrote %s (%.1f MB)", out, len(tflite) / 1e6)


def save_checkpoint(workdir: Path, folder: Path) -> None:
    """Keep the weights and state beside the model, so a later session resumes from a clean checkout."""
    import shutil

    folder.mkdir(parents=True, exist_ok=True)
    for name in ("last.weights.h5", "best.weights.h5", "state.json"):
        if (workdir / name).is_file():
            shutil.copy(workdir / name, folder / name)
