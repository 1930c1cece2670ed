"""Model directory discovery and validation."""

from __future__ import annotations

import json
import shutil

import pytest

from textrecog.engines.classify import Classifier
from textrecog.engines.model import ModelError, load_info, resolve
from textrecog.locate import bundled_models_dir


def copy_model(src, tmp_path):
    dst = tmp_path / "m"
    shutil.copytree(src, dst)
    return dst


def edit_manifest(path, **changes):
    manifest = json.loads((path / "manifest.json").read_text())
    for key, value in changes.items():
        if isinstance(value, dict):
            manifest[key].update(value)
        else:
            manifest[key] = value
    (path / "manifest.json").write_text(json.dumps(manifest))


def test_valid_model_loads(tiny_model):
    info = load_info(tiny_model)
    assert info.labels == tuple("0123456789") and info.spec.size == 28
    assert Classifier(info).labels == info.labels


@pytest.mark.parametrize("missing", ["model.tflite", "labels.json", "manifest.json"])
def test_missing_file(tiny_model, tmp_path, missing):
    m = copy_model(tiny_model, tmp_path)
    (m / missing).unlink()
    with pytest.raises(ModelError, match=f"missing {missing}"):
        load_info(m)


def test_wrong_input_size(tiny_model, tmp_path):
    m = copy_model(tiny_model, tmp_path)
    edit_manifest(m, input={"size": 32, "inner": 24})
    with pytest.raises(ModelError, match="does not match manifest size 32x32"):
        Classifier(m)


def test_labels_and_outputs_mismatch(tiny_model, tmp_path):
    m = copy_model(tiny_model, tmp_path)
    (m / "labels.json").write_text(json.dumps(list("0123456789ab")))
    edit_manifest(m, num_classes=12)
    with pytest.raises(ModelError, match="10 outputs but labels.json lists 12"):
        Classifier(m)


def test_labels_count_disagrees_with_manifest(tiny_model, tmp_path):
    m = copy_model(tiny_model, tmp_path)
    (m / "labels.json").write_text(json.dumps(list("012")))
    with pytest.raises(ModelError, match="labels.json has 3 classes, manifest says 10"):
        load_info(m)


def test_corrupt_files(tiny_model, tmp_path):
    m = copy_model(tiny_model, tmp_path)
    (m / "manifest.json").write_text("{not json")
    with pytest.raises(ModelError, match="invalid JSON"):
        load_info(m)
    m2 = copy_model(tiny_model, tmp_path / "b")
    (m2 / "model.tflite").write_bytes(b"garbage" * 10)
    with pytest.raises(ModelError, match="not a valid TFLite model"):
        Classifier(m2)


def test_unknown_name_lists_available():
    with pytest.raises(ModelError, match="not found"):
        resolve("no-such-model")


@pytest.mark.parametrize("name", ["latin", "line"])
def test_bundled_models_are_valid(name):
    info = load_info(name)
    assert info.path.parent == bundled_models_dir()
    assert len(info.labels) >= 62
    for key in ("data", "command", "split"):
        assert key in info.manifest["training"]
    assert info.manifest["accuracy"]


def test_default_model_is_the_line_model():
    assert load_info(None).name == "line" and load_info(None).kind == "line"


def test_line_model_is_small_and_resumable():
    info = load_info("line")
    assert info.tflite_path.stat().st_size <= 10 * 1024 * 1024
    assert (info.path / "checkpoint" / "state.json").is_file()
    assert abs(info.manifest["accuracy"]["val_cer_keras"] - info.manifest["accuracy"]["val_cer_tflite"]) <= 0.001


def test_unknown_kind_is_refused(tiny_model, tmp_path):
    m = copy_model(tiny_model, tmp_path)
    edit_manifest(m, kind="word")
    with pytest.raises(ModelError, match="kind 'word' is not one of char, line"):
        load_info(m)


def test_line_model_loads_with_its_kind(tiny_line_model):
    from textrecog.engines.line_runtime import LineModel

    info = load_info(tiny_line_model)
    assert info.kind == "line" and info.spec.height == 32
    assert LineModel(info).fixed_batch is None  # a conv graph: any batch, any width


@pytest.mark.parametrize("engine", ["char", "line"])
def test_labels_must_match_outputs_for_either_engine(tiny_model, tiny_line_model, tmp_path, engine):
    from textrecog.engines.line_runtime import LineModel

    m = copy_model(tiny_line_model if engine == "line" else tiny_model, tmp_path)
    (m / "labels.json").write_text(json.dumps(list("0123")))
    edit_manifest(m, num_classes=4)
    with pytest.raises(ModelError, match="lists 4"):
        (LineModel if engine == "line" else Classifier)(m)


def test_line_manifest_needs_line_input(tiny_line_model, tmp_path):
    m = copy_model(tiny_line_model, tmp_path)
    manifest = json.loads((m / "manifest.json").read_text())
    del manifest["input"]["height"]
    (m / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(ModelError, match="lacks 'height'"):
        load_info(m)


def test_line_manifest_height_must_match_the_graph(tiny_line_model, tmp_path):
    from textrecog.engines.line_runtime import LineModel

    m = copy_model(tiny_line_model, tmp_path)
    edit_manifest(m, input={"height": 48})
    with pytest.raises(ModelError, match=r"model input \[-1, 32, -1, 1\] is not \(batch, 48 = manifest height"):
        LineModel(m)
