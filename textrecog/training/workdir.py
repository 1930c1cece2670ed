"""A training run's work folder: kept when it holds something to continue from, removed when it does not."""

from __future__ import annotations

import shutil
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

# what a run leaves that the same command continues from (the line trainer's, then Keras's)
RESUMABLE = ("state.json", "last.weights.h5", "backup", "best.keras")


def resumable(workdir: Path) -> bool:
    """Whether the folder holds a checkpoint that running the same command again continues from."""
    return any((workdir / name).exists() for name in RESUMABLE)


@contextmanager
def work_folder(workdir: Path, prog: str = "textrecog train") -> Iterator[Path]:
    """Create ``workdir`` for a run; if the run fails, remove it when this run made it and left nothing
    to continue from, else say where it is and how to continue."""
    made = not workdir.exists()
    workdir.mkdir(parents=True, exist_ok=True)
    try:
        yield workdir
    except BaseException as exc:
        if made and not resumable(workdir):
            shutil.rmtree(workdir, ignore_errors=True)
        elif resumable(workdir):
            stopped = "interrupted" if isinstance(exc, KeyboardInterrupt) else "stopped"
            print(f"{prog}: {stopped}; the checkpoint is kept in {workdir}: run the same command again "
                  f"to continue", file=sys.stderr)
        raise
