"""Font glyph synthesis (optional auxiliary training source)."""

import numpy as np
from PIL import ImageFont

from textrecog.data.fonts import find_fonts, glyph_ink, render_font_chars
from textrecog.imaging.normalize import InputSpec


def font():
    return ImageFont.load_default(size=48)


def test_glyph_ink_is_bright_on_black():
    ink = glyph_ink(font(), "A")
    assert ink is not None and ink.max() == 255 and ink[0, 0] == 0
    assert glyph_ink(font(), " ") is None


def test_render_is_seeded_and_labelled():
    a, la = render_font_chars([font()], "AB1", 2, InputSpec(), seed=3)
    b, lb = render_font_chars([font()], "AB1", 2, InputSpec(), seed=3)
    np.testing.assert_array_equal(a, b)
    assert a.shape == (6, 28, 28) and sorted(la.tolist()) == [0, 0, 1, 1, 2, 2]


def test_find_fonts(tmp_path):
    (tmp_path / "x.ttf").write_bytes(b"")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "y.OTF").write_bytes(b"")
    (tmp_path / "z.txt").write_text("")
    assert sorted(p.name for p in find_fonts(tmp_path)) == ["x.ttf", "y.OTF"]
