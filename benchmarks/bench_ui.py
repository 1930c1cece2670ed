"""Drawing-window recognition latency for canvases holding 1, 10 and 30 characters.

    QT_QPA_PLATFORM=offscreen python benchmarks/bench_ui.py [--repeat 20]

Times what one recognition in the window costs: rendering the canvas to an
image (UI thread) plus the pipeline (worker thread), median and p95 in ms. Every
line is read afresh each time, as after a stroke on each of them (a line no
stroke touched would come back from the engine's recent lines).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time

import numpy as np

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

def fill(canvas, count: int, per_row: int = 15, pitch: int = 60) -> None:
    """Write ``count`` capitals in rows of ``per_row``, ``pitch`` px apart, as finished strokes."""
    from textrecog.ui.templates import letter_strokes

    letters = "THEAX"
    for i in range(count):
        x, y = 40 + (i % per_row) * pitch, 60 + (i // per_row) * 110
        for stroke in letter_strokes(letters[i % len(letters)], x, y):
            canvas.add_stroke(stroke)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--repeat", type=int, default=20)
    p.add_argument("--model", default=None, help="model name or directory (default: the default model)")
    args = p.parse_args()
    from PyQt6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(sys.argv[:1])
    from textrecog.pipeline import get_engine, recognize
    from textrecog.ui.app import MainWindow

    # the last case: 30 characters on one line (pitch 45 px across a 1400 px canvas)
    for count, per_row, pitch, width in ((1, 15, 60, 1000), (10, 15, 60, 1000), (30, 15, 60, 1000),
                                         (30, 30, 45, 1450)):
        window = MainWindow(args.model)
        window.resize(width, 520)
        window.show()
        app.processEvents()
        fill(window.canvas, count, per_row, pitch)
        gray = window.canvas.render_gray()
        recognize(gray, args.model)  # warm: model loaded
        engine = get_engine(args.model)
        times = []
        for _ in range(args.repeat):
            # as after a stroke on every line: the engine would otherwise hand back the lines it just read
            getattr(engine, "forget", lambda: None)()
            t0 = time.perf_counter()
            recognize(window.canvas.render_gray(), args.model)
            times.append((time.perf_counter() - t0) * 1000)
        p95 = float(np.percentile(times, 95))
        rows = -(-count // per_row)
        print(f"{count:>2} characters on {rows} line(s): median {statistics.median(times):.1f} ms, "
              f"p95 {p95:.1f} ms")
        window.close()


if __name__ == "__main__":
    main()
