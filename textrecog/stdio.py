"""Standard streams as Unix tools treat them: a closed pipe ends the output quietly."""

from __future__ import annotations

import os
import sys

EXIT_BROKEN_PIPE = 141  # 128 + SIGPIPE: what a shell reports for a tool whose reader went away
EXIT_INTERRUPTED = 130  # 128 + SIGINT


def discard_stdout() -> None:
    """After stdout's reader went away (``| head``): send what is left to /dev/null, so the exit's flush is quiet."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):  # stdout replaced by something without a file descriptor
        pass
