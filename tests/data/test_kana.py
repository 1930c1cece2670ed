"""Kana data: writer-ordered ETL8B2 split, seeded KMNIST split, scripts without spaces, the hiragana model."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from conftest import fake_etl

from textrecog.data import kana
from textrecog.decoding.charset import HIRAGANA46, KMNIST10, section_of
from textrecog.imaging.normalize import InputSpec

ROOT = Path(__file__).resolve().parents[2]
ETL = ROOT.parent / "shared" / "data" / "etl8b2_hiragana"


def test_etl_split_is_by_sample_number_per_class(tmp_path):
    samples = kana.etl8b2_samples(fake_etl(tmp_path))
    assert len(samples) == 30 and {k for _, k, _ in samples} == {"あ", "か", "ん"}
    split = kana.split_by_number(samples)
    assert [len(split[k]) for k in ("train", "val", "test")] == [21, 3, 6]
    for k in "あかん":
        numbers = {name: [n for _, c, n in split[name] if c == k] for name in split}
        # the test writers are the last by number, validation just before them
        assert max(numbers["train"]) < min(numbers["val"]) <= max(numbers["val"]) < min(numbers["test"])


def test_etl_data_gives_crop_normalised_ink_and_augmented_train(tmp_path):
    data = kana.etl8b2_data(fake_etl(tmp_path), HIRAGANA46, InputSpec(), variants=3, seed=0)
    assert len(data["train"]) == 3 * 21 and len(data["test"]) == 6
    img = data["test"].images[0]
    assert img.shape == (28, 28) and img.max() > 200 and img[0, 0] == 0  # bright ink on black, centred
    assert set(data["test"].labels) <= {HIRAGANA46.index(c) for c in "あかん"}


def test_kmnist_split_is_seeded_disjoint_and_complete(tmp_path):
    rng = np.random.default_rng(0)
    np.savez(tmp_path / "kmnist-test-imgs.npz", rng.integers(0, 255, (50, 28, 28), dtype=np.uint8))
    np.savez(tmp_path / "kmnist-test-labels.npz", np.arange(50) % 10)
    a, b = kana.kmnist_data(tmp_path, InputSpec(), 1), kana.kmnist_data(tmp_path, InputSpec(), 1)
    assert [len(a[k]) for k in ("train", "val", "test")] == [35, 5, 10]
    assert all(np.array_equal(a[k].images, b[k].images) for k in a)
    assert kana.kmnist_data(tmp_path, InputSpec(), 2)["test"].images.tobytes() != a["test"].images.tobytes()


def test_kana_classes():
    assert len(HIRAGANA46) == len(set(HIRAGANA46)) == 46 and set(KMNIST10) < set(HIRAGANA46)
    assert {section_of(c) for c in HIRAGANA46} == {"kana"}
    assert set(kana.HIRAGANA.values()) == set(HIRAGANA46)


@pytest.mark.skipif(not ETL.is_dir(), reason="../shared/data/etl8b2_hiragana is not beside the checkout")
def test_hiragana_model_reads_a_held_out_line_without_spaces():
    from textrecog.engines.model import load_info
    from textrecog.pipeline import recognize

    info = load_info("hiragana")
    assert info.script == "hiragana" and info.spaces is False and info.labels == tuple(HIRAGANA46)
    manifest = json.loads((info.path / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["accuracy"]["test"]["summary"]["all"]["exact"] >= 0.9  # the card's figure, sanity only
    lines = kana.held_out_lines(ETL, "test", 20, seed=5)
    read = [recognize(image, "hiragana").text for _, image in lines]
    assert all(" " not in r and "\n" not in r for r in read)  # one line, no word spaces
    from textrecog.evaluation.metrics import edit_distance

    cer = sum(edit_distance(t, r) for (t, _), r in zip(lines, read)) / sum(len(t) for t, _ in lines)
    assert cer < 0.15, (cer, [(t, r) for (t, _), r in zip(lines, read) if t != r])


@pytest.mark.parametrize("name,script,classes", [("hiragana", "hiragana", HIRAGANA46), ("kuzushiji", "kuzushiji", KMNIST10)])
def test_bundled_kana_models_describe_themselves(name, script, classes):
    from textrecog.engines.model import load_info

    info = load_info(name)
    assert info.kind == "char" and info.script == script and info.spaces is False
    assert "".join(info.labels) == classes
    training = info.manifest["training"]
    assert training["command"].startswith("textrecog train --data") and "method" in training["split"]
    assert training["data"][0]["licence"] and info.manifest["accuracy"]["test"]["summary"]["all"]["exact"] > 0.9
    assert info.tflite_path.stat().st_size < 5 * 2**20


@pytest.mark.skipif(not ETL.is_dir(), reason="../shared/data/etl8b2_hiragana is not beside the checkout")
def test_kana_output_is_plain_utf8_in_text_json_csv_and_documents(tmp_path):
    import subprocess
    import sys

    import cv2

    (_, image), = kana.held_out_lines(ETL, "test", 1, seed=3)
    path = tmp_path / "かな.png"
    cv2.imwrite(str(path), image)
    run = [sys.executable, "-m", "textrecog", "--model", "hiragana"]
    text = subprocess.run(run + [str(path)], capture_output=True, text=True, encoding="utf-8", check=True).stdout
    assert text.strip() and all("\u3040" <= c <= "\u309f" for c in text.strip())
    raw = subprocess.run(run + ["--json", str(path)], capture_output=True, check=True).stdout
    assert text.strip().encode("utf-8") in raw and b"\\u" not in raw  # UTF-8, not escaped
    out = tmp_path / "r.csv"
    subprocess.run([sys.executable, "-m", "textrecog", "batch", str(path), "--model", "hiragana", "--out", str(out)],
                   capture_output=True, check=True)
    assert text.strip() in out.read_text(encoding="utf-8")
    subprocess.run(run + ["--format", "page", str(path)], capture_output=True, check=True)
    assert f"<Unicode>{text.strip()}</Unicode>" in (tmp_path / "かな.page.xml").read_text(encoding="utf-8")


@pytest.mark.skipif(not ETL.is_dir(), reason="../shared/data/etl8b2_hiragana is not beside the checkout")
def test_top_to_bottom_columns_read_right_to_left():
    from textrecog.pipeline import recognize

    (first, a), (second, b) = kana.held_out_lines(ETL, "test", 2, seed=11, direction="ttb")
    h = max(a.shape[0], b.shape[0])
    page = np.hstack([np.pad(x, ((0, h - x.shape[0]), (0, 0)), constant_values=255) for x in (b, a)])
    result = recognize(page, "hiragana", direction="ttb")
    assert result.direction == "ttb" and len(result.lines) == 2
    read = result.text.split("\n")
    from textrecog.evaluation.metrics import edit_distance

    # the right-hand column first; each column's box is tall and on its own side of the page
    assert edit_distance(read[0], first) <= 1 and edit_distance(read[1], second) <= 1, (read, first, second)
    right, left = (ln.box for ln in result.lines)
    assert right.x > left.right and right.h > 3 * right.w
