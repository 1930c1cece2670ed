"""The drawing window, driven offscreen through its automation contract."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
pytest.importorskip("PyQt6")
pytest.importorskip("pytestqt")

from PyQt6 import QtCore  # noqa: E402
from PyQt6.QtCore import QEvent, QPointF, Qt, QTimer  # noqa: E402
from PyQt6.QtGui import QMouseEvent  # noqa: E402
from PyQt6.QtWidgets import QApplication, QPlainTextEdit, QWidget  # noqa: E402


def send(widget: QWidget, kind: QEvent.Type, x: float, y: float, pressed: bool) -> None:
    button = Qt.MouseButton.LeftButton if kind != QEvent.Type.MouseMove else Qt.MouseButton.NoButton
    buttons = Qt.MouseButton.LeftButton if pressed else Qt.MouseButton.NoButton
    pos = QPointF(x, y)
    event = QMouseEvent(kind, pos, widget.mapToGlobal(pos), button, buttons, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(widget, event)


def draw(widget: QWidget, points: list[tuple[float, float]], steps: int = 10) -> None:
    """One stroke through ``points`` as press, moves and release events."""
    send(widget, QEvent.Type.MouseButtonPress, *points[0], True)
    for (x0, y0), (x1, y1) in zip(points, points[1:]):
        for t in np.linspace(0, 1, steps)[1:]:
            send(widget, QEvent.Type.MouseMove, x0 + (x1 - x0) * t, y0 + (y1 - y0) * t, True)
    send(widget, QEvent.Type.MouseButtonRelease, *points[-1], False)


def write(window, text: str, x0: float = 60, y0: float = 90) -> None:
    """Write block capitals with mouse events, one drag per stroke."""
    from textrecog.ui.templates import LETTERS

    canvas = window.findChild(QWidget, "canvas")
    for i, ch in enumerate(text):
        for stroke in LETTERS[ch]:
            draw(canvas, [(x0 + 60 * i + x, y0 + y) for x, y in stroke])


@pytest.fixture()
def window(qtbot):
    from textrecog.ui.app import MainWindow

    # block capitals, one stroke set per letter: the character engine's case (and its exact readings)
    w = MainWindow("latin")
    qtbot.addWidget(w)
    w.show()
    yield w
    w.close()


def result_text(window) -> str:
    return window.findChild(QPlainTextEdit, "resultText").toPlainText()


def wait_text(qtbot, window, expected: str, timeout: int = 10000) -> None:
    qtbot.waitUntil(lambda: result_text(window) == expected, timeout=timeout)


def test_contract_widgets(window):
    assert window.findChild(QWidget, "canvas") is window.canvas
    assert isinstance(window.findChild(QPlainTextEdit, "resultText"), QPlainTextEdit)


def test_writing_is_recognised(qtbot, window):
    write(window, "THE")
    wait_text(qtbot, window, "THE")
    assert "ms" in window.statusBar().currentMessage()


def test_undo_redo_clear(qtbot, window):
    write(window, "HAT")
    wait_text(qtbot, window, "HAT")
    window.canvas.undo()  # removes the T's stem: the bar alone is not a T
    qtbot.waitUntil(lambda: result_text(window) != "HAT", timeout=10000)
    assert len(window.canvas.strokes) == 6  # H: 3 strokes, A: 2, T: 2 − 1
    window.canvas.redo()
    wait_text(qtbot, window, "HAT")
    window.canvas.clear()
    wait_text(qtbot, window, "")
    assert window.canvas.strokes == []
    window.canvas.undo()
    wait_text(qtbot, window, "HAT")


def test_two_lines(qtbot, window):
    write(window, "TEX", y0=60)
    write(window, "ALE", y0=200)
    wait_text(qtbot, window, "TEX\nALE")  # shown as two lines, as written
    assert window.text() == "TEX\nALE"
    assert window.result_text.document().blockCount() == 2


def test_alternative_corrects_text(qtbot, window):
    write(window, "LAX")
    wait_text(qtbot, window, "LAX")
    alts = window.chars()[0].alternatives
    assert len(alts) == 3 and alts[0].char == "L"
    window.choose_alternative(0, alts[1].char)
    assert result_text(window) == alts[1].char + "AX"


def test_stale_result_never_overwrites_newer(qtbot, window):
    import textrecog

    newer = textrecog.recognize(np.full((40, 40), 255, np.uint8))
    window._requested = 10
    window._on_result(9, newer, 1.0, "")
    shown = result_text(window)
    window._on_result(7, None, 1.0, "stale error")  # older: ignored
    assert result_text(window) == shown and "stale" not in window.statusBar().currentMessage()


def test_eraser_removes_a_stroke(qtbot, window):
    write(window, "L")
    qtbot.waitUntil(lambda: bool(window.chars()), timeout=10000)
    window.eraser_action.trigger()
    draw(window.canvas, [(60, 100), (60, 140)])  # over the L's stem
    assert window.canvas.strokes == []
    wait_text(qtbot, window, "")


def test_burst_of_strokes_is_recognised_off_the_ui_thread(qtbot, window, monkeypatch):
    """200 strokes, one every 5 ms: recognition never runs on the UI thread and requests coalesce.

    (How long the UI thread is busy is a speed figure: benchmarks/bench_ui.py measures it.)
    """
    import threading

    import textrecog.pipeline

    threads: list[int] = []
    real = textrecog.pipeline.recognize

    def recording(*args, **kwargs):
        threads.append(threading.get_ident())
        return real(*args, **kwargs)

    monkeypatch.setattr(textrecog.pipeline, "recognize", recording)
    strokes = [[(40 + (i % 40) * 22, 60 + (i // 40) * 60 + k * 4) for k in range(8)] for i in range(200)]
    feeder = QTimer(interval=5)
    feeder.timeout.connect(lambda: draw(window.canvas, strokes.pop(), steps=3) if strokes else feeder.stop())
    feeder.start()
    qtbot.waitUntil(lambda: not strokes, timeout=20000)
    # the last request starts once the strokes pause; then wait for it to finish
    qtbot.waitUntil(lambda: bool(threads) and window.recognizer.idle(), timeout=20000)
    assert len(window.canvas.strokes) == 200
    assert threads and threading.get_ident() not in threads
    assert len(threads) < 100  # newer requests replaced waiting ones instead of queueing


def test_corrupt_image_reports_and_window_stays_usable(qtbot, window, tmp_path):
    bad = tmp_path / "broken.png"
    bad.write_bytes(b"\x89PNG\r\n\x1a\n garbage")
    assert window.open_image(str(bad)) is False
    assert "broken.png" in window.statusBar().currentMessage()
    write(window, "TE")
    wait_text(qtbot, window, "TE")


def test_open_image_recognises_it(qtbot, window):
    from pathlib import Path

    sample = Path(__file__).resolve().parent.parent / "samples" / "line-scr.png"
    assert window.open_image(str(sample))
    qtbot.waitUntil(lambda: len(result_text(window).replace(" ", "")) >= 8, timeout=10000)


def test_save_png(qtbot, window, tmp_path):
    write(window, "T")
    out = tmp_path / "drawing.png"
    assert window.save_png(str(out))
    import cv2

    img = cv2.imread(str(out), cv2.IMREAD_GRAYSCALE)
    assert img is not None and img.min() < 50 and img.max() == 255


def test_ui_never_imports_tensorflow():
    code = ("import os, sys; os.environ['QT_QPA_PLATFORM'] = 'offscreen'\n"
            "from PyQt6.QtWidgets import QApplication; app = QApplication([])\n"
            "from textrecog.ui.app import MainWindow; import numpy as np\n"
            "w = MainWindow(); w.recognizer._run(1, np.full((50, 50), 255, np.uint8), None, w.decoding.options)\n"
            "w.recognizer.stop(); assert 'tensorflow' not in sys.modules")
    subprocess.run([sys.executable, "-c", code], check=True, capture_output=True)


def test_window_runs_a_line_model(qtbot, tiny_line_model, tmp_path):
    """The same window reads through the line engine when its model is a line model."""
    import cv2
    from conftest import render_digits

    from textrecog.ui.app import MainWindow

    w = MainWindow(str(tiny_line_model))
    qtbot.addWidget(w)
    w.show()
    path = tmp_path / "digits.png"
    cv2.imwrite(str(path), render_digits("1234"))
    assert w.open_image(str(path))
    wait_text(qtbot, w, "1234")
    assert w.model_box.currentText() == "tinyline" and len(w.canvas.boxes) == 4
    w.close()


def test_model_picker_lists_installed_models_with_their_script(window):
    texts = [window.model_box.itemText(i) for i in range(window.model_box.count())]
    assert {"line · latin", "latin · latin", "hiragana · hiragana", "kuzushiji · kuzushiji"} <= set(texts)
    assert window.model_box.currentText() == "latin · latin"


def test_field_choice_restricts_what_is_read(qtbot, window):
    write(window, "THE")
    wait_text(qtbot, window, "THE")
    window.decoding.field_box.setCurrentIndex(window.decoding.field_box.findData("digits"))
    qtbot.waitUntil(lambda: result_text(window) and result_text(window) != "THE", timeout=10000)
    assert all(c.isdigit() or c.isspace() for c in result_text(window))


def test_the_language_box_lists_the_languages_and_picks_the_language_model(qtbot, window):
    box = window.decoding.lang_box
    assert {box.itemData(i) for i in range(box.count())} >= {"en", "fr"} and box.currentData() == "en"
    assert window.decoding.options.lm == "en"
    box.setCurrentIndex(box.findData("fr"))
    assert window.decoding.options.lm == "fr" and window.recognizer.options.lm == "fr"


def test_flagged_words_are_marked_on_the_canvas(qtbot, window):
    write(window, "THE")
    wait_text(qtbot, window, "THE")
    window.decoding.flag_spin.setValue(1.0)  # every word is below certainty
    qtbot.waitUntil(lambda: len(window.canvas.flagged) == 3, timeout=10000)
    window.decoding.flag_spin.setValue(0.0)
    qtbot.waitUntil(lambda: not window.canvas.flagged, timeout=10000)


def test_lexicon_file_is_used_or_refused_with_a_reason(qtbot, window, tmp_path):
    good = tmp_path / "names.txt"
    good.write_text("Tahl Theo\n", encoding="utf-8")
    window.decoding.set_lexicon(str(good))
    assert window.recognizer.options.lexicon.folded == {"tahl", "theo"}
    assert "2 words" in window.decoding.lexicon_action.text()
    bad = tmp_path / "empty.txt"
    bad.write_text("", encoding="utf-8")
    window.decoding.set_lexicon(str(bad))
    assert "Lexicon refused" in window.statusBar().currentMessage() and str(bad) in window.statusBar().currentMessage()
    write(window, "THE")
    wait_text(qtbot, window, "THE")  # still reads


ETL = os.path.join(os.path.dirname(__file__), "..", "..", "shared", "data", "etl8b2_hiragana")


def trace(window, image: np.ndarray, x0: float, y0: float, scale: float = 1.5) -> None:
    """Write a sample with the pen: every horizontal run of its ink becomes one stroke."""
    canvas = window.canvas
    ink = image < 128
    for y in range(ink.shape[0]):
        row = np.flatnonzero(np.diff(np.r_[0, ink[y].astype(int), 0]))
        for a, b in zip(row[::2], row[1::2]):
            pts = [(x0 + a * scale, y0 + y * scale), (x0 + max(a + 0.5, b - 1) * scale, y0 + y * scale)]
            draw(canvas, pts, steps=2)


@pytest.mark.skipif(not os.path.isdir(ETL), reason="../shared/data/etl8b2_hiragana is not beside the checkout")
@pytest.mark.parametrize("direction", ["ltr", "ttb"])
def test_window_reads_kana_written_from_held_out_samples(qtbot, direction):
    from pathlib import Path

    from PIL import Image

    from textrecog.data import kana
    from textrecog.ui.app import MainWindow

    test = kana.split_by_number(kana.etl8b2_samples(Path(ETL)))["test"]  # writers never trained on
    picks = [test[i] for i in (3, 300, 600, 900, 1200)]  # a line of five, as the end-to-end lines
    w = MainWindow("hiragana")
    qtbot.addWidget(w)
    w.resize(1000, 760)
    w.show()
    w.canvas.pen_width = 2.0
    assert w.model_box.currentText() == "hiragana · hiragana"
    w.decoding.direction_box.setCurrentIndex(w.decoding.direction_box.findData(direction))
    assert w.canvas.direction == direction and w.recognizer.direction == direction
    for k, (path, _, _) in enumerate(picks):
        image = np.asarray(Image.open(path).convert("L"))
        x, y = (60 + 110 * k, 150) if direction == "ltr" else (700, 30 + 110 * k)
        trace(w, image, x, y)
    truth = "".join(ch for _, ch, _ in picks)
    from textrecog.evaluation.metrics import edit_distance

    qtbot.waitUntil(lambda: len(result_text(w)) >= 4, timeout=20000)
    qtbot.wait(1500)  # the last stroke's recognition
    assert edit_distance(truth, result_text(w)) <= 1, (truth, result_text(w))
    if direction == "ttb":
        assert w.canvas.guide_columns()  # the guide marks columns
    w.close()


@pytest.mark.parametrize("name", ["line-scr.png", "line-att.png", "cursive-line-att.png"])
def test_an_opened_image_reads_as_the_command_line_reads_it(qtbot, name):
    """One path: the window reads the image as loaded, not its scaled on-screen copy."""
    from pathlib import Path

    from textrecog.pipeline import recognize
    from textrecog.ui.app import MainWindow

    sample = Path(__file__).resolve().parent.parent / "samples" / name
    w = MainWindow()  # the default model and decoding, as `textrecog IMAGE`
    qtbot.addWidget(w)
    w.show()
    assert w.open_image(str(sample))
    expected = recognize(str(sample)).text
    wait_text(qtbot, w, expected, timeout=20000)
    # the boxes are drawn where the characters are on screen: inside the shown image
    shown = w.canvas.background.rect()
    assert w.canvas.boxes and all(shown.contains(r.toAlignedRect().center()) for r, _, _ in w.canvas.boxes)
    w.close()


def test_a_large_image_is_read_at_its_own_size_and_boxes_are_scaled(qtbot, window, tmp_path):
    from pathlib import Path

    from PIL import Image

    from textrecog.pipeline import recognize

    sample = Path(__file__).resolve().parent.parent / "samples" / "line-scr.png"
    big = tmp_path / "big.png"
    img = Image.open(sample)
    img.resize((img.width * 3, img.height * 3), Image.Resampling.LANCZOS).save(big)
    assert window.open_image(str(big))
    assert window.canvas.image_scale < 1  # shown smaller than it is
    wait_text(qtbot, window, recognize(str(big), "latin").text, timeout=20000)
    assert max(r.right() for r, _, _ in window.canvas.boxes) <= window.canvas.background.width() + 1


def test_all_controls_show_at_the_default_size(window):
    from PyQt6.QtWidgets import QToolBar

    bars = window.findChildren(QToolBar)
    assert len(bars) == 2
    for bar in bars:
        for action in bar.actions():
            if action.isSeparator():
                continue
            widget = bar.widgetForAction(action)
            assert widget is not None and widget.isVisible(), (bar.windowTitle(), action.text())


def test_the_guide_is_hidden_under_an_opened_image(qtbot, window):
    from pathlib import Path

    def has_guide() -> bool:  # the guide's light blue dashes (antialiased) along its first row
        img = window.canvas.grab().toImage()
        y = int(window.canvas.guide_rows()[0])
        blue = [img.pixelColor(x, yy) for yy in (y - 1, y) for x in range(20, img.width() - 20)]
        return sum(c.blue() - c.red() > 20 for c in blue) > 100

    assert has_guide()
    assert window.open_image(str(Path(__file__).resolve().parent.parent / "samples" / "line-scr.png"))
    assert not has_guide()


def test_a_bad_model_is_refused_at_start_in_one_line():
    proc = subprocess.run([sys.executable, "-m", "textrecog.ui.app", "--model", "nosuch"], capture_output=True,
                          text=True, timeout=60, env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    assert proc.returncode == 2
    assert proc.stderr.strip().count("\n") == 0 and "nosuch" in proc.stderr and "textrecog-ui:" in proc.stderr


def test_no_display_and_a_missing_xcb_library_are_one_line_each():
    from textrecog.ui.display import display_problem

    found = lambda name: "lib" + name  # noqa: E731
    if sys.platform == "linux":
        assert "no display" in display_problem({}, found)
        assert "libxcb-cursor0" in display_problem({"DISPLAY": ":0"}, lambda name: None)
    assert display_problem({"DISPLAY": ":0"}, found) is None
    assert display_problem({"QT_QPA_PLATFORM": "offscreen"}, lambda name: None) is None


@pytest.mark.skipif(sys.platform != "linux", reason="the X11 platform plugin is Linux's")
def test_every_missing_xcb_library_is_named_with_its_package():
    from textrecog.ui.display import display_problem

    # a fresh Debian with libxcb-cursor0 but without the icccm and keysyms libraries (Qt blames xcb-cursor0)
    absent = {"xcb-icccm", "xcb-keysyms"}
    problem = display_problem({"DISPLAY": ":0"}, lambda name: None if name in absent else "lib" + name)
    assert "\n" not in problem and "libxcb-icccm4 libxcb-keysyms1" in problem and "libxcb-cursor0" not in problem


def test_the_libraries_checked_are_the_ones_the_plugin_links():
    from textrecog.ui.display import XCB_LIBRARIES

    plugin = Path(QtCore.QLibraryInfo.path(QtCore.QLibraryInfo.LibraryPath.PluginsPath)) / "platforms" / "libqxcb.so"
    if not plugin.exists():
        pytest.skip("no X11 platform plugin in this PyQt6")
    bundled = Path(QtCore.QLibraryInfo.path(QtCore.QLibraryInfo.LibraryPath.LibrariesPath))
    needed = set()
    for lib in (plugin, *bundled.glob("libQt6XcbQpa.so*")):
        needed |= set(re.findall(rb"lib((?:xcb|X11|xkbcommon)[\w-]*)\.so", lib.read_bytes()))
    assert {n.decode() for n in needed} <= set(XCB_LIBRARIES)


def test_without_pyqt6_the_entry_point_says_how_to_install_it(monkeypatch, capsys):
    from textrecog.ui import launch

    monkeypatch.setitem(sys.modules, "textrecog.ui.app", None)  # import fails as without PyQt6
    assert launch.main([]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "textrecog[ui]" in err


def test_ctrl_c_closes_the_window(tmp_path):
    import signal
    import time

    code = ("import sys; from textrecog.ui.app import main; sys.exit(main([]))")
    proc = subprocess.Popen([sys.executable, "-c", code], stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    time.sleep(4)  # the window is up (the model loads on the first recognition, not at start)
    proc.send_signal(signal.SIGINT)
    assert proc.wait(timeout=20) == 0, proc.stderr.read()
