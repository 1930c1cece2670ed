"""Fuzz textrecog batch: N mutated images, one record each, no traceback, no hang, bounded memory.

    python benchmarks/fuzz_batch.py --count 10000 --jobs 2

Mutations of the seed images (the bundled samples by default): bit flips, truncation, splices of two
files, zeroed blocks, corrupted PNG chunks and JPEG markers, declared-size bombs with valid CRCs
(a PNG or JPEG header claiming a huge or degenerate size over tiny data), and format conversions
(16-bit, palette, alpha, CMYK, TIFF, BMP, GIF, WebP, ICO). It then runs ``textrecog batch`` over them
and prints, with the peak RSS of the whole process tree (sampled every 50 ms): files, records,
missing and repeated records, tracebacks on stderr, the run's exit status and time, and the errors
by kind. A run that writes no record for ``--stall`` seconds counts as a hang and is stopped.
"""

from __future__ import annotations

import argparse
import collections
import io
import json
import os
import random
import struct
import subprocess
import sys
import tempfile
import time
import zlib
from pathlib import Path

from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
KINDS = ("bitflip", "truncate", "splice", "zero_block", "png_chunk", "jpeg_marker", "png_bomb", "jpeg_bomb",
         "convert", "intact")


def seeds(folder: Path) -> list[bytes]:
    """The seed images as PNG and JPEG bytes."""
    out = []
    for path in sorted(folder.glob("*.png")):
        img = Image.open(path).convert("L")
        for fmt in ("PNG", "JPEG"):
            buf = io.BytesIO()
            img.save(buf, fmt)
            out.append(buf.getvalue())
    return out


def _chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)


def png_bomb(rng: random.Random) -> bytes:
    """A PNG whose valid IHDR (CRC included) declares a huge or degenerate size over a few bytes of data."""
    w, h = rng.choice([(1, 290_000_000), (290_000_000, 1), (17_000, 17_000), (60_000, 60_000), (1, 1), (0, 5),
                       (16_000, 1), (2**31 - 1, 2)])
    depth, colour = rng.choice([(8, 0), (16, 0), (8, 2), (16, 6), (8, 6), (1, 0), (8, 3)])
    ihdr = struct.pack(">IIBBBBB", w, h, depth, colour, 0, 0, 0)
    body = zlib.compress(bytes(rng.randrange(256) for _ in range(rng.choice([0, 10, 1000]))))
    return b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", ihdr) + _chunk(b"IDAT", body) + _chunk(b"IEND", b"")


def jpeg_bomb(data: bytes, rng: random.Random) -> bytes:
    """A JPEG whose SOF declares another size (1 x 65000, 65000 x 65000, 0 x 0 ...)."""
    jpeg = _as(data, "JPEG")
    i = jpeg.find(b"\xff\xc0")
    h, w = rng.choice([(1, 65000), (65000, 1), (65000, 65000), (0, 0), (0, 100), (30000, 30000)])
    return jpeg[: i + 5] + struct.pack(">HH", h, w) + jpeg[i + 9:]


def _as(data: bytes, fmt: str, mode: str | None = None) -> bytes:
    img = Image.open(io.BytesIO(data))
    img = img.convert(mode) if mode else img.convert("L")
    buf = io.BytesIO()
    img.save(buf, fmt)
    return buf.getvalue()


def convert(data: bytes, rng: random.Random) -> tuple[bytes, str]:
    """The image in another format or mode; the suffix to name it with."""
    fmt, mode, suffix = rng.choice([("PNG", "I;16", ".png"), ("PNG", "P", ".png"), ("PNG", "RGBA", ".png"),
                                    ("PNG", "LA", ".png"), ("JPEG", "CMYK", ".jpg"), ("TIFF", "RGB", ".tif"),
                                    ("TIFF", "I;16", ".tiff"), ("BMP", "RGB", ".bmp"), ("GIF", "P", ".gif"),
                                    ("WEBP", "RGBA", ".webp"), ("ICO", "RGBA", ".ico"), ("PNG", "1", ".png")])
    return _as(data, fmt, mode), suffix


def mutate(kind: str, data: bytes, other: bytes, rng: random.Random) -> tuple[bytes, str]:
    """One mutated file and its suffix."""
    suffix = ".png" if data.startswith(b"\x89PNG") else ".jpg"
    b = bytearray(data)
    if kind == "bitflip":
        for _ in range(rng.randint(1, 40)):
            i = rng.randrange(len(b))
            b[i] ^= 1 << rng.randrange(8)
    elif kind == "truncate":
        b = b[: rng.randrange(len(b))]
    elif kind == "splice":
        b = b[: rng.randrange(len(b))] + other[rng.randrange(len(other)):]
    elif kind == "zero_block":
        i = rng.randrange(len(b))
        b[i : i + rng.randint(1, 4096)] = bytes(min(len(b) - i, rng.randint(1, 4096)))
    elif kind == "png_chunk":
        png = bytearray(_as(data, "PNG"))
        i = rng.choice([8, 12, 33, 37, len(png) - 12])  # IHDR length and type, IDAT length and type, IEND
        png[i : i + 4] = struct.pack(">I", rng.choice([0, 1, 2**31 - 1, 0xFFFFFFFF, rng.randrange(2**32)]))
        return bytes(png), ".png"
    elif kind == "jpeg_marker":
        jpeg = bytearray(_as(data, "JPEG"))
        marks = [i for i in range(len(jpeg) - 1) if jpeg[i] == 0xFF and jpeg[i + 1] not in (0, 0xFF)]
        i = rng.choice(marks)
        jpeg[i + 1] = rng.choice([0xC0, 0xC4, 0xDA, 0xD9, 0xD8, 0xDB, 0x00, rng.randrange(256)])
        if rng.random() < 0.5 and i + 4 < len(jpeg):
            jpeg[i + 2 : i + 4] = struct.pack(">H", rng.randrange(65536))
        return bytes(jpeg), ".jpg"
    elif kind == "png_bomb":
        return png_bomb(rng), ".png"
    elif kind == "jpeg_bomb":
        return jpeg_bomb(data, rng), ".jpg"
    elif kind == "convert":
        return convert(data, rng)
    return bytes(b), suffix


