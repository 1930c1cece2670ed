"""`textrecog batch DIR`: recognise every image of a folder tree, fast and safely.

Results are written as they come, one complete record per file, flushed at
once; ``--resume`` skips files already in the output, so an interrupted run
(Ctrl+C, kill -9) loses at most the files in flight and a rerun completes
the set without duplicates. Output is in sorted path order.
"""

from __future__ import annotations

import argparse
import fnmatch
import os
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from textrecog.batch_io import (FORMATS, RecordWriter, char_count, done_paths, error_record,
                                format_record, result_record, write_sidecar)
from textrecog.data.images import IMAGE_SUFFIXES
from textrecog.progress import Progress

CHUNK = 8  # images per task: their characters go to the classifier in one call


def walk_images(roots: list[Path], pattern: str | None, recursive: bool,
                problems: list[tuple[str, str]]) -> list[Path]:
    """Image files under ``roots`` (files given directly are kept), sorted.

    Follows symbolic links but visits each real folder once (no loops);
    unreadable folders are reported in ``problems``.
    """
    found: set[Path] = set()
    for root in roots:
        if root.is_file() or not root.exists():
            found.add(root)
            continue
        seen: set[tuple[int, int]] = set()
        for path in _walk(root, recursive, seen, problems):
            if path.suffix.lower() in IMAGE_SUFFIXES and (not pattern or fnmatch.fnmatch(path.name, pattern)
                                                          or fnmatch.fnmatch(str(path.relative_to(root)), pattern)):
                found.add(path)
    return sorted(found, key=str)


def _walk(folder: Path, recursive: bool, seen: set, problems: list) -> Iterator[Path]:
    try:
        st = folder.stat()
        if (st.st_dev, st.st_ino) in seen:
            return  # a symlink loop or a second link to a folder already walked
        seen.add((st.st_dev, st.st_ino))
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError as exc:
        problems.append((str(folder), f"cannot read folder ({exc.strerror or exc})"))
        return
    for entry in entries:
        path = Path(entry.path)
        try:
            if entry.is_dir(follow_symlinks=True):
                if recursive:
                    yield from _walk(path, recursive, seen, problems)
            elif entry.is_file(follow_symlinks=True):
                yield path
        except OSError as exc:
            problems.append((str(path), f"cannot read ({exc.strerror or exc})"))


@dataclass(frozen=True)
class Outcome:
    """One file done by a worker: its output text, ready to write, and counts for the summary."""

    path: str
    output: str  # the formatted record (one or more complete lines)
    error: str | None  # why the file could not be recognised
    sidecar_error: str | None
    lines: int
    chars: int


_WORKER: dict = {}


def _init_worker(args: argparse.Namespace, threads: int = 0) -> None:
    if threads:  # one thread per worker process: N workers fill N cores
        os.environ["TEXTRECOG_THREADS"] = str(threads)
        import cv2

        cv2.setNumThreads(threads)  # OpenCV's own pool would contend with the other workers
    from textrecog.pipeline import get_engine

    _WORKER.update(model=args.model, top_k=args.top_k, fmt=args.format, sidecar=args.sidecar,
                   overwrite=args.overwrite)
    get_engine(args.model)  # load the model once per worker


def _run_chunk(paths: list[str]) -> list[Outcome]:
    """Recognise a chunk of files; every file yields exactly one outcome.

    Formatting and sidecars happen here, in the worker, so the parent only writes.
    """
    return [_outcome(rec) for rec in _records(paths)]


def _records(paths: list[str]) -> list[dict]:
    from textrecog.imageio import ImageError
    from textrecog.pipeline import recognize_many

    t0 = time.perf_counter()
    try:
        results = recognize_many(paths, _WORKER.get("model"), _WORKER.get("top_k", 3))
    except Exception:  # noqa: BLE001 - one bad file must not sink its chunk
        if len(paths) == 1:
            return [error_record(paths[0], f"internal error: {sys.exc_info()[1]!r}")]
        return [r for p in paths for r in _records([p])]
    seconds = (time.perf_counter() - t0) / max(1, len(paths))
    return [error_record(p, r.reason) if isinstance(r, ImageError) else result_record(p, r, seconds)
            for p, r in zip(paths, results)]


