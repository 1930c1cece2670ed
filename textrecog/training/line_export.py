"""Export the line model to one ``.tflite`` graph for any line width, and write its model directory.

One graph, input (batch, height, any width, 1): LiteRT reads a line of any
width after ``resize_tensor_input``, so there are no width buckets.

* ``conv`` models export straight from Keras 3 (``ExportArchive`` with a
  dynamic width, then ``from_saved_model``), any batch size.
* ``crnn`` models are rebuilt with ``tf_keras`` and the same weights: its
  LSTM carries the tag that lets the converter use LiteRT's fused
  ``UNIDIRECTIONAL_SEQUENCE_LSTM`` kernel (Keras 3's LSTM converts only
  unrolled over a fixed width). The batch is fixed at 1.

Weights are stored as float16 (half the file; computed in float32) unless
that moves the validation CER by more than 0.2 points, then as float32.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import logging
import tempfile
from pathlib import Path

import numpy as np

from textrecog.decoding.charset import LINE_ALPHABET
from textrecog.imaging.normalize import LineSpec
from textrecog.training.line_models import LineArch, build_line_model
from textrecog.training.line_setup import MIN_LR, cer_of, save_checkpoint, sites, spec_of, validation

log = logging.getLogger("textrecog.training.train")
MAX_FP16_CER_CHANGE = 0.002  # float16 weights only while LiteRT stays this close to Keras


def _converter_conv(weights: list[np.ndarray], spec: LineSpec, arch: LineArch, tmp: str):
    import keras
    import tensorflow as tf

    model = build_line_model(len(LINE_ALPHABET), spec, arch, softmax=True)
    model.set_weights(weights)
    archive = keras.export.ExportArchive()
    archive.track(model)
    archive.add_endpoint("serve", lambda x: model(x, training=False),
                         input_signature=[tf.TensorSpec([None, spec.height, None, 1], tf.float32)])
    archive.write_out(tmp, verbose=False)
    return tf.lite.TFLiteConverter.from_saved_model(tmp, signature_keys=["serve"])


def _converter_crnn(weights: list[np.ndarray], spec: LineSpec, arch: LineArch):
    import tensorflow as tf
    import tf_keras

    model = build_line_model(len(LINE_ALPHABET), spec, arch, softmax=True, lib=tf_keras)
    model.set_weights(weights)
    fn = tf.function(lambda x: model(x, training=False))
    concrete = fn.get_concrete_function(tf.TensorSpec([1, spec.height, None, 1], tf.float32))
    return tf.lite.TFLiteConverter.from_concrete_functions([concrete], model)


def export_tflite(weights: list[np.ndarray], spec: LineSpec, arch: LineArch, float16: bool = True) -> bytes:
    """One .tflite graph for any width: softmax outputs (N, width / 4, classes + 1)."""
    import tensorflow as tf

    with tempfile.TemporaryDirectory() as tmp:
        if arch.name == "crnn":
            conv = _converter_crnn(weights, spec, arch)
        else:
            conv = _converter_conv(weights, spec, arch, tmp)
        if float16:
            conv.optimizations = [tf.lite.Optimize.DEFAULT]
            conv.target_spec.supported_types = [tf.float16]
        return conv.convert()


REAL_AUGMENTATION = ("real lines: resampled to 0.45-1.15 of their resolution (half), pen spread or thinned, slant "
                     "±0.25 and width 0.85-1.15 (half), paper and ink tones, paper texture, blur, noise, JPEG 25-85, "
                     "a printed rule under a tenth of them; cut with their polygon, rules taken out and levelled by "
                     "their baseline as at run time")
KEPT = ("decoding", "calibration", "notes")  # tuned later on the model; a re-export keeps them


UNIPEN_DATA = {"name": "UNIPEN train_r01_v07 sections 7 (words) and 8 (texts; multi-line texts split into lines by "
                       "the ink's row profile); isolated characters of sections 1a-1d for synthetic number lines",
               "licence": "CC BY 4.0", "reference": "Guyon et al., ICPR 1994; doi:10.5281/zenodo.1195803"}


def _data(args: argparse.Namespace, parts: dict, old_training: dict) -> list[dict]:
    """The data the weights learnt from: UNIPEN, the real sets (each named with its licence), and what the
    fine-tuned checkpoint had learnt from before."""
    data = [UNIPEN_DATA] if args.unipen else []
    if parts.get("gt") is not None:
        from textrecog.data.gtsources import describe_sets

        data += describe_sets([*args.gt, *(args.gt_train or [])])
    if not args.unipen and getattr(args, "init", None):
        data += [d for d in old_training.get("data", []) if d not in data]  # what the initial weights learnt
    return data


def _split(args: argparse.Namespace, parts: dict) -> dict:
    """The writer-disjoint splits: UNIPEN by site, real pages by writer group."""
    out = {}
    if parts.get("train") is not None:
        out = {"method": "by UNIPEN contributing site (writer-disjoint)", "val_sites": sites(args.val_sites),
               "test_sites": sites(args.test_sites), "inks": {k: len(parts[k].inks) for k in ("train", "val", "test")}}
    if parts.get("gt") is not None:
        out["real"] = {"method": "real pages by writer group (a stable hash of the group's name)", "by": args.split_by,
                       "val_share": args.val_share, "test_share": args.test_share, "split": list(args.gt),
                       "train_only": list(args.gt_train or []), **parts["gt"].describe()}
    return out


def _training(args: argparse.Namespace, spec: LineSpec, arch: LineArch, parts: dict, state: dict,
              params: int, old_training: dict) -> dict:
    """The manifest's training section for weights trained by this command (experiments kept)."""
    return {
        "data": _data(args, parts, old_training),
        **({"real_share": args.real_share if args.unipen else 1.0, "real_augmentation": REAL_AUGMENTATION}
           if parts.get("gt") is not None else {}),
        **({"init": state["init"]} if "init" in state else {}),
        "synthetic": "one writer's words side by side; two of one writer's lines joined; words with their "
                     "letters spaced out; dates, prices, codes from one writer's characters",
        "augmentation": "shear ±30°, rotation ±2.5°, aspect 0.65-1.3, elastic and local wave warps, pen width "
                        "0.04-0.15 of the ink height, erosion/dilation, drawn at 1-4x the model height; "
                        "scan look on half the images"
                        + (f"; {args.ruled:.0%} on ruled paper (rules, dashes, margin or grid; rules found and taken "
                           "out, the line read back as a page's)" if getattr(args, "ruled", 0) else "")
                        + (f"; {args.photo:.0%} photographed (turned up to 8°, keystoned, toned, uneven light and a "
                           "shadow, blur, noise, JPEG; half on ruled paper; read back as a page's line)"
                           if getattr(args, "photo", 0) else ""),
        "split": _split(args, parts),
        "command": _train_command(args, state),
        "architecture": f"{arch.describe()}, height {spec.height}",
        "architecture_params": arch.to_json(),
        "parameters": params,
        "schedule": _schedule(args, state),
        "epochs": state["epoch"], "best_epoch": state["best_epoch"],
        "best_val_cer": state["best_cer"], "val_sample": state.get("val", "800 lines"),
        "rescored": state.get("rescored", []), "train_seconds": round(state["seconds"]),
        "train_cpu_seconds": round(state.get("cpu_seconds", 0)),
        "runs": state["runs"], "curve": state.get("curve", []), "date": dt.date.today().isoformat(),
        "note": "Training resumes from its work folder: the same command continues where it stopped.",
        **{k: old_training[k] for k in ("experiments", "attempts") if k in old_training},
    }


