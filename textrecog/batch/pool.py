"""The local worker pool: files in chunks sized for steady progress, results in input order, a gentle Ctrl-C.

Chunks start at one file a worker and double up to CHUNK, and shrink again
towards the end, so the first records (and the progress bar) come within a
second and no worker is left with a long tail. A first Ctrl-C (or SIGTERM)
lets the chunks in flight finish and be written, then stops; a second one
stops at once. A worker that dies (killed, out of memory) is noticed: the
files of the chunks in flight are run again one at a time in a fresh worker,
and a file that takes that one down too gets an error record. Each worker
has a memory ceiling, so a file too big to decode fails alone.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import threading
from collections import deque
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from collections.abc import Callable, Iterator
from itertools import islice

from tqdm import tqdm

from textrecog.batch.worker import Job, Outcome, failed_outcome, init_worker, run_chunk

# Images per task: the engine reads them with shared model calls and one beam search. For line images,
# 32 a task ran 1.2x as fast as 8 (bench_batch.py --one-line, --jobs 2: 79 → 96 files/s), 64 a little
# faster than 32 once the search read a task's lines together (2026-12-08: 212.9 / 215.4 against
# 200.1 / 213.3 files/s); CHUNK_BYTES of encoded image data at most, so big scans go a few at a time
# and a worker's memory stays bounded.
CHUNK = 64
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
    """SIGINT or SIGTERM while a batch runs: the first asks to stop after the chunks in flight, the second
    stops now. ``signal`` is the one received (the exit status is 128 + it)."""

    SIGNALS = (signal.SIGINT, signal.SIGTERM)

    def __init__(self, prog: str):
        self.prog, self.requested, self.signal, self._old = prog, False, None, {}

    def __call__(self) -> bool:
        return self.requested

    def _handle(self, signum, frame) -> None:
        if self.requested:
            raise KeyboardInterrupt
        self.requested, self.signal = True, signum
        tqdm.write(f"{self.prog}: stopping after the files in flight (Ctrl-C again to stop now)", file=sys.stderr)

    def __enter__(self) -> StopRequest:
        if threading.current_thread() is threading.main_thread():  # signals reach the main thread only
            self._old = {sig: signal.signal(sig, self._handle) for sig in self.SIGNALS}
        return self

    def __exit__(self, *exc) -> None:
        for sig, old in self._old.items():
            signal.signal(sig, old)


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
    pool = WorkerPool(args, start_method)
    try:
        yield from pool.results(chunks, stop)
    finally:
        pool.close()


class WorkerPool:
    """Worker processes that each load the model once; a dead one is replaced and its files retried."""

    def __init__(self, args: argparse.Namespace, start_method: str):
        import multiprocessing as mp

        self.args, self.ctx = args, mp.get_context(start_method)
        self.finished = False  # a clean end: wait for the workers; otherwise they are killed
        self.main = self._executor(args.jobs)
        self.retry: ProcessPoolExecutor | None = None  # one worker, for the files of a broken pool's chunks

    def _executor(self, workers: int) -> ProcessPoolExecutor:
        # workers ignore SIGINT (the terminal sends it to them too; the parent decides what stops)
        return ProcessPoolExecutor(workers, mp_context=self.ctx, initializer=init_worker,
                                   initargs=(self.args, 1, True, True))

    def results(self, chunks: list[list[Job]], stop: Callable[[], bool]) -> Iterator[list[Outcome]]:
        """Each chunk's outcomes, in order; two chunks a worker in flight."""
        todo = iter(chunks)
        pending: deque = deque((c, self._submit(c)) for c in islice(todo, 2 * self.args.jobs))
        while pending:
            chunk, future = pending[0]
            try:
                outcomes = future.result()
            except BrokenProcessPool:  # a worker died: every chunk in flight may have been its
                if stop():
                    return  # stopping anyway: the files in flight are left for --resume
                suspects = [c for c, _ in pending]
                pending.clear()
                self._kill(self.main)
                self.main = self._executor(self.args.jobs)
                for suspect in suspects:
                    yield [self._one_alone(job) for job in suspect]
                pending.extend((c, self._submit(c)) for c in islice(todo, 2 * self.args.jobs))
                continue
            pending.popleft()
            if not stop():
                pending.extend((c, self._submit(c)) for c in islice(todo, 1))
            yield outcomes
        self.finished = True

    def _submit(self, chunk: list[Job]) -> Future:
        """The chunk's future; a pool already broken gives one that says so, handled in its turn."""
        try:
            return self.main.submit(run_chunk, chunk)
        except BrokenProcessPool as exc:  # a worker died since the last result was taken
            future: Future = Future()
            future.set_exception(exc)
            return future

    def _one_alone(self, job: Job) -> Outcome:
        """A file from a chunk in flight when a worker died, run again alone; if it kills that worker too,
        an error record."""
        self.retry = self.retry or self._executor(1)
        try:
            return self.retry.submit(run_chunk, [job]).result()[0]
        except BrokenProcessPool:
            self._kill(self.retry)
            self.retry = None
            return failed_outcome(job.path, "the worker reading this file died twice (killed, or out of "
                                            "memory); the other files went on", self.args.format)

    def close(self) -> None:
        """Stop the workers: let them exit after a clean end, kill them otherwise (Ctrl-C twice, an error)."""
        for executor in (self.main, self.retry):
            if executor is None:
                continue
            if self.finished:
                executor.shutdown(wait=True)
            else:
                self._kill(executor)

    @staticmethod
    def _kill(executor: ProcessPoolExecutor) -> None:
        # Python < 3.14 has no terminate_workers(): kill the processes, then let shutdown reap them
        for process in list((getattr(executor, "_processes", None) or {}).values()):
            if process.is_alive():
                process.kill()
        executor.shutdown(wait=True, cancel_futures=True)
