"""`textrecog batch --cluster`: the same recognition on Ray, for collections too big for one machine.

Ray core actors, one per CPU, each load the model once (the batch worker's
own initialiser) and read chunks of images; the driver keeps a bounded
number of chunks in flight and takes their outcomes back in input order,
so records are written as they stream, exactly as the local batch writes
them. A chunk whose worker dies is run again; if it fails again, its files
are run one by one, and a file that takes a worker down twice is recorded as
an error instead of being retried for ever. Ray is imported only here.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import time
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from textrecog.batch.worker import Job, Outcome, decode_budget, failed_outcome, init_worker, run_chunk, worker_memory
from textrecog.imaging.imageio import set_decode_budget

IN_FLIGHT_PER_ACTOR = 2  # one chunk running, one queued: workers never wait, the driver holds little
ATTEMPTS = 2  # runs of one chunk (then of each of its files) before a file is given up
RESTART_WAIT = 1.0  # seconds, times the attempt, before a crashed chunk is sent again


class ClusterError(RuntimeError):
    """Ray is missing, or the cluster cannot be reached; ``str()`` is one line."""


@dataclass(frozen=True)
class Target:
    """Where to run: a Ray address (None: start a local instance) and CPUs for a local one."""

    address: str | None
    cpus: int | None = None


def parse_target(spec: str) -> Target:
    """``auto`` | ``ray://HOST:PORT`` | ``local`` | ``local:N`` → Target."""
    if spec == "auto":
        address = os.environ.get("RAY_ADDRESS")
        if not address:
            raise ClusterError("--cluster auto joins the cluster in $RAY_ADDRESS, which is not set")
        return Target(address)
    if spec.startswith("ray://"):
        return Target(spec)
    if spec == "local":
        return Target(None, os.cpu_count() or 1)
    if spec.startswith("local:") and spec[6:].isdigit() and int(spec[6:]) > 0:
        return Target(None, int(spec[6:]))
    raise ClusterError(f"--cluster {spec!r}: use auto, ray://HOST:PORT, local or local:N")


def _check_reachable(address: str, timeout: float = 5.0) -> None:
    """Fail in seconds, not minutes, when nothing listens at HOST:PORT (Ray itself retries for long)."""
    import socket

    host, _, port = address.removeprefix("ray://").rpartition(":")
    if not host or not port.isdigit():
        return  # not HOST:PORT: let Ray read it
    try:
        socket.create_connection((host.strip("[]"), int(port)), timeout=timeout).close()
    except OSError as exc:
        raise ClusterError(f"cannot reach the Ray cluster at {address} ({exc.strerror or exc})") from None


def _connect(target: Target):
    try:
        import ray
    except ImportError:
        raise ClusterError('Ray is not installed: pip install "textrecog[cluster]"') from None
    # a command-line tool does not report usage statistics on its user's behalf
    os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
    quiet = {"logging_level": logging.ERROR, "log_to_driver": False, "configure_logging": True}
    if target.address is not None:
        _check_reachable(target.address)
    try:
        if target.address is None:
            ray.init(num_cpus=target.cpus, include_dashboard=False, **quiet)
        else:
            ray.init(address=target.address, **quiet)
    except (ConnectionError, RuntimeError, ValueError) as exc:
        hint = ""
        if "RAY_AUTH_MODE" not in os.environ:  # recent Ray clusters ask for a token by default
            hint = " (a cluster with token authentication needs RAY_AUTH_MODE=token and its token)"
        raise ClusterError(f"cannot join the Ray cluster at {target.address}: {exc}{hint}") from None
    return ray


def _reader_class(ray):
    @ray.remote(num_cpus=1, max_restarts=-1, max_task_retries=0)
    class Reader:
        """One per CPU: the model loaded once, chunks of files read in turn."""

        def __init__(self, args: argparse.Namespace):
            init_worker(args, threads=1)
            # the decode budget of a local worker, not its address-space ceiling (Ray's own threads
            # reserve address space as they please); a crafted header is an error record here too
            set_decode_budget(decode_budget(worker_memory(args)))

        def run(self, jobs: list[Job]) -> list[Outcome]:
            return run_chunk(jobs)

    return Reader


@dataclass(frozen=True)
class _Task:
    """A chunk submitted to an actor: its jobs, Ray's reference to the outcomes, which run this is."""

    jobs: list[Job]
    ref: object
    attempt: int


class _Scheduler:
    """Chunks to actors, round robin, at most ``limit`` in flight; outcomes back in submission order."""

    def __init__(self, ray, actors: list, fmt: str):
        self.ray, self.actors, self.fmt = ray, actors, fmt
        self.limit = IN_FLIGHT_PER_ACTOR * len(actors)
        self.turn = 0

    def submit(self, jobs: list[Job], attempt: int = 1) -> _Task:
        actor = self.actors[self.turn % len(self.actors)]
        self.turn += 1
        return _Task(jobs, actor.run.remote(jobs), attempt)

    def collect(self, task: _Task) -> list[Outcome]:
        """The task's outcomes; a dead worker's chunk is run again, then file by file."""
        from ray.exceptions import RayActorError, WorkerCrashedError

        try:
            return self.ray.get(task.ref)
        except (RayActorError, WorkerCrashedError) as exc:
            print(f"textrecog batch: a worker died ({type(exc).__name__}) reading {len(task.jobs)} "
                  f"file(s) from {task.jobs[0].path}; running them again", file=sys.stderr)
        # Ray restarts the dead actor meanwhile; a call that reaches it before it is back fails unrun and
        # counts as an attempt, so give the restart a moment (longer on a busy machine's second try)
        time.sleep(RESTART_WAIT * task.attempt)
        if task.attempt < ATTEMPTS:
            return self.collect(self.submit(task.jobs, task.attempt + 1))
        if len(task.jobs) > 1:  # find the culprit: each file gets its own attempts
            return [o for job in task.jobs for o in self.collect(self.submit([job]))]
        reason = f"a worker crashed {ATTEMPTS} times reading this file"
        return [failed_outcome(task.jobs[0].path, reason, self.fmt)]


def results(chunks: list[list[Job]], args: argparse.Namespace,
            stop: Callable[[], bool] = lambda: False) -> Iterator[list[Outcome]]:
    """Outcomes chunk by chunk, in input order, from actors on a Ray cluster; once ``stop()`` is true, no
    chunk is sent and the ones sent are collected."""
    target = parse_target(args.cluster)
    ray = _connect(target)
    try:
        cpus = target.cpus or int(ray.cluster_resources().get("CPU", 1))
        reader = _reader_class(ray)
        actors = [reader.remote(args) for _ in range(max(1, min(cpus, len(chunks))))]
        scheduler = _Scheduler(ray, actors, args.format)
        pending: deque[_Task] = deque()
        for chunk in chunks:
            if stop():
                break
            pending.append(scheduler.submit(chunk))
            if len(pending) >= scheduler.limit:
                yield scheduler.collect(pending.popleft())
        while pending:
            yield scheduler.collect(pending.popleft())
    finally:
        ray.shutdown()
