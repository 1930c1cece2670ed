"""Training lines on ruled paper: rules under the writing, read back as a page's line is."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
from test_linesplit import draw_line

from textrecog.data.lineimages import faithful_image, faithful_ruled, render_gray, training_image
from textrecog.data.ruledlines import RuledLook, core_band, read_as_page, rule_paper
from textrecog.imaging.normalize import LineSpec

PLAIN = RuledLook(p=1.0, dashed=0.0, margin=0.0, grid=0.0)


def _line(words=("some", "words", "on", "a", "line"), seed: int = 0) -> np.ndarray:
    strokes = tuple(draw_line(list(words), 0, np.random.default_rng(seed)))
    return render_gray(strokes, None, height=64.0)


def _ruled_rows(strip) -> np.ndarray:
    """Rows where the paper beside the writing is ruled (dark over nearly the whole right margin)."""
    right = strip.gray[:, -20:]
    return np.flatnonzero((right < 235).mean(axis=1) > 0.9)


def test_core_band_is_the_letters_middle():
    gray = np.full((60, 100), 255, np.uint8)
    gray[20:40, 10:90] = 0  # the letters' bodies
    gray[5:20, 12:14] = 0  # an ascender
    gray[40:55, 50:52] = 0  # a descender
    assert core_band(gray) == (20, 39)


def test_a_rule_lies_under_the_writing_and_the_next_ones_a_pitch_away():
    gray = _line()
    top, base = core_band(gray)
    for seed in range(5):
        strip = rule_paper(gray, np.random.default_rng(seed), PLAIN)
        rows = _ruled_rows(strip)
        assert rows.size, "no rule drawn"
        # the rule the writing sits on: at its baseline, give or take the offset and the slope's drift
        base_on_strip = strip.top + base - np.flatnonzero((gray < 128).any(axis=1))[0]
        groups = np.split(rows, np.flatnonzero(np.diff(rows) > 1) + 1)
        centres = np.array([g.mean() for g in groups])
        drift = strip.gray.shape[1] / 2 * np.tan(np.radians(PLAIN.slope_deg))
        assert np.abs(centres - base_on_strip).min() <= drift + 0.25 * (base - top) + 3
        assert len(groups) >= 2  # a rule above or below as well
        assert strip.gray.shape[1] > gray.shape[1]  # the rules run on past the writing


def test_a_plain_ruled_line_reads_back_like_the_clean_line():
    spec = LineSpec()
    gray = _line()
    clean = faithful_image(tuple(draw_line(["some", "words", "on", "a", "line"], 0, np.random.default_rng(0))), spec)
    for seed in range(3):
        image = read_as_page(rule_paper(gray, np.random.default_rng(seed), PLAIN), spec)
        assert image is not None and image.shape[0] == spec.height
        assert abs(image.shape[1] - clean.shape[1]) <= 0.15 * clean.shape[1]  # no rule left stretching it


def test_a_strip_with_no_single_line_in_it_is_refused():
    spec = LineSpec()
    strip = rule_paper(_line(), np.random.default_rng(0), PLAIN)
    two = replace(strip, gray=np.vstack([strip.gray, strip.gray]))  # two lines of writing
    assert read_as_page(two, spec) is None


def test_ruled_validation_images_are_the_same_every_time():
    strokes = tuple(draw_line(["same", "each", "time"], 0, np.random.default_rng(3)))
    first, second = faithful_ruled(strokes, LineSpec(), seed=4), faithful_ruled(strokes, LineSpec(), seed=4)
    assert first is not None and np.array_equal(first, second)


def test_training_lines_on_ruled_paper_keep_their_height():
    spec, strokes = LineSpec(), tuple(draw_line(["ink", "on", "rules"], 0, np.random.default_rng(1)))
    made = 0
    for seed in range(8):
        try:
            image = training_image(strokes, spec, np.random.default_rng(seed), ruled=RuledLook(p=1.0))
        except ValueError:  # the page path found no single line: the sampler draws another
            continue
        made += 1
        assert image.shape[0] == spec.height and image.max() > 0
    assert made >= 5