def make_files(folder: Path, count: int, seed: int, seed_dir: Path) -> collections.Counter:
    """Write ``count`` mutated files into ``folder``; how many of each kind."""
    rng = random.Random(seed)
    pool = seeds(seed_dir)
    kinds: collections.Counter = collections.Counter()
    for n in range(count):
        kind = KINDS[n % len(KINDS)]
        data, suffix = mutate(kind, rng.choice(pool), rng.choice(pool), rng)
        (folder / f"{n:05}-{kind}{suffix}").write_bytes(data)
        kinds[kind] += 1
    return kinds


def tree_rss(pid: int) -> int:
    """Resident bytes of a process and all its descendants."""
    children: dict[int, list[int]] = collections.defaultdict(list)
    rss: dict[int, int] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat") as fh:
                fields = fh.read().rsplit(")", 1)[1].split()
            children[int(fields[1])].append(int(entry.name))
            rss[int(entry.name)] = int(fields[21]) * os.sysconf("SC_PAGE_SIZE")
        except (OSError, IndexError, ValueError):
            continue
    total, stack = 0, [pid]
    while stack:
        p = stack.pop()
        total += rss.get(p, 0)
        stack.extend(children.get(p, []))
    return total


def run_batch(folder: Path, out: Path, jobs: int, stall: float, extra: list[str]) -> dict:
    """Run textrecog batch on the folder; its exit status, time, stderr, peak tree RSS and whether it hung."""
    cmd = [sys.executable, "-m", "textrecog", "batch", str(folder), "--out", str(out), "--jobs", str(jobs), *extra]
    err = tempfile.TemporaryFile(mode="w+")
    t0, peak, last_size, last_change, hung = time.monotonic(), 0, -1, time.monotonic(), False
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=err)
    while proc.poll() is None:
        peak = max(peak, tree_rss(proc.pid))
        size = out.stat().st_size if out.exists() else 0
        if size != last_size:
            last_size, last_change = size, time.monotonic()
        elif time.monotonic() - last_change > stall:
            hung = True
            proc.kill()
            break
        time.sleep(0.05)
    code = proc.wait()
    err.seek(0)
    return {"code": code, "seconds": time.monotonic() - t0, "stderr": err.read(), "peak": peak, "hung": hung}


def report(folder: Path, out: Path, run: dict, kinds: collections.Counter) -> None:
    """Print the figures: one record per file, tracebacks, hangs, peak memory, errors by kind."""
    files = sorted(str(p) for p in folder.iterdir())
    recs = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()] if out.exists() else []
    seen = collections.Counter(r["path"] for r in recs)
    errors = collections.Counter(r["error"].split(" (")[0].split(":")[0] for r in recs if "error" in r)
    print(f"files {len(files)} ({', '.join(f'{k} {v}' for k, v in sorted(kinds.items()))})")
    print(f"records {len(recs)}; missing {len(set(files) - set(seen))}; repeated {sum(v > 1 for v in seen.values())}; "
          f"read {sum('error' not in r for r in recs)}; failed {sum('error' in r for r in recs)}")
    print(f"tracebacks on stderr {run['stderr'].count('Traceback')}; hung {run['hung']}; exit status {run['code']}; "
          f"{run['seconds']:.1f} s; peak RSS of the process tree {run['peak'] / 2**20:,.0f} MiB")
    for reason, n in errors.most_common(12):
        print(f"  {n:6}  {reason}")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--count", type=int, default=3000, help="mutated files (default 3000)")
    p.add_argument("--jobs", type=int, default=2)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--seeds", type=Path, default=ROOT / "samples", help="folder of seed PNGs (default samples/)")
    p.add_argument("--workdir", type=Path, help="keep the files and records here (default: a temporary folder)")
    p.add_argument("--stall", type=float, default=120.0, help="seconds without a new record that count as a hang")
    p.add_argument("batch_args", nargs="*", help="more textrecog batch options, after --")
    args = p.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        work = args.workdir or Path(tmp)
        folder = work / "files"
        folder.mkdir(parents=True, exist_ok=True)
        kinds = make_files(folder, args.count, args.seed, args.seeds)
        out = work / "records.jsonl"
        out.unlink(missing_ok=True)
        run = run_batch(folder, out, args.jobs, args.stall, args.batch_args)
        report(folder, out, run, kinds)
    return 0


if __name__ == "__main__":
    sys.exit(main())
