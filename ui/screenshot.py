"""Screenshot of the window for the README: ``QT_QPA_PLATFORM=offscreen python -m textrecog.ui.screenshot OUT.png``.

Opens the window at its default size, opens a bundled handwriting sample,
writes a few block capitals under it with simulated pen strokes, waits for
recognition and renders the window (no display or X server needed). Run it
after any change to the window or the default model, and commit the image.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from PyQt6.QtWidgets import QApplication

from .templates import letter_strokes

ROOT = Path(__file__).resolve().parent.parent


def _wait(app: QApplication, seconds: float) -> None:
    end = time.time() + seconds
    while time.time() < end:
        app.processEvents()
        time.sleep(0.01)


def main(out: str) -> None:
    app = QApplication(sys.argv[:1])
    from .app import MainWindow

    window = MainWindow()
    window.show()
    _wait(app, 0.5)
    window.open_image(str(ROOT / "samples" / "line-att.png"))
    for i, ch in enumerate("TEXT"):
        for stroke in letter_strokes(ch, 60 + 70 * i, 230):
            window.canvas.add_stroke(stroke)
    _wait(app, 3.0)
    window.grab().save(out)
    print(f"{out}: {window.result_text.toPlainText()!r}")
    window.close()


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "ui-screenshot.png")
