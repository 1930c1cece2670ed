"""Writing direction: ttb pages read turned a quarter, results mapped back onto the page as given."""

from __future__ import annotations

import numpy as np
import pytest

from textrecog.output.documents.geometry import baseline_points
from textrecog.segmentation.direction import _box, check, from_reading, to_reading, upright
from textrecog.types import Alternative, Box, Char, Geometry, Line, Result, Word


def ink_box(img: np.ndarray) -> Box:
    ys, xs = np.nonzero(img < 128)
    return Box(int(xs.min()), int(ys.min()), int(xs.max() - xs.min() + 1), int(ys.max() - ys.min() + 1))


def test_a_box_in_the_reading_view_maps_back_onto_the_page():
    page = np.full((50, 80), 255, np.uint8)
    page[5:20, 60:70] = 0  # a mark near the top right: the start of the first column
    view = to_reading(page, "ttb")
    assert view.shape == (80, 50)
    seen = ink_box(view)
    assert seen.y < 20  # the rightmost column comes first (on top) in the reading view
    assert _box(seen, page.shape[1]) == ink_box(page)
    assert np.array_equal(upright(view[seen.y : seen.bottom, seen.x : seen.right], "ttb"), page[5:20, 60:70])


def test_results_keep_their_page_geometry():
    c = Char(Box(2, 3, 4, 5), "あ", 0.9, (Alternative("あ", 0.9),), Geometry(1.0, 0.0))
    res = Result((Line(Box(0, 0, 30, 10), (Word(Box(2, 3, 4, 5), (c,)),), 8.0),), 40, 30, "m")
    page = from_reading(res, "ttb", 40, 30)
    assert page.direction == "ttb" and (page.width, page.height) == (40, 30)
    assert page.lines[0].box == Box(30, 0, 10, 30) and page.lines[0].words[0].chars[0].box == Box(32, 2, 5, 4)
    assert baseline_points(page.lines[0], "ttb") == "32,0 32,30"  # a vertical axis down the column
    assert from_reading(res, "ltr", 40, 30) is res


def test_unknown_direction_is_refused():
    with pytest.raises(ValueError, match="ltr, ttb"):
        check("btt")


def test_line_models_refuse_ttb(tmp_path, capsys):
    from textrecog.cli import main

    path = tmp_path / "x.png"
    import cv2

    cv2.imwrite(str(path), np.full((40, 40), 255, np.uint8))
    assert main(["--direction", "ttb", "--model", "line", str(path)]) == 2
    assert "left to right only" in capsys.readouterr().err
