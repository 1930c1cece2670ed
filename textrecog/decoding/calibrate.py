"""Confidence calibration: word outcomes, expected calibration error, Platt fitting, reliability plot.

A word's raw confidence is the N-best mass of its reading. It is mapped
through a temperature on the hypothesis scores and a logistic (Platt) map
of its log-odds, both fitted on validation sites, so that among words read
with confidence 0.8 about 80% are right. ``textrecog eval --calibrate``
fits them; ``textrecog eval`` measures the result on held-out sites.
"""

from __future__ import annotations

from collections.abc import Sequence
from difflib import SequenceMatcher
from pathlib import Path

import numpy as np

TEMPERATURES = (1.0, 2.0, 4.0, 8.0, 16.0, 32.0, 64.0)


def word_outcomes(truth: str, read: Sequence[str]) -> list[bool]:
    """For each word read, whether it matches the true word it aligns with (word-level alignment)."""
    true_words = truth.split()
    ok = [False] * len(read)
    for block in SequenceMatcher(a=list(read), b=true_words, autojunk=False).get_matching_blocks():
        for k in range(block.size):
            ok[block.a + k] = True
    return ok


def ece(conf: Sequence[float], correct: Sequence[bool], bins: int = 10) -> float:
    """Expected calibration error: the bin-weighted gap between confidence and accuracy."""
    c, y = np.asarray(conf, float), np.asarray(correct, float)
    if not len(c):
        return 0.0
    idx = np.minimum((c * bins).astype(int), bins - 1)
    total = 0.0
    for b in range(bins):
        m = idx == b
        if m.any():
            total += m.sum() / len(c) * abs(c[m].mean() - y[m].mean())
    return float(total)


def _logit(p: np.ndarray) -> np.ndarray:
    p = np.clip(p, 1e-6, 1 - 1e-6)
    return np.log(p / (1 - p))


def fit_platt(conf: Sequence[float], correct: Sequence[bool]) -> tuple[float, float]:
    """(a, b) of P(right) = σ(a·logit(conf) + b) with the least log-loss, by a coarse-to-fine grid.

    A grid rather than Newton's method: confidences of 0 or 1 give log-odds
    of ±14 that make Newton steps blow up; the grid cannot diverge.
    """
    x, y = _logit(np.asarray(conf, float)), np.asarray(correct, float)
    if not len(x):
        return 1.0, 0.0
    (ca, cb), (sa, sb) = (1.0, 0.0), (1.0, 3.0)
    for _ in range(4):
        A = np.clip(ca + np.linspace(-sa, sa, 21), 0.01, None)
        B = cb + np.linspace(-sb, sb, 21)
        z = A[:, None, None] * x[None, None, :] + B[None, :, None]
        loss = np.mean(np.logaddexp(0, -z) * y + np.logaddexp(0, z) * (1 - y), axis=2)
        i, j = np.unravel_index(np.argmin(loss), loss.shape)
        ca, cb = float(A[i]), float(B[j])
        sa, sb = sa / 5, sb / 5
    return ca, cb


def nll(conf: Sequence[float], correct: Sequence[bool]) -> float:
    """Mean negative log-likelihood of the outcomes under the confidences."""
    c, y = np.clip(np.asarray(conf, float), 1e-6, 1 - 1e-6), np.asarray(correct, float)
    return float(-np.mean(y * np.log(c) + (1 - y) * np.log(1 - c))) if len(c) else 0.0


def apply_platt(conf: Sequence[float], a: float, b: float) -> np.ndarray:
    """Calibrated confidences."""
    z = a * _logit(np.asarray(conf, float)) + b
    return np.exp(-np.logaddexp(0, -z))