def _train_command(args: argparse.Namespace, state: dict) -> str:
    """The command that trained these weights (an export names the last training run's, which exports them)."""
    if not args.export_only:
        return args.command
    last = next((r["command"] for r in reversed(state.get("runs", [])) if "command" in r), args.command)
    return last.replace(" --no-export", "")


def _schedule(args: argparse.Namespace, state: dict) -> str:
    """How the learning rate moved, in words."""
    last = (state.get("runs") or [{}])[-1]
    words = last.get("command", "").split()
    rate = words[words.index("--lr") + 1] if "--lr" in words[:-1] else f"{args.lr:g}"
    text = (f"Adam, clipnorm 5, batch {last.get('batch', args.batch)}, {last.get('steps', args.steps)} batches "
            f"an epoch, rate from {rate} halved after 3 epochs without a better val CER")
    if "anneal" in state:
        a = state["anneal"]
        text += (f"; then a warm restart at epoch {a['start']}: cosine from {a['peak']:g} to {MIN_LR:g} over "
                 f"{a['epochs']} epochs")
    return text


def same_weights(args: argparse.Namespace) -> bool:
    """True for an export of the model's own checkpoint (not a candidate's): its records stay."""
    return bool(args.export_only) and not args.init


def manifest(args: argparse.Namespace, spec: LineSpec, arch: LineArch, parts: dict, state: dict,
             params: int) -> dict:
    """The manifest: input geometry, architecture, data and licences, split, commands, training runs."""
    previous_path = Path(args.out) / "manifest.json"
    previous = json.loads(previous_path.read_text(encoding="utf-8")) if previous_path.is_file() else {}
    old_training = previous.get("training", {})
    head = "CRNN (conv + BiLSTMs)" if arch.name == "crnn" else "convolution-only network"
    training = _training(args, spec, arch, parts, state, params, old_training)
    if same_weights(args) and old_training:  # the same weights: how they were trained stays as recorded
        training = {**old_training, "export_command": args.command,
                    **{k: training[k] for k in ("architecture", "architecture_params", "parameters")}}
    return {
        "name": Path(args.out).name,
        "kind": "line",
        "description": f"Handwritten line recognizer: {head} trained with CTC"
                       + (" on real scanned handwriting" + (" and rendered pen strokes" if args.unipen else "")
                          if parts.get("gt") is not None else "") + "; one graph for any line width",
        "input": {"height": spec.height, "margin": spec.margin, "max_width": spec.max_width,
                  "polarity": spec.polarity, "scale": spec.scale, "downsample": spec.downsample},
        "classes": "line alphabet (labels.json) + CTC blank as the last output",
        "training": training,
        **{k: previous[k] for k in KEPT if k in previous},
    }


