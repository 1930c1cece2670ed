"""Stroke rendering: determinism under a seed, variation across seeds."""

import numpy as np

from textrecog.data.render import Augment, render, render_page, stroke_unit

STROKES = (np.array([[0, 0], [0, 50], [30, 50]], np.float32), np.array([[40, 10]], np.float32))


def test_same_seed_same_image():
    a = render(STROKES, 64, Augment(), np.random.default_rng(7))
    b = render(STROKES, 64, Augment(), np.random.default_rng(7))
    np.testing.assert_array_equal(a, b)


def test_different_seeds_differ():
    a = render(STROKES, 64, Augment(), np.random.default_rng(1))
    b = render(STROKES, 64, Augment(), np.random.default_rng(2))
    assert a.shape != b.shape or (a != b).any()


def test_faithful_render_is_antialiased_and_sized():
    img = render(STROKES, 64)
    assert img.dtype == np.uint8 and img.max() == 255
    assert 0 < ((img > 0) & (img < 255)).sum()  # antialiased edges
    ys = np.nonzero(img.max(axis=1))[0]
    assert 60 <= ys.max() - ys.min() <= 80


def test_single_point_stroke_drawn_as_dot():
    img = render((np.array([[5, 5]], np.float32),), 20)
    assert img.max() == 255


def test_page_render_is_dark_on_white():
    page = render_page(STROKES, char_height=30)
    assert page[0, 0] == 255 and page.min() == 0
    assert stroke_unit(STROKES) == 50
