"""Recognition off the UI thread; a newer request supersedes an older one.

One background thread runs the pipeline. Requests carry increasing ids;
while a recognition runs, newer requests replace the one waiting (never
queue up), and the window only shows a result newer than what it shows.
"""

from __future__ import annotations

import threading
import time

import numpy as np
from PyQt6.QtCore import QObject, pyqtSignal


class Recognizer(QObject):
    """Runs ``textrecog.pipeline.recognize`` on images in a worker thread."""

    # request id, Result (or None), elapsed ms, error message ("" if none)
    finished = pyqtSignal(int, object, float, str)

    def __init__(self, model: str | None = None):
        super().__init__()
        self.model = model
        self.options = None  # DecodeOptions; None: the defaults
        self.direction = "ltr"
        self._cond = threading.Condition()
        self._pending: tuple | None = None
        self._stop = False
        self.busy = False
        self._thread = threading.Thread(target=self._loop, name="textrecog-recognizer", daemon=True)
        self._thread.start()

    def submit(self, request_id: int, gray: np.ndarray) -> None:
        """Queue an image, replacing any request still waiting."""
        with self._cond:
            self._pending = (request_id, gray, self.model, self.options, self.direction)
            self._cond.notify()

    def _loop(self) -> None:
        while True:
            with self._cond:
                while self._pending is None and not self._stop:
                    self._cond.wait()
                if self._stop:
                    return
                request_id, gray, model, options, direction = self._pending
                self._pending = None
                self.busy = True
            self._run(request_id, gray, model, options, direction)
            self.busy = False

    def _run(self, request_id: int, gray: np.ndarray, model: str | None, options, direction: str = "ltr") -> None:
        from textrecog.engines.model import ModelError
        from textrecog.imaging.imageio import ImageError
        from textrecog.pipeline import recognize

        t0 = time.perf_counter()
        try:
            result, error = recognize(gray, model, direction=direction, options=options), ""
        except (ImageError, ModelError, ValueError) as exc:
            result, error = None, str(exc)
        self.finished.emit(request_id, result, (time.perf_counter() - t0) * 1000, error)

    def idle(self) -> bool:
        """True when nothing runs and nothing waits."""
        with self._cond:
            return self._pending is None and not self.busy

    def stop(self) -> None:
        """End the worker thread (at the end of the current recognition)."""
        with self._cond:
            self._stop = True
            self._cond.notify()
        self._thread.join(timeout=5)