def _lite_cer(tflite: bytes, meta: dict, staging: Path, val: list) -> float:
    from textrecog.engines.line_runtime import LineModel
    from textrecog.engines.model import write_model_dir

    write_model_dir(staging, tflite, list(LINE_ALPHABET), meta)
    lite = LineModel(staging)
    return cer_of(lambda x: np.log(np.maximum(lite.probabilities(x), 1e-9)), val)


def _shipped_cer(out: Path, key: str) -> float | None:
    """The validation CER of the model already in ``out`` on the validation sample ``key``, if known."""
    path = out / "manifest.json"
    if not path.is_file():
        return None
    training = json.loads(path.read_text(encoding="utf-8")).get("training", {})
    return training.get("best_val_cer") if training.get("val_sample", "800 lines") == key else None


def export_model_dir(args: argparse.Namespace, trainer, parts: dict, out: Path) -> None:
    """Export the best checkpoint, check Keras and LiteRT agree on validation lines, write ``out``."""
    from textrecog.engines.model import write_model_dir

    spec, model = spec_of(args), trainer.model
    best = trainer.workdir / "best.weights.h5"
    if best.is_file():
        model.load_weights(best)
    shipped = _shipped_cer(out, trainer.state.get("val", "800 lines"))
    if args.init and shipped is not None and trainer.state["best_cer"] >= shipped:
        log.info("not exported: best val CER %.4f is not better than the model in %s (%.4f); training goes on "
                 "from %s", trainer.state["best_cer"], out, shipped, trainer.workdir)
        return
    meta = manifest(args, spec, trainer.arch, parts, trainer.state, model.count_params())
    val = validation(args, parts)
    keras_cer = cer_of(lambda x: model(x, training=False), val)
    for float16 in (True, False):
        tflite = export_tflite(model.get_weights(), spec, trainer.arch, float16)
        lite_cer = _lite_cer(tflite, meta, trainer.workdir / "export", val)
        log.info("validation CER: Keras %.4f, LiteRT %.4f (%s weights, %.1f MB)", keras_cer, lite_cer,
                 "float16" if float16 else "float32", len(tflite) / 1e6)
        if abs(keras_cer - lite_cer) <= MAX_FP16_CER_CHANGE:
            break
    old = out / "manifest.json"
    kept = json.loads(old.read_text()).get("accuracy", {}) if same_weights(args) and old.is_file() else {}
    meta["accuracy"] = {**kept, "val_cer_keras": keras_cer, "val_cer_tflite": lite_cer,  # same weights: kept
                        "weights": "float16" if float16 else "float32"}
    write_model_dir(out, tflite, list(LINE_ALPHABET), meta)
    save_checkpoint(trainer.workdir, out / "checkpoint")
    log.info("wrote %s (%.1f MB)", out, len(tflite) / 1e6)
