"""Training and evaluation smoke tests on a tiny synthetic UNIPEN tree (seconds)."""

from __future__ import annotations

import json

import numpy as np
import pytest

pytest.importorskip("tensorflow")

# Simple stroke templates (x right, y up as UNIPEN stores them).
SHAPES = {
    "0": [[(0, 0), (10, 0), (10, 20), (0, 20), (0, 0)]],
    "1": [[(5, 0), (5, 20)]],
    "7": [[(0, 20), (10, 20), (3, 0)]],
}


def pen_file(rng, count: int) -> tuple[str, list[str]]:
    """A pen file with ``count`` jittered samples of each shape, and its segment lines."""
    blocks, segs, comp = [".COORD X Y"], [], 0
    for _ in range(count):
        for label, strokes in SHAPES.items():
            first = comp
            for stroke in strokes:
                pts = np.array(stroke, float) * rng.uniform(0.8, 1.2) + rng.normal(0, 0.6, (len(stroke), 2))
                blocks.append(".PEN_DOWN\n" + "\n".join(f" {x:.0f} {y:.0f}" for x, y in pts))
                blocks.append(".PEN_UP\n 0 0")
                comp += 2
            segs.append(f'.SEGMENT CHARACTER {first}-{comp - 2} ? "{label}"')
    return "\n".join(blocks) + "\n", segs


def word_file(rng, count: int) -> tuple[str, list[str]]:
    """A pen file of ``count`` words "107": the three shapes side by side, one segment each."""
    blocks, segs, comp = [".COORD X Y"], [], 0
    for _ in range(count):
        first = comp
        for k, label in enumerate("107"):
            for stroke in SHAPES[label]:
                pts = np.array(stroke, float) + (16 * k, 0) + rng.normal(0, 0.4, (len(stroke), 2))
                blocks.append(".PEN_DOWN\n" + "\n".join(f" {x:.0f} {y:.0f}" for x, y in pts))
                comp += 1
        segs.append(f'.SEGMENT WORD {first}-{comp - 1} ? "107"')
    return "\n".join(blocks) + "\n", segs


def make_tree(root, rng):
    for section, site in [("1a", "trn"), ("1a", "vvv"), ("1a", "tst"), ("7", "wrd"), ("7", "wvl"), ("7", "wtr")]:
        pen, segs = word_file(rng, 4) if section == "7" else pen_file(rng, 12)
        (root / "include" / site).mkdir(parents=True, exist_ok=True)
        (root / "include" / site / "w.dat").write_text(pen)
        (root / "data" / section / site).mkdir(parents=True, exist_ok=True)
        (root / "data" / section / site / "w.dat").write_text(
            f".INCLUDE {site}/w.dat\n" + "\n".join(segs) + "\n")
    return root


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    from textrecog.training.train import main

    tmp = tmp_path_factory.mktemp("train")
    tree = make_tree(tmp / "unipen", np.random.default_rng(0))
    out = tmp / "model"
    code = main(["--unipen", str(tree), "--out", str(out), "--classes", "digits", "--epochs", "2",
                 "--variants", "2", "--batch", "16", "--val-sites", "vvv", "--test-sites", "tst",
                 "--jobs", "1", "--widths", "8,16", "--dense", "16", "--workdir", str(tmp / "work")])
    assert code == 0
    return tree, out, tmp / "work"


def test_model_dir_written_and_valid(trained):
    from textrecog.engines.model import load_info

    _, out, work = trained
    info = load_info(out)
    assert info.labels == tuple("0123456789")
    manifest = info.manifest
    assert manifest["training"]["split"]["test_sites"] == ["tst"]
    assert manifest["training"]["command"].startswith("textrecog train")
    assert manifest["accuracy"]["agreement_tflite_keras_val"] >= 0.99
    assert set(manifest["accuracy"]["test"]["summary"]["all"]) == {"exact", "merged", "lookalikes"}
    assert (work / "history.csv").is_file() and (work / "best.keras").is_file()


