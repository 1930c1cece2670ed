"""Training on ground truth: a tiny line model trained on drawn pages described by ALTO, fine-tuned on others,
evaluated with ``textrecog eval --gt``; and the alphabet growing from a checkpoint of the first models."""

from __future__ import annotations

import json
from pathlib import Path

import cv2
import numpy as np
import pytest

pytest.importorskip("tensorflow")

WORDS = ("été", "noël", "chez", "café", "rue", "mère", "lune", "âge")
TINY = ["--arch", "conv", "--convs", "4,4,4,4", "--layers", "1", "--channels", "8", "--kernel", "3",
        "--steps", "2", "--epochs", "1", "--batch", "4", "--split-by", "file", "--val-share", "0.34",
        "--test-share", "0", "--val-count", "8"]


def draw_page(folder: Path, name: str, rng: np.random.Generator) -> None:
    """A page of three drawn lines (accents added as strokes) and its ALTO file."""
    page = np.full((200, 420), 240, np.uint8)
    lines = []
    for k in range(3):
        text = " ".join(rng.choice(WORDS, 2))
        y = 50 + 60 * k
        cv2.putText(page, text.replace("é", "e").replace("è", "e").replace("ë", "e").replace("â", "a"),
                    (20, y), cv2.FONT_HERSHEY_SCRIPT_SIMPLEX, 1.2, 30, 2)
        lines.append((text, y))
    cv2.imwrite(str(folder / f"{name}.png"), page)
    body = "".join(
        f'<TextLine ID="l{k}" BASELINE="20 {y} 400 {y}" HPOS="10" VPOS="{y - 35}" WIDTH="400" HEIGHT="48">'
        f'<Shape><Polygon POINTS="10 {y - 35} 410 {y - 35} 410 {y + 13} 10 {y + 13}"/></Shape>'
        f'<String CONTENT="{text}"/></TextLine>' for k, (text, y) in enumerate(lines))
    (folder / f"{name}.xml").write_text(
        '<?xml version="1.0" encoding="UTF-8"?><alto xmlns="http://www.loc.gov/standards/alto/ns-v4#">'
        f"<Description><sourceImageInformation><fileName>{name}.png</fileName></sourceImageInformation></Description>"
        f'<Layout><Page WIDTH="420" HEIGHT="200"><PrintSpace><TextBlock>{body}</TextBlock></PrintSpace></Page>'
        "</Layout></alto>", encoding="utf-8")


def pages(folder: Path, count: int, seed: int) -> Path:
    """``count`` drawn pages whose names put some on the validation side and the rest in training."""
    from textrecog.data.gtsplit import group_of, side_of

    folder.mkdir()
    rng = np.random.default_rng(seed)
    names = [f"p{seed}x{i}" for i in range(200)]
    sides = {n: side_of(group_of(folder / f"{n}.xml", "file"), 0.34, 0.0) for n in names}
    chosen = [n for n in names if sides[n] == "val"][:1] + [n for n in names if sides[n] == "train"][: count - 1]
    for name in chosen:
        draw_page(folder, name, rng)
    return folder


def test_train_fine_tune_and_evaluate_on_alto(tmp_path, monkeypatch):
    from textrecog.cli import main
    from textrecog.decoding.charset import LINE_ALPHABET

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    first, second = pages(tmp_path / "a", 4, 1), pages(tmp_path / "b", 3, 2)
    assert main(["train", "--kind", "line", "--gt", str(first), "--out", str(tmp_path / "m1"), *TINY]) == 0
    m1 = json.loads((tmp_path / "m1" / "manifest.json").read_text(encoding="utf-8"))
    assert m1["training"]["split"]["real"]["val"]["lines"] == 3 and m1["num_classes"] == len(LINE_ALPHABET)
    assert "é" in json.loads((tmp_path / "m1" / "labels.json").read_text(encoding="utf-8"))
    # other pages from the first model's checkpoint: a fine-tune (its weights, a new run)
    assert main(["train", "--kind", "line", "--init", str(tmp_path / "m1"), "--gt", str(second),
                 "--out", str(tmp_path / "m2"), *TINY]) == 0
    m2 = json.loads((tmp_path / "m2" / "manifest.json").read_text(encoding="utf-8"))
    assert m2["training"]["init"]["from"] == str(tmp_path / "m1" / "checkpoint")
    assert m2["training"]["epochs"] == 1
    assert main(["eval", "--gt", str(second), "--model", str(tmp_path / "m2"), "--out", str(tmp_path / "ev"),
                 "--pages", "2"]) == 0
    report = json.loads((tmp_path / "ev" / "real-m2-all.json").read_text(encoding="utf-8"))
    assert report["lines"]["all"]["n"] == 9 and report["lines"]["all"]["cer"] >= 0
    assert report["pages"]["all"]["pages"] == 2 and report["pages"]["all"]["lines"] == 6


