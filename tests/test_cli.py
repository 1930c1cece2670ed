"""The textrecog command: output, errors, exit codes, JSONL schema."""

from __future__ import annotations

import json
import subprocess
import sys

import cv2
import numpy as np
import pytest
from conftest import blank, draw_word

from textrecog.cli import main


@pytest.fixture()
def digits_png(tmp_path):
    img = blank(120, 500)
    draw_word(img, "314", 20, 80, scale=2.0, gap=10)
    draw_word(img, "27", 250, 80, scale=2.0, gap=10)
    path = tmp_path / "digits.png"
    cv2.imwrite(str(path), img)
    return path


def test_prints_text(tiny_model, digits_png, capsys):
    assert main([str(digits_png), "--model", str(tiny_model)]) == 0
    out = capsys.readouterr().out
    assert out.count("\n") == 1
    words = out.strip().split(" ")
    assert [len(w) for w in words] == [3, 2]


def test_several_images_prefix_file_names(tiny_model, digits_png, tmp_path, capsys):
    other = tmp_path / "other.png"
    other.write_bytes(digits_png.read_bytes())
    assert main([str(digits_png), str(other), "--model", str(tiny_model)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [ln.split(":")[0] for ln in lines] == [str(digits_png), str(other)]


def test_blank_image_is_empty_text_not_error(tiny_model, tmp_path, capsys):
    path = tmp_path / "blank.png"
    cv2.imwrite(str(path), blank())
    assert main([str(path), "--model", str(tiny_model)]) == 0
    assert capsys.readouterr().out == ""


@pytest.mark.parametrize("name,content,reason", [
    ("zero.png", b"", "empty file"),
    ("text.png", b"this is text, not a picture\n", "not a recognised image format"),
    ("trunc.png", None, "corrupt or truncated"),
])
def test_bad_inputs_reported_and_others_processed(tiny_model, digits_png, tmp_path, capsys,
                                                 name, content, reason):
    bad = tmp_path / name
    bad.write_bytes(content if content is not None else digits_png.read_bytes()[:200])
    code = main([str(bad), str(digits_png), "--model", str(tiny_model)])
    captured = capsys.readouterr()
    assert code == 1
    err_lines = [ln for ln in captured.err.splitlines() if str(bad) in ln]
    assert len(err_lines) == 1 and reason in err_lines[0]
    assert str(digits_png) in captured.out  # the good file still ran


def test_missing_file(tiny_model, tmp_path, capsys):
    assert main([str(tmp_path / "nope.png"), "--model", str(tiny_model)]) == 1
    assert "nope.png: no such file" in capsys.readouterr().err


def test_json_schema(tiny_model, digits_png, tmp_path, capsys):
    missing = tmp_path / "missing.png"
    assert main([str(digits_png), str(missing), "--json", "--top-k", "2", "--model", str(tiny_model)]) == 1
    records = [json.loads(ln) for ln in capsys.readouterr().out.splitlines()]
    good, bad = records
    assert good["path"] == str(digits_png) and isinstance(good["text"], str)
    assert bad == {"path": str(missing), "error": "no such file"}
    line = good["lines"][0]
    assert line["text"] == good["text"] and len(line["words"]) == 2
    char = line["words"][0]["chars"][0]
    assert set(char) == {"text", "box", "confidence", "alternatives", "geometry"}
    assert set(char["box"]) == {"x", "y", "w", "h"}
    assert len(char["alternatives"]) == 2 and char["alternatives"][0]["char"] == char["text"]


def test_debug_overlay_written(tiny_model, digits_png, tmp_path):
    out_dir = tmp_path / "dbg"
    assert main([str(digits_png), "--debug", str(out_dir), "--model", str(tiny_model)]) == 0
    overlay = cv2.imread(str(out_dir / "digits.png.debug.png"))
    assert overlay is not None and overlay.shape[:2] == (120, 500)
    assert (np.abs(overlay[..., 2].astype(int) - overlay[..., 0]) > 50).any()  # coloured marks
    main([str(digits_png), "--debug", str(out_dir), "--model", str(tiny_model)])
    assert (out_dir / "digits.png.debug-1.png").is_file()  # the first overlay was kept


def test_a_folder_run_skips_the_overlays_it_wrote(tiny_model, digits_png, tmp_path, capsys):
    main([str(digits_png), "--debug", str(tmp_path), "--model", str(tiny_model)])
    main([str(digits_png), "--debug", str(tmp_path), "--model", str(tiny_model)])
    assert {p.name for p in tmp_path.glob("*.debug*.png")} == {"digits.png.debug.png", "digits.png.debug-1.png"}
    capsys.readouterr()
    assert main([str(tmp_path), "--model", str(tiny_model)]) == 0
    out = capsys.readouterr().out
    assert out.count("\n") == 1 and out.startswith(str(digits_png) + ":")  # the scan only, not its overlays


def test_bad_model_is_a_usage_error(digits_png, tmp_path, capsys):
    assert main([str(digits_png), "--model", str(tmp_path)]) == 2
    assert "missing model.tflite" in capsys.readouterr().err


def test_no_images_is_a_usage_error(capsys):
    assert main([]) == 2


def test_help_and_run_do_not_import_tensorflow(tiny_model, digits_png):
    for args in (["--help"], [str(digits_png), "--model", str(tiny_model)]):
        code = ("import sys; from textrecog.cli import main\n"
                f"try:\n    main({args!r})\nexcept SystemExit:\n    pass\n"
                "assert 'tensorflow' not in sys.modules, 'tensorflow imported'")
        subprocess.run([sys.executable, "-c", code], check=True, capture_output=True)


def test_console_script_installed(tiny_model, digits_png):
    from pathlib import Path

    script = Path(sys.executable).parent / "textrecog"
    proc = subprocess.run([str(script), str(digits_png), "--model", str(tiny_model)],
                          capture_output=True, text=True)
    assert proc.returncode == 0 and proc.stdout.strip()


def test_dash_reads_an_image_from_stdin(tiny_model, digits_png):
    cmd = [sys.executable, "-m", "textrecog", "--model", str(tiny_model)]
    from_file = subprocess.run(cmd + [str(digits_png)], capture_output=True, text=True, timeout=60)
    with open(digits_png, "rb") as fh:
        piped = subprocess.run(cmd + ["-"], stdin=fh, capture_output=True, text=True, timeout=60)
    assert piped.returncode == 0 and piped.stdout == from_file.stdout and piped.stdout.strip()
    empty = subprocess.run(cmd + ["-"], input="", capture_output=True, text=True, timeout=60)
    assert empty.returncode == 1 and empty.stdout == "" and "-: nothing on stdin" in empty.stderr


@pytest.mark.parametrize("args, option", [(["--beam", "0"], "--beam"), (["--flag-below", "2"], "--flag-below"),
                                          (["--top-k", "0"], "--top-k"), (["--max-megapixels", "x"],
                                                                          "--max-megapixels")])
def test_option_errors_name_the_option(args, option, digits_png, capsys):
    with pytest.raises(SystemExit) as exc:
        main([str(digits_png), *args])
    assert exc.value.code == 2
    captured = capsys.readouterr()
    assert captured.out == "" and f"argument {option}:" in captured.err


def test_batch_option_errors_name_the_option(tmp_path, capsys):
    from textrecog.batch.command import main as batch_main

    with pytest.raises(SystemExit):
        batch_main([str(tmp_path), "--jobs", "0"])
    assert "argument --jobs: must be at least 1, not 0" in capsys.readouterr().err


def test_list_models_marks_the_default(capsys):
    from textrecog.engines.model import DEFAULT_MODEL

    assert main(["--list-models"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [ln.split("\t")[0] for ln in lines if "(default)" in ln] == [f"{DEFAULT_MODEL} (default)"]


def test_train_help_names_both_kinds_and_shows_defaults(capsys):
    from textrecog.training.train import parse_args

    with pytest.raises(SystemExit):
        parse_args(["--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert "character classifier (--kind char" in text and "line model (--kind line" in text
    for flag in ("--epochs", "--batch", "--lr"):
        after = text.rsplit(flag, 1)[1][:200]  # its entry in the option list, after the usage line
        assert "(default:" in after, flag


def test_lang_picks_the_language_model_and_an_unknown_one_is_one_line(capsys):
    from pathlib import Path

    sample = str(Path(__file__).resolve().parents[1] / "samples" / "word-par.png")
    assert main(["--lang", "fr", sample]) == 0
    assert capsys.readouterr().out.strip()
    assert main(["--lang", "xx", sample]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "unknown language 'xx'" in err and "fr" in err


@pytest.mark.parametrize("args, named", [(["--out-dir", "x"], "--out-dir"), (["--json", "--format", "alto"], "--json"),
                                         (["--resume"], "--resume"), (["--overwrite"], "--overwrite"),
                                         (["--debug", "d", "--format", "page"], "--debug")])
def test_options_that_would_be_ignored_are_refused(args, named, digits_png, tmp_path, capsys):
    assert main([str(digits_png), *args]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and named in err
    assert not list(tmp_path.glob("*.xml"))  # nothing was written


def test_debug_with_a_folder_is_refused(digits_png, capsys):
    assert main([str(digits_png.parent), "--debug", str(digits_png.parent / "d")]) == 2
    assert "--debug" in capsys.readouterr().err


def test_help_lists_every_subcommand(capsys):
    from textrecog.cli import SUBCOMMANDS

    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    for name in [*SUBCOMMANDS, "ui"]:
        assert f"textrecog {name} " in out