def _outcome(rec: dict) -> Outcome:
    if "error" not in rec and _WORKER.get("sidecar"):
        err = write_sidecar(Path(rec["path"]), rec["text"], _WORKER.get("overwrite", False))
        if err:
            rec = {**rec, "sidecar_error": err}
    return Outcome(rec["path"], format_record(rec, _WORKER.get("fmt", "jsonl")), rec.get("error"),
                   rec.get("sidecar_error"), len(rec.get("lines", [])), char_count(rec.get("text", "")))


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="textrecog batch", description=__doc__.split("\n\n")[0])
    p.add_argument("inputs", nargs="+", type=Path, metavar="DIR", help="folders (or image files)")
    p.add_argument("--out", type=Path, help="output file (default: stdout)")
    p.add_argument("--format", choices=FORMATS, help="jsonl, csv or txt (default: from --out's suffix, "
                   "else txt on stdout)")
    p.add_argument("--sidecar", action="store_true", help="also write IMAGE.txt beside each image")
    p.add_argument("--overwrite", action="store_true", help="replace an existing --out file or sidecars")
    p.add_argument("--resume", action="store_true", help="skip files already in --out and append")
    p.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="worker processes (default: cores)")
    p.add_argument("--glob", help="only files whose relative path or name matches, e.g. '*.png'")
    p.add_argument("--no-recursive", dest="recursive", action="store_false", help="do not enter subfolders")
    p.add_argument("--model", default=None, help="model name or directory (default: the bundled default model)")
    p.add_argument("--top-k", type=int, default=3)
    args = p.parse_args(argv)
    if args.format is None:
        suffix = args.out.suffix.lstrip(".").lower() if args.out else ""
        args.format = suffix if suffix in FORMATS else ("jsonl" if args.out else "txt")
    return args


def _check_output(args: argparse.Namespace) -> str | None:
    """Refuse to clobber an existing output file silently."""
    if args.out and args.out.exists() and args.out.stat().st_size and not (args.resume or args.overwrite):
        return f"{args.out} exists: use --resume to continue it or --overwrite to replace it"
    if args.resume and not args.out:
        return "--resume needs --out"
    return None


def _chunks(paths: list[str], size: int) -> list[list[str]]:
    return [paths[i : i + size] for i in range(0, len(paths), size)]


def _results(todo: list[str], args: argparse.Namespace) -> Iterator[list[Outcome]]:
    """Outcomes chunk by chunk, in input order, from a worker pool (or in-process)."""
    chunks = _chunks(todo, CHUNK if len(todo) > CHUNK * args.jobs else max(1, len(todo) // max(1, args.jobs)))
    if args.jobs <= 1 or len(chunks) <= 1:
        _init_worker(args)
        yield from map(_run_chunk, chunks)
        return
    import multiprocessing as mp

    ctx = mp.get_context("spawn" if sys.platform == "darwin" else "fork")
    with ctx.Pool(args.jobs, initializer=_init_worker, initargs=(args, 1)) as pool:
        yield from pool.imap(_run_chunk, chunks)


def run(args: argparse.Namespace) -> int:
    """Recognise every image found; write records as they come; summarise."""
    from textrecog.model import ModelError, load_info

    problem = _check_output(args)
    if problem:
        print(f"textrecog batch: {problem}", file=sys.stderr)
        return 2
    try:
        load_info(args.model)
    except ModelError as exc:
        print(f"textrecog batch: model error: {exc}", file=sys.stderr)
        return 2
    problems: list[tuple[str, str]] = []
    files = [str(p) for p in walk_images(args.inputs, args.glob, args.recursive, problems)]
    done = done_paths(args.out, args.format, set(files)) if args.resume and args.out else set()
    todo = [f for f in files if f not in done]
    writer = RecordWriter(args.out, args.format, append=args.resume)
    stats = {"files": 0, "failed": 0, "lines": 0, "chars": 0}
    for path, reason in problems:
        writer.write(error_record(path, reason))
        stats["failed"] += 1
    progress = Progress(len(todo))
    t0 = time.monotonic()
    try:
        for outcomes in _results(todo, args):
            for done_file in outcomes:
                _finish(done_file, writer, stats, progress)
    except KeyboardInterrupt:
        progress.close()
        print(f"textrecog batch: interrupted after {stats['files']} files; rerun with --resume to finish",
              file=sys.stderr)
        return 130
    finally:
        writer.close()
    progress.close()
    _summary(stats, len(done), time.monotonic() - t0)
    return 1 if stats["failed"] else 0


def _finish(done: Outcome, writer: RecordWriter, stats: dict, progress: Progress) -> None:
    writer.write_text(done.output)
    if done.error:
        print(f"\rtextrecog batch: {done.path}: {done.error}", file=sys.stderr)
    if done.sidecar_error:  # names its file already
        print(f"\rtextrecog batch: {done.sidecar_error}", file=sys.stderr)
    failed = bool(done.error or done.sidecar_error)
    stats["files"] += 1
    stats["failed"] += failed
    stats["lines"] += done.lines
    stats["chars"] += done.chars
    progress.update(1, int(failed))


def _summary(stats: dict, skipped: int, seconds: float) -> None:
    rate = stats["files"] / max(seconds, 1e-9)
    print(f"textrecog batch: {stats['files']} files, {stats['lines']} lines, {stats['chars']} characters, "
          f"{stats['failed']} failed, {skipped} already done, {seconds:.1f} s, {rate:.1f} files/s",
          file=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    """Entry point of ``textrecog batch``."""
    return run(parse_args(argv))
