"""Screenshot of the window for the README: ``xvfb-run python -m textrecog.ui.screenshot OUT.png``.

Opens a bundled handwriting sample, writes a few block capitals under it
with simulated pen strokes, waits for recognition and grabs the X screen.
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
    window.resize(1100, 560)
    window.show()
    _wait(app, 0.5)
    window.open_image(str(ROOT / "samples" / "line-att.png"))
    for i, ch in enumerate("TEXT"):
        for stroke in letter_strokes(ch, 60 + 70 * i, 230):
            window.canvas.add_stroke(stroke)
    _wait(app, 3.0)
    screen = app.primaryScreen()
    shot = screen.grabWindow(0, window.x(), window.y(), window.frameGeometry().width(),
                             window.frameGeometry().height())
    shot.save(out)
    print(f"{out}: {window.result_text.toPlainText()!r}")
    window.close()


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "ui-screenshot.png")
