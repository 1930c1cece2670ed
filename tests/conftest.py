"""Shared fixtures: images drawn in the test and a tiny classifier built in seconds."""

from __future__ import annotations

import os
from pathlib import Path

import cv2
import numpy as np
import pytest

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
ROOT = Path(__file__).resolve().parent.parent
FONT = cv2.FONT_HERSHEY_SIMPLEX


def blank(h: int = 120, w: int = 400) -> np.ndarray:
    """White paper."""
    return np.full((h, w), 255, np.uint8)


def draw_word(img: np.ndarray, text: str, x: int, y: int, scale: float = 1.5,
              gap: int = 6, thick: int = 3) -> int:
    """Draw ``text`` letter by letter with ``gap`` pixels between letters; returns end x."""
    for ch in text:
        (w, _), _ = cv2.getTextSize(ch, FONT, scale, thick)
        cv2.putText(img, ch, (x, y), FONT, scale, 0, thick, cv2.LINE_AA)
        x += w + gap
    return x


def draw_line(words: list[str], y: int = 80, width: int = 900, space: int = 45, **kw) -> np.ndarray:
    """A line of words separated by ``space`` pixels."""
    img = blank(130, width)
    x = 15
    for word in words:
        x = draw_word(img, word, x, y, **kw) + space
    return img


TINY_CLASSES = "0123456789"


def _glyph_images(spec, rng) -> tuple[np.ndarray, np.ndarray]:
    from textrecog.data.chars import to_model_uint8

    fonts = [cv2.FONT_HERSHEY_SIMPLEX, cv2.FONT_HERSHEY_DUPLEX, cv2.FONT_HERSHEY_COMPLEX,
             cv2.FONT_HERSHEY_TRIPLEX, cv2.FONT_HERSHEY_PLAIN]
    xs, ys = [], []
    for label, ch in enumerate(TINY_CLASSES):
        for font in fonts:
            for _ in range(12):
                img = np.zeros((64, 64), np.uint8)
                cv2.putText(img, ch, (12 + rng.integers(-3, 4), 50), font, 1.6, 255,
                            int(rng.integers(2, 5)), cv2.LINE_AA)
                xs.append(to_model_uint8(img, spec))
                ys.append(label)
    return np.stack(xs), np.array(ys)


@pytest.fixture(scope="session")
def tiny_model(tmp_path_factory) -> Path:
    """A 10-class digit model trained for a few seconds on font glyphs (fixture only)."""
    tf = pytest.importorskip("tensorflow")
    import keras

    from textrecog.model import write_model_dir
    from textrecog.normalize import InputSpec
    from textrecog.train import build_model, export_tflite

    keras.utils.set_random_seed(0)
    spec = InputSpec()
    x, y = _glyph_images(spec, np.random.default_rng(0))
    model = build_model(len(TINY_CLASSES), widths=(8, 16), dense=32, dropout=0.0)
    model.compile(optimizer=keras.optimizers.Adam(3e-3), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    model.fit(x[..., None] / 255.0, y, epochs=12, batch_size=32, verbose=0, shuffle=True)
    out = tmp_path_factory.mktemp("models") / "tiny"
    manifest = {"name": "tiny", "classes": "digits",
                "input": {"size": spec.size, "inner": spec.inner, "transpose": False,
                          "polarity": spec.polarity, "scale": spec.scale},
                "training": {"data": "font glyphs (test fixture)", "command": "tests/conftest.py"}}
    write_model_dir(out, export_tflite(model), list(TINY_CLASSES), manifest)
    del tf
    return out
