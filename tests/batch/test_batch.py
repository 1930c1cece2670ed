"""Batch recognition of folders: walking, formats, sidecars, failures, resume after kill -9."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import cv2
import pytest
from conftest import blank, draw_word

from textrecog.batch.command import main, walk_images


def digits_image(path: Path, text: str = "42") -> None:
    img = blank(100, 300)
    draw_word(img, text, 20, 70, scale=2.0, gap=10)
    path.parent.mkdir(parents=True, exist_ok=True)
    cv2.imwrite(str(path), img)


@pytest.fixture()
def tree(tmp_path):
    root = tmp_path / "scans"
    digits_image(root / "a.png")
    digits_image(root / "nested" / "deeper" / "b.png", "7")
    digits_image(root / "nested" / "ünïcødé ✓.png", "31")
    (root / "zero.png").write_bytes(b"")
    (root / "notes.png").write_text("not an image")
    (root / "readme.txt").write_text("not an image either, and not an image name")
    (root / "nested" / "loop").symlink_to(root, target_is_directory=True)
    return root


def records(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_walk_is_sorted_recursive_and_loop_safe(tree):
    problems: list = []
    found = walk_images([tree], None, True, problems)
    assert [str(p) for p in found] == sorted(str(p) for p in found)
    assert len(found) == 5 and not problems  # the loop back to the root is not walked again
    assert len(walk_images([tree], None, False, [])) == 3
    # like fnmatch, * also matches "/": everything under nested/
    assert [p.name for p in walk_images([tree], "nested/*", True, [])] == ["b.png", "ünïcødé ✓.png"]
    assert [p.name for p in walk_images([tree], "z*.png", True, [])] == ["zero.png"]


def test_jsonl_output_with_good_and_bad_files(tree, tmp_path, tiny_model, capsys):
    out = tmp_path / "r.jsonl"
    assert main([str(tree), "--out", str(out), "--model", str(tiny_model), "--jobs", "1"]) == 1
    recs = records(out)
    assert [r["path"] for r in recs] == sorted(r["path"] for r in recs)  # stable order
    by_name = {Path(r["path"]).name: r for r in recs}
    assert set(by_name) == {"a.png", "b.png", "ünïcødé ✓.png", "notes.png", "zero.png"}
    assert by_name["zero.png"]["error"] == "empty file (0 bytes)"
    assert "not a recognised image" in by_name["notes.png"]["error"]
    good = by_name["a.png"]
    assert {"text", "lines", "seconds", "width", "height"} <= set(good) and len(good["text"]) == 2
    err = capsys.readouterr().err
    assert "5 files" in err and "2 failed" in err


def test_existing_output_is_never_clobbered(tree, tmp_path, tiny_model):
    out = tmp_path / "r.jsonl"
    out.write_text('{"path": "precious"}\n')
    assert main([str(tree), "--out", str(out), "--model", str(tiny_model)]) == 2
    assert out.read_text() == '{"path": "precious"}\n'


def test_sidecars_never_overwrite_without_flag(tree, tiny_model, tmp_path):
    (tree / "a.txt").write_text("my own notes")
    main([str(tree), "--sidecar", "--model", str(tiny_model), "--jobs", "1", "--out", str(tmp_path / "o.jsonl")])
    assert (tree / "a.txt").read_text() == "my own notes"
    assert len((tree / "nested" / "deeper" / "b.txt").read_text().strip()) == 1
    main([str(tree), "--sidecar", "--overwrite", "--model", str(tiny_model), "--jobs", "1"])
    assert len((tree / "a.txt").read_text().strip()) == 2


def test_rerun_accepts_sidecars_it_wrote_itself(tree, tiny_model, tmp_path):
    args = [str(tree), "--sidecar", "--model", str(tiny_model), "--jobs", "1", "--glob", "*a.png"]
    assert main(args + ["--out", str(tmp_path / "1.jsonl")]) == 0
    sidecar = tree / "a.txt"
    written = sidecar.read_text()
    # as after a kill between the sidecar and the output record: same text, no error
    assert main(args + ["--out", str(tmp_path / "2.jsonl")]) == 0
    sidecar.write_text("edited by hand\n")
    assert main(args + ["--out", str(tmp_path / "3.jsonl")]) == 1
    assert sidecar.read_text() == "edited by hand\n" != written


@pytest.mark.parametrize("fmt", ["csv", "txt"])
def test_csv_and_txt_formats_resume(tree, tmp_path, tiny_model, fmt):
    out = tmp_path / f"r.{fmt}"
    main([str(tree), "--out", str(out), "--model", str(tiny_model), "--jobs", "1"])
    first = out.read_text(encoding="utf-8")
    assert main([str(tree), "--out", str(out), "--resume", "--model", str(tiny_model)]) == 0
    assert out.read_text(encoding="utf-8") == first  # nothing new, nothing repeated
    if fmt == "csv":
        assert first.splitlines()[0] == "path,text,error,lines,chars,seconds"
        assert len(first.splitlines()) == 6


def test_resume_with_other_settings_is_refused_naming_the_option(tree, tmp_path, tiny_model, capsys):
    out = tmp_path / "r.jsonl"
    base = [str(tree), "--out", str(out), "--model", str(tiny_model), "--jobs", "1"]
    main(base + ["--glob", "a.png"])  # a first run that did part of the folder
    first = out.read_text(encoding="utf-8")
    stored = json.loads((tmp_path / "r.jsonl.settings.json").read_text())
    assert stored["decoder"] == "beam" and stored["charset"] is None and stored["top_k"] == 3
    capsys.readouterr()
    for other, named in ((["--decoder", "greedy"], "--decoder"), (["--charset", "digits"], "--charset"),
                         (["--top-k", "5"], "--top-k")):
        assert main(base + ["--resume", *other]) == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and named in err and "--resume" in err
        assert out.read_text(encoding="utf-8") == first  # nothing appended
    assert main(base + ["--resume"]) == 1  # the same settings go on (the tree's two bad files fail)
    assert len(records(out)) == 5


def test_parallel_matches_serial(tree, tmp_path, tiny_model):
    a, b = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    main([str(tree), "--out", str(a), "--model", str(tiny_model), "--jobs", "1"])
    main([str(tree), "--out", str(b), "--model", str(tiny_model), "--jobs", "2"])
    strip = lambda rs: [(r["path"], r.get("text"), r.get("error")) for r in rs]  # noqa: E731
    assert strip(records(a)) == strip(records(b))


def test_kill_9_then_resume_gives_one_record_per_file(tmp_path, tiny_model):
    root = tmp_path / "many"
    for i in range(120):
        digits_image(root / f"{i:03d}.png", str(i % 97))
    out = tmp_path / "r.jsonl"
    cmd = [sys.executable, "-m", "textrecog", "batch", str(root), "--out", str(out),
           "--model", str(tiny_model), "--jobs", "1"]
    proc = subprocess.Popen(cmd, stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.time() + 60
    while time.time() < deadline and (not out.exists() or out.read_text().count("\n") < 10):
        time.sleep(0.02)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    partial = out.read_text(encoding="utf-8").count("\n")
    assert 10 <= partial < 120, "the run was not interrupted mid-way"
    subprocess.run(cmd + ["--resume"], check=True, stderr=subprocess.DEVNULL)
    paths = [r["path"] for r in records(out)]  # every line parses: nothing truncated
    assert len(paths) == len(set(paths)) == 120


def test_cli_accepts_a_folder(tree, tiny_model, capsys):
    from textrecog.cli import main as cli_main

    assert cli_main([str(tree), "--model", str(tiny_model)]) == 1
    out = capsys.readouterr().out.splitlines()
    assert any(line.startswith(str(tree / "a.png") + ":") for line in out)


def test_batch_after_recognize_in_one_process_does_not_hang(tree, tmp_path):
    """The Python API: recognize() runs OpenCV/LiteRT threads, then batch forks workers; no deadlock."""
    out = tmp_path / "r.jsonl"
    script = ("import sys; from textrecog.pipeline import recognize; from textrecog.batch.command import main; "
              "recognize(sys.argv[1]); sys.exit(main([sys.argv[2], '--jobs', '2', '--out', sys.argv[3]]))")
    proc = subprocess.run([sys.executable, "-c", script, str(tree / "a.png"), str(tree), str(out)],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 1, proc.stderr  # zero.png and notes.png fail, as always
    assert len(records(out)) == 5


def test_a_folder_without_images_is_reported(tmp_path, tiny_model, capsys):
    (tmp_path / "empty").mkdir()
    (tmp_path / "empty" / "notes.txt").write_text("no images here")
    assert main([str(tmp_path / "empty"), "--model", str(tiny_model)]) == 1
    assert "no image files found in this folder" in capsys.readouterr().err


def test_progress_bar_on_a_terminal_only(tree, tmp_path, tiny_model):
    """tqdm draws files/s and failures on a terminal's stderr; a pipe gets the summary alone."""
    import pty

    cmd = [sys.executable, "-m", "textrecog", "batch", str(tree), "--model", str(tiny_model), "--jobs", "1",
           "--out", str(tmp_path / "a.jsonl")]
    piped = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    assert "file/s" not in piped.stderr and "5 files" in piped.stderr
    master, slave = pty.openpty()
    proc = subprocess.Popen(cmd[:-1] + [str(tmp_path / "b.jsonl")], stdout=subprocess.DEVNULL, stderr=slave)
    os.close(slave)
    seen = b""
    while True:
        try:
            chunk = os.read(master, 4096)
        except OSError:  # the terminal closed: the run ended
            break
        if not chunk:
            break
        seen += chunk
    proc.wait(120)
    os.close(master)
    text = seen.decode("utf-8", "replace")
    assert "5/5" in text and "file/s" in text and "failed=2" in text


