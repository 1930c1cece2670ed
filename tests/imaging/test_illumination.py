"""Light and paper: shadows, gradients and a desk edge give no ink; ink stays; even pages are untouched."""

from __future__ import annotations

import numpy as np
from conftest import blank, draw_word

from textrecog.imaging.binarize import binarize
from textrecog.imaging.illumination import flatten_light
from textrecog.imaging.imageio import normalise_polarity


def photo() -> tuple[np.ndarray, np.ndarray]:
    """Writing on paper lit from one side, a shadow over the right half, a dark desk along the top."""
    clean = blank(400, 800)
    draw_word(clean, "SHADOWS", 60, 200, scale=2.0)
    draw_word(clean, "DESK", 500, 300, scale=2.0)
    ink = clean < 128
    light = np.linspace(1.0, 0.7, 800)[None, :] * np.ones((400, 1))
    light[:, 400:] *= 0.55  # a shadow with a hard edge
    img = 230 * light
    img[ink] = 40 * light[ink]
    img[:60] = 60  # the desk above the sheet's edge
    return np.clip(img, 0, 255).astype(np.uint8), ink


def test_shadow_gradient_and_desk_edge_give_no_ink():
    img, ink = photo()
    mask = binarize(flatten_light(img)).astype(bool)
    assert mask[ink].mean() > 0.9  # the writing is found
    assert mask[~ink].mean() < 0.01  # and almost nothing else: no desk edge, no shadow border
    assert not mask[55:66, :].any()  # the sheet's edge is not a line of ink


def test_an_evenly_lit_page_is_returned_as_it_is():
    img = blank(200, 400)
    draw_word(img, "EVEN", 30, 120)
    assert flatten_light(img) is img


def test_a_photo_mostly_desk_and_shadow_keeps_its_polarity():
    img, _ = photo()
    img[:120] = 50  # more desk
    img[:, 400:] = (img[:, 400:] * 0.45).astype(np.uint8)  # a deeper shadow: the paper there is dark grey
    assert np.mean(img < 128) > 0.5  # most of the image is dark: the majority test alone would invert it
    assert normalise_polarity(img) is img
    assert (normalise_polarity(255 - blank(100, 300)) == 255).all()  # a black page is blank paper inverted


def test_a_dim_grainy_photo_mostly_desk_keeps_its_polarity():
    """Grain gives as many bright specks as dark ones; summed over the page they outweighed the strokes."""
    img, _ = photo()
    img[:120] = 50
    img[:, 400:] = (img[:, 400:] * 0.45).astype(np.uint8)
    grainy = np.clip(img + np.random.default_rng(0).normal(0, 8, img.shape), 0, 255).astype(np.uint8)
    assert np.mean(grainy < 128) > 0.5
    assert normalise_polarity(grainy) is grainy
    board = blank(400, 800)
    draw_word(board, "CHALK", 60, 200, scale=2.0)
    board = np.where(board < 128, 220.0, 45.0)  # white writing on a dark board, the same grain
    chalk = np.clip(board + np.random.default_rng(0).normal(0, 8, board.shape), 0, 255).astype(np.uint8)
    assert np.array_equal(normalise_polarity(chalk), 255 - chalk)


def test_a_gentle_gradient_under_noise_is_not_read_as_ink():
    """Grey paper, a 38-level gradient (too gentle to count as uneven light) and noise: one global
    threshold cuts the paper itself, so the light is flattened and the noise stays paper."""
    clean = blank(100, 560)
    draw_word(clean, "OPQRST", 20, 25, scale=1.5)
    ink = clean < 128
    rng = np.random.default_rng(0)
    page = 146 + np.linspace(0, 38, 560)[None, :] * np.ones((100, 1))
    img = np.where(ink, 95, page) + rng.normal(0, 9, (100, 560))
    img = np.clip(img, 0, 255).astype(np.uint8)
    mask = binarize(flatten_light(img)).astype(bool)
    assert mask[ink].mean() > 0.8
    assert mask[~ink].mean() < 0.03  # not the 40% of the paper Otsu alone called ink


def test_narrow_strips_of_desk_along_the_edges_give_no_ink():
    """Evenly lit paper with a strip of dark desk along two edges, too narrow for the brightness test to see:
    what Otsu calls ink there is far wider than any stroke, so the light is flattened and the desk is paper."""
    clean = blank(500, 1000)
    draw_word(clean, "WRITING HERE", 120, 250, scale=2.0)
    ink = clean < 128
    img = np.where(ink, 50, 215).astype(np.uint8)
    img[:, :40] = 70  # the desk beside the sheet's left edge
    img[:30, :] = 70  # and above its top
    assert binarize(img)[:, :40].all()  # as it is, one threshold reads the desk as ink
    mask = binarize(flatten_light(img)).astype(bool)
    assert mask[ink].mean() > 0.9  # the writing is found
    assert not mask[:, :40].any() and not mask[:30].any()  # the desk is not


def test_thick_ink_alone_is_no_desk():
    from textrecog.imaging.illumination import dark_areas

    img = blank(300, 800)
    draw_word(img, "BOLD WORDS", 40, 180, scale=2.0)
    assert not dark_areas(img)  # strokes: nothing survives the erosion; the page is left as it is
    assert flatten_light(img) is img
