"""textrecog's drawing window: write with mouse, pen or finger; read as you write.

Run ``textrecog-ui`` (or ``textrecog ui``). The same pipeline, crop
normalisation and model files as the command line; no TensorFlow.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from PyQt6.QtCore import QPointF, QRectF, Qt, QTimer, pyqtSignal
from PyQt6.QtGui import QAction, QFont, QGuiApplication, QImage, QKeySequence
from PyQt6.QtWidgets import (
    QApplication,
    QComboBox,
    QFileDialog,
    QLabel,
    QMainWindow,
    QMenu,
    QMessageBox,
    QPlainTextEdit,
    QSpinBox,
    QToolBar,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from .canvas import Canvas
from .decoding import DecodingControls
from .display import display_problem
from .worker import Recognizer

DEBOUNCE_MS = 150


class MainWindow(QMainWindow):
    """The main window; ``canvas`` and ``resultText`` are the automation contract."""

    resultShown = pyqtSignal(str)  # emitted each time a (newer) result is displayed

    def __init__(self, model: str | None = None, lexicon: str | None = None, charset: str | None = None,
                 flag_below: float = 0.5, lang: str = "en"):
        super().__init__()
        self.setWindowTitle("textrecog — write here")
        self.canvas = Canvas()
        self.result_text = QPlainTextEdit()
        self.result_text.setObjectName("resultText")
        self.result_text.setReadOnly(True)  # selectable and copyable, corrected via alternatives
        self.result_text.setFont(QFont(self.result_text.font().family(), 20))
        # a line per written line: room for three, a scroll bar beyond that
        rows = self.result_text.fontMetrics().lineSpacing() * 3
        self.result_text.setFixedHeight(rows + 2 * self.result_text.frameWidth() + 12)
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.addWidget(self.canvas, 1)
        layout.addWidget(self.result_text)
        self.setCentralWidget(central)
        self.recognizer = Recognizer(model)
        self.recognizer.finished.connect(self._on_result)
        self._requested = self._shown = 0
        self._scales: dict[int, float] = {}  # request → its image's scale to the canvas (boxes are drawn scaled)
        self._scale = 1.0
        self._result = None
        self._corrections: dict[int, str] = {}
        self._debounce = QTimer(self, singleShot=True, interval=DEBOUNCE_MS)
        self._debounce.timeout.connect(self.recognize_now)
        self.canvas.strokesChanged.connect(self._debounce.start)
        self.canvas.charMenuRequested.connect(self._alternatives_menu)
        self.canvas.charHovered.connect(self._hover)
        self._build_toolbar(model)
        self.addToolBarBreak()  # the decoding controls on a row of their own: all of them show at 1000 px
        self.decoding = DecodingControls(self.addToolBar("Decoding"), lexicon, charset, flag_below, lang)
        self.decoding.changed.connect(self._options_changed)
        self.decoding.failed.connect(lambda msg: self.statusBar().showMessage(f"Lexicon refused: {msg}"))
        self.recognizer.options = self.decoding.options
        self.statusBar().showMessage("Write a word or a line; the text appears below.")
        self.resize(1000, 520)

    # ---- toolbar and actions ---------------------------------------------
    def _action(self, bar: QToolBar, text: str, shortcut: str | QKeySequence.StandardKey, slot,
                checkable: bool = False, checked: bool = False) -> QAction:
        act = QAction(text, self)
        act.setShortcut(QKeySequence(shortcut))
        act.setCheckable(checkable)
        act.setChecked(checked)
        act.triggered.connect(slot)
        bar.addAction(act)
        return act

    def _build_toolbar(self, model: str | None) -> None:
        bar = self.addToolBar("Tools")
        self._action(bar, "Undo", "Ctrl+Z", self.canvas.undo)
        self._action(bar, "Redo", "Ctrl+Shift+Z", self.canvas.redo)
        self._action(bar, "Clear", "Ctrl+L", self.canvas.clear)
        self.eraser_action = self._action(bar, "Eraser", "E", self._toggle_eraser, checkable=True)
        self._action(bar, "Boxes", "B", self._toggle_boxes, checkable=True, checked=True)
        self._action(bar, "Guide", "G", self._toggle_guide, checkable=True, checked=True)
        bar.addSeparator()
        self._action(bar, "Copy text", "Ctrl+Shift+C", self.copy_text)
        self._action(bar, "Save PNG", "Ctrl+S", self.save_png)
        self._action(bar, "Open image", "Ctrl+O", self.open_image_dialog)
        bar.addSeparator()
        bar.addWidget(QLabel(" Pen "))
        self.pen_spin = QSpinBox(minimum=1, maximum=20, value=int(self.canvas.pen_width))
        self.pen_spin.valueChanged.connect(self._set_pen)
        bar.addWidget(self.pen_spin)
        bar.addWidget(QLabel(" Model "))
        self.model_box = QComboBox()
        self._fill_models(model)
        self.model_box.currentIndexChanged.connect(self._model_changed)
        bar.addWidget(self.model_box)

    def _fill_models(self, model: str | None) -> None:
        from textrecog.engines.model import DEFAULT_MODEL, ModelError, list_models, load_info

        for path in list_models():
            try:
                script = load_info(path).script
            except ModelError:
                continue  # an invalid model cannot be picked; --list-models says why
            self.model_box.addItem(f"{path.name} · {script}", str(path))
        wanted = model or DEFAULT_MODEL
        idx = self.model_box.findData(wanted)
        if idx < 0:  # a name, as in --model line
            names = [Path(self.model_box.itemData(i)).name for i in range(self.model_box.count())]
            idx = names.index(wanted) if wanted in names else -1
        if idx < 0:
            self.model_box.addItem(Path(wanted).name, wanted)
            idx = self.model_box.count() - 1
        self.model_box.setCurrentIndex(idx)

    def _options_changed(self) -> None:
        self.recognizer.options = self.decoding.options
        self.recognizer.direction = self.canvas.direction = self.decoding.direction  # the guide follows
        self.canvas.update()
        self.recognize_now()

    def _model_changed(self) -> None:
        self.recognizer.model = self.model_box.currentData()
        self.recognize_now()

    def _toggle_eraser(self, on: bool) -> None:
        self.canvas.eraser = on
        self.canvas.setCursor(Qt.CursorShape.CrossCursor if on else Qt.CursorShape.ArrowCursor)

    def _toggle_boxes(self, on: bool) -> None:
        self.canvas.show_boxes = on
        self.canvas.update()

    def _toggle_guide(self, on: bool) -> None:
        self.canvas.show_guide = on
        self.canvas.update()

    def _set_pen(self, width: int) -> None:
        self.canvas.pen_width = float(width)
        self.canvas.update()

    # ---- recognition --------------------------------------------------------
    def recognize_now(self) -> None:
        """Send the current drawing to the worker (superseding any waiting request)."""
        self._requested += 1
        if not self.canvas.strokes and self.canvas.background is None:
            self._on_result(self._requested, None, 0.0, "")
            return
        gray, self._scales[self._requested] = self.canvas.recognition_input()
        self.recognizer.submit(self._requested, gray)

    def _on_result(self, request_id: int, result, ms: float, error: str) -> None:
        scale = self._scales.pop(request_id, 1.0)
        if request_id <= self._shown:
            return  # a stale result never overwrites a newer one
        self._shown, self._scale = request_id, scale
        for old in [r for r in self._scales if r < request_id]:
            del self._scales[old]
        if error:
            self.statusBar().showMessage(f"Recognition failed: {error}")
            return
        self._result, self._corrections = result, {}
        self._refresh()
        n = len(self.chars())
        self.statusBar().showMessage(f"Recognised {n} characters in {ms:.0f} ms" if result else "Empty")

    def chars(self) -> list:
        """The recognised characters in reading order."""
        if self._result is None:
            return []
        return [c for line in self._result.lines for w in line.words for c in w.chars]

    def text(self) -> str:
        """The recognised text with the user's corrections applied."""
        if self._result is None:
            return ""
        out, i = [], 0
        for line in self._result.lines:
            words = []
            for w in line.words:
                words.append("".join(self._corrections.get(i + k, c.text) for k, c in enumerate(w.chars)))
                i += len(w.chars)
            out.append(" ".join(words))
        return "\n".join(out)

    def _refresh(self) -> None:
        text = self.text()
        if self.result_text.toPlainText() != text:  # keep the user's selection when nothing changed
            self.result_text.setPlainText(text)
        boxes, i, flagged = [], 0, set()
        for line in self._result.lines if self._result else []:
            for wi, w in enumerate(line.words):
                if w.flagged:
                    flagged |= set(range(i, i + len(w.chars)))
                for k, c in enumerate(w.chars):
                    last = k == len(w.chars) - 1 and wi < len(line.words) - 1
                    b, s = c.box, self._scale
                    boxes.append((QRectF(b.x * s, b.y * s, b.w * s, b.h * s), self._corrections.get(i, c.text), last))
                    i += 1
        self.canvas.boxes, self.canvas.flagged = boxes, flagged
        self.canvas.update()
        self.resultShown.emit(text)

    def choose_alternative(self, index: int, char: str) -> None:
        """Correct recognised character ``index`` to ``char``."""
        self._corrections[index] = char
        self._refresh()

    def _alternatives_menu(self, index: int, global_pos: QPointF) -> None:
        chars = self.chars()
        if not 0 <= index < len(chars):
            return
        menu = QMenu(self)
        for alt in chars[index].alternatives:
            act = menu.addAction(f"{alt.char}    {alt.prob:.0%}")
            act.triggered.connect(lambda _=False, c=alt.char: self.choose_alternative(index, c))
        menu.popup(global_pos.toPoint())

    def _hover(self, index: int, global_pos: QPointF) -> None:
        chars = self.chars()
        if 0 <= index < len(chars):
            alts = "   ".join(f"{a.char} {a.prob:.0%}" for a in chars[index].alternatives[:3])
            QToolTip.showText(global_pos.toPoint(), f"{alts}\n(right-click to correct)", self.canvas)
        else:
            QToolTip.hideText()

    # ---- files and clipboard ------------------------------------------------
    def copy_text(self) -> None:
        """Put the recognised text on the clipboard."""
        QGuiApplication.clipboard().setText(self.text())
        self.statusBar().showMessage("Text copied", 2000)

    def save_png(self, path: str | None = None) -> bool:
        """Save the drawing as PNG (the dialog confirms before replacing a file)."""
        if path is None:
            path, _ = QFileDialog.getSaveFileName(self, "Save drawing", "drawing.png", "PNG images (*.png)")
            if not path:
                return False
        gray = self.canvas.render_gray()
        image = QImage(gray.data, gray.shape[1], gray.shape[0], gray.strides[0], QImage.Format.Format_Grayscale8)
        ok = image.save(path, "PNG")
        self.statusBar().showMessage(f"Saved {path}" if ok else f"Could not save {path}")
        return ok

    def open_image_dialog(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Open image", "",
                                              "Images (*.png *.jpg *.jpeg *.bmp *.tif *.tiff *.webp *.gif)")
        if path:
            self.open_image(path)

    def open_image(self, path: str) -> bool:
        """Show an image under the ink and recognise it; errors leave the window as it was."""
        from textrecog.imaging.imageio import ImageError, load_gray

        try:
            gray = load_gray(path)
        except ImageError as exc:
            self.statusBar().showMessage(f"Cannot open: {exc}")
            box = QMessageBox(QMessageBox.Icon.Warning, "Cannot open image", str(exc), parent=self)
            box.open()  # not modal: the window stays usable
            return False
        image = QImage(gray.data, gray.shape[1], gray.shape[0], gray.strides[0],
                       QImage.Format.Format_Grayscale8).copy()
        if image.width() > self.canvas.width() or image.height() > self.canvas.height():
            image = image.scaled(self.canvas.width(), self.canvas.height(), Qt.AspectRatioMode.KeepAspectRatio,
                                 Qt.TransformationMode.SmoothTransformation)
        self.canvas.clear()
        self.canvas.background, self.canvas.image = image, gray
        self.canvas.image_scale = image.width() / gray.shape[1]
        self.canvas.update()
        self.recognize_now()
        return True

    def closeEvent(self, event) -> None:  # noqa: N802
        self.recognizer.stop()
        super().closeEvent(event)


