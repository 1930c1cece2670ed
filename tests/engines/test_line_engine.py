"""The line engine on a tiny CTC fixture model, through the real LiteRT runtime."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest
from conftest import TINY_WORDS, render_digits

from textrecog.imaging.binarize import binarize
from textrecog.segmentation.segment import Page, segment


def page(img: np.ndarray) -> Page:
    return Page(img, segment(binarize(img)))


def test_manifest_picks_the_engine(tiny_line_model, tiny_model):
    from textrecog.engines.char_engine import CharEngine
    from textrecog.engines.line_engine import LineEngine
    from textrecog.pipeline import get_engine

    assert isinstance(get_engine(str(tiny_line_model)), LineEngine)
    assert isinstance(get_engine(str(tiny_model)), CharEngine)


def test_reads_the_words_it_learned(tiny_line_model):
    from textrecog.pipeline import recognize

    read = [recognize(render_digits(t), tiny_line_model).text for t in TINY_WORDS]
    assert sum(r == t for r, t in zip(read, TINY_WORDS)) >= len(TINY_WORDS) - 1, read


def test_alignment_boxes_lie_inside_the_ink(tiny_line_model):
    from textrecog.pipeline import recognize

    img = render_digits("1234")
    ys, xs = np.nonzero(binarize(img))
    result = recognize(img, tiny_line_model)
    chars = [c for line in result.lines for w in line.words for c in w.chars]
    assert chars
    for c in chars:
        assert xs.min() <= c.box.x and c.box.right <= xs.max() + 1
        assert ys.min() <= c.box.y and c.box.bottom <= ys.max() + 1
        assert c.box.w > 0 and c.box.h > 0
    lefts = [c.box.x for c in chars]
    assert lefts == sorted(lefts)  # left to right, as the text reads


def test_confidence_and_alternatives(tiny_line_model):
    from textrecog.pipeline import recognize

    result = recognize(render_digits("42"), tiny_line_model, top_k=4)
    for w in result.lines[0].words:
        for c in w.chars:
            assert len(c.alternatives) == 4 and c.text in [a.char for a in c.alternatives]
            probs = [a.prob for a in c.alternatives]
            assert probs == sorted(probs, reverse=True) and 0 < c.confidence <= 1.0


def test_lines_of_several_pages_batched_like_one_at_a_time(tiny_line_model):
    from textrecog.pipeline import get_engine

    engine = get_engine(str(tiny_line_model))
    pages = [page(render_digits(t)) for t in TINY_WORDS[:5]]
    together = engine.read(pages)
    engine.forget()  # else the lines just read come back without being read
    alone = [engine.read([p])[0] for p in pages]
    assert [r.to_dict() for r in together] == [r.to_dict() for r in alone]


def test_only_the_lines_a_stroke_changed_are_read_again(tiny_line_model, monkeypatch):
    from textrecog.engines.line_engine import LineEngine
    from textrecog.engines.model import load_info

    engine = LineEngine(load_info(str(tiny_line_model)))
    top, low = render_digits("1234"), render_digits("56")
    before = np.full((top.shape[0] * 2 + 20, top.shape[1]), 255, np.uint8)
    before[: top.shape[0]] = top
    before[top.shape[0] + 20 :, : low.shape[1]] = low
    after = before.copy()
    after[top.shape[0] + 20 :, : render_digits("567").shape[1]] = render_digits("567")  # a stroke on line 2
    first = engine.read([page(before)])[0]
    read = []
    real = engine.probabilities
    monkeypatch.setattr(engine, "probabilities", lambda images: read.append(len(images)) or real(images))
    second = engine.read([page(after)])[0]
    assert read == [1]  # the second line only
    assert second.lines[0] is first.lines[0]
    engine.forget()
    assert engine.read([page(after)])[0] == second  # what reading every line afresh gives


def test_json_schema_same_as_char_engine(tiny_line_model, tmp_path):
    import cv2

    path = tmp_path / "n.png"
    cv2.imwrite(str(path), render_digits("365"))
    out = subprocess.run([sys.executable, "-m", "textrecog", "--json", "--model", str(tiny_line_model),
                          str(path)], capture_output=True, text=True, check=True)
    rec = json.loads(out.stdout)
    assert rec["model"] == "tinyline"
    assert set(rec["lines"][0]) == {"text", "box", "baseline", "baseline_path", "confidence", "words"}
    # beam search with the language model (the default) gives each word its readings
    assert set(rec["lines"][0]["words"][0]) == {"text", "box", "confidence", "alternatives", "chars"}
    char = rec["lines"][0]["words"][0]["chars"][0]
    assert set(char) == {"text", "box", "confidence", "alternatives", "geometry"}


def test_blank_page_reads_empty(tiny_line_model):
    from textrecog.pipeline import recognize

    assert recognize(np.full((60, 200), 255, np.uint8), tiny_line_model).text == ""


def test_inference_never_imports_tensorflow(tiny_line_model, tmp_path):
    import cv2

    path = tmp_path / "n.png"
    cv2.imwrite(str(path), render_digits("80"))
    code = (f"import sys, textrecog; textrecog.recognize({str(path)!r}, {str(tiny_line_model)!r}); "
            "assert 'tensorflow' not in sys.modules, 'tf loaded'")
    subprocess.run([sys.executable, "-c", code], check=True)


def test_a_line_model_is_refused_by_the_classifier(tiny_line_model):
    from textrecog.engines.classify import Classifier
    from textrecog.engines.model import ModelError

    with pytest.raises(ModelError, match="not a character classifier"):
        Classifier(tiny_line_model)


def test_letters_sitting_on_a_rule_keep_their_feet_in_the_line_cut():
    """The segmentation reads the page without its rules; the line reader gets back the rule pixels under
    the letters' feet (a removed foot turns an E into an F), and no more of the rule than that."""
    import cv2
    from conftest import blank, draw_word

    from textrecog.engines.line_engine import cut_line
    from textrecog.engines.model import ModelInfo
    from textrecog.imaging.normalize import LineSpec
    from textrecog.pipeline import prepare

    img = blank(240, 900)
    for y in (60, 120, 180):
        cv2.line(img, (0, y), (899, y), 120, 2)
    end = draw_word(img, "ELEZ", 300, 120, scale=1.5)  # feet on the rule at y = 120
    p = prepare(img)
    assert p.rules is not None and p.rules.count[0] >= 3 and len(p.segmentation.lines) == 1
    info = ModelInfo(path=None, name="x", labels=("a",), spec=LineSpec(), manifest={}, kind="line")
    cut = cut_line(p, p.segmentation.lines[0], info.spec)
    top = 90 + int(np.flatnonzero(p.rules.mask[90:, 350])[0])  # the rule's first row under the word
    under = cut.mask[top - 1 - cut.box.y : top + 2 - cut.box.y, 300 - cut.box.x : end - cut.box.x - 6]
    assert under.any(axis=0).mean() > 0.5  # the feet are back
    assert cut.box.x >= 290 and cut.box.right <= end + 10  # and the rule beyond the word is not


