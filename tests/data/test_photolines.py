"""Training lines photographed (turned, keystoned, uneven light, blur, noise, JPEG), read back as a page's line."""

from __future__ import annotations

import numpy as np
from test_linesplit import draw_line

from textrecog.data.lineimages import faithful_image, render_gray, training_image
from textrecog.data.photolines import PhotoLook, photograph, plain_paper
from textrecog.data.ruledlines import core_band, read_as_page
from textrecog.imaging.normalize import LineSpec

WORDS = ["some", "words", "on", "a", "line"]


def _line(seed: int = 0) -> np.ndarray:
    return render_gray(tuple(draw_line(WORDS, 0, np.random.default_rng(seed))), None, height=64.0)


def test_plain_paper_keeps_the_line_whole_with_paper_around_it():
    gray = _line()
    strip = plain_paper(gray, np.random.default_rng(0))
    assert strip.gray.shape[0] > gray.shape[0] and strip.gray.shape[1] > gray.shape[1]
    assert (strip.gray < 128).sum() == (gray < 128).sum()  # the same ink, nothing added
    rows = np.flatnonzero((strip.gray < 128).any(axis=1))
    assert (rows[0], rows[-1]) == (strip.top, strip.bottom)


def test_a_photo_turns_the_strip_and_keeps_it_whole():
    gray = plain_paper(_line(), np.random.default_rng(0)).gray
    look = PhotoLook(p=1.0, turn_deg=6.0, keystone=0.0, jpeg_p=0.0)
    for seed in range(3):
        photo = photograph(gray, 20.0, np.random.default_rng(seed), look)
        assert photo.dtype == np.uint8 and photo.shape[0] >= gray.shape[0] and photo.shape[1] >= gray.shape[1]
        dark = photo < 0.6 * np.median(photo)  # the ink, on paper of any tone under any light
        ys, xs = np.nonzero(dark)
        assert xs.min() > 0 and xs.max() < photo.shape[1] - 1  # no ink cut off at the photo's edges
        assert ys.min() > 0 and ys.max() < photo.shape[0] - 1


def test_a_photographed_line_reads_back_like_the_clean_line():
    spec = LineSpec()
    clean = faithful_image(tuple(draw_line(WORDS, 0, np.random.default_rng(0))), spec)
    gray = _line()
    top, base = core_band(gray)
    made = 0
    for seed in range(4):
        rng = np.random.default_rng(seed)
        strip = plain_paper(gray, rng)
        photo = photograph(strip.gray, base - top + 1.0, rng, PhotoLook(p=1.0, shadow=(0.0, 0.2)))
        image = read_as_page(type(strip)(photo, strip.top, strip.bottom), spec)
        if image is None:
            continue
        made += 1
        assert image.shape[0] == spec.height
        assert abs(image.shape[1] - clean.shape[1]) <= 0.2 * clean.shape[1]  # turned back level: as long
    assert made >= 3


def test_training_lines_photographed_keep_their_height_and_vary_with_the_seed():
    spec, strokes = LineSpec(), tuple(draw_line(["ink", "in", "a", "photo"], 0, np.random.default_rng(1)))
    images = []
    for seed in range(8):
        try:
            images.append(training_image(strokes, spec, np.random.default_rng(seed), photo=PhotoLook(p=1.0)))
        except ValueError:  # the page path found no single line: the sampler draws another
            continue
    assert len(images) >= 5
    assert all(i.shape[0] == spec.height and i.max() > 0 for i in images)
    assert len({i.tobytes() for i in images}) == len(images)
