"""One exported LiteRT graph serves every line width and equals the Keras model it came from."""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("tensorflow")

from textrecog.decoding.charset import LINE_ALPHABET  # noqa: E402
from textrecog.imaging.normalize import LineSpec  # noqa: E402
from textrecog.training.line_models import LineArch  # noqa: E402

SPEC = LineSpec(max_width=512)
ARCHS = {
    "conv": LineArch("conv", (4, 8, 8, 8), layers=2, channels=12, kernel=3, dilations=(1, 2)),
    "crnn": LineArch("crnn", (4, 8, 8, 8), rnn=6, layers=2),
    "conv_sep": LineArch("conv", (4, 8, 8, 8), layers=1, channels=12, kernel=3, separable_stem=True),
}


def export_dir(arch: LineArch, tmp_path, float16: bool = False):
    """A random-weight model of ``arch`` exported into a model directory; (Keras model, LineModel)."""
    import keras

    from textrecog.engines.line_runtime import LineModel
    from textrecog.engines.model import write_model_dir
    from textrecog.training.line_export import export_tflite
    from textrecog.training.line_models import build_line_model

    keras.utils.set_random_seed(0)
    model = build_line_model(len(LINE_ALPHABET), SPEC, arch, softmax=True)
    manifest = {"name": "x", "kind": "line", "input": {"height": SPEC.height, "margin": SPEC.margin,
                "max_width": SPEC.max_width, "polarity": SPEC.polarity, "downsample": SPEC.downsample}}
    write_model_dir(tmp_path / arch.name, export_tflite(model.get_weights(), SPEC, arch, float16),
                    list(LINE_ALPHABET), manifest)
    return model, LineModel(tmp_path / arch.name, threads=1)


@pytest.mark.parametrize("name", sorted(ARCHS))
def test_one_graph_equals_keras_at_every_width(name, tmp_path):
    model, lite = export_dir(ARCHS[name], tmp_path)
    assert len(lite._interp.get_signature_list()) == 1  # no width-bucket signatures
    rng = np.random.default_rng(1)
    for width in (36, 100, 260, 512):
        x = rng.random((2, SPEC.height, width, 1), dtype=np.float32)
        got, want = lite.probabilities(x), model(x, training=False).numpy()
        assert got.shape == want.shape == (2, width // 4, len(LINE_ALPHABET) + 1)
        assert np.abs(got - want).max() < 1e-4


def test_read_cuts_each_line_to_its_own_frames(tmp_path):
    _, lite = export_dir(ARCHS["conv"], tmp_path)
    rng = np.random.default_rng(2)
    images = [rng.integers(0, 255, (SPEC.height, w), dtype=np.uint8) for w in (40, 301, 97, 40, 512)]
    probs = lite.read(images)
    assert [p.shape[0] for p in probs] == [-(-im.shape[1] // 4) for im in images]
    alone = [lite.read([im])[0] for im in images]  # a line reads the same alone or in a batch
    assert all(np.array_equal(a, p) for a, p in zip(alone, probs))


def serve(model):
    """The model's inference call (a closure per model: the exporter cannot encode default arguments)."""
    return lambda x: model(x, training=False)


def test_width_bucket_graph_is_refused_with_a_clear_error(tmp_path):
    import keras
    import tensorflow as tf

    from textrecog.engines.line_runtime import LineModel
    from textrecog.engines.model import ModelError, write_model_dir
    from textrecog.training.line_models import build_line_model

    archive = keras.export.ExportArchive()
    for w in (64, 128):
        m = build_line_model(len(LINE_ALPHABET), SPEC, ARCHS["conv"], width=w, softmax=True)
        archive.track(m)
        archive.add_endpoint(f"w{w}", serve(m),
                             input_signature=[tf.TensorSpec([None, SPEC.height, w, 1], tf.float32)])
    archive.write_out(str(tmp_path / "saved"), verbose=False)
    conv = tf.lite.TFLiteConverter.from_saved_model(str(tmp_path / "saved"), signature_keys=["w64", "w128"])
    manifest = {"name": "old", "kind": "line", "input": {"height": SPEC.height, "margin": SPEC.margin,
                "max_width": 128, "polarity": SPEC.polarity, "downsample": SPEC.downsample}}
    write_model_dir(tmp_path / "old", conv.convert(), list(LINE_ALPHABET), manifest)
    with pytest.raises(ModelError, match="width buckets.*re-export"):
        LineModel(tmp_path / "old")


def test_the_shipped_cer_counts_only_on_the_same_validation_sample(tmp_path):
    import json

    from textrecog.training.line_export import _shipped_cer

    assert _shipped_cer(tmp_path, "800 lines") is None  # no model there yet
    (tmp_path / "manifest.json").write_text(json.dumps({"training": {"best_val_cer": 0.137}}))
    assert _shipped_cer(tmp_path, "800 lines") == 0.137  # older manifests: the plain sample
    assert _shipped_cer(tmp_path, "800 lines, 240 of them also on ruled paper") is None
    (tmp_path / "manifest.json").write_text(json.dumps({"training": {"best_val_cer": 0.14, "val_sample": "x"}}))
    assert _shipped_cer(tmp_path, "x") == 0.14