def test_the_feet_given_back_lie_under_the_letters_strokes_only():
    """Letters far apart on a rule: the rule comes back under each stroke that stands on it, a pixel either side
    for its edge, not a stretch of rule beside it (the reader saw a rule running under the line)."""
    import cv2
    from conftest import blank, draw_word

    from textrecog.engines.line_engine import cut_line
    from textrecog.imaging.normalize import LineSpec
    from textrecog.pipeline import prepare

    img = blank(420, 1000)
    for y in (100, 220, 340):
        cv2.line(img, (0, y), (999, y), 120, 2)
    draw_word(img, "I  L  I  E", 300, 220, scale=3.0, gap=40, thick=5)  # letters' feet on the rule at y = 220
    p = prepare(img)
    assert p.rules is not None and p.rules.count[0] >= 3 and len(p.segmentation.lines) == 1
    cut = cut_line(p, p.segmentation.lines[0], LineSpec())
    rows = np.flatnonzero(p.rules.mask[200:240, 320]) + 200  # the rule's rows under the writing
    rule = cut.mask[rows[0] - cut.box.y : rows[-1] + 1 - cut.box.y].any(axis=0)
    above = cut.mask[rows[0] - 4 - cut.box.y : rows[0] - 1 - cut.box.y].any(axis=0)  # the strokes standing on it
    assert rule.any()
    near = np.convolve(above.astype(int), np.ones(5, int), mode="same") > 0  # two pixels either side
    assert not (rule & ~near).any()


def test_a_line_s_slope_is_fitted_through_its_baseline_path():
    from textrecog.engines.line_engine import line_slope
    from textrecog.segmentation.segment import LineSeg
    from textrecog.types import Box, Point

    def line(*points):
        return LineSeg(Box(0, 0, 600, 60), (), (), 20.0, 50.0, tuple(Point(x, y) for x, y in points))

    # the ends are carried out flat from the first and last points: they say nothing of the slope
    path = ((0, 40), (50, 40), (200, 47.5), (350, 55), (500, 62.5), (600, 62.5))
    assert line_slope(line(*path)) == pytest.approx(0.05)
    assert line_slope(line((0, 40), (300, 40), (600, 40))) == 0.0  # one run of letters: too short to tell
    assert line_slope(line((0, 40), (50, 40), (250, 50), (450, 60), (600, 60))) == pytest.approx(0.05)
    assert line_slope(line()) == 0.0