def main(argv: list[str] | None = None) -> int:
    """Open the window (``textrecog-ui [--model NAME|PATH]``); Ctrl-C in the terminal closes it."""
    import argparse
    import signal

    from textrecog.decoding.flags import probability
    from textrecog.decoding.lm import LMError, lm_for_language
    from textrecog.engines.model import ModelError, load_info

    args = argparse.ArgumentParser(prog="textrecog-ui", description=__doc__.split("\n\n")[0])
    args.add_argument("--model", default=None, help="model name or directory (default: the bundled default)")
    args.add_argument("--lexicon", help="your own words, as for textrecog --lexicon")
    args.add_argument("--charset", help="digits|upper|lower|alnum|chars:ABC, as for textrecog --charset")
    args.add_argument("--flag-below", type=probability, default=0.5, metavar="P",
                      help="mark words below this confidence (default 0.5)")
    args.add_argument("--lang", default="en", metavar="CODE", help="the writing's language (en, fr)")
    ns = args.parse_args(sys.argv[1:] if argv is None else argv)
    try:
        load_info(ns.model)  # a bad --model is a one-line error now, not at the first recognition
        lm_for_language(ns.lang)
    except ModelError as exc:
        print(f"textrecog-ui: model error: {exc}", file=sys.stderr)
        return 2
    except LMError as exc:
        print(f"textrecog-ui: {exc}", file=sys.stderr)
        return 2
    problem = display_problem()
    if problem:
        print(f"textrecog-ui: {problem}", file=sys.stderr)
        return 2
    app = QApplication.instance() or QApplication(sys.argv[:1])
    window = MainWindow(ns.model, ns.lexicon, ns.charset, ns.flag_below, ns.lang)
    window.show()
    signal.signal(signal.SIGINT, lambda *_: window.close())
    tick = QTimer(interval=200)  # Qt's event loop holds the interpreter: wake it so Python sees Ctrl-C
    tick.timeout.connect(lambda: None)
    tick.start()
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
