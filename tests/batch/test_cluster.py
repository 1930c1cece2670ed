"""`textrecog batch --cluster local:2`: the local batch's records, on Ray, surviving killed workers and drivers.

Each run is a child process (Ray starts and stops with it), with a time limit.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

ray = pytest.importorskip("ray", reason="the cluster extra is not installed")

ROOT = Path(__file__).resolve().parents[2]


def _folder(path: Path, copies: int) -> Path:
    """Real handwritten samples, copied ``copies`` times each, plus bad files."""
    path.mkdir(parents=True)
    samples = sorted((ROOT / "samples").glob("*.png"))
    for k in range(copies):
        for s in samples:
            shutil.copy(s, path / f"{k:03d}-{s.name}")
    (path / "empty.png").write_bytes(b"")
    (path / "text.png").write_text("not an image")
    return path


def _batch(*args: str, timeout: int = 180) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "textrecog", "batch", *args], capture_output=True, text=True,
                          timeout=timeout)


def _records(path: Path) -> list[dict]:
    recs = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    for r in recs:
        r.pop("seconds", None)  # time taken: the only field allowed to differ
    return recs


def _wait_for_records(out: Path, proc: subprocess.Popen, n: int, limit: float = 120) -> None:
    t0 = time.monotonic()
    while time.monotonic() - t0 < limit and proc.poll() is None:
        if out.exists() and out.read_bytes().count(b"\n") >= n:
            return
        time.sleep(0.05)
    pytest.fail(f"no {n} records after {limit} s (exit {proc.poll()})")


def _parent(pid: int) -> int:
    try:
        return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
    except (OSError, ValueError, IndexError):
        return 0


def _readers(driver: int) -> list[int]:
    """PIDs of the textrecog Ray actors started under ``driver`` (not a previous test's, still exiting)."""
    pids = []
    for entry in Path("/proc").iterdir():
        try:
            if not (entry.name.isdigit() and (entry / "cmdline").read_bytes().startswith(b"ray::Reader")):
                continue
        except OSError:
            continue
        pid = int(entry.name)
        while pid > 1 and pid != driver:
            pid = _parent(pid)
        if pid == driver:
            pids.append(int(entry.name))
    return pids


def test_cluster_records_equal_the_local_batch(tmp_path):
    folder = _folder(tmp_path / "in", 2)
    local, cluster = tmp_path / "local.jsonl", tmp_path / "cluster.jsonl"
    assert _batch(str(folder), "--out", str(local), "--jobs", "2").returncode == 1  # two bad files
    proc = _batch(str(folder), "--out", str(cluster), "--cluster", "local:2")
    assert proc.returncode == 1 and "Traceback" not in proc.stderr, proc.stderr[-3000:]
    assert _records(cluster) == _records(local)
    assert "2 failed" in proc.stderr


def test_resume_after_the_driver_is_killed(tmp_path):
    folder = _folder(tmp_path / "in", 20)
    out = tmp_path / "r.jsonl"
    cmd = [sys.executable, "-m", "textrecog", "batch", str(folder), "--out", str(out), "--cluster", "local:2"]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        _wait_for_records(out, proc, 20)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(30)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert out.read_bytes().count(b"\n") < 20 * 11 + 2  # it really was stopped midway
    assert _batch(str(folder), "--out", str(out), "--cluster", "local:2", "--resume").returncode == 1
    paths = [r["path"] for r in _records(out)]
    assert len(paths) == len(set(paths)) == len(list(folder.iterdir()))


def test_a_worker_killed_mid_run_is_replaced_and_its_chunk_rerun(tmp_path):
    folder = _folder(tmp_path / "in", 20)
    out = tmp_path / "r.jsonl"
    cmd = [sys.executable, "-m", "textrecog", "batch", str(folder), "--out", str(out), "--cluster", "local:2"]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    _wait_for_records(out, proc, 10)
    readers = _readers(proc.pid)
    assert readers, "no Ray actor of this run found"
    os.kill(readers[0], signal.SIGKILL)
    _, err = proc.communicate(timeout=180)
    assert proc.returncode == 1 and "a worker died" in err, err[-3000:]
    recs = _records(out)
    paths = [r["path"] for r in recs]
    assert len(paths) == len(set(paths)) == len(list(folder.iterdir()))
    assert sorted(Path(r["path"]).name for r in recs if "error" in r) == ["empty.png", "text.png"]


def test_a_file_that_crashes_its_worker_twice_is_an_error_not_retried_for_ever():
    from textrecog.batch.cluster import ATTEMPTS, _Scheduler
    from textrecog.batch.command import Job, Outcome

    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    try:
        @ray.remote(max_restarts=-1, max_task_retries=0)
        class Crashy:
            """Reads a file unless its name says poison; then its process dies, as a segfault would."""

            def __init__(self, log: str):
                self.log = log

            def run(self, jobs: list[Job]) -> list[Outcome]:
                with open(self.log, "a") as fh:
                    fh.write(",".join(j.path for j in jobs) + "\n")
                if any("poison" in j.path for j in jobs):
                    os._exit(1)
                return [Outcome(j.path, f"{j.path}\n", None, None, 1, 1) for j in jobs]

        import tempfile

        log = tempfile.mktemp()
        scheduler = _Scheduler(ray, [Crashy.remote(log), Crashy.remote(log)], "txt")
        jobs = [Job("a.png"), Job("poison.png"), Job("c.png")]
        outcomes = scheduler.collect(scheduler.submit(jobs))
    finally:
        ray.shutdown()
    assert [o.path for o in outcomes] == ["a.png", "poison.png", "c.png"]
    assert [o.error for o in outcomes] == [None, f"a worker crashed {ATTEMPTS} times reading this file", None]
    # the chunk at most twice, then each file alone; the poisoned one at most twice (a call that reaches an
    # actor while Ray restarts it fails without running, and counts as one of the two)
    runs = Path(log).read_text().split()
    assert 1 <= runs.count("a.png,poison.png,c.png") <= ATTEMPTS and 1 <= runs.count("poison.png") <= ATTEMPTS
    assert runs.count("a.png") == runs.count("c.png") == 1


def test_ray_is_never_imported_without_cluster(tmp_path):
    folder = _folder(tmp_path / "in", 1)
    code = ("import sys; from textrecog.batch.command import main; main([sys.argv[1], '--jobs', '2']); "
            "sys.exit(3 if 'ray' in sys.modules else 0)")
    assert subprocess.run([sys.executable, "-c", code, str(folder)], capture_output=True).returncode == 0


@pytest.mark.parametrize("spec,address,message", [
    ("nowhere", None, "use auto, ray://HOST:PORT"), ("local:0", None, "local:N"), ("auto", None, "RAY_ADDRESS"),
    ("ray://127.0.0.1:1", None, "cannot reach the Ray cluster at ray://127.0.0.1:1"),
    ("auto", "127.0.0.1:1", "cannot reach the Ray cluster at 127.0.0.1:1")])
def test_a_bad_cluster_is_one_line_and_exit_2(tmp_path, spec, address, message):
    folder = _folder(tmp_path / "in", 1)
    env = {k: v for k, v in os.environ.items() if k != "RAY_ADDRESS"} | ({"RAY_ADDRESS": address} if address else {})
    proc = subprocess.run([sys.executable, "-m", "textrecog", "batch", str(folder), "--cluster", spec],
                          capture_output=True, text=True, env=env, timeout=60)
    assert proc.returncode == 2 and message in proc.stderr and len(proc.stderr.splitlines()) == 1
