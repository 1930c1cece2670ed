"""Real handwritten kana: ETL8B2 hiragana and Kuzushiji-MNIST, split and crop-normalised for training.

ETL8B2 numbers its samples writer by writer inside each class, so the split
is by number: the last 20% of each class's samples are the test writers
(never trained or tuned on), the 10% before them validation. KMNIST here is
its test split only, with no writer or book information: a seeded random
split is the best that can be done, and the model card says so.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

import numpy as np

from textrecog.data.chars import CharData, to_model_uint8
from textrecog.imaging.normalize import InputSpec

HIRAGANA = {
    "a": "あ", "i": "い", "u": "う", "e": "え", "o": "お", "ka": "か", "ki": "き", "ku": "く", "ke": "け",
    "ko": "こ", "sa": "さ", "shi": "し", "su": "す", "se": "せ", "so": "そ", "ta": "た", "chi": "ち",
    "tsu": "つ", "te": "て", "to": "と", "na": "な", "ni": "に", "nu": "ぬ", "ne": "ね", "no": "の",
    "ha": "は", "hi": "ひ", "fu": "ふ", "he": "へ", "ho": "ほ", "ma": "ま", "mi": "み", "mu": "む",
    "me": "め", "mo": "も", "ya": "や", "yu": "ゆ", "yo": "よ", "ra": "ら", "ri": "り", "ru": "る",
    "re": "れ", "ro": "ろ", "wa": "わ", "wo": "を", "n": "ん",
}
TEST_FRACTION, VAL_FRACTION = 0.2, 0.1


def etl8b2_samples(root: str | Path) -> list[tuple[Path, str, int]]:
    """(path, kana, sample number) for every labelled ETL8B2 hiragana image under ``root``."""
    root = Path(root)
    table = root / "labels.csv"
    if not table.is_file():
        raise FileNotFoundError(f"{table}: not found (give the etl8b2_hiragana folder)")
    out = []
    with open(table, encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            kana = HIRAGANA.get(row["romaji_label"])
            number = re.search(r"_(\d+)\.png$", row["path"])
            if kana and number:  # 46 images under ETL8B2C3 carry no label
                out.append((root / row["path"], kana, int(number.group(1))))
    return out


def _by_class(samples: list[tuple[Path, str, int]]) -> dict[str, list[tuple[Path, str, int]]]:
    """Each class's samples in sample-number order (ETL numbers them writer by writer), classes as met."""
    by_class: dict[str, list] = {}
    for s in samples:
        by_class.setdefault(s[1], []).append(s)
    return {k: sorted(v, key=lambda s: s[2]) for k, v in by_class.items()}


def split_by_number(samples: list[tuple[Path, str, int]]) -> dict[str, list[tuple[Path, str, int]]]:
    """Per class by sample number: the last 20% test, the 10% before them val, the rest train."""
    split: dict[str, list] = {"train": [], "val": [], "test": []}
    for items in _by_class(samples).values():
        n = len(items)
        test_at = n - round(n * TEST_FRACTION)
        val_at = test_at - round(n * VAL_FRACTION)
        split["train"] += items[:val_at]
        split["val"] += items[val_at:test_at]
        split["test"] += items[test_at:]
    return split


def first_writers(samples: list[tuple[Path, str, int]], fraction: float) -> list[tuple[Path, str, int]]:
    """The first ``fraction`` of each class's samples by number (at least one): its first writers."""
    by_class = _by_class(sorted(samples, key=lambda s: s[2]))
    return [s for items in by_class.values() for s in items[: max(1, round(len(items) * fraction))]]


def etl_ink(path: Path) -> np.ndarray:
    """An ETL8B2 bitmap (dark strokes on light, one bit) as bright ink on black."""
    from PIL import Image

    with Image.open(path) as img:
        return np.where(np.asarray(img.convert("L")) < 128, 255, 0).astype(np.uint8)


def augment_ink(ink: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """A plausible other hand: small rotation, scale, shear and stroke width change."""
    import cv2

    h, w = ink.shape
    angle, scale, shear = rng.normal(0, 6), rng.uniform(0.85, 1.15), rng.normal(0, 0.12)
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, scale)
    m[0, 1] += shear
    m[0, 2] -= shear * h / 2
    out = cv2.warpAffine(ink, m, (w, h), flags=cv2.INTER_LINEAR, borderValue=0)
    k = int(rng.integers(-1, 2))  # thinner, same or thicker
    if k:
        op = cv2.dilate if k > 0 else cv2.erode
        thinned = op(out, np.ones((2, 2), np.uint8))
        out = thinned if thinned.any() else out
    return out


