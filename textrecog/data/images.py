"""Readers for image data sets: MNIST/EMNIST idx files, MNIST npz, image folders.

Every reader returns ink images (uint8, ink bright on 0) and their labels,
ready for :func:`textrecog.imaging.normalize.normalize_crop`.
"""

from __future__ import annotations

import gzip
import os
import struct
from pathlib import Path

import numpy as np

from textrecog.imaging.imageio import IMAGE_SUFFIXES

_IDX_TYPES = {0x08: np.uint8, 0x09: np.int8, 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4", 0x0E: ">f8"}


def read_idx(path: str | os.PathLike) -> np.ndarray:
    """Read an idx file (optionally gzipped) into an array of its stored shape."""
    path = Path(path)
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rb") as fh:
        data = fh.read()
    if len(data) < 4 or data[0] != 0 or data[1] != 0 or data[2] not in _IDX_TYPES:
        raise ValueError(f"{path}: not an idx file (bad magic number)")
    ndim = data[3]
    dims = struct.unpack(f">{ndim}I", data[4 : 4 + 4 * ndim])
    dtype = np.dtype(_IDX_TYPES[data[2]])
    count = int(np.prod(dims)) if dims else 0
    body = data[4 + 4 * ndim :]
    if len(body) < count * dtype.itemsize:
        raise ValueError(f"{path}: truncated idx file ({len(body)} of {count * dtype.itemsize} bytes)")
    return np.frombuffer(body, dtype=dtype, count=count).reshape(dims)


def load_mnist_idx(images: str | os.PathLike, labels: str | os.PathLike) -> tuple[np.ndarray, list[str]]:
    """MNIST-style idx pair: (N, 28, 28) uint8 white-on-black and digit labels."""
    x, y = read_idx(images), read_idx(labels)
    if len(x) != len(y):
        raise ValueError(f"{images}: {len(x)} images but {labels}: {len(y)} labels")
    return x.astype(np.uint8), [str(int(v)) for v in y]


def load_mnist_npz(path: str | os.PathLike) -> tuple[np.ndarray, list[str]]:
    """An npz with ``images`` (or ``x``) and ``labels`` (or ``y``) arrays."""
    with np.load(path) as npz:
        keys = set(npz.files)
        xk = next((k for k in ("images", "x", "x_train", "arr_0") if k in keys), None)
        yk = next((k for k in ("labels", "y", "y_train", "arr_1") if k in keys), None)
        if xk is None or yk is None:
            raise ValueError(f"{path}: expected images/labels arrays, found {sorted(keys)}")
        x, y = npz[xk], npz[yk]
    x = np.asarray(x)
    if x.ndim == 2 and x.shape[1] == 784:
        x = x.reshape(-1, 28, 28)
    if x.dtype != np.uint8:
        x = np.clip(x * (255.0 if x.max() <= 1.0 else 1.0), 0, 255).astype(np.uint8)
    return x, [str(int(v)) for v in np.asarray(y).ravel()]


def load_emnist(images: str | os.PathLike, labels: str | os.PathLike,
                mapping: str | os.PathLike) -> tuple[np.ndarray, list[str]]:
    """EMNIST idx pair plus its mapping file; undoes the transposed storage."""
    x, y = read_idx(images), read_idx(labels)
    table = {}
    for line in Path(mapping).read_text().split("\n"):
        if line.strip():
            idx, code = line.split()[:2]
            table[int(idx)] = chr(int(code))
    return np.ascontiguousarray(x.transpose(0, 2, 1)), [table[int(v)] for v in y]


def load_image_folder(root: str | os.PathLike) -> tuple[list[np.ndarray], list[str], list[str]]:
    """``<root>/<label>/*.png`` → ink images, labels and file paths.

    Images may have any size; they are returned as ink (dark strokes on
    light paper are inverted) cropped by the caller's normalisation.
    """
    from textrecog.imaging.imageio import load_gray, to_ink

    inks, labels, paths = [], [], []
    for label_dir in sorted(p for p in Path(root).iterdir() if p.is_dir()):
        for path in sorted(label_dir.iterdir()):
            if path.suffix.lower() in IMAGE_SUFFIXES:
                inks.append(to_ink(load_gray(path)))
                labels.append(label_dir.name)
                paths.append(str(path))
    return inks, labels, paths
