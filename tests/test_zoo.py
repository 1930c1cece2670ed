"""The odd-file zoo: 41 broken, exotic and special files, one at a time and as one batch folder.

Each run happens in a child process with a time limit, so a hang (a FIFO, a
link to /dev/zero) fails the test instead of blocking the suite, and the
child's peak memory is measured.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from zoo import CASES, build_zoo

PER_FILE_S = 15  # the slowest real case (a 1 x 20000 strip of noise) takes ~2 s
PEAK_MIB = 1500  # the default line model's interpreter is ~260 MiB; a read without end would pass this

ONE_AT_A_TIME = r"""
import contextlib, io, json, resource, sys, time
from textrecog.cli import main
for path in json.loads(sys.argv[1]):
    out, err = io.StringIO(), io.StringIO()
    t0 = time.monotonic()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        rc = main([path])
    print(json.dumps({"path": path, "rc": rc, "err": err.getvalue(), "s": time.monotonic() - t0}), flush=True)
# VmHWM: this process's own peak (ru_maxrss would include the forking pytest process's)
try:
    peak = int(next(l for l in open("/proc/self/status") if l.startswith("VmHWM")).split()[1])
except OSError:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"peak_kib": peak}))
"""

# the children's peak, measured from a fresh wrapper: each child's own, not an inherited one
BATCH = r"""
import resource, subprocess, sys
rc = subprocess.run(sys.argv[1:], capture_output=True, text=True, timeout=240)
sys.stderr.write(rc.stderr)
print(rc.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
"""


@pytest.fixture(scope="module")
def zoo(tmp_path_factory) -> dict:
    return build_zoo(tmp_path_factory.mktemp("zoo") / "odd files")


def test_the_zoo_has_the_41_cases_the_issue_names():
    assert len(CASES) == 41 and len({c.name for c in CASES}) == 41


def test_each_odd_file_alone(zoo):
    """`textrecog FILE` for each: read, or one line naming the file and the reason; never a hang."""
    proc = subprocess.run([sys.executable, "-c", ONE_AT_A_TIME, json.dumps(list(zoo))],
                          capture_output=True, text=True, timeout=PER_FILE_S * len(zoo))
    assert proc.returncode == 0, proc.stderr[-2000:]
    *runs, peak = [json.loads(line) for line in proc.stdout.splitlines()]
    assert len(runs) == len(zoo)
    for run in runs:
        case = zoo[run["path"]]
        assert run["s"] < PER_FILE_S, case.name
        assert "Traceback" not in run["err"], run["err"]
        if case.expected is None:
            assert run["rc"] == 0 and run["err"] == "", (case.name, run["err"])
            continue
        assert run["rc"] == 1, (case.name, run)
        first = run["err"].splitlines()[0]  # the error itself: one line, naming the file
        assert case.expected in first and Path(case.name).stem[:20].replace("\n", "\\n") in first, first
    assert peak["peak_kib"] / 1024 < PEAK_MIB


def test_the_zoo_as_one_batch_folder(zoo, tmp_path):
    """`textrecog batch` over the folder: one record per image, failures listed, finishes in bounded time."""
    folder = Path(next(iter(zoo))).parent
    out = tmp_path / "records.jsonl"
    cmd = [sys.executable, "-m", "textrecog", "batch", str(folder), "--out", str(out), "--jobs", "2"]
    proc = subprocess.run([sys.executable, "-c", BATCH, *cmd], capture_output=True, text=True, timeout=300)
    rc, peak_kib = map(int, proc.stdout.split())
    assert rc == 1 and "Traceback" not in proc.stderr, proc.stderr[-2000:]
    records = {r["path"]: r for r in map(json.loads, out.read_text(encoding="utf-8").splitlines())}
    from textrecog.imaging.imageio import IMAGE_SUFFIXES

    walked = {p: c for p, c in zoo.items() if Path(p).suffix in IMAGE_SUFFIXES and c.name != "folder.png"}
    assert set(records) == set(walked)
    for path, case in walked.items():
        if case.expected is None:
            assert "error" not in records[path], records[path]
        else:
            assert case.expected in records[path]["error"]
    failed = sum(c.expected is not None for c in walked.values())
    assert f"{failed} failed" in proc.stderr
    assert peak_kib / 1024 < PEAK_MIB


def test_max_bytes_is_a_user_setting(zoo, capsys):
    from textrecog.cli import main

    path = next(p for p, c in zoo.items() if c.name == "handwriting.png")
    assert main(["--max-bytes", "1K", path]) == 1
    assert "file too large" in capsys.readouterr().err
    assert main(["--max-bytes", "10M", path]) == 0