def etl8b2_data(root: str | Path, classes: str, spec: InputSpec, variants: int, seed: int,
                train_fraction: float = 1.0) -> dict[str, CharData]:
    """train (``variants`` augmented copies), val and test CharData from ETL8B2.

    ``train_fraction`` < 1 keeps only the first writers of each class's training range (a low-data
    regime for measuring augmentation); validation and test stay whole.
    """
    split = split_by_number(etl8b2_samples(root))
    if train_fraction < 1.0:
        split["train"] = first_writers(split["train"], train_fraction)
    index = {c: i for i, c in enumerate(classes)}
    rng = np.random.default_rng(seed)
    data = {}
    for name, items in split.items():
        inks = [etl_ink(p) for p, _, _ in items]
        labels = np.array([index[k] for _, k, _ in items], np.int32)
        if name == "train":
            copies = [inks] + [[augment_ink(i, rng) for i in inks] for _ in range(max(0, variants - 1))]
            inks, labels = [i for c in copies for i in c], np.tile(labels, len(copies))
        images = np.stack([to_model_uint8(i, spec) for i in inks])
        data[name] = CharData(images, labels, np.array(["etl8b2"] * len(labels)))
    return data


def kmnist_data(root: str | Path, spec: InputSpec, seed: int, variants: int = 1) -> dict[str, CharData]:
    """KMNIST (test split images only here) split at random by ``seed``: 70/10/20 train/val/test.

    Training gets ``variants`` copies, all but the first augmented (at twice the size, then normalised).
    """
    import cv2

    root = Path(root)
    x = np.load(root / "kmnist-test-imgs.npz")["arr_0"]
    y = np.load(root / "kmnist-test-labels.npz")["arr_0"].astype(np.int32)
    rng = np.random.default_rng(seed)
    order = rng.permutation(len(y))
    n_test, n_val = round(len(y) * TEST_FRACTION), round(len(y) * VAL_FRACTION)
    parts = {"test": order[:n_test], "val": order[n_test : n_test + n_val], "train": order[n_test + n_val :]}
    data = {}
    for name, idx in parts.items():
        inks = [x[i] for i in idx]
        labels = y[idx]
        if name == "train" and variants > 1:
            big = [cv2.resize(i, (56, 56), interpolation=cv2.INTER_LINEAR) for i in inks]
            inks = inks + [augment_ink(b, rng) for _ in range(variants - 1) for b in big]
            labels = np.tile(labels, variants)
        data[name] = CharData(np.stack([to_model_uint8(i, spec) for i in inks]), labels,
                              np.array(["kmnist"] * len(labels)))
    return data


def _tiles(paths: list[Path]) -> list[np.ndarray]:
    from PIL import Image

    out = []
    for p in paths:
        with Image.open(p) as img:
            out.append(np.asarray(img.convert("L")))
    return out


def compose(paths: list[Path], rng: np.random.Generator, direction: str = "ltr") -> np.ndarray:
    """ETL8B2 samples written one after another, dark on light, with random gaps and a slight wobble.

    ``ltr``: left to right on one line; ``ttb``: top to bottom in one column, each sample upright.
    """
    along = 1 if direction == "ltr" else 0  # the axis the writing runs along
    parts = []
    for tile in _tiles(paths):
        parts.append(np.roll(tile, int(rng.integers(-4, 5)), axis=1 - along))  # drawn first: seeds stay valid
        gap = list(tile.shape)
        gap[along] = int(rng.integers(6, 24))
        parts.append(np.full(gap, 255, np.uint8))
    return np.pad(np.concatenate(parts[:-1], axis=along), ((20, 20), (20, 20)), constant_values=255)


def held_out_lines(root: str | Path, split: str, count: int, seed: int,
                   lengths: tuple[int, int] = (5, 10), direction: str = "ltr") -> list[tuple[str, np.ndarray]]:
    """``count`` (text, image) lines (``ttb``: columns) of 5-10 random characters from one split's writers."""
    samples = split_by_number(etl8b2_samples(root))[split]
    by_char: dict[str, list[Path]] = {}
    for path, k, _ in samples:
        by_char.setdefault(k, []).append(path)
    chars = sorted(by_char)
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(count):
        text = "".join(rng.choice(chars, int(rng.integers(lengths[0], lengths[1] + 1))))
        paths = [by_char[c][int(rng.integers(len(by_char[c])))] for c in text]
        out.append((text, compose(paths, rng, direction)))
    return out