def test_train_refuses_ground_truth_without_validation_writers(tmp_path, monkeypatch, capsys):
    from textrecog.cli import main

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    folder = tmp_path / "one"
    folder.mkdir()
    draw_page(folder, "only", np.random.default_rng(0))
    assert main(["train", "--kind", "line", "--gt", str(folder), "--out", str(tmp_path / "m"), *TINY]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and ("no training lines" in err or "no validation lines" in err)


def test_a_checkpoint_of_the_first_alphabet_grows_into_the_new_one(tmp_path):
    from textrecog.decoding.charset import LINE_ALPHABET, LINE_ALPHABET_V1
    from textrecog.imaging.normalize import LineSpec
    from textrecog.training.line_models import LineArch, build_line_model
    from textrecog.training.line_setup import load_grown

    spec, arch = LineSpec(), LineArch("conv", (4, 4, 4, 4), layers=1, channels=8, kernel=3)
    old = build_line_model(len(LINE_ALPHABET_V1), spec, arch)
    old.save_weights(tmp_path / "old.weights.h5")
    new = build_line_model(len(LINE_ALPHABET), spec, arch)
    load_grown(new, tmp_path / "old.weights.h5", LINE_ALPHABET_V1, LINE_ALPHABET, spec, arch)
    (k_old, b_old), (k_new, b_new) = old.get_layer("logits").get_weights(), new.get_layer("logits").get_weights()
    e, e_acute = LINE_ALPHABET_V1.index("e"), LINE_ALPHABET.index("é")
    np.testing.assert_array_equal(k_new[:, : len(LINE_ALPHABET_V1)], k_old[:, :-1])  # every old class in place
    np.testing.assert_array_equal(k_new[:, -1], k_old[:, -1])  # the blank, last
    np.testing.assert_array_equal(k_new[:, e_acute], k_old[:, e])  # é starts from e, less likely
    assert b_new[e_acute] == pytest.approx(b_old[e] - 2.0)
    np.testing.assert_array_equal(new.get_layer("conv0").get_weights()[0], old.get_layer("conv0").get_weights()[0])


def test_weights_trained_at_32_rows_start_a_taller_model(tmp_path):
    from textrecog.decoding.charset import LINE_ALPHABET
    from textrecog.imaging.normalize import LineSpec
    from textrecog.training.line_models import LineArch, build_line_model
    from textrecog.training.line_setup import load_grown, saved_height

    arch = LineArch("conv", (4, 4, 4, 4), layers=1, channels=8, kernel=3)
    old = build_line_model(len(LINE_ALPHABET), LineSpec(height=32), arch)
    old.save_weights(tmp_path / "w.weights.h5")
    assert saved_height(tmp_path / "w.weights.h5", arch) == 32
    tall = build_line_model(len(LINE_ALPHABET), LineSpec(height=48), arch)
    load_grown(tall, tmp_path / "w.weights.h5", LINE_ALPHABET, LINE_ALPHABET, LineSpec(height=48), arch)
    k_old, k_new = old.get_layer("project").get_weights()[0], tall.get_layer("project").get_weights()[0]
    assert k_old.shape == (1, 2 * 4, 8) and k_new.shape == (1, 3 * 4, 8)
    np.testing.assert_allclose(k_new.reshape(3, 4, 8).sum(axis=0), k_old.reshape(2, 4, 8).sum(axis=0), rtol=1e-5)
    np.testing.assert_array_equal(tall.get_layer("conv0").get_weights()[0], old.get_layer("conv0").get_weights()[0])
    x = np.random.default_rng(0).random((1, 48, 64, 1)).astype(np.float32)
    assert tall(x).shape == (1, 16, len(LINE_ALPHABET) + 1)
