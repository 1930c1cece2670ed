"""Line training augmentation keeps the label and keeps the ink inside the image."""

from __future__ import annotations

import re

import numpy as np
from test_linesplit import draw_line

from textrecog.data.linedata import LineCorpus, LineInk
from textrecog.data.lineimages import LINE_AUG, render_gray, training_image
from textrecog.data.linesampler import LineSampler
from textrecog.data.synthlines import letter_groups, spaced_word, word_line
from textrecog.imaging.normalize import LineSpec


def test_rendered_ink_stays_inside_the_image():
    """Strong shear, rotation, aspect and warps never push ink off the canvas."""
    rng = np.random.default_rng(0)
    strokes = tuple(draw_line(["quite", "a", "long", "line"], 0, rng))
    for seed in range(40):
        gray = render_gray(strokes, np.random.default_rng(seed), height=64.0, aug=LINE_AUG)
        assert gray.min() < 128  # ink was drawn
        border = np.concatenate([gray[0], gray[-1], gray[:, 0], gray[:, -1]])
        assert border.min() == 255  # paper all round: nothing was cut off


def test_training_image_keeps_ink_inside_the_margins():
    spec, rng = LineSpec(), np.random.default_rng(1)
    strokes = tuple(draw_line(["ink", "inside"], 0, rng))
    for seed in range(20):
        image = training_image(strokes, spec, np.random.default_rng(seed))
        assert image.shape[0] == spec.height and image.max() > 0
        rows = np.flatnonzero(image.max(axis=1))
        assert rows.min() >= spec.margin - 1 and rows.max() <= spec.height - spec.margin


def test_spaced_word_keeps_its_strokes_and_spaces_its_letters():
    rng = np.random.default_rng(2)
    strokes = tuple(draw_line(["NAME"], 0, rng))
    spaced = spaced_word(strokes, 25.0, rng)
    assert len(spaced) == len(strokes)
    assert all(np.allclose(np.diff(a, axis=0), np.diff(b, axis=0)) for a, b in zip(strokes, spaced))  # moved only
    groups = letter_groups(spaced)
    assert len(groups) == 4
    lefts = [min(spaced[i][:, 0].min() for i in g) for g in groups]
    rights = [max(spaced[i][:, 0].max() for i in g) for g in groups]
    gaps = np.array(lefts[1:]) - np.array(rights[:-1])
    assert np.all((gaps > 0.8 * 25) & (gaps < 1.2 * 25))


def test_spaced_words_keep_their_label_and_words_stay_further_apart():
    rng = np.random.default_rng(3)
    words = [LineInk(tuple(draw_line([w], 0, rng)), w, "x", "x/s", "7") for w in ("JOHN", "SMITH")]
    strokes, text = word_line(words, rng, letter_gap=0.8)
    assert text == "JOHN SMITH"
    groups = letter_groups(strokes)
    assert len(groups) == 9
    lefts = [min(strokes[i][:, 0].min() for i in g) for g in groups]
    rights = [max(strokes[i][:, 0].max() for i in g) for g in groups]
    gaps = np.array(lefts[1:]) - np.array(rights[:-1])
    assert gaps[3] > 1.5 * np.delete(gaps, 3).max()  # the space is the widest gap by far


def test_sampler_labels_match_their_sources():
    rng = np.random.default_rng(4)
    words = [LineInk(tuple(draw_line([w], 0, rng)), w, "s", f"s/{k % 2}", "7")
             for k, w in enumerate(["one", "two", "three", "four"])]
    texts = [LineInk(tuple(draw_line(t.split(), 0, rng)), t, "s", "s/0", "8") for t in ("a line", "another line")]
    sampler = LineSampler(LineCorpus(words + texts, {}), seed=5)
    known = "|".join(re.escape(s.text) for s in words + texts)
    whole = re.compile(f"(?:{known})(?: (?:{known}))*")  # one or more sources, one space apart
    for _ in range(60):
        strokes, text = sampler.draw()
        assert whole.fullmatch(text), text
        assert len(strokes) >= len(text.replace(" ", ""))  # one stroke a letter at least, as drawn
