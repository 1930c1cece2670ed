"""Line model runtime: one ``.tflite`` graph for any line width, run by LiteRT.

The graph's input is (batch, height, any width, 1); the interpreter is
resized to each batch's shape (re-planned only when the shape changes).
Each line is padded with paper to its width rounded up to ``QUANTUM``
columns, and lines of one padded width run in groups of up to eight. A
graph with a fixed batch (a crnn's fused LSTMs take one line at a time)
runs its lines one by one. Never imports TensorFlow (see :mod:`textrecog.engines.classify`).
"""

from __future__ import annotations

import os
import threading

import numpy as np

from textrecog.engines.classify import _quiet_native_stderr, default_threads, open_interpreter
from textrecog.engines.model import ModelError, ModelInfo, load_info
from textrecog.imaging.normalize import LineSpec, line_to_input

GROUP = 8  # lines run together
QUANTUM = 32  # columns a padded width is rounded up to


class LineModel:
    """Loads a line model directory once; gives per-frame class probabilities for line images."""

    def __init__(self, model: ModelInfo | str | os.PathLike | None = None, threads: int | None = None):
        self.info = model if isinstance(model, ModelInfo) else load_info(model)
        if self.info.kind != "line":
            raise ModelError(f"{self.info.path}: a {self.info.kind} model, not a line model")
        self.spec: LineSpec = self.info.spec
        self._lock = threading.Lock()  # an interpreter is not thread-safe
        # XNNPACK (LiteRT's default delegate) runs the one graph 1.4x faster in batch at no memory cost;
        # TEXTRECOG_XNNPACK=0 runs the builtin kernels instead
        xnnpack = os.environ.get("TEXTRECOG_XNNPACK", "1") != "0"
        self._interp = open_interpreter(self.info, threads or default_threads(), xnnpack)
        self.fixed_batch = self._validate(self._interp)
        self._in = self._interp.get_input_details()[0]["index"]
        self._out = self._interp.get_output_details()[0]["index"]
        self._shape: tuple[int, ...] | None = None

    def _validate(self, interp) -> int | None:
        """The graph's fixed batch size (None: any); refuses a graph that does not fit the manifest."""
        path = self.info.path
        if len(interp.get_signature_list()) > 1:
            raise ModelError(f"{path}: model.tflite has {len(interp.get_signature_list())} signatures (width "
                             "buckets of an older textrecog); re-export it: textrecog train --kind line --export-only")
        inputs, outputs = interp.get_input_details(), interp.get_output_details()
        if len(inputs) != 1 or len(outputs) != 1:
            raise ModelError(f"{path}: a line model has one input and one output, this one "
                             f"{len(inputs)} and {len(outputs)}")
        sig = [int(v) for v in inputs[0]["shape_signature"]]
        if len(sig) != 4 or sig[1] != self.spec.height or sig[2] != -1 or sig[3] != 1:
            raise ModelError(f"{path}: model input {sig} is not (batch, {self.spec.height} = manifest height, "
                             "any width, 1)")
        if int(outputs[0]["shape"][-1]) != len(self.info.labels) + 1:
            raise ModelError(f"{path}: model has {int(outputs[0]['shape'][-1])} outputs but labels.json "
                             f"lists {len(self.info.labels)} characters (+ the CTC blank)")
        return None if sig[0] == -1 else sig[0]

    def _invoke(self, batch: np.ndarray) -> np.ndarray:
        if batch.shape != self._shape:
            self._interp.resize_tensor_input(self._in, batch.shape, strict=True)
            with _quiet_native_stderr():  # the delegate's banner comes with the first plan
                self._interp.allocate_tensors()
            self._shape = batch.shape
        self._interp.reset_all_variables()  # a fused LSTM keeps its state in variables: each line starts afresh
        self._interp.set_tensor(self._in, batch)
        self._interp.invoke()
        return self._interp.get_tensor(self._out)

    def probabilities(self, images: np.ndarray) -> np.ndarray:
        """Per-frame probabilities (N, width / downsample, classes + 1) for (N, H, W, 1) float32 inputs."""
        images = np.ascontiguousarray(images, dtype=np.float32)
        step = self.fixed_batch or len(images)
        with self._lock:
            return np.concatenate([self._invoke(images[i : i + step]) for i in range(0, len(images), step)])

    def read(self, images: list[np.ndarray]) -> list[np.ndarray]:
        """Per-frame probabilities of each fitted line image (uint8, ink bright), frames cut to its width.

        Each line is padded to its own width rounded up to ``QUANTUM``, whatever else is read with it,
        so a line reads the same alone or in a batch; lines of one padded width run together.
        """
        spec, out = self.spec, [None] * len(images)
        groups: dict[int, list[int]] = {}
        for i, im in enumerate(images):
            groups.setdefault(-(-im.shape[1] // QUANTUM) * QUANTUM, []).append(i)
        size = self.fixed_batch or GROUP
        for width, members in sorted(groups.items()):
            for start in range(0, len(members), size):
                idx = members[start : start + size]
                batch = np.zeros((len(idx), spec.height, width), np.uint8)
                for row, i in enumerate(idx):
                    batch[row, :, : images[i].shape[1]] = images[i]
                probs = self.probabilities(line_to_input(batch, spec)[..., None])
                for row, i in enumerate(idx):
                    out[i] = probs[row, : -(-images[i].shape[1] // spec.downsample)]
        return out
