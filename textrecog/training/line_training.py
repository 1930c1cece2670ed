"""The line model's training loop: CTC on width-grouped batches, checkpoints, resume, export.

Kept apart from the command-line module so the loop, the export and the
manifest stay small, separate functions.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import logging
import sys
import time
from pathlib import Path

import numpy as np

from textrecog.decoding.charset import LINE_ALPHABET, LINE_ALPHABET_V1
from textrecog.training.line_setup import (
    MIN_LR,
    arch_of,
    cer_of,
    data_key,
    load_grown,
    load_split,
    save_checkpoint,
    spec_of,
    val_key,
    val_set,
    validation,
)
from textrecog.training.workdir import work_folder

log = logging.getLogger("textrecog.training.train")


class Trainer:
    """Model, optimiser and state, saved after every epoch so a killed run resumes."""

    def __init__(self, args: argparse.Namespace, workdir: Path):
        import keras

        from textrecog.training.line_models import LineArch, build_line_model

        self.args, self.workdir = args, workdir
        keras.utils.set_random_seed(args.seed)
        starts = (workdir, Path(args.init) if args.init else None, Path(args.out) / "checkpoint")
        folder = next((f for f in starts if f is not None and (f / "state.json").is_file()), None)
        saved = json.loads((folder / "state.json").read_text()) if folder else {}
        # a resumed run keeps the architecture it was started with, whatever the arguments say
        self.arch = LineArch.from_json(saved["arch"]) if "arch" in saved else arch_of(args)
        self.model = build_line_model(len(LINE_ALPHABET), spec_of(args), self.arch)
        self.opt = keras.optimizers.Adam(args.lr, clipnorm=5.0)
        self.opt.build(self.model.trainable_variables)
        self.state = {"epoch": 0, "best_cer": None, "best_epoch": 0, "lr": args.lr, "bad_epochs": 0,
                      "seconds": 0.0, "cpu_seconds": 0.0, "runs": [], "curve": [], "arch": self.arch.to_json(),
                      "data": data_key(args), "alphabet": LINE_ALPHABET, "height": args.height}
        self._step = self._make_step()
        # a checkpoint trained on other data (another alphabet, another height) starts a fine-tune: its
        # weights, a new run
        self.fine_tune = folder is not None and (saved.get("data", "unipen") != data_key(args)
                                                 or saved.get("alphabet", LINE_ALPHABET_V1) != LINE_ALPHABET
                                                 or saved.get("height", 32) != args.height)
        if self.fine_tune:
            self._start_from(folder, saved)
        elif folder is not None:  # the work folder, or (fresh work folder) the checkpoint shipped beside the model
            self._resume(folder)
        self._start_anneal(getattr(args, "anneal", 0))

    def _start_from(self, folder: Path, saved: dict) -> None:
        """Begin a fine-tune from another run's best weights (its classes carried over), a fresh optimiser."""
        best = folder / "best.weights.h5"
        load_grown(self.model, best if best.is_file() else folder / "last.weights.h5",
                   saved.get("alphabet", LINE_ALPHABET_V1), LINE_ALPHABET, spec_of(self.args), self.arch)
        self.state["init"] = {"from": str(folder), "epoch": saved.get("best_epoch", saved.get("epoch")),
                              "data": saved.get("data", "unipen"), "best_cer": saved.get("best_cer")}
        log.info("fine-tuning from %s (epoch %s, trained on %s)", folder, self.state["init"]["epoch"],
                 self.state["init"]["data"])

    def _start_anneal(self, epochs: int) -> None:
        """Begin a warm restart: a cosine from --lr to 1e-5 over ``epochs`` (a resumed anneal just continues)."""
        s, current = self.state, self.state.get("anneal")
        if epochs <= 0 or (current and s["epoch"] < current["start"] + current["epochs"]):
            return
        s["anneal"] = {"start": s["epoch"], "epochs": epochs, "peak": self.args.lr}
        s["bad_epochs"] = 0
        log.info("annealing: learning rate %.1e -> %.0e over %d epochs", self.args.lr, MIN_LR, epochs)

    def set_rate(self) -> None:
        """Set this epoch's rate when an anneal runs (otherwise the plateau rule sets it)."""
        a = self.state.get("anneal")
        if not a or self.state["epoch"] >= a["start"] + a["epochs"]:
            return
        done = (self.state["epoch"] - a["start"]) / a["epochs"]
        self.state["lr"] = MIN_LR + 0.5 * (a["peak"] - MIN_LR) * (1 + np.cos(np.pi * done))
        self.opt.learning_rate.assign(self.state["lr"])

    def annealing(self) -> bool:
        """True while a cosine anneal sets the rate (no plateau halving, no early stop)."""
        a = self.state.get("anneal")
        return bool(a) and self.state["epoch"] < a["start"] + a["epochs"]

    def _make_step(self):
        import tensorflow as tf

        model, opt = self.model, self.opt

        @tf.function(reduce_retracing=True)
        def step(x, labels, label_len, frames):
            with tf.GradientTape() as tape:
                logits = model(tf.cast(x, tf.float32) / 255.0, training=True)
                loss = tf.nn.ctc_loss(labels, logits, label_len, frames, logits_time_major=False,
                                      blank_index=-1)
                loss = tf.reduce_mean(loss)
            grads = tape.gradient(loss, model.trainable_variables)
            opt.apply_gradients(zip(grads, model.trainable_variables))
            return loss

        return step

    def _resume(self, folder: Path) -> None:
        self.state = {"cpu_seconds": 0.0, "curve": [], **json.loads((folder / "state.json").read_text()),
                      "arch": self.arch.to_json()}
        last = folder / "last.weights.h5"
        self.model.load_weights(last if last.is_file() else folder / "best.weights.h5")  # an installed model: best
        if (folder / "last.optimizer.npz").is_file():  # older shipped checkpoints have weights only
            saved = np.load(folder / "last.optimizer.npz")
            for i, v in enumerate(self.opt.variables):
                v.assign(saved[f"v{i}"])
        if folder != self.workdir and (folder / "best.weights.h5").is_file():
            import shutil

            shutil.copy(folder / "best.weights.h5", self.workdir / "best.weights.h5")
        self.opt.learning_rate.assign(self.state["lr"])
        log.info("resumed from %s after epoch %d (best val CER %s at epoch %d)", folder, self.state["epoch"],
                 self.state["best_cer"], self.state["best_epoch"])

    def rescore(self, val: list) -> None:
        """A run validating on another sample than the saved state's (``--ruled`` changed) scores the best
        weights on it first: later epochs must beat that, not a CER measured on other lines."""
        key, s = val_key(self.args), self.state
        if s.get("val", "800 lines") == key or s["best_cer"] is None:
            s["val"] = key
            return
        import tensorflow as tf

        best = self.workdir / "best.weights.h5"
        current = self.model.get_weights()
        if best.is_file():
            self.model.load_weights(best)
        cer = cer_of(tf.function(lambda x: self.model(x, training=False), reduce_retracing=True), val)
        self.model.set_weights(current)
        log.info("validation is now %s: the best weights (epoch %d) score %.4f on it (%.4f before)", key,
                 s["best_epoch"], cer, s["best_cer"])
        s.update(val=key, best_cer=cer, bad_epochs=0)
        s.setdefault("rescored", []).append({"epoch": s["epoch"], "val": key, "best_cer": round(cer, 5)})

    def save(self, improved: bool) -> None:
        """Write the last weights, optimiser and state; each file replaced whole, the state last."""
        w = self.workdir
        self.model.save_weights(w / "tmp.weights.h5")  # a kill mid-write never leaves a broken checkpoint
        (w / "tmp.weights.h5").replace(w / "last.weights.h5")
        np.savez(w / "tmp.optimizer.npz", **{f"v{i}": v.numpy() for i, v in enumerate(self.opt.variables)})
        (w / "tmp.optimizer.npz").replace(w / "last.optimizer.npz")
        if improved:
            import shutil

            shutil.copy(w / "last.weights.h5", w / "tmp.weights.h5")
            (w / "tmp.weights.h5").replace(w / "best.weights.h5")
        tmp = w / "state.json.tmp"
        tmp.write_text(json.dumps(self.state, indent=1))
        tmp.replace(w / "state.json")
        follow = getattr(self.args, "checkpoint", None) or (None if self.fine_tune else self.args.init)
        if follow:  # the checkpoint folder to commit follows every epoch (a killed run loses nothing)
            save_checkpoint(w, Path(follow))

    def epoch(self, stream, steps: int) -> float:
        """Train ``steps`` batches; returns the mean loss."""
        losses, t0 = [], time.time()
        for k in range(steps):
            b = next(stream)
            loss = float(self._step(b.images, b.labels, b.label_len, b.frames))
            if np.isfinite(loss):
                losses.append(loss)
            if (k + 1) % 50 == 0:
                log.info("  %d/%d batches, loss %.3f, %.2f s a batch", k + 1, steps,
                         np.mean(losses[-50:]) if losses else float("nan"), (time.time() - t0) / (k + 1))
        return float(np.mean(losses)) if losses else float("nan")

    def record(self, loss: float, val_cer: float, seconds: float, cpu_seconds: float) -> dict:
        """Count a finished epoch and add it to the validation curve; returns the state."""
        s = self.state
        s["epoch"] += 1
        s["seconds"] += seconds
        s["cpu_seconds"] += cpu_seconds
        s["curve"].append({"epoch": s["epoch"], "loss": round(loss, 4), "val_cer": round(val_cer, 5),
                           "cpu_seconds": round(s["cpu_seconds"]), "lr": s["lr"]})
        return s

    def end_epoch(self, val_cer: float) -> bool:
        """Track the best CER, halve the rate on a plateau; True if training should go on."""
        s = self.state
        improved = s["best_cer"] is None or val_cer < s["best_cer"] - 1e-4
        if improved:
            s.update(best_cer=val_cer, best_epoch=s["epoch"], bad_epochs=0)
        else:
            s["bad_epochs"] += 1
            if s["bad_epochs"] % 3 == 0 and not self.annealing():
                s["lr"] = max(s["lr"] * 0.5, MIN_LR)
                self.opt.learning_rate.assign(s["lr"])
        self.save(improved)
        return self.annealing() or s["bad_epochs"] < self.args.patience


