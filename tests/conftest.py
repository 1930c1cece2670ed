"""Shared fixtures: images drawn in the test and a tiny classifier built in seconds."""

from __future__ import annotations

import os
from pathlib import Path

import cv2
import numpy as np
import pytest
from PIL import Image

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

    from textrecog.engines.model import write_model_dir
    from textrecog.imaging.normalize import InputSpec
    from textrecog.training.char_models import build_model
    from textrecog.training.train import export_tflite

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


TINY_WORDS = ("10", "42", "7", "365", "80", "1234", "59", "76")


def render_digits(text: str, height: int = 40) -> np.ndarray:
    """Dark-on-white image of ``text`` in a Hershey font (a clean, printed test line)."""
    img = blank(height + 24, 30 + 26 * len(text))
    cv2.putText(img, text, (12, height + 6), FONT, height / 26, 0, 3, cv2.LINE_AA)
    return img


@pytest.fixture(scope="session")
def tiny_line_model(tmp_path_factory) -> Path:
    """A tiny CTC line model overfitted in seconds on a few printed digit strings (fixture only)."""
    pytest.importorskip("tensorflow")
    import keras
    import tensorflow as tf

    from textrecog.data.lineimages import line_image
    from textrecog.data.linesampler import make_batch
    from textrecog.decoding.charset import LINE_ALPHABET
    from textrecog.engines.model import write_model_dir
    from textrecog.imaging.normalize import LineSpec
    from textrecog.training.line_export import export_tflite
    from textrecog.training.line_models import LineArch, build_line_model

    keras.utils.set_random_seed(0)
    spec = LineSpec(max_width=128)
    images = {t: line_image(render_digits(t), spec).image for t in TINY_WORDS}
    # short and long words apart, padded as the runtime pads (the model sees the padding)
    groups = [[t for t in TINY_WORDS if (images[t].shape[1] <= 64) == short] for short in (True, False)]
    batches = [make_batch([images[t] for t in g], g, LINE_ALPHABET, spec, multiple=32) for g in groups if g]
    arch = LineArch("conv", (8, 16, 16, 16), layers=2, channels=24, kernel=3, dilations=(1, 2), dropout=0.0)
    model = build_line_model(len(LINE_ALPHABET), spec, arch)
    opt = keras.optimizers.Adam(1e-2)

    @tf.function(reduce_retracing=True)
    def step(x, labels, label_len, frames):
        with tf.GradientTape() as tape:
            logits = model(tf.cast(x, tf.float32) / 255.0, training=True)
            loss = tf.reduce_mean(tf.nn.ctc_loss(labels, logits, label_len, frames,
                                                 logits_time_major=False, blank_index=-1))
        opt.apply_gradients(zip(tape.gradient(loss, model.trainable_variables), model.trainable_variables))
        return loss

    for k in range(800):
        b = batches[k % len(batches)]
        step(b.images, b.labels, b.label_len, b.frames)
    out = tmp_path_factory.mktemp("models") / "tinyline"
    manifest = {"name": "tinyline", "kind": "line",
                "input": {"height": spec.height, "margin": spec.margin, "max_width": 128,
                          "polarity": spec.polarity, "scale": spec.scale, "downsample": spec.downsample},
                "training": {"data": "printed digit strings (test fixture)", "command": "tests/conftest.py",
                             "split": {"test_sites": ["wrd"]}}}
    tflite = export_tflite(model.get_weights(), spec, arch)
    write_model_dir(out, tflite, list(LINE_ALPHABET), manifest)
    return out


TINY_LM_WORDS = {"the": 50, "class": 8, "october": 5, "cat": 10, "dog": 10, "of": 40, "and": 40,
                 "to": 40, "read": 6, "text": 6, "42": 3}


@pytest.fixture(scope="session")
def tiny_lm(tmp_path_factory) -> Path:
    """A character language model built in the test from a dozen weighted words."""
    from textrecog.training.lm_build import write_lm

    out = tmp_path_factory.mktemp("lms") / "tinylm"
    texts = [(w, float(n)) for w, n in TINY_LM_WORDS.items()]
    write_lm(out, texts, TINY_LM_WORDS, order=4, min_count=1.0,
             manifest={"sources": [{"name": "words in tests/conftest.py", "licence": "MIT"}]})
    return out


def fake_etl(root: Path, per_class: int = 10) -> Path:
    """An ETL8B2-shaped folder: labels.csv and one-bit PNGs numbered writer by writer."""
    rows = ["path,romaji_label,bytes,sha256"]
    n = 0
    for romaji in ("a", "ka", "n"):
        for _ in range(per_class):
            rel = f"Database/Hiragana/ETL8B2C1/{n // per_class}/{romaji}/ETL8B2_{n}.png"
            (root / rel).parent.mkdir(parents=True, exist_ok=True)
            arr = np.ones((64, 63), bool)
            arr[20:44, 28:34] = False  # a dark stroke on light paper
            Image.fromarray(arr).save(root / rel)
            rows.append(f"{rel},{romaji},0,x")
            n += 1
    rows.append("Database/Hiragana/ETL8B2C3/ETL8B2C2_1.png,,0,x")  # unlabelled, as in the real set
    (root / "labels.csv").write_text("\n".join(rows) + "\n")
    return root


SVG = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.0//EN" "http://www.w3.org/TR/2001/REC-SVG-20010904/DTD/svg10.dtd" [
<!ATTLIST path xmlns:kvg CDATA #FIXED "http://kanjivg.tagaini.net" kvg:type CDATA #IMPLIED >
]>
<svg xmlns="http://www.w3.org/2000/svg" width="109" height="109" viewBox="0 0 109 109">
<g id="kvg:StrokePaths" style="fill:none;stroke:#000000;stroke-width:3;">
<g id="kvg:x">
  <path id="s1" d="{d1}"/>
  <path id="s2" d="{d2}"/>
</g></g>
<g id="kvg:StrokeNumbers"><text transform="matrix(1 0 0 1 45 16)">1</text></g>
</svg>
"""
# a horizontal line (relative cubic), and a vertical one drawn as an absolute cubic
STROKES = ("M10,20 c 10,0 30,0 40,0", "M30,10 C30,30 30,60 30,90")


def fake_kanjivg(root: Path, chars: str = "あか") -> Path:
    """A KanjiVG-shaped folder: index.tsv and one two-stroke SVG per character."""
    (root / "kanji").mkdir(parents=True)
    rows = ["file\tchar\tnum_stroke_paths\tbytes\tsha256"]
    for c in chars:
        rel = f"kanji/{ord(c):05x}.svg"
        (root / rel).write_text(SVG.replace("{d1}", STROKES[0]).replace("{d2}", STROKES[1]), encoding="utf-8")
        rows.append(f"{rel}\t{c}\t2\t0\tx")
    (root / "index.tsv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    return root
