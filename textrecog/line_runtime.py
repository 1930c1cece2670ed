"""Line model runtime: a multi-signature ``.tflite`` (one signature per width bucket) run by LiteRT.

Lines are padded to the narrowest bucket that holds them and run in
batches of 1, 4 or 8 rows through one interpreter (a bucket's batch size is
re-planned only when it changes). Never imports TensorFlow (see
:mod:`textrecog.classify`).

The LSTMs are unrolled (Keras 3 converts no other way), so each bucket is
thousands of small ops. XNNPACK packs the recurrent weights again for every
unrolled step: about 1.6 GB and 1.5 s to start for the four buckets, for
2.6x the speed in batches of 8. It is therefore off unless
``$TEXTRECOG_XNNPACK=1`` (measured figures in the README).
"""

from __future__ import annotations

import os
import re
import threading

import numpy as np

from textrecog.classify import default_threads, open_interpreter, pieces
from textrecog.model import ModelError, ModelInfo, load_info
from textrecog.normalize import LineSpec

BATCHES = (1, 4, 8)


class LineModel:
    """Loads a line model directory once; gives per-frame class probabilities for line images."""

    def __init__(self, model: ModelInfo | str | os.PathLike | None = None, threads: int | None = None):
        self.info = model if isinstance(model, ModelInfo) else load_info(model)
        if self.info.kind != "line":
            raise ModelError(f"{self.info.path}: a {self.info.kind} model, not a line model")
        self.spec: LineSpec = self.info.spec
        self._threads = threads or default_threads()
        self._lock = threading.Lock()  # an interpreter is not thread-safe
        xnnpack = os.environ.get("TEXTRECOG_XNNPACK", "") == "1"
        self._interp = open_interpreter(self.info, self._threads, xnnpack)
        self.widths = self._validate(self._interp)
        self._runners = {w: self._interp.get_signature_runner(f"w{w}") for w in self.widths}

    def _validate(self, interp) -> tuple[int, ...]:
        sigs = interp.get_signature_list()
        widths = sorted(int(m.group(1)) for k in sigs if (m := re.fullmatch(r"w(\d+)", k)))
        if not widths:
            raise ModelError(f"{self.info.path}: model.tflite has no w<width> signatures; not a line model")
        runner = interp.get_signature_runner(f"w{widths[0]}")
        (inp,), (out,) = runner.get_input_details().values(), runner.get_output_details().values()
        if tuple(inp["shape"][1:]) != (self.spec.height, widths[0], 1):
            raise ModelError(f"{self.info.path}: model input {list(inp['shape'])} does not match manifest "
                             f"height {self.spec.height}")
        if self.spec.max_width > widths[-1]:
            raise ModelError(f"{self.info.path}: manifest max_width {self.spec.max_width} is wider than the "
                             f"widest bucket {widths[-1]}")
        if int(out["shape"][-1]) != len(self.info.labels) + 1:
            raise ModelError(f"{self.info.path}: model has {int(out['shape'][-1])} outputs but labels.json "
                             f"lists {len(self.info.labels)} characters (+ the CTC blank)")
        return tuple(widths)

    def bucket(self, width: int) -> int:
        """The narrowest width bucket holding ``width`` columns (the widest if none does)."""
        return next((w for w in self.widths if w >= width), self.widths[-1])

    def _run(self, width: int, batch: np.ndarray) -> np.ndarray:
        runner = self._runners[width]
        (name,) = runner.get_input_details()
        return next(iter(runner(**{name: batch}).values()))

    def probabilities(self, images: np.ndarray) -> np.ndarray:
        """Per-frame probabilities (N, width / downsample, classes + 1) for (N, H, W, 1) float32 inputs.

        All rows share one width, at most the widest bucket; they are padded to the bucket.
        """
        images = np.asarray(images, dtype=np.float32)
        n, _, width, _ = images.shape
        bucket = self.bucket(width)
        if width < bucket:  # pad with paper (what 0 ink looks like in this polarity)
            paper = 1.0 * self.spec.scale * 255.0 if self.spec.polarity == "black_on_white" else 0.0
            images = np.concatenate([images, np.full((n, images.shape[1], bucket - width, 1), paper, np.float32)], 2)
        out = np.zeros((n, bucket // self.spec.downsample, len(self.info.labels) + 1), np.float32)
        start = 0
        with self._lock:
            for rows, size in pieces(n, BATCHES):
                piece = images[start : start + rows]
                if rows < size:
                    piece = np.concatenate([piece, np.zeros((size - rows, *piece.shape[1:]), np.float32)])
                out[start : start + rows] = self._run(bucket, np.ascontiguousarray(piece))[:rows]
                start += rows
        return out
