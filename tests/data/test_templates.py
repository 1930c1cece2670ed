"""KanjiVG stroke templates as training augmentation (textrecog.data.templates)."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import fake_etl, fake_kanjivg

from textrecog.data import kana
from textrecog.data.templates import template_data, template_index, template_strokes
from textrecog.decoding.charset import HIRAGANA46
from textrecog.imaging.normalize import InputSpec


def test_strokes_follow_the_svg_paths(tmp_path):
    strokes = template_strokes(fake_kanjivg(tmp_path) / "kanji/03042.svg", step=1.0)
    assert len(strokes) == 2  # stroke numbers (text) are not ink
    flat, tall = strokes
    assert np.allclose(flat[0], [10, 20]) and np.allclose(flat[-1], [50, 20]) and np.allclose(flat[:, 1], 20)
    assert np.allclose(tall[:, 0], 30) and tall[0, 1] == pytest.approx(10) and tall[-1, 1] == pytest.approx(90)
    assert len(tall) >= 80  # sampled about every unit of length


def test_template_data_renders_every_class_with_a_template(tmp_path):
    data = template_data(fake_kanjivg(tmp_path), HIRAGANA46, InputSpec(), per_class=4, seed=0)
    assert len(data) == 8 and set(data.labels) == {HIRAGANA46.index("あ"), HIRAGANA46.index("か")}
    assert data.images.shape == (8, 28, 28) and data.images.max() > 200 and data.images[:, 0, 0].max() == 0
    # jittered: no two renders of one template are the same image
    assert len({img.tobytes() for img in data.images}) == 8
    again = template_data(tmp_path, HIRAGANA46, InputSpec(), per_class=4, seed=0)
    assert np.array_equal(again.images, data.images)  # seeded


def test_bad_template_folders_are_clear_errors(tmp_path):
    with pytest.raises(FileNotFoundError, match="index.tsv"):
        template_index(tmp_path)
    fake_kanjivg(tmp_path / "k", "ア")
    with pytest.raises(ValueError, match="no templates"):
        template_data(tmp_path / "k", HIRAGANA46, InputSpec(), 1, 0)
    bad = tmp_path / "bad.svg"
    bad.write_text("<svg", encoding="utf-8")
    with pytest.raises(ValueError, match="bad.svg"):
        template_strokes(bad)


def test_low_data_regime_keeps_the_first_writers_and_the_whole_test(tmp_path):
    root = fake_etl(tmp_path, per_class=20)
    split = kana.split_by_number(kana.etl8b2_samples(root))
    few = kana.first_writers(split["train"], 0.25)
    for k in "あかん":
        kept = sorted(n for _, c, n in few if c == k)
        all_train = sorted(n for _, c, n in split["train"] if c == k)
        assert kept == all_train[: len(kept)] and len(kept) == round(len(all_train) * 0.25)
    data = kana.etl8b2_data(root, HIRAGANA46, InputSpec(), variants=1, seed=0, train_fraction=0.25)
    assert len(data["train"]) == len(few) and len(data["test"]) == len(split["test"])
