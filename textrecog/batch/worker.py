"""The batch worker: what a local pool process and a Ray actor both run on a chunk of files.

The model is loaded once per worker; formatting, documents and sidecars are
done here, so the parent process only writes records.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from textrecog.output.documents import FORMATS as DOC_FORMATS
from textrecog.output.records import (
    FATAL_ERRNOS,
    char_count,
    error_record,
    format_record,
    output_error,
    result_record,
    write_new,
    write_sidecar,
)


@dataclass(frozen=True)
class Job:
    """One file to recognise, and where its document goes (alto/page/hocr), if anywhere."""

    path: str
    document: str | None = None


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


def init_worker(args: argparse.Namespace, threads: int = 0, ignore_interrupt: bool = False,
                limit_memory: bool = False) -> None:
    """Set up a worker: its threads, the run's options, the model loaded once, and (a pool process) a
    memory ceiling."""
    if ignore_interrupt:  # a pool process: Ctrl-C is the parent's to handle (it lets the chunk in flight finish)
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)  # not the parent's graceful handler a fork inherits
    if threads:  # one thread per worker process: N workers fill N cores
        os.environ["TEXTRECOG_THREADS"] = str(threads)
        import cv2

        cv2.setNumThreads(threads)  # OpenCV's own pool would contend with the other workers
    from textrecog.pipeline import get_engine

    _WORKER.update(model=args.model, top_k=args.top_k, fmt=args.format, sidecar=args.sidecar,
                   overwrite=args.overwrite, max_bytes=args.max_bytes, max_pixels=args.max_pixels, direction=args.direction,
                   options=args.options)
    get_engine(args.model)  # load the model once per worker
    if limit_memory:
        memory_ceiling(worker_memory(args))


# What a pool worker may allocate beyond itself once its model is loaded. Decoding gets half: a
# 300-megapixel grey scan (300 MB) or a 100-megapixel colour one (400 MB) fit, a crafted header does not.
WORKER_MEMORY = 1024 * 2**20


def worker_memory(args: argparse.Namespace) -> int:
    """What a worker may allocate beyond its loaded model: --worker-memory, else WORKER_MEMORY."""
    return getattr(args, "worker_memory", None) or WORKER_MEMORY


def decode_budget(extra: int) -> int:
    """The bytes one image's decoding may take of a worker's ``extra``: half, the rest for reading it."""
    return extra // 2


def memory_ceiling(extra: int) -> None:
    """Cap this process's address space at its present size plus ``extra`` bytes, so that a file too big
    to decode raises MemoryError (one error record) instead of the kernel killing the worker."""
    from textrecog.imaging.imageio import set_decode_budget

    set_decode_budget(decode_budget(extra))
    try:
        import resource

        with open("/proc/self/statm") as fh:
            size = int(fh.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
        soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        limit = size + extra if hard == resource.RLIM_INFINITY else min(size + extra, hard)
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    except (ImportError, OSError, ValueError):  # not Linux: the decode budget alone guards
        pass


def run_chunk(jobs: list[Job]) -> list[Outcome]:
    """Recognise a chunk of files; every file yields exactly one outcome.

    Formatting, documents and sidecars happen here, in the worker, so the parent only writes.
    """
    return [_outcome(job, rec, result) for job, (rec, result) in zip(jobs, _records([j.path for j in jobs]))]


def _records(paths: list[str]) -> list[tuple[dict, object]]:
    """(record, Result or None) per path."""
    from textrecog.imaging.imageio import ImageError
    from textrecog.pipeline import recognize_many

    t0 = time.perf_counter()
    try:
        results = recognize_many(paths, _WORKER.get("model"), _WORKER.get("top_k", 3), _WORKER.get("max_bytes"),
                                 _WORKER.get("direction", "ltr"), _WORKER.get("options"),
                                 max_pixels=_WORKER.get("max_pixels"))
    except Exception:  # noqa: BLE001 - one bad file must not sink its chunk
        if len(paths) == 1:
            return [(error_record(paths[0], f"internal error: {sys.exc_info()[1]!r}"), None)]
        return [r for p in paths for r in _records([p])]
    seconds = (time.perf_counter() - t0) / max(1, len(paths))
    return [(error_record(p, r.reason), None) if isinstance(r, ImageError) else (result_record(p, r, seconds), r)
            for p, r in zip(paths, results)]


def _outcome(job: Job, rec: dict, result: object) -> Outcome:
    fmt = _WORKER.get("fmt", "jsonl")
    if "error" not in rec and job.document:
        err = _write_document(job, result, fmt)
        if err:
            rec = error_record(job.path, err)
    if "error" not in rec and _WORKER.get("sidecar"):
        err = write_sidecar(Path(rec["path"]), rec["text"], _WORKER.get("overwrite", False))
        if err:
            rec = {**rec, "sidecar_error": err}
    output = "" if fmt in DOC_FORMATS else format_record(rec, fmt)
    return Outcome(rec["path"], output, rec.get("error"), rec.get("sidecar_error"),
                   len(rec.get("lines", [])), char_count(rec.get("text", "")))


def _write_document(job: Job, result, fmt: str) -> str | None:
    """Render and write one document whole; an error message or None."""
    from textrecog.output.documents import render, source_for

    target = Path(job.document)
    try:
        data = render(fmt, result, source_for(Path(job.path), target, result.model))
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        if exc.errno in FATAL_ERRNOS:  # the output is full or read-only: the run stops, not just this file
            raise output_error(target, exc) from None
        return f"cannot write {target} ({exc.strerror or exc})"
    return write_new(target, data, _WORKER.get("overwrite", False))


def failed_outcome(path: str, reason: str, fmt: str) -> Outcome:
    """The outcome of a file that could not be recognised, ready to write."""
    output = "" if fmt in DOC_FORMATS else format_record(error_record(path, reason), fmt)
    return Outcome(path, output, reason, None, 0, 0)
