"""Character classifier runtime: a .tflite model run by LiteRT, batched.

Never imports TensorFlow unless LiteRT has no wheel for this platform, in
which case TensorFlow's own ``tf.lite`` interpreter is the fallback.
"""

from __future__ import annotations

import contextlib
import os
import sys
import threading

import numpy as np

from textrecog.engines.model import ModelError, ModelInfo, load_info
from textrecog.types import Alternative, Prediction


@contextlib.contextmanager
def _quiet_native_stderr():
    """Silence the runtime's C++ banner ("INFO: Created ... delegate") on stderr.

    Errors still surface as Python exceptions; only fd 2 is muted, briefly.
    """
    try:
        fd = sys.stderr.fileno()
    except (AttributeError, OSError, ValueError):  # stderr replaced (pytest capture, IDEs)
        yield
        return
    sys.stderr.flush()
    saved = os.dup(fd)
    try:
        with open(os.devnull, "w") as null:
            os.dup2(null.fileno(), fd)
            yield
    finally:
        os.dup2(saved, fd)
        os.close(saved)


def _interpreter_class():
    try:
        from ai_edge_litert.interpreter import Interpreter
    except ImportError:  # no LiteRT wheel for this platform
        try:
            from tensorflow.lite.python.interpreter import Interpreter  # type: ignore
        except ImportError:
            raise ModelError("no TFLite runtime: pip install ai-edge-litert (or tensorflow)") from None
    return Interpreter


def default_threads() -> int:
    """Interpreter threads: ``$TEXTRECOG_THREADS`` if set (batch workers use 1), else up to 4."""
    env = os.environ.get("TEXTRECOG_THREADS", "")
    return int(env) if env.isdigit() and int(env) > 0 else min(4, os.cpu_count() or 1)


BUCKETS = (8, 16, 32)  # batch sizes run; more characters go in pieces of the largest
# (32, not 64: measured with XNNPACK on a 2-core Xeon, 64 rows run 8% slower per character)


def pieces(n: int, buckets: tuple[int, ...] = BUCKETS) -> list[tuple[int, int]]:
    """Split ``n`` rows into (rows, bucket) pieces: full largest buckets, then the
    smallest bucket that holds the rest (so padding stays below half a piece)."""
    out = [(buckets[-1], buckets[-1])] * (n // buckets[-1])
    rest = n % buckets[-1]
    if rest:
        out.append((rest, next(b for b in buckets if b >= rest)))
    return out


def open_interpreter(info: ModelInfo, threads: int, xnnpack: bool = True):
    """A LiteRT interpreter for a model directory's .tflite (its banner kept off stderr).

    ``xnnpack=False`` runs the builtin kernels without the default XNNPACK delegate.
    """
    cls, kwargs = _interpreter_class(), {}
    if not xnnpack:  # LiteRT and tf.lite both define OpResolverType beside their Interpreter
        resolver = sys.modules[cls.__module__].OpResolverType
        kwargs["experimental_op_resolver_type"] = resolver.BUILTIN_WITHOUT_DEFAULT_DELEGATES
    try:
        with _quiet_native_stderr():
            return cls(model_path=str(info.tflite_path), num_threads=threads, **kwargs)
    except (ValueError, RuntimeError) as exc:
        raise ModelError(f"{info.tflite_path}: not a valid TFLite model ({exc})") from None


class Classifier:
    """Loads a model directory once and classifies batches of normalised crops.

    Each bucket size gets its own interpreter, allocated once: resizing one
    interpreter back and forth would re-plan it on every call.
    """

    def __init__(self, model: ModelInfo | str | os.PathLike | None = None, threads: int | None = None):
        self.info = model if isinstance(model, ModelInfo) else load_info(model)
        if self.info.kind != "char":
            raise ModelError(f"{self.info.path}: a {self.info.kind} model, not a character classifier")
        self._threads = threads or default_threads()
        self._interps: dict[int, object] = {}
        self._lock = threading.Lock()  # an interpreter is not thread-safe
        self._spare = self._new_interpreter()  # read for validation, then serves the first bucket used
        self._in = self._spare.get_input_details()[0]
        self._out = self._spare.get_output_details()[0]
        self._validate()

    def _new_interpreter(self):
        return open_interpreter(self.info, self._threads)

    def _interpreter(self, size: int):
        """The interpreter for batches of ``size`` (created and allocated on first use)."""
        interp = self._interps.get(size)
        if interp is None:
            interp, self._spare = self._spare or self._new_interpreter(), None
            interp.resize_tensor_input(self._in["index"], (size, self.info.spec.size, self.info.spec.size, 1))
            with _quiet_native_stderr():
                interp.allocate_tensors()
            self._interps[size] = interp
        return interp

    def _validate(self) -> None:
        spec, shape = self.info.spec, tuple(self._in["shape"])
        if len(shape) != 4 or shape[1:] != (spec.size, spec.size, 1):
            raise ModelError(f"{self.info.path}: model input {list(shape)} does not match manifest "
                             f"size {spec.size}x{spec.size}x1")
        n_out = int(self._out["shape"][-1])
        if n_out != len(self.info.labels):
            raise ModelError(f"{self.info.path}: model has {n_out} outputs but labels.json "
                             f"lists {len(self.info.labels)} classes")

    @property
    def labels(self) -> tuple[str, ...]:
        return self.info.labels

    def probabilities(self, batch: np.ndarray) -> np.ndarray:
        """Class probabilities (N, C) for a (N, size, size, 1) float32 batch."""
        batch = np.ascontiguousarray(batch, dtype=np.float32)
        out = np.zeros((len(batch), len(self.labels)), dtype=np.float32)
        start = 0
        with self._lock:
            for rows, size in pieces(len(batch)):
                piece = batch[start : start + rows]
                if rows < size:  # pad the last piece with blank images
                    piece = np.concatenate([piece, np.zeros((size - rows, *batch.shape[1:]), np.float32)])
                interp = self._interpreter(size)
                interp.set_tensor(self._in["index"], piece)
                interp.invoke()
                out[start : start + rows] = interp.get_tensor(self._out["index"])[:rows]
                start += rows
        return out

    def classify(self, batch: np.ndarray, top_k: int = 3) -> list[Prediction]:
        """Top-k predictions per crop, best first."""
        return predictions_from_probs(self.probabilities(batch), self.labels, top_k)


def predictions_from_probs(probs: np.ndarray, labels: tuple[str, ...], top_k: int = 3) -> list[Prediction]:
    """Turn a probability matrix into Prediction objects with top-k alternatives."""
    k = max(1, min(top_k, probs.shape[1] if probs.ndim == 2 else 1))
    if len(probs) == 0:
        return []
    order = np.argsort(-probs, axis=1, kind="stable")[:, :k]
    values = np.take_along_axis(probs, order, axis=1).tolist()
    out = []
    for idx, vals in zip(order.tolist(), values):
        alts = tuple([Alternative(labels[i], p) for i, p in zip(idx, vals)])
        out.append(Prediction(alts[0].char, alts[0].prob, alts))
    return out
