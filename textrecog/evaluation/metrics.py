"""Character-level evaluation: accuracy by section, lookalike-merged, per class.

Used by ``textrecog train`` for the manifest and by ``textrecog eval``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from textrecog.data.chars import CharData, to_model_uint8
from textrecog.decoding.charset import DIGITS, lookalike_match, merge_case, section_of
from textrecog.engines.classify import Classifier

SECTIONS = ("digit", "upper", "lower", "punct")


def image_probabilities(clf: Classifier, images: np.ndarray) -> np.ndarray:
    """Class probabilities for uint8 model-ready images (N×S×S), run in chunks of 2048."""
    if not len(images):
        return np.zeros((0, len(clf.labels)), np.float32)
    scale = np.float32(clf.info.spec.scale)
    return np.concatenate([clf.probabilities(images[i : i + 2048, ..., None].astype(np.float32) * scale)
                           for i in range(0, len(images), 2048)])


def restrict_probs(probs: np.ndarray, labels: tuple[str, ...], allowed: str) -> np.ndarray:
    """``probs`` with every class outside ``allowed`` pushed below any real probability."""
    mask = np.array([c in allowed for c in labels])
    return np.where(mask[None, :], probs, -1.0)


def predict_labels(clf: Classifier, images: np.ndarray, restrict: str | None = None) -> list[str]:
    """Top-1 characters for uint8 model-ready images, optionally restricted to a subset."""
    probs = image_probabilities(clf, images)
    if restrict:
        probs = restrict_probs(probs, clf.labels, restrict)
    return [clf.labels[i] for i in np.argmax(probs, axis=1)]


def accuracy_by_section(truth: list[str], pred: list[str]) -> dict[str, dict]:
    """Exact and lookalike-merged accuracy, overall and for each section."""
    out: dict[str, dict] = {}
    groups = {"all": list(range(len(truth)))}
    for i, t in enumerate(truth):
        groups.setdefault(section_of(t), []).append(i)
    for name, idx in groups.items():
        if not idx:
            continue
        exact = np.mean([truth[i] == pred[i] for i in idx])
        merged = np.mean([merge_case(truth[i]) == merge_case(pred[i]) for i in idx])
        alike = np.mean([lookalike_match(truth[i], pred[i]) for i in idx])
        out[name] = {"n": len(idx), "exact": round(float(exact), 4), "merged": round(float(merged), 4),
                     "lookalikes": round(float(alike), 4)}
    return out


def per_class(truth: list[str], pred: list[str]) -> dict[str, dict]:
    """Precision, recall and F1 for every class that occurs in truth or prediction."""
    tp, fp, fn = Counter(), Counter(), Counter()
    for t, p in zip(truth, pred):
        if t == p:
            tp[t] += 1
        else:
            fp[p] += 1
            fn[t] += 1
    out = {}
    for c in sorted(set(truth) | set(pred)):
        prec = tp[c] / (tp[c] + fp[c]) if tp[c] + fp[c] else 0.0
        rec = tp[c] / (tp[c] + fn[c]) if tp[c] + fn[c] else 0.0
        f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
        out[c] = {"precision": round(prec, 4), "recall": round(rec, 4), "f1": round(f1, 4),
                  "support": tp[c] + fn[c]}
    return out


def confused_pairs(truth: list[str], pred: list[str], top: int = 20) -> list[dict]:
    """The most frequent (truth → predicted) errors."""
    pairs = Counter((t, p) for t, p in zip(truth, pred) if t != p)
    return [{"truth": t, "pred": p, "count": n} for (t, p), n in pairs.most_common(top)]


def char_report(clf: Classifier, data: CharData, detail: bool = False) -> dict:
    """Evaluate a loaded model on a CharData set."""
    truth = [clf.labels[i] for i in data.labels]
    pred = predict_labels(clf, data.images)
    sections = accuracy_by_section(truth, pred)
    report = {"summary": {k: {"exact": v["exact"], "merged": v["merged"], "lookalikes": v["lookalikes"]}
                          for k, v in sections.items()},
              "sections": sections, "confused": confused_pairs(truth, pred, 10)}
    if detail:
        report["per_class"] = per_class(truth, pred)
        report["confused"] = confused_pairs(truth, pred, 30)
        report["truth"], report["pred"] = truth, pred
    return report


def topk_accuracy(clf: Classifier, data: CharData, k: int) -> float:
    """Fraction of images whose true class is among the model's ``k`` most probable."""
    if not len(data):
        return 1.0
    probs = image_probabilities(clf, data.images)
    top = np.argsort(-probs, axis=1)[:, :k]
    return round(float(np.mean([t in row for t, row in zip(data.labels, top)])), 4)