def test_interrupted_training_resumes(trained, tmp_path, monkeypatch):
    """Interrupt after the first epoch; the rerun continues at epoch 2, not from scratch."""
    import keras

    from textrecog.training import train

    tree, _, _ = trained
    real = train._callbacks

    class Interrupt(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            raise KeyboardInterrupt

    args = ["--unipen", str(tree), "--out", str(tmp_path / "m"), "--classes", "digits", "--epochs", "2",
            "--variants", "1", "--batch", "16", "--val-sites", "vvv", "--test-sites", "tst", "--jobs", "1",
            "--widths", "8", "--dense", "8", "--workdir", str(tmp_path / "w")]
    monkeypatch.setattr(train, "_callbacks", lambda *a: real(*a) + [Interrupt()])
    assert train.main(args) == 130  # interrupted: the checkpoint kept, said on stderr
    monkeypatch.setattr(train, "_callbacks", real)
    assert train.main(args) == 0
    rows = (tmp_path / "w" / "history.csv").read_text().strip().splitlines()
    assert [r.split(",")[0] for r in rows[1:]] == ["0", "1"]  # epoch 0 was not repeated


def test_eval_writes_report_files(trained, tmp_path):
    from textrecog.evaluation.eval_cli import main

    tree, out, _ = trained
    report_dir = tmp_path / "report"
    assert main(["--model", str(out), "--unipen", str(tree), "--out", str(report_dir)]) == 0
    for name in ("report.json", "report.md", "confusion.png"):
        assert (report_dir / name).is_file()
    report = json.loads((report_dir / "report.json").read_text())
    chars = report["models"]["model"]["chars"]
    assert chars["sites"] == ["tst"]
    assert chars["sections"]["all"]["n"] == 36
    assert set(chars["per_class"]) <= set("0123456789")


def test_eval_compares_engines_on_the_same_texts(trained, tiny_line_model, tmp_path):
    from textrecog.evaluation.eval_cli import main

    tree, out, _ = trained
    report_dir = tmp_path / "report"
    assert main(["--model", str(out), "--model", str(tiny_line_model), "--unipen", str(tree),
                 "--out", str(report_dir), "--max-texts", "4"]) == 0
    report = json.loads((report_dir / "report.json").read_text())
    texts = report["texts"]
    assert texts["sites"]["words"] == ["wrd"]  # the one site neither model saw
    assert set(texts["models"]) == {"model", "tinyline"}
    for model in texts["models"].values():
        words = model["words"]
        n = words["printed"]["case_sensitive"]["n"] + words["cursive"]["case_sensitive"]["n"]
        assert n == 4 and "scan_look" in words["printed"]
    assert (report_dir / "gallery-tinyline.png").is_file()
    assert "| words |" in (report_dir / "report.md").read_text()


def test_existing_model_is_not_replaced(trained, tmp_path, capsys):
    from textrecog.training.train import main

    tree, out, _ = trained
    before = (out / "model.tflite").read_bytes()
    assert main(["--unipen", str(tree), "--out", str(out), "--classes", "digits"]) == 2
    assert "already holds a model" in capsys.readouterr().err
    assert (out / "model.tflite").read_bytes() == before


def test_class_weights_balance():
    from textrecog.training.train import class_weights

    w = class_weights(np.array([0, 0, 0, 0, 1]), 3)
    assert w[1] > w[0] and w[2] == 0
    full, off = class_weights(np.array([0, 0, 0, 0, 1]), 3, 1.0), class_weights(np.array([0, 0, 0, 0, 1]), 3, 0.0)
    assert full[1] / full[0] == pytest.approx(4) and w[1] / w[0] == pytest.approx(2) and off[0] == off[1] == 1


def test_line_training_smoke_resumes_and_exports(trained, tmp_path):
    """Two short runs of `train --kind line`: the second continues the first, then a valid model is written."""
    from textrecog.engines.line_runtime import LineModel
    from textrecog.engines.model import load_info
    from textrecog.training.train import main

    tree, _, _ = trained
    args = ["--kind", "line", "--unipen", str(tree), "--out", str(tmp_path / "line"), "--workdir",
            str(tmp_path / "work"), "--steps", "3", "--batch", "4", "--val-count", "4", "--convs", "4,4,4,4",
            "--rnn", "4", "--val-sites", "wvl", "--test-sites", "wrd", "--max-width", "128"]
    assert main([*args, "--epochs", "1"]) == 0
    assert main([*args, "--epochs", "2"]) == 0
    info = load_info(tmp_path / "line")
    manifest = info.manifest
    assert info.kind == "line" and manifest["training"]["epochs"] == 2
    assert len(manifest["training"]["runs"]) == 2  # the second run resumed, not restarted
    assert manifest["training"]["split"]["test_sites"] == ["wrd"]
    assert abs(manifest["accuracy"]["val_cer_keras"] - manifest["accuracy"]["val_cer_tflite"]) <= 0.002
    assert manifest["training"]["architecture_params"]["name"] == "crnn"
    assert [c["epoch"] for c in manifest["training"]["curve"]] == [1, 2]
    assert LineModel(info).fixed_batch == 1  # the fused-LSTM graph takes one line at a time


def test_line_export_only_needs_a_checkpoint(trained, tmp_path, capsys):
    from textrecog.training.train import main

    tree, _, _ = trained
    code = main(["--kind", "line", "--unipen", str(tree), "--out", str(tmp_path / "x"), "--workdir",
                 str(tmp_path / "w"), "--export-only"])
    assert code == 2 and "needs a trained checkpoint" in capsys.readouterr().err
    assert not (tmp_path / "x").exists()


def test_kana_training_with_templates_records_them(tmp_path):
    from conftest import fake_etl, fake_kanjivg

    from textrecog.training.train import main

    etl, kvg, out = fake_etl(tmp_path / "etl"), fake_kanjivg(tmp_path / "kvg"), tmp_path / "model"
    assert main(["--data", "etl8b2", "--etl8b2", str(etl), "--templates", str(kvg), "--template-renders", "5",
                 "--train-fraction", "0.5", "--epochs", "1", "--variants", "1", "--batch", "8", "--widths", "8,16",
                 "--dense", "16", "--out", str(out), "--workdir", str(tmp_path / "work")]) == 0
    training = json.loads((out / "manifest.json").read_text())["training"]
    assert any("KanjiVG" in s["name"] and s["licence"] == "CC BY-SA 3.0" for s in training["data"])
    # about half of 7 writers per class for 3 classes, plus 5 renders of each of the 2 templated classes
    assert training["split"]["sizes"]["train"] == 3 * 4 + 2 * 5 and training["split"]["train_fraction"] == 0.5


@pytest.mark.parametrize("extra", [["--data", "kmnist", "--kmnist", "k", "--train-fraction", "0.5"],
                                   ["--data", "etl8b2", "--etl8b2", "e", "--train-fraction", "0"]])
def test_train_fraction_is_refused_where_it_cannot_apply(tmp_path, extra):
    from textrecog.training.train import main

    with pytest.raises(SystemExit, match="--train-fraction"):
        main([*extra, "--out", str(tmp_path / "m")])
    assert not (tmp_path / "m").exists()


def test_missing_data_folders_are_one_line_errors(tmp_path, capsys):
    from conftest import fake_etl

    from textrecog.training.train import main

    etl = fake_etl(tmp_path / "etl")
    for extra, named in ((["--etl8b2", str(tmp_path / "none")], "none/labels.csv"),
                         (["--etl8b2", str(etl), "--templates", str(tmp_path / "kvg")], "kvg/index.tsv")):
        assert main(["--data", "etl8b2", *extra, "--out", str(tmp_path / "m")]) == 2
        err = capsys.readouterr().err.strip().splitlines()
        assert len(err) == 1 and err[0].startswith("textrecog train: ") and named in err[0]


def test_line_training_from_init_never_replaces_a_better_model(trained, tmp_path):
    """--init continues a committed checkpoint, copies it back every epoch, and keeps a better shipped model."""
    import shutil

    from textrecog.training.train import main

    tree, _, _ = trained
    out, cand = tmp_path / "line", tmp_path / "candidate"
    args = ["--kind", "line", "--unipen", str(tree), "--steps", "2", "--batch", "4", "--val-count", "4",
            "--arch", "conv", "--convs", "4,4,4,4", "--layers", "1", "--channels", "8", "--kernel", "3",
            "--val-sites", "wvl", "--test-sites", "wrd", "--max-width", "128"]
    assert main([*args, "--out", str(out), "--workdir", str(tmp_path / "w1"), "--epochs", "1"]) == 0
    shutil.copytree(out / "checkpoint", cand)
    manifest = json.loads((out / "manifest.json").read_text())
    manifest["training"]["best_val_cer"] = 0.0  # the shipped model is better than any continuation can be
    (out / "manifest.json").write_text(json.dumps(manifest))
    before = (out / "model.tflite").read_bytes()
    code = main([*args, "--out", str(out), "--workdir", str(tmp_path / "w2"), "--epochs", "2", "--init", str(cand)])
    assert code == 0
    assert (out / "model.tflite").read_bytes() == before  # not replaced
    assert json.loads((cand / "state.json").read_text())["epoch"] == 2  # the checkpoint followed the run
    assert main([*args, "--out", str(out), "--workdir", str(tmp_path / "w3"), "--init", str(tmp_path / "nope")]) == 2


def test_without_tensorflow_training_says_how_to_install_it(monkeypatch, tmp_path, capsys):
    import importlib.util

    from textrecog.training import train

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "tensorflow" else real(name, *a))
    for kind in ("char", "line"):
        assert train.main(["--kind", kind, "--out", str(tmp_path / "m")]) == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and "textrecog[train]" in err
    assert not list(tmp_path.iterdir())