def fit(args: argparse.Namespace, workdir: Path, parts: dict) -> Trainer:
    """Train until the epoch limit, early stopping or the time budget of this run."""
    import tensorflow as tf

    from textrecog.data.linesampler import batches, prefetch
    from textrecog.data.photolines import PhotoLook
    from textrecog.data.reallines import RealSampler
    from textrecog.data.ruledlines import RuledLook

    trainer = Trainer(args, workdir)
    spec, gt = spec_of(args), parts.get("gt")
    val = validation(args, parts)
    # with real lines the UNIPEN sample is watched too (no step back on pen renders), not used to pick epochs
    also = val_set(parts["val"], spec, args.val_count, args.seed, args.ruled) if gt and parts["val"] else None
    trainer.rescore(val)
    real = RealSampler(gt.train, args.seed * 1000 + trainer.state["epoch"] + 7) if gt else None
    stream = prefetch(batches(parts["train"], LINE_ALPHABET, spec, args.batch,
                              args.seed * 1000 + trainer.state["epoch"], ruled=RuledLook(p=args.ruled),
                              photo=PhotoLook(p=getattr(args, "photo", 0.0)), real=real,
                              real_share=getattr(args, "real_share", 1.0)))
    writer = tf.summary.create_file_writer(str(workdir / "tensorboard"))
    started, cpu0 = time.time(), time.process_time()
    run = {"started": dt.datetime.now().isoformat(timespec="seconds"), "epochs": 0, "cpu_seconds": 0,
           "command": args.command, "steps": args.steps, "batch": args.batch}
    trainer.state["runs"].append(run)
    predict = tf.function(lambda x: trainer.model(x, training=False), reduce_retracing=True)
    while trainer.state["epoch"] < args.epochs:
        t0, c0 = time.time(), time.process_time()
        trainer.set_rate()
        loss = trainer.epoch(stream, args.steps)
        cer = cer_of(predict, val)
        s = trainer.record(loss, cer, time.time() - t0, time.process_time() - c0)
        if also:
            s["curve"][-1]["val_cer_unipen"] = round(cer_of(predict, also), 5)
        run.update(epochs=run["epochs"] + 1, seconds=round(time.time() - started),
                   cpu_seconds=round(time.process_time() - cpu0))
        go_on = trainer.end_epoch(cer)
        with writer.as_default(step=trainer.state["epoch"]):
            tf.summary.scalar("loss", loss)
            tf.summary.scalar("val_cer", cer)
            tf.summary.scalar("lr", trainer.state["lr"])
        print(f"epoch {trainer.state['epoch']} loss {loss:.3f} val_cer {cer:.4f} "
              f"best {trainer.state['best_cer']:.4f}@{trainer.state['best_epoch']} lr {trainer.state['lr']:.1e} "
              f"{time.time() - t0:.0f}s ({args.steps * args.batch / (time.time() - t0):.0f} lines/s)",
              file=sys.stderr, flush=True)
        if not go_on:
            log.info("early stop: no better val CER in %d epochs", args.patience)
            break
        if args.minutes and time.time() - started > args.minutes * 60:
            log.info("time budget of this run used (%.0f min); run again to continue", args.minutes)
            break
        if args.cpu_minutes and s["cpu_seconds"] > args.cpu_minutes * 60:
            log.info("CPU budget used (%.0f CPU-minutes in all); run again with more to continue", args.cpu_minutes)
            break
    trainer.save(False)
    return trainer


def train_and_export(args: argparse.Namespace, workdir: Path, out: Path) -> int:
    """Train (or resume), then export the best checkpoint into ``out`` with its manifest."""
    try:
        parts = load_split(args)
    except (OSError, ValueError) as exc:  # missing or malformed data, ground truth giving no lines: one line
        print(f"textrecog train: {exc}", file=sys.stderr)
        return 2
    try:
        with work_folder(workdir):  # made only once the data loads; kept only with a checkpoint in it
            trainer = Trainer(args, workdir) if args.export_only else fit(args, workdir, parts)
    except KeyboardInterrupt:
        return 130
    if args.no_export:
        return 0
    from textrecog.training.line_export import export_model_dir

    export_model_dir(args, trainer, parts, out)
    return 0
