"""The command as a Unix tool: a closed pipe and Ctrl-C end it quietly, keeping what was printed."""

from __future__ import annotations

import signal
import subprocess
import sys
import time

import cv2
import pytest
from conftest import blank, draw_word


@pytest.fixture()
def many_pngs(tmp_path):
    img = blank(100, 300)
    draw_word(img, "314", 20, 70, scale=2.0, gap=10)
    paths = []
    for i in range(60):
        paths.append(tmp_path / f"d{i:02}.png")
        cv2.imwrite(str(paths[-1]), img)
    return paths


def _first_line_then(proc: subprocess.Popen, action) -> tuple[int, str, str]:
    first = proc.stdout.readline()
    action(proc)
    rest = "" if proc.stdout.closed else proc.stdout.read()
    return proc.wait(timeout=60), first + rest, proc.stderr.read()


@pytest.mark.parametrize("mode", [[], ["--json"], ["--format", "jsonl", "batch"]])
def test_a_closed_pipe_ends_quietly(tiny_model, many_pngs, mode):
    cmd = [sys.executable, "-m", "textrecog", "--model", str(tiny_model)]
    if "batch" in mode:  # textrecog batch DIR, records on stdout, two workers
        cmd = [sys.executable, "-m", "textrecog", "batch", str(many_pngs[0].parent), "--model", str(tiny_model),
               "--format", "jsonl", "--jobs", "2"]
    else:
        cmd += mode + [str(p) for p in many_pngs]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    code, out, err = _first_line_then(proc, lambda p: p.stdout.close())  # as `| head -1` does
    assert out.strip() and "Traceback" not in err and "Error" not in err, err
    assert code == 141


def test_ctrl_c_keeps_what_was_read_and_exits_130(tiny_model, many_pngs):
    cmd = [sys.executable, "-m", "textrecog", "--model", str(tiny_model), *map(str, many_pngs * 20)]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    code, out, err = _first_line_then(proc, lambda p: (time.sleep(0.3), p.send_signal(signal.SIGINT)))
    lines = out.splitlines()
    assert code == 130 and "Traceback" not in err, err
    assert 1 <= len(lines) < 1200 and all(line.startswith(str(many_pngs[0].parent)) for line in lines)
    assert err.strip().splitlines()[-1] == f"textrecog: interrupted after {len(lines)} of 1200 images"
