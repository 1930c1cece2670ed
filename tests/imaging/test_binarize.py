"""Binarisation: Otsu for clean pages, adaptive for uneven light, specks removed."""

import numpy as np
from conftest import blank, draw_word

from textrecog.imaging.binarize import binarize, is_uneven, speck_area, stroke_width


def text_image():
    img = blank(200, 600)
    draw_word(img, "hello", 30, 120, scale=2.5, thick=6)
    return img


def test_clean_page_is_not_uneven_even_when_dense():
    dense = blank(300, 600)
    for row in range(5):
        draw_word(dense, "mmmmmmmmmm", 10, 50 + row * 55, scale=1.5, gap=2, thick=5)
    assert not is_uneven(text_image()) and not is_uneven(dense)


def test_photo_with_shadow_keeps_strokes_and_drops_the_shadow():
    img = text_image().astype(float)
    shade = np.linspace(0.3, 1.0, img.shape[1])[None, :]  # dark on the left, like a photo
    photo = (img * shade).astype(np.uint8)
    assert is_uneven(photo)
    from textrecog.segmentation.segment import segment

    mask = binarize(photo)
    ink = binarize(text_image())
    assert mask[:, :25].sum() == 0  # the dark left margin is not ink
    assert (mask & ~ink.astype(bool)).sum() == 0  # nothing but strokes
    lines = segment(mask).lines
    assert len(lines) == 1 and len(lines[0].glyphs) == 5  # every letter of "hello" found


def test_speck_area_follows_stroke_width():
    thin, thick = np.zeros((60, 60), np.uint8), np.zeros((60, 60), np.uint8)
    thin[10:50, 20:22] = 1
    thick[10:50, 20:30] = 1
    assert speck_area(thin) == 3.0  # never below 3 pixels
    assert speck_area(thick) > 3 * speck_area(thin)


def test_low_contrast_is_blank():
    img = np.full((50, 50), 200, np.uint8)
    img[20:30, 20:30] = 190
    assert binarize(img).sum() == 0


def test_stroke_width():
    mask = np.zeros((50, 50), np.uint8)
    mask[10:40, 20:26] = 1
    assert 4 <= stroke_width(mask) <= 7