def reliability_png(conf: Sequence[float], correct: Sequence[bool], path: Path, title: str, bins: int = 10) -> None:
    """A reliability diagram: accuracy per confidence bin against the diagonal, with bin counts."""
    import cv2

    size, pad = 400, 50
    img = np.full((size + 2 * pad, size + 2 * pad, 3), 255, np.uint8)
    cv2.rectangle(img, (pad, pad), (pad + size, pad + size), (0, 0, 0), 1)
    cv2.line(img, (pad, pad + size), (pad + size, pad), (160, 160, 160), 1)
    c, y = np.asarray(conf, float), np.asarray(correct, float)
    idx = np.minimum((c * bins).astype(int), bins - 1) if len(c) else np.zeros(0, int)
    for b in range(bins):
        m = idx == b
        if not m.any():
            continue
        x0, x1 = pad + b * size // bins, pad + (b + 1) * size // bins
        top = pad + size - int(y[m].mean() * size)
        cv2.rectangle(img, (x0 + 2, top), (x1 - 2, pad + size), (200, 120, 40), -1)
        cv2.putText(img, str(int(m.sum())), (x0 + 4, pad + size + 15), cv2.FONT_HERSHEY_PLAIN, 0.8, (0, 0, 0), 1)
    cv2.putText(img, f"{title}  ECE {ece(c, y, bins):.1%}", (pad, pad - 15), cv2.FONT_HERSHEY_PLAIN, 1.0,
                (0, 0, 0), 1)
    cv2.putText(img, "confidence", (pad + size // 2 - 40, pad + size + 40), cv2.FONT_HERSHEY_PLAIN, 1.0, (0, 0, 0), 1)
    cv2.putText(img, "accuracy", (2, pad + size // 2), cv2.FONT_HERSHEY_PLAIN, 0.9, (0, 0, 0), 1)
    path.parent.mkdir(parents=True, exist_ok=True)
    cv2.imwrite(str(path), img)


WORD_FEATURES = ("nbest_logit", "mean_char_logp", "min_char_logit", "in_lexicon", "log_length")


def word_features(mass: float, char_probs: Sequence[float], in_lexicon: bool) -> list[float]:
    """What a word's confidence is predicted from: its N-best mass, its characters' probabilities,
    whether the lexicon knows it, its length."""
    cp = np.clip(np.asarray(char_probs, float), 1e-6, 1 - 1e-6) if len(char_probs) else np.array([0.5])
    return [float(_logit(np.array([mass]))[0]), float(np.mean(np.log(cp))), float(_logit(cp).min()),
            float(in_lexicon), float(np.log(len(cp)))]


def fit_logistic(x: np.ndarray, y: Sequence[bool], l2: float = 1.0, iters: int = 100) -> dict:
    """Logistic regression on standardised features (damped Newton, L2): the word confidence model."""
    x, y = np.asarray(x, float), np.asarray(y, float)
    mean, std = x.mean(axis=0), x.std(axis=0) + 1e-9
    X = np.hstack([(x - mean) / std, np.ones((len(x), 1))])
    w = np.zeros(X.shape[1])
    reg = np.r_[np.full(X.shape[1] - 1, l2), 0.0]
    for _ in range(iters):
        p = np.exp(-np.logaddexp(0, -(X @ w)))
        grad = X.T @ (p - y) + reg * w
        hess = (X * (p * (1 - p) + 1e-6)[:, None]).T @ X + np.diag(reg + 1e-6)
        step = np.linalg.solve(hess, grad)
        w -= step / max(1.0, float(np.abs(step).max()))  # damped: no step larger than 1 per coordinate
        if np.abs(step).max() < 1e-7:
            break
    return {"features": list(WORD_FEATURES), "mean": mean.round(6).tolist(), "std": std.round(6).tolist(),
            "weights": w.round(6).tolist()}


def predict_logistic(model: dict, features: Sequence[float]) -> float:
    """Probability from a fitted logistic model."""
    z = (np.asarray(features, float) - model["mean"]) / np.asarray(model["std"])
    return float(np.exp(-np.logaddexp(0, -(z @ np.asarray(model["weights"][:-1]) + model["weights"][-1]))))


def fit_confidence(temperature: float, raw_ece: float, features: list[list[float]], right: Sequence[bool],
                   line_mass: Sequence[float], line_right: Sequence[bool]) -> dict:
    """The manifest's ``calibration``: the word model and line map fitted on validation data, with their ECE."""
    model = fit_logistic(np.array(features), right)
    la, lb = fit_platt(line_mass, line_right)
    return {"temperature": temperature, "word_model": model, "line_a": round(la, 4), "line_b": round(lb, 4),
            "validation_word_ece_raw": round(raw_ece, 4),
            "validation_word_ece": round(ece([predict_logistic(model, f) for f in features], right), 4),
            "validation_line_ece": round(ece(apply_platt(line_mass, la, lb), line_right), 4),
            "validation_words": len(right), "validation_lines": len(line_right)}