def test_folder_problems_go_to_stderr_under_the_commands_name(tmp_path, tiny_model, capsys):
    from textrecog.cli import main as cli_main

    (tmp_path / "empty").mkdir()
    assert cli_main([str(tmp_path / "empty"), "--model", str(tiny_model)]) == 1
    out, err = capsys.readouterr()
    assert out == ""  # no record for a folder: stdout holds results only
    assert f"textrecog: {tmp_path / 'empty'}: no image files found in this folder" in err
    assert "textrecog batch:" not in err
    assert "0 files" in err and "1 folder(s) without images" in err


def test_sigint_keeps_what_was_finished_and_resume_completes(tmp_path, tiny_model):
    """Ctrl-C (SIGINT to the whole process group, as a terminal sends it) mid-run: the chunks in flight finish,
    every finished file is on disk, the summary and the resume hint are printed; --resume does the rest."""
    root = tmp_path / "many"
    for i in range(150):
        digits_image(root / f"{i:03d}.png", str(i % 97))
    out = tmp_path / "r.jsonl"
    cmd = [sys.executable, "-m", "textrecog", "batch", str(root), "--out", str(out), "--model", str(tiny_model),
           "--jobs", "2"]
    proc = subprocess.Popen(cmd, stderr=subprocess.PIPE, text=True, start_new_session=True)
    deadline = time.time() + 60
    while time.time() < deadline and (not out.exists() or out.read_text().count("\n") < 3):
        time.sleep(0.01)
    os.killpg(proc.pid, signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    kept = records(out)
    assert proc.returncode == 130, err
    assert 3 <= len(kept) < 150, "the run was not interrupted mid-way"
    assert f"interrupted after {len(kept)} of 150 files; rerun with --resume to finish" in err
    assert f"{len(kept)} files," in err  # the summary counts what was written
    assert [r["path"] for r in kept] == sorted(str(p) for p in root.glob("*.png"))[: len(kept)]  # input order
    subprocess.run(cmd + ["--resume"], check=True, stderr=subprocess.DEVNULL)
    paths = [r["path"] for r in records(out)]
    assert len(paths) == len(set(paths)) == 150



def test_the_eta_counts_from_the_first_result_and_the_last_frame_is_drawn():
    """10 s of model loading, then 10 files a second: the first estimate is 9 s, not the 90+ s that the
    loading time would make it; and the bar's final frame is still drawn after the clock moved."""
    import io

    from tqdm import tqdm

    from textrecog.batch.command import _restart_clock

    now, out = [100.0], io.StringIO()
    bar = tqdm(total=100, file=out, smoothing=0, mininterval=0, miniters=1)
    bar._time = lambda: now[0]
    bar.start_t = bar.last_print_t = now[0]
    now[0] = 110.0  # the workers load the model
    bar.update(1)
    _restart_clock(bar)
    now[0] = 111.0
    bar.update(10)
    assert "11/100" in str(bar) and "<00:08" in str(bar)  # (100 - 11) files at 10 a second
    bar.update(89)
    bar.close()
    assert out.getvalue().rstrip().splitlines()[-1].count("100/100") == 1
    # every file in the first result (a short run): the clock moves after the last print, yet the final
    # frame is drawn (tqdm draws it only if it printed after its start time)
    out = io.StringIO()
    bar = tqdm(total=5, file=out, mininterval=0, miniters=1)
    bar.update(5)
    _restart_clock(bar)
    bar.close()
    assert out.getvalue().count("5/5") >= 2


def test_other_file_types_are_counted_in_one_line_and_ico_is_read(tmp_path, tiny_model, capsys):
    from PIL import Image

    root = tmp_path / "mixed"
    digits_image(root / "a.png")
    Image.open(root / "a.png").save(root / "b.ico")  # what the plain command reads, batch reads
    (root / "c.pdf").write_bytes(b"%PDF-1.4")
    (root / "d.svg").write_text("<svg/>")
    (root / "notes.txt").write_text("mine")  # text beside scans (sidecars, notes) is not worth a word
    (root / "x.png").mkdir()  # a folder with an image's name is walked, not read
    out = tmp_path / "r.jsonl"
    assert main([str(root), "--out", str(out), "--model", str(tiny_model), "--jobs", "1"]) == 0
    assert sorted(Path(r["path"]).name for r in records(out)) == ["a.png", "b.ico"]
    err = capsys.readouterr().err.splitlines()
    assert err[-1] == "textrecog batch: 2 file(s) skipped: not an image type this reads (.pdf, .svg)"


def test_every_suffix_a_walk_reads_is_one_pillow_opens():
    from PIL import Image

    from textrecog.imaging.imageio import IMAGE_SUFFIXES

    Image.init()
    opened = {ext for ext, fmt in Image.registered_extensions().items() if fmt in Image.OPEN}
    assert IMAGE_SUFFIXES <= opened