def mnist_report(clf: Classifier, folder: str | Path) -> dict:
    """MNIST t10k accuracy with the output restricted to the ten digits."""
    from textrecog.data.images import load_mnist_idx

    folder = Path(folder)
    x, y = load_mnist_idx(folder / "t10k-images-idx3-ubyte.gz", folder / "t10k-labels-idx1-ubyte.gz")
    images = np.stack([to_model_uint8(img, clf.info.spec) for img in x])
    pred = predict_labels(clf, images, restrict=DIGITS)
    return {"n": len(y), "accuracy": round(float(np.mean([p == t for p, t in zip(pred, y)])), 4)}


def edit_distance(a: Sequence, b: Sequence) -> int:
    """Levenshtein distance between two sequences (strings or word lists), by rapidfuzz."""
    from rapidfuzz.distance import Levenshtein

    return int(Levenshtein.distance(a, b))


def substitutions(truths: Sequence[str], preds: Sequence[str], top: int = 20) -> list[dict]:
    """The most frequent character substitutions (truth → read) in aligned texts."""
    from rapidfuzz.distance import Levenshtein

    pairs: Counter = Counter()
    for t, p in zip(truths, preds):
        for op in Levenshtein.editops(t, p):
            if op.tag == "replace":
                pairs[(t[op.src_pos], p[op.dest_pos])] += 1
    return [{"truth": a, "pred": b, "count": n} for (a, b), n in pairs.most_common(top)]


def error_rates(truths: list[str], preds: list[str], fold_case: bool = False) -> dict[str, float]:
    """Corpus CER and WER: total edits over total reference characters / words."""
    if fold_case:
        truths, preds = [t.lower() for t in truths], [p.lower() for p in preds]
    norm = [(" ".join(t.split()), " ".join(p.split())) for t, p in zip(truths, preds)]
    char_edits = sum(edit_distance(t, p) for t, p in norm)
    word_edits = sum(edit_distance(t.split(), p.split()) for t, p in norm)
    chars = sum(len(t) for t, _ in norm)
    words = sum(len(t.split()) for t, _ in norm)
    return {"cer": round(char_edits / max(1, chars), 4), "wer": round(word_edits / max(1, words), 4),
            "n": len(norm)}


def confusion_png(truth: list[str], pred: list[str], classes: Sequence[str], path: Path) -> None:
    """Write a row-normalised confusion matrix image (rows: truth, columns: prediction)."""
    import cv2

    index = {c: i for i, c in enumerate(classes)}
    n = len(classes)
    mat = np.zeros((n, n), np.float64)
    for t, p in zip(truth, pred):
        if t in index and p in index:
            mat[index[t], index[p]] += 1
    mat /= np.maximum(mat.sum(axis=1, keepdims=True), 1)
    cell, pad = 12, 24
    img = np.full((pad + n * cell, pad + n * cell, 3), 255, np.uint8)
    heat = (255 * (1 - np.sqrt(mat))).astype(np.uint8)
    block = cv2.resize(heat, (n * cell, n * cell), interpolation=cv2.INTER_NEAREST)
    img[pad:, pad:] = cv2.applyColorMap(255 - block, cv2.COLORMAP_INFERNO)
    for i, c in enumerate(classes):
        pos = pad + i * cell + 9
        cv2.putText(img, c, (pad + i * cell + 2, 16), cv2.FONT_HERSHEY_PLAIN, 0.7, (0, 0, 0), 1)
        cv2.putText(img, c, (6, pos), cv2.FONT_HERSHEY_PLAIN, 0.7, (0, 0, 0), 1)
    cv2.imwrite(str(path), img)
