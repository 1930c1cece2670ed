"""A dependency-free progress line for stderr: done/total, rate, ETA, failures."""

from __future__ import annotations

import sys
import time
from typing import TextIO


class Progress:
    """Redraws one status line on a terminal; silent when stderr is not a terminal."""

    def __init__(self, total: int, stream: TextIO | None = None, every: float = 0.2):
        self.total, self.done, self.failed = total, 0, 0
        self.stream = stream or sys.stderr
        self.live = bool(getattr(self.stream, "isatty", lambda: False)())
        self.t0 = self._last = time.monotonic()
        self.every = every

    def update(self, done: int = 1, failed: int = 0) -> None:
        """Count finished files and redraw at most every ``every`` seconds."""
        self.done += done
        self.failed += failed
        now = time.monotonic()
        if self.live and (now - self._last >= self.every or self.done == self.total):
            self._last = now
            self.stream.write("\r" + self.line() + "\033[K")
            self.stream.flush()

    def rate(self) -> float:
        """Files per second so far."""
        return self.done / max(1e-9, time.monotonic() - self.t0)

    def line(self) -> str:
        """The status text: files done, files/s, ETA, failures."""
        rate = self.rate()
        left = (self.total - self.done) / rate if rate > 0 else 0.0
        eta = f"{int(left // 60)}:{int(left % 60):02d}"
        pct = 100.0 * self.done / max(1, self.total)
        return f"{self.done}/{self.total} files ({pct:.0f}%)  {rate:.1f} files/s  ETA {eta}  {self.failed} failed"

    def close(self) -> None:
        """End the live line."""
        if self.live:
            self.stream.write("\n")
            self.stream.flush()
