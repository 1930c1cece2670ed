"""The local worker pool: files in chunks sized for steady progress, results in input order, a gentle Ctrl-C.

Chunks start at one file a worker and double up to CHUNK, and shrink again
towards the end, so the first records (and the progress bar) come within a
second and no worker is left with a long tail. A first Ctrl-C lets the chunks
in flight finish and be written, then stops; a second one stops at once.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import threading
from collections import deque
from collections.abc import Callable, Iterator
from itertools import islice

from tqdm import tqdm

from textrecog.batch.worker import Job, Outcome, init_worker, run_chunk

# Images per task: the engine reads them with shared model calls. For line images, 32 a task ran
# 1.2x as fast as 8 (bench_batch.py --one-line, --jobs 2: 79 → 96 files/s); CHUNK_BYTES of encoded
# image data at most, so big scans go a few at a time and a worker's memory stays bounded.
CHUNK = 32
CHUNK_BYTES = 8 * 2**20


def chunk_plan(jobs: list[Job], workers: int, cap: int = CHUNK, max_bytes: int = CHUNK_BYTES) -> list[list[Job]]:
    """Consecutive chunks: 1 file a worker first, doubling up to ``cap``, smaller again near the end,
    and never more than ``max_bytes`` of files (past the first file of a chunk)."""
    workers = max(1, workers)
    chunks: list[list[Job]] = []
    i, size = 0, 1
    while i < len(jobs):
        # the tail: about two chunks a worker for what is left, so the last ones finish together
        want = max(1, min(size, cap, (len(jobs) - i) // (2 * workers) or 1))
        chunk, total = [], 0
        while i < len(jobs) and len(chunk) < want:
            nbytes = _size(jobs[i].path)
            if chunk and total + nbytes > max_bytes:
                break
            chunk.append(jobs[i])
            total += nbytes
            i += 1
        chunks.append(chunk)
        if len(chunks) % workers == 0:
            size *= 2
    return chunks


def _size(path: str) -> int:
    try:
        return os.stat(path).st_size
    except OSError:
        return 0  # the reader will word the problem


class StopRequest:
    """SIGINT while a batch runs: the first asks to stop after the chunks in flight, the second stops now."""

    def __init__(self, prog: str):
        self.prog, self.requested, self._old = prog, False, None

    def __call__(self) -> bool:
        return self.requested

    def _handle(self, signum, frame) -> None:
        if self.requested:
            raise KeyboardInterrupt
        self.requested = True
        tqdm.write(f"{self.prog}: stopping after the files in flight (Ctrl-C again to stop now)", file=sys.stderr)

    def __enter__(self) -> StopRequest:
        if threading.current_thread() is threading.main_thread():  # signals reach the main thread only
            self._old = signal.signal(signal.SIGINT, self._handle)
        return self

    def __exit__(self, *exc) -> None:
        if self._old is not None:
            signal.signal(signal.SIGINT, self._old)


def local_results(chunks: list[list[Job]], args: argparse.Namespace, stop: Callable[[], bool],
                  start_method: str) -> Iterator[list[Outcome]]:
    """Outcomes chunk by chunk, in input order, in this process or from a pool of ``args.jobs`` workers."""
    if args.jobs <= 1 or len(chunks) <= 1:
        init_worker(args)
        for chunk in chunks:
            if stop():
                return
            yield run_chunk(chunk)
        return
    import multiprocessing as mp

    ctx = mp.get_context(start_method)
    # workers ignore SIGINT: the terminal sends it to them too, and the parent decides what stops
    with ctx.Pool(args.jobs, initializer=init_worker, initargs=(args, 1, True)) as pool:
        todo = iter(chunks)
        pending: deque = deque(pool.apply_async(run_chunk, (c,)) for c in islice(todo, 2 * args.jobs))
        while pending:
            outcomes = pending.popleft().get()
            if not stop():
                pending.extend(pool.apply_async(run_chunk, (c,)) for c in islice(todo, 1))
            yield outcomes
