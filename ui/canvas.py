"""The writing area: owns the strokes, paints them, emits a signal per stroke.

Mouse, pen tablet (with pressure) and touch all end up as strokes of
(x, y, pressure) points. Undo/redo work on whole strokes; the eraser
removes whole strokes it touches.
"""

from __future__ import annotations

import math

import numpy as np
from PyQt6.QtCore import QPointF, QRectF, Qt, pyqtSignal
from PyQt6.QtGui import QColor, QImage, QMouseEvent, QPainter, QPen, QTabletEvent
from PyQt6.QtWidgets import QSizePolicy, QWidget

Stroke = list[tuple[float, float, float]]  # (x, y, pressure 0..1)
ERASE_RADIUS = 10.0


class Canvas(QWidget):
    """A QWidget that records handwriting strokes and shows recognition boxes."""

    strokeFinished = pyqtSignal()  # a stroke was completed (or erased)
    strokesChanged = pyqtSignal()  # any change: stroke, undo, redo, clear, erase
    charMenuRequested = pyqtSignal(int, QPointF)  # right-click on recognised char i (global pos)
    charHovered = pyqtSignal(int, QPointF)  # pointer over recognised char i (-1: none)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("canvas")
        self.setMinimumSize(640, 240)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setAttribute(Qt.WidgetAttribute.WA_StaticContents)
        self.setMouseTracking(True)  # hover over a recognised box shows its alternatives
        self.strokes: list[Stroke] = []
        self._undo: list[list[Stroke]] = []
        self._redo: list[list[Stroke]] = []
        self._current: Stroke | None = None
        self.pen_width = 7.0
        self.show_guide = True
        self.direction = "ltr"  # "ttb": the guide marks columns, read right to left
        self.show_boxes = True
        self.eraser = False
        self.background: QImage | None = None  # an opened image, as shown (scaled to fit)
        self.image: np.ndarray | None = None  # the same image as loaded: what is recognised
        self.image_scale = 1.0  # shown size / loaded size
        self.boxes: list[tuple[QRectF, str, bool]] = []  # char box, text, space after
        self.flagged: set[int] = set()  # indices of boxes in words flagged for review
        self._layer: QImage | None = None  # finished strokes, painted once (fast redraws)

    # ---- editing -------------------------------------------------------
    def _snapshot(self) -> None:
        self._undo.append(list(self.strokes))
        self._redo.clear()

    def undo(self) -> None:
        """Go back one change (a stroke, an erase or a clear)."""
        if self._undo:
            self._redo.append(self.strokes)
            self.strokes = self._undo.pop()
            self._changed()

    def redo(self) -> None:
        """Re-apply the last undone change."""
        if self._redo:
            self._undo.append(self.strokes)
            self.strokes = self._redo.pop()
            self._changed()

    def clear(self) -> None:
        """Remove all strokes and any opened background image (undoable)."""
        if self.strokes or self.background is not None:
            self._snapshot()
            self.strokes = []
            self.background, self.image, self.image_scale = None, None, 1.0
            self._changed()

    def add_stroke(self, stroke: Stroke) -> None:
        """Add a finished stroke programmatically (also used by the mouse path)."""
        if stroke:
            self._snapshot()
            self.strokes.append(stroke)
            if self._layer is not None:  # append-only: paint just this stroke
                painter = QPainter(self._layer)
                painter.setRenderHint(QPainter.RenderHint.Antialiasing)
                self.paint_strokes(painter, [stroke])
                painter.end()
            self._changed(keep_layer=True)

    def _changed(self, keep_layer: bool = False) -> None:
        if not keep_layer:
            self._layer = None
        self.boxes = []
        self.update()
        self.strokesChanged.emit()
        self.strokeFinished.emit()

    def _erase_at(self, x: float, y: float) -> None:
        keep = [s for s in self.strokes if not any((px - x) ** 2 + (py - y) ** 2 <= ERASE_RADIUS ** 2
                                                   for px, py, _ in s)]
        if len(keep) != len(self.strokes):
            self._snapshot()
            self.strokes = keep
            self._changed()

    # ---- input -----------------------------------------------------------
    def _press(self, x: float, y: float, pressure: float) -> None:
        if self.eraser:
            self._erase_at(x, y)
            return
        self._current = [(x, y, pressure)]
        self.update()

    def _move(self, x: float, y: float, pressure: float) -> None:
        if self.eraser:
            self._erase_at(x, y)
        elif self._current is not None:
            self._current.append((x, y, pressure))
            self.update()

    def _release(self) -> None:
        if self._current is not None:
            stroke, self._current = self._current, None
            self.add_stroke(stroke)

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802 (Qt API)
        p = event.position()
        if event.button() == Qt.MouseButton.LeftButton:
            self._press(p.x(), p.y(), 0.5)
        elif event.button() == Qt.MouseButton.RightButton and self.char_at(p) >= 0:
            self.charMenuRequested.emit(self.char_at(p), event.globalPosition())

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        if event.buttons() & Qt.MouseButton.LeftButton:
            self._move(event.position().x(), event.position().y(), 0.5)
        elif self.show_boxes and self.boxes:
            self.charHovered.emit(self.char_at(event.position()), event.globalPosition())

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        if event.button() == Qt.MouseButton.LeftButton:
            self._release()

    def tabletEvent(self, event: QTabletEvent) -> None:  # noqa: N802
        p, pressure = event.position(), float(event.pressure())
        kind = event.type()
        if kind == QTabletEvent.Type.TabletPress:
            self._press(p.x(), p.y(), pressure)
        elif kind == QTabletEvent.Type.TabletMove:
            self._move(p.x(), p.y(), pressure)
        elif kind == QTabletEvent.Type.TabletRelease:
            self._release()
        event.accept()

    def char_at(self, pos: QPointF) -> int:
        """Index of the recognised character box under ``pos``, or -1."""
        return next((i for i, (rect, _, _) in enumerate(self.boxes) if rect.contains(pos)), -1)

    # ---- painting ----------------------------------------------------------
    def paintEvent(self, event) -> None:  # noqa: N802
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(self.rect(), QColor("white"))
        if self.background is not None:
            painter.drawImage(QPointF(0, 0), self.background)
        if self.show_guide and self.background is None:  # no guide lines across an opened image
            painter.setPen(QPen(QColor(170, 200, 240), 1, Qt.PenStyle.DashLine))
            if self.direction == "ttb":
                for x in self.guide_columns():
                    painter.drawLine(QPointF(x, 10), QPointF(x, self.height() - 10))
            else:
                for y in self.guide_rows():
                    painter.drawLine(QPointF(10, y), QPointF(self.width() - 10, y))
        painter.drawImage(QPointF(0, 0), self._stroke_layer())
        if self._current:
            self.paint_strokes(painter, [self._current])
        if self.show_boxes:
            self._paint_boxes(painter)
        painter.end()

    def _stroke_layer(self) -> QImage:
        """Transparent image of all finished strokes, rebuilt only when needed."""
        if self._layer is None or self._layer.size() != self.size():
            self._layer = QImage(self.size(), QImage.Format.Format_ARGB32_Premultiplied)
            self._layer.fill(Qt.GlobalColor.transparent)
            painter = QPainter(self._layer)
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            self.paint_strokes(painter, self.strokes)
            painter.end()
        return self._layer

    def guide_rows(self) -> list[float]:
        """Baselines of the writing guide, one per 120 pixels."""
        return [float(y) for y in range(150, max(151, self.height() - 20), 120)]

    def guide_columns(self) -> list[float]:
        """Column borders of the top-to-bottom guide, one per 120 pixels from the right edge."""
        return [float(x) for x in range(self.width() - 130, 19, -120)]

    def paint_strokes(self, painter: QPainter, strokes: list[Stroke], colour: QColor | None = None) -> None:
        """Draw strokes with round caps; width follows pressure where reported."""
        for stroke in strokes:
            pen = QPen(colour or QColor("black"))
            pen.setCapStyle(Qt.PenCapStyle.RoundCap)
            pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
            if len(stroke) == 1:
                x, y, p = stroke[0]
                pen.setWidthF(self._width(p))
                painter.setPen(pen)
                painter.drawPoint(QPointF(x, y))
                continue
            for (x0, y0, p0), (x1, y1, p1) in zip(stroke, stroke[1:]):
                pen.setWidthF(self._width((p0 + p1) / 2))
                painter.setPen(pen)
                painter.drawLine(QPointF(x0, y0), QPointF(x1, y1))

    def _width(self, pressure: float) -> float:
        return max(1.0, self.pen_width * (0.5 + pressure))  # mouse: pressure 0.5 → pen width

    def _paint_boxes(self, painter: QPainter) -> None:
        for i, (rect, text, space_after) in enumerate(self.boxes):
            flagged = i in self.flagged  # an uncertain word: orange, thicker
            painter.setPen(QPen(QColor(235, 130, 0) if flagged else QColor(40, 110, 220), 2 if flagged else 1))
            painter.drawRect(rect)
            painter.drawText(QPointF(rect.left(), rect.top() - 3), text)
            if space_after:
                painter.setPen(QPen(QColor(220, 40, 40), 2))
                x = rect.right() + 6
                painter.drawLine(QPointF(x, rect.top()), QPointF(x, rect.bottom()))

    def render_gray(self) -> np.ndarray:
        """The drawing (background and strokes, no guide or boxes) as uint8 grayscale."""
        image = QImage(self.width(), self.height(), QImage.Format.Format_Grayscale8)
        image.fill(QColor("white"))
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        if self.background is not None:
            painter.drawImage(QPointF(0, 0), self.background)
        painter.drawImage(QPointF(0, 0), self._stroke_layer())
        painter.end()
        return _gray_array(image)

    def recognition_input(self) -> tuple[np.ndarray, float]:
        """What to recognise, and its scale to this widget's coordinates.

        An opened image is read as loaded, at its own size, exactly as the command line reads its file;
        strokes written over it are drawn into it (scaled back). Without an image: the drawing as shown.
        """
        if self.image is None:
            return self.render_gray(), 1.0
        if not self.strokes:
            return self.image, self.image_scale
        h, w = self.image.shape
        loaded = QImage(self.image.data, w, h, self.image.strides[0], QImage.Format.Format_Grayscale8)
        # the whole writing area at the image's scale: strokes written beside or below the image count too
        image = QImage(max(w, math.ceil(self.width() / self.image_scale)),
                       max(h, math.ceil(self.height() / self.image_scale)), QImage.Format.Format_Grayscale8)
        image.fill(QColor("white"))
        painter = QPainter(image)
        painter.drawImage(QPointF(0, 0), loaded)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.scale(1 / self.image_scale, 1 / self.image_scale)
        self.paint_strokes(painter, self.strokes)
        painter.end()
        return _gray_array(image), self.image_scale


def _gray_array(image: QImage) -> np.ndarray:
    """A Grayscale8 QImage's pixels as a uint8 array of its own."""
    ptr = image.constBits()
    ptr.setsize(image.bytesPerLine() * image.height())
    arr = np.frombuffer(ptr, np.uint8).reshape(image.height(), image.bytesPerLine())
    return arr[:, : image.width()].copy()
