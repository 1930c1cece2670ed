"""Drawing-window recognition latency for canvases holding 1, 10 and 30 characters.

    QT_QPA_PLATFORM=offscreen python benchmarks/bench_ui.py [--repeat 20]

Times what one recognition in the window costs: rendering the canvas to an
image (UI thread) plus the pipeline (worker thread), median and p95 in ms.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time

import numpy as np

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

def fill(canvas, count: int) -> None:
    """Write ``count`` capitals in rows of 15, as finished strokes."""
    from ui.templates import letter_strokes

    letters = "THEAX"
    for i in range(count):
        for stroke in letter_strokes(letters[i % len(letters)], 40 + (i % 15) * 60, 60 + (i // 15) * 110):
            canvas.add_stroke(stroke)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--repeat", type=int, default=20)
    args = p.parse_args()
    from PyQt6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(sys.argv[:1])
    from textrecog.pipeline import recognize
    from ui.app import MainWindow

    for count in (1, 10, 30):
        window = MainWindow()
        window.resize(1000, 520)
        window.show()
        app.processEvents()
        fill(window.canvas, count)
        recognize(window.canvas.render_gray())  # warm: model loaded
        times = []
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            recognize(window.canvas.render_gray())
            times.append((time.perf_counter() - t0) * 1000)
        p95 = float(np.percentile(times, 95))
        print(f"{count:>2} characters: median {statistics.median(times):.1f} ms, p95 {p95:.1f} ms")
        window.close()


if __name__ == "__main__":
    main()
