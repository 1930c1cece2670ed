"""The shared crop normalisation."""

import numpy as np
import pytest

from textrecog.imaging.normalize import InputSpec, fit_crop, normalize_batch, normalize_crop


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


# --- the line normaliser -------------------------------------------------------------------------

def _line_ink(h: int = 60, w: int = 300) -> np.ndarray:
    ink = np.zeros((h + 40, w + 50), np.uint8)
    ink[20 : 20 + h, 30 : 30 + w : 7] = 255  # vertical strokes
    return ink


def test_fit_line_height_aspect_and_mapping():
    from textrecog.imaging.normalize import LineSpec, fit_line

    spec = LineSpec(height=32, margin=2)
    fitted = fit_line(_line_ink(), spec)
    img = fitted.image
    assert img.shape[0] == 32 and img.dtype == np.uint8
    rows = np.flatnonzero(img.any(axis=1))
    assert rows[0] == 2 and rows[-1] == 29  # ink fills the rows inside the margin
    cols = np.flatnonzero(img.any(axis=0))
    assert abs((cols[-1] - cols[0]) - 294 * 28 / 60) <= 2  # aspect kept
    assert abs(fitted.to_source_x(cols[0]) - 30) <= 1 and abs(fitted.to_source_x(cols[-1]) - 324) <= 3


def test_fit_line_squeezes_past_max_width_and_handles_blank():
    from textrecog.imaging.normalize import LineSpec, fit_line

    spec = LineSpec(height=32, max_width=128)
    assert fit_line(_line_ink(w=2000), spec).image.shape == (32, 128)
    assert not fit_line(np.zeros((40, 90), np.uint8), spec).image.any()


def test_training_and_inference_normalise_a_line_identically():
    """The rendered training path and the segmentation engine's line cut give the same input."""
    from conftest import draw_line

    from textrecog.data.lineimages import line_image
    from textrecog.engines.line_engine import cut_line
    from textrecog.engines.model import ModelInfo
    from textrecog.imaging.binarize import binarize
    from textrecog.imaging.normalize import LineSpec
    from textrecog.segmentation.segment import Page, segment

    img = draw_line(["hello", "world"])
    spec = LineSpec()
    info = ModelInfo(path=None, name="x", labels=("a",), spec=spec, manifest={}, kind="line")
    seg = segment(binarize(img))
    assert len(seg.lines) == 1
    served = cut_line(Page(img, seg), seg.lines[0], info.spec).fitted.image
    trained = line_image(img, spec).image
    assert served.shape == trained.shape
    assert ((served > 0) == (trained > 0)).mean() > 0.995  # the same ink (faint edge pixels aside)
    # levels may differ by a few grey steps: the contrast stretch samples every second
    # pixel, and a line's crop starts on another pixel than the whole image
    diff = np.abs(served.astype(int) - trained.astype(int))
    assert diff.max() <= 8 and diff.mean() < 1.0


def test_a_sloping_line_is_levelled_before_it_is_fitted():
    import cv2

    from textrecog.imaging.normalize import LineSpec, fit_line, unslope

    ink = np.zeros((80, 400), np.uint8)
    for x in range(10, 390, 20):  # letters, 16 rows tall, along a baseline sinking 0.1 a column
        y = int(60 + 0.1 * (x - 200))
        cv2.rectangle(ink, (x, y - 16), (x + 10, y), 255, -1)
    levelled = unslope(ink, 0.1)
    rows = np.flatnonzero(levelled.max(axis=1))
    assert rows.max() - rows.min() <= 20  # one band of letters (the unlevelled ink spans 53 rows)
    assert np.array_equal(np.flatnonzero(levelled.max(axis=0)), np.flatnonzero(ink.max(axis=0)))  # columns kept
    assert int(levelled.sum(dtype=np.int64)) == pytest.approx(int(ink.sum(dtype=np.int64)), rel=0.02)  # none lost
    assert np.array_equal(unslope(ink, -0.1)[:, ::-1] > 0, unslope(ink[:, ::-1], 0.1) > 0)  # the same either way
    spec = LineSpec()
    flat, tilted = fit_line(ink, spec, 0.1).image, fit_line(ink, spec).image
    assert flat.shape[1] > 2 * tilted.shape[1]  # the letters fill the height: the line is read at their size
    assert unslope(ink, 0.01) is ink  # a slope under a degree is left as it is


def test_line_to_input_polarity():
    from textrecog.imaging.normalize import LineSpec, line_to_input

    img = np.array([[0, 255]], np.uint8)
    assert np.allclose(line_to_input(img, LineSpec()), [[0.0, 1.0]])
    assert np.allclose(line_to_input(img, LineSpec(polarity="black_on_white")), [[1.0, 0.0]])
