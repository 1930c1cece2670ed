"""The worker pool: a dead worker is noticed and its files retried; memory is bounded per worker."""

from __future__ import annotations

import json
import os
import resource
import signal
import struct
import subprocess
import sys
import zlib
from pathlib import Path

import cv2
import pytest
from conftest import blank, draw_word

from textrecog.batch import worker
from textrecog.batch.command import main


def digits(path: Path, text: str = "42") -> None:
    img = blank(100, 300)
    draw_word(img, text, 20, 70, scale=2.0, gap=10)
    cv2.imwrite(str(path), img)


def records(path: Path) -> dict[str, dict]:
    return {Path(r["path"]).name: r for r in map(json.loads, path.read_text().splitlines())}


@pytest.fixture()
def folder(tmp_path):
    root = tmp_path / "scans"
    root.mkdir()
    for i in range(24):
        digits(root / f"f{i:02}.png", str(i))
    return root


# A batch in a fresh process whose forked workers die (SIGKILL, as the OOM killer sends) on one file.
# (Forking the test process itself, which has run recognition, could deadlock the children instead.)
DEADLY = """
import os, signal, sys
from pathlib import Path
from textrecog.batch import worker
from textrecog.batch.command import main
real = worker._records
def deadly(paths):
    if any(Path(p).name == "f07-dies.png" for p in paths):
        os.kill(os.getpid(), signal.SIGKILL)
    return real(paths)
worker._records = deadly
sys.exit(main(sys.argv[1:]))
"""


def test_a_worker_that_dies_is_replaced_and_only_its_culprit_fails(folder, tmp_path, tiny_model):
    digits(folder / "f07-dies.png")
    out = tmp_path / "r.jsonl"
    proc = subprocess.run([sys.executable, "-c", DEADLY, str(folder), "--out", str(out), "--model", str(tiny_model),
                           "--jobs", "2"], capture_output=True, text=True, timeout=300)
    found = records(out)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr, proc.stderr
    assert len(found) == 25  # one record per file, no hang
    assert "died twice" in found["f07-dies.png"]["error"]
    assert all("error" not in r for name, r in found.items() if name != "f07-dies.png")


def _png_declaring(w: int, h: int) -> bytes:
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)

    ihdr = struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)  # 8-bit RGB: 4 bytes a pixel once decoded
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\0" * 100))
            + chunk(b"IEND", b""))


def test_declared_size_bombs_fail_alone_under_a_memory_limit(folder, tmp_path, tiny_model):
    for i in range(12):  # 17,000 x 17,000 RGB each: 1.1 GB decoded, under the pixel limit
        (folder / f"bomb{i:02}.png").write_bytes(_png_declaring(17000, 17000))
    out = tmp_path / "r.jsonl"
    cap = 3 * 2**30  # the whole batch (parent and two workers) would be killed far above this without the fix

    def limit():
        resource.setrlimit(resource.RLIMIT_AS, (cap, cap))

    proc = subprocess.run([sys.executable, "-m", "textrecog", "batch", str(folder), "--out", str(out), "--model",
                           str(tiny_model), "--jobs", "2"], capture_output=True, text=True, timeout=300,
                          preexec_fn=limit)
    found = records(out)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr, proc.stderr
    assert len(found) == 36
    assert all("memory limit" in found[f"bomb{i:02}.png"]["error"] for i in range(12))
    assert all("error" not in found[f"f{i:02}.png"] for i in range(24))


def test_a_full_disk_stops_the_run_cleanly_and_resume_finishes(folder, tmp_path, tiny_model, monkeypatch, capsys):
    from textrecog.output.records import output_error

    real, written = worker.write_new, []

    def filling(target, data, overwrite):
        if len(written) == 5:
            raise output_error(target, OSError(28, "No space left on device"))
        written.append(target)
        return real(target, data, overwrite)

    monkeypatch.setattr(worker, "write_new", filling)
    docs = tmp_path / "alto"
    argv = [str(folder), "--format", "alto", "--out-dir", str(docs), "--model", str(tiny_model), "--jobs", "1"]
    assert main(argv) == 1
    err = capsys.readouterr().err.splitlines()
    assert err[-2].startswith("textrecog batch: ") and " files, " in err[-2]  # the summary
    assert "No space left on device; stopped after" in err[-1] and "--resume" in err[-1]
    assert len(list(docs.glob("*.alto.xml"))) == 5 and not list(docs.glob(".*.tmp*"))
    monkeypatch.setattr(worker, "write_new", real)  # space freed
    assert main(argv + ["--resume"]) == 0
    assert len(list(docs.glob("*.alto.xml"))) == 24


def test_sigterm_stops_like_ctrl_c_with_a_summary(folder, tmp_path, tiny_model):
    import time

    for i in range(24, 400):
        digits(folder / f"f{i:03}.png", str(i))
    out = tmp_path / "r.jsonl"
    proc = subprocess.Popen([sys.executable, "-m", "textrecog", "batch", str(folder), "--out", str(out), "--model",
                             str(tiny_model), "--jobs", "2"], stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while (not out.exists() or out.stat().st_size == 0) and time.monotonic() < deadline:
        time.sleep(0.1)
    proc.send_signal(signal.SIGTERM)
    err = proc.communicate(timeout=60)[1]
    kept = out.read_text().splitlines()
    assert proc.returncode == 128 + signal.SIGTERM and "Traceback" not in err
    assert " files, " in err and f"interrupted after {len(kept)} of 400 files; rerun with --resume" in err
    assert all(json.loads(line) for line in kept)  # whole records only
