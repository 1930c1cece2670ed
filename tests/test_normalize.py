"""The shared crop normalisation."""

import numpy as np
import pytest

from textrecog.normalize import InputSpec, fit_crop, normalize_batch, normalize_crop


def glyph(h=40, w=10):
    ink = np.zeros((60, 80), np.uint8)
    ink[5 : 5 + h, 30 : 30 + w] = 255
    return ink


def test_tall_glyph_is_centred_and_fills_inner_height():
    out = normalize_crop(glyph(), InputSpec())
    assert out.shape == (28, 28) and out.dtype == np.float32
    rows = np.nonzero(out.max(axis=1) > 0.5)[0]
    cols = np.nonzero(out.max(axis=0) > 0.5)[0]
    assert rows.min() == 4 and rows.max() == 23  # 20 px inner box in 28
    assert abs((cols.min() + cols.max()) / 2 - 13.5) <= 1  # centred
    assert cols.max() - cols.min() < 8  # aspect ratio kept (10:40)


def test_transpose_when_the_manifest_says_so():
    plain = normalize_crop(glyph(), InputSpec())
    flipped = normalize_crop(glyph(), InputSpec(transpose=True))
    np.testing.assert_array_equal(flipped, plain.T)


def test_polarity_and_scale():
    out = normalize_crop(glyph(), InputSpec(polarity="black_on_white", scale=1.0))
    assert out[0, 0] == 255.0 and out.min() < 10


def test_blank_crop_gives_empty_input():
    assert normalize_crop(np.zeros((5, 5), np.uint8), InputSpec()).max() == 0


def test_tiny_dot_is_enlarged_not_lost():
    ink = np.zeros((10, 10), np.uint8)
    ink[4:6, 4:6] = 255
    assert normalize_crop(ink, InputSpec()).max() > 0.5


def test_fit_keeps_aspect_ratio_and_centres():
    fitted = fit_crop(np.full((6, 18), 255, np.uint8), InputSpec())  # a bar three times as wide as high
    rows, cols = np.nonzero(fitted)
    assert cols.min() == 4 and cols.max() == 23  # the full inner width, centred in 28
    assert 6 <= rows.max() - rows.min() + 1 <= 8  # a third of it high
    assert abs((rows.min() + rows.max()) / 2 - 13.5) <= 1


def test_batch_equals_one_crop_at_a_time():
    inks = [glyph(), glyph(20, 20), np.zeros((3, 3), np.uint8)]
    for spec in (InputSpec(), InputSpec(transpose=True, polarity="black_on_white")):
        batch = normalize_batch(inks, spec)
        for i, ink in enumerate(inks):
            np.testing.assert_array_equal(batch[i, :, :, 0], normalize_crop(ink, spec))


def test_batch_shape():
    batch = normalize_batch([glyph(), glyph(20, 20)], InputSpec())
    assert batch.shape == (2, 28, 28, 1)


@pytest.mark.parametrize("kw", [{"inner": 30}, {"inner": 0}, {"polarity": "red"}])
def test_invalid_spec_rejected(kw):
    with pytest.raises(ValueError):
        InputSpec(**kw)
