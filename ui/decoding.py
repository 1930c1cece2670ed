"""The window's decoding controls: the language, a field's charset, the user's lexicon, the review threshold."""

from __future__ import annotations

from PyQt6.QtCore import QObject, pyqtSignal
from PyQt6.QtWidgets import QComboBox, QDoubleSpinBox, QFileDialog, QLabel, QToolBar

DIRECTIONS = (("left to right", "ltr"), ("top to bottom", "ttb"))
FIELDS = (("any text", None), ("digits", "digits"), ("upper case", "upper"), ("lower case", "lower"),
          ("letters and digits", "alnum"))


class DecodingControls(QObject):
    """Toolbar widgets for how to read: the writing direction and the DecodeOptions."""

    changed = pyqtSignal()
    failed = pyqtSignal(str)

    def __init__(self, bar: QToolBar, lexicon: str | None = None, charset: str | None = None,
                 flag_below: float = 0.5, lang: str = "en"):
        super().__init__(bar)
        from textrecog.decoding.decoder import make_options
        from textrecog.decoding.lm import languages

        self.lexicon = lexicon
        bar.addWidget(QLabel(" Language "))
        self.lang_box = QComboBox()
        for code in languages():
            self.lang_box.addItem(code, code)
        self.lang_box.setCurrentIndex(max(0, self.lang_box.findData(lang)))
        self.lang_box.currentIndexChanged.connect(self._update)
        bar.addWidget(self.lang_box)
        bar.addWidget(QLabel(" Writing "))
        self.direction_box = QComboBox()
        for text, value in DIRECTIONS:
            self.direction_box.addItem(text, value)
        self.direction_box.currentIndexChanged.connect(self._update)
        bar.addWidget(self.direction_box)
        bar.addWidget(QLabel(" Field "))
        self.field_box = QComboBox()
        for text, value in FIELDS:
            self.field_box.addItem(text, value)
        if charset and self.field_box.findData(charset) < 0:
            self.field_box.addItem(charset, charset)  # characters given on the command line
        self.field_box.setCurrentIndex(max(0, self.field_box.findData(charset)))
        self.field_box.currentIndexChanged.connect(self._update)
        bar.addWidget(self.field_box)
        self.lexicon_action = bar.addAction("Lexicon…", self.choose_lexicon)
        bar.addWidget(QLabel(" Flag below "))
        self.flag_spin = QDoubleSpinBox(minimum=0.0, maximum=1.0, singleStep=0.05, value=flag_below)
        self.flag_spin.valueChanged.connect(self._update)
        bar.addWidget(self.flag_spin)
        self.options = make_options(flag_below=flag_below)
        self._update(emit=False)

    def choose_lexicon(self) -> None:
        """Pick a word list (a file dialog); cancel keeps the current one."""
        path, _ = QFileDialog.getOpenFileName(None, "Lexicon: your own words", "", "Text (*.txt);;All files (*)")
        if path:
            self.set_lexicon(path)

    def set_lexicon(self, path: str | None) -> None:
        """Use the words in ``path`` (None: no lexicon)."""
        self.lexicon = path
        self._update()

    @property
    def direction(self) -> str:
        """"ltr" or "ttb" (Japanese columns, right to left)."""
        return self.direction_box.currentData()

    def _update(self, *_args, emit: bool = True) -> None:
        from textrecog.decoding.decoder import make_options

        try:
            self.options = make_options(lexicon=self.lexicon, charset=self.field_box.currentData(),
                                        flag_below=self.flag_spin.value(), lang=self.lang_box.currentData())
        except ValueError as exc:
            self.lexicon = None
            self.failed.emit(str(exc))
            return
        self.lexicon_action.setText(f"Lexicon: {len(self.options.lexicon.surface)} words" if self.lexicon else "Lexicon…")
        if emit:
            self.changed.emit()
