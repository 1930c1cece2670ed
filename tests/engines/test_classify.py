"""The LiteRT classifier runtime on the tiny fixture model."""

from __future__ import annotations

import subprocess
import sys

import cv2
import numpy as np

from textrecog.data.chars import to_model_uint8
from textrecog.engines.classify import BUCKETS, Classifier, pieces, predictions_from_probs
from textrecog.imaging.normalize import InputSpec, normalize_batch


def digit_ink(ch: str) -> np.ndarray:
    img = np.zeros((64, 64), np.uint8)
    cv2.putText(img, ch, (12, 50), cv2.FONT_HERSHEY_SIMPLEX, 1.6, 255, 3, cv2.LINE_AA)
    return img


def test_batched_topk(tiny_model):
    clf = Classifier(tiny_model)
    batch = normalize_batch([digit_ink(c) for c in "0123456789"], clf.info.spec)
    preds = clf.classify(batch, top_k=3)
    assert len(preds) == 10
    assert all(len(p.alternatives) == 3 for p in preds)
    assert all(p.alternatives[0].prob >= p.alternatives[1].prob >= p.alternatives[2].prob for p in preds)
    assert sum(p.char == c for p, c in zip(preds, "0123456789")) >= 8


def test_batch_sizes_change_freely(tiny_model):
    clf = Classifier(tiny_model)
    x = normalize_batch([digit_ink(c) for c in "0123456789"] * 15, clf.info.spec)  # 150: four full pieces and a rest
    a = clf.probabilities(x)
    assert a.shape == (150, 10)
    for n in (1, 9, 64, 70):  # every row comes back in its place, whatever the pieces
        np.testing.assert_allclose(clf.probabilities(x[:n]), a[:n], atol=1e-5)
    assert clf.probabilities(x[:0]).shape == (0, 10)


def test_pieces_cover_every_row_with_little_padding():
    for n in range(1, 300):
        parts = pieces(n)
        assert sum(rows for rows, _ in parts) == n
        assert all(rows <= size for rows, size in parts)
        padding = sum(size - rows for rows, size in parts)
        assert padding < BUCKETS[-1] / 2 and padding < n + BUCKETS[0]


def test_predictions_from_probs():
    probs = np.array([[0.1, 0.7, 0.2]])
    (p,) = predictions_from_probs(probs, ("a", "b", "c"), top_k=5)
    assert p.char == "b" and [a.char for a in p.alternatives] == ["b", "c", "a"]


def test_runtime_does_not_import_tensorflow(tiny_model):
    code = ("import sys; from textrecog.engines.classify import Classifier; "
            f"Classifier({str(tiny_model)!r}); assert 'tensorflow' not in sys.modules, 'tf loaded'")
    subprocess.run([sys.executable, "-c", code], check=True)


def test_uint8_storage_roundtrip():
    spec = InputSpec()
    u8 = to_model_uint8(digit_ink("3"), spec)
    assert u8.dtype == np.uint8 and u8.max() == 255


def test_lookalike_accuracy_merges_case_and_digit_lookalikes_only():
    from textrecog.evaluation.metrics import accuracy_by_section

    truth = ["0", "0", "1", "1", "C", "9", "a"]
    read = ["O", "o", "l", "7", "c", "g", "A"]
    sections = accuracy_by_section(truth, read)
    assert sections["digit"]["exact"] == 0.0 and sections["digit"]["merged"] == 0.0
    assert sections["digit"]["lookalikes"] == 0.6  # 0/O, 0/o, 1/l; not 1/7 or 9/g
    assert sections["upper"]["merged"] == sections["upper"]["lookalikes"] == 1.0
    assert sections["lower"]["lookalikes"] == 0.0  # a/A is not a lookalike pair
