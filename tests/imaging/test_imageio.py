"""Loading every common image format into dark-on-light grayscale."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

from textrecog.imaging import imageio
from textrecog.imaging.imageio import ImageError, load_gray


def ink_image() -> Image.Image:
    arr = np.full((40, 60), 255, np.uint8)
    arr[10:30, 20:25] = 0
    return Image.fromarray(arr)


@pytest.mark.parametrize("fmt", ["PNG", "JPEG", "BMP", "TIFF", "WEBP", "GIF"])
def test_common_formats(tmp_path, fmt):
    path = tmp_path / f"x.{fmt.lower()}"
    ink_image().save(path, fmt)
    gray = load_gray(path)
    assert gray.shape == (40, 60) and gray.dtype == np.uint8
    assert gray[20, 22] < 80 and gray[5, 5] > 200


@pytest.mark.parametrize("mode", ["L", "1"])
def test_grey_png_fast_path_reads_as_pillow_does(tmp_path, mode):
    arr = np.random.default_rng(1).integers(0, 255, (40, 60), dtype=np.uint8)
    path = tmp_path / "g.png"
    Image.fromarray(arr).convert(mode).save(path)
    assert imageio._plain_png(path.read_bytes()) is not None  # the OpenCV path is taken
    with Image.open(path) as img:
        expected = imageio.normalise_polarity(imageio._to_gray(img))
    np.testing.assert_array_equal(load_gray(path), expected)


def test_grey_png_with_exif_orientation_is_rotated(tmp_path):
    exif = Image.Exif()
    exif[0x0112] = 6
    path = tmp_path / "r.png"
    ink_image().save(path, "PNG", exif=exif.tobytes())
    assert imageio._plain_png(path.read_bytes()) is None  # EXIF: the Pillow path, which rotates
    assert load_gray(path).shape == (60, 40)


def test_alpha_is_flattened_onto_white(tmp_path):
    rgba = np.zeros((20, 20, 4), np.uint8)  # transparent black everywhere...
    rgba[5:15, 8:10] = (0, 0, 0, 255)  # ...except an opaque stroke
    path = tmp_path / "a.png"
    Image.fromarray(rgba, "RGBA").save(path)
    gray = load_gray(path)
    assert gray[0, 0] == 255 and gray[10, 9] == 0


def test_16_bit_and_palette(tmp_path):
    arr16 = np.full((20, 20), 65535, np.uint16)
    arr16[5:15, 5:8] = 0
    Image.fromarray(arr16).save(tmp_path / "d.png")
    assert load_gray(tmp_path / "d.png")[10, 6] == 0
    ink_image().convert("P").save(tmp_path / "p.png")
    assert load_gray(tmp_path / "p.png")[20, 22] < 80


def test_light_on_dark_is_inverted():
    arr = np.zeros((20, 20), np.uint8)
    arr[5:15, 5:8] = 255
    gray = load_gray(arr)
    assert gray[0, 0] == 255 and gray[10, 6] == 0


def test_exif_orientation_applied(tmp_path):
    img = ink_image()  # 60 wide, 40 tall
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90° on display
    path = tmp_path / "r.jpg"
    img.save(path, "JPEG", exif=exif.tobytes())
    assert load_gray(path).shape == (60, 40)


def test_pil_image_and_arrays():
    assert load_gray(ink_image()).shape == (40, 60)
    rgb = np.full((10, 12, 3), 255, np.uint8)
    assert load_gray(rgb).shape == (10, 12)
    assert load_gray(np.ones((4, 4), bool)).shape == (4, 4)


@pytest.mark.parametrize("make,reason", [
    (lambda p: p.write_bytes(b""), "empty"),
    (lambda p: p.write_text("hello, not an image"), "not a recognised image"),
    (lambda p: p.write_bytes(_png_bytes()[:60]), "corrupt or truncated"),
])
def test_bad_files_give_one_line_errors(tmp_path, make, reason):
    path = tmp_path / "bad.png"
    make(path)
    with pytest.raises(ImageError) as info:
        load_gray(path)
    msg = str(info.value)
    assert str(path) in msg and reason in msg and "\n" not in msg


def test_missing_file_and_directory(tmp_path):
    with pytest.raises(ImageError, match="no such file"):
        load_gray(tmp_path / "nope.png")
    with pytest.raises(ImageError, match="directory"):
        load_gray(tmp_path)


def test_huge_image_refused_before_decoding(tmp_path, monkeypatch):
    path = tmp_path / "big.png"
    Image.new("L", (3000, 2000), 255).save(path)
    monkeypatch.setattr(imageio, "MAX_PIXELS", 1_000_000)
    with pytest.raises(ImageError, match=r"too large: 3,000 x 2,000 pixels = 6 megapixels \(limit 1; see --max-megapixels"):
        load_gray(path)


def test_the_limit_is_a_parameter(tmp_path):
    path = tmp_path / "big.png"
    Image.new("RGB", (3000, 2000), "white").save(path)
    with pytest.raises(ImageError, match="limit 5;"):
        load_gray(path, max_pixels=5_000_000)
    assert load_gray(path, max_pixels=6_000_000).shape == (2000, 3000)


def test_a_large_real_scan_is_read_downscaled_not_refused(tmp_path):
    """90 megapixels, above Pillow's own bomb limit (89): a 600 dpi A3 scan is bigger still."""
    path = tmp_path / "scan.jpg"
    Image.new("L", (9000, 10000), 255).save(path, quality=50)
    gray = load_gray(path)
    assert max(gray.shape) == imageio.MAX_SIDE and gray.min() > 200


def test_encoded_bytes_and_stdin(monkeypatch):
    data = _png_bytes()
    assert load_gray(imageio.Encoded(data, "-")).shape == (64, 64)
    with pytest.raises(ImageError, match="^-: empty file"):
        load_gray(imageio.Encoded(b"", "-"))

    class Pipe(io.BytesIO):
        def isatty(self) -> bool:
            return False

    class Stdin:
        def __init__(self, raw):
            self.buffer = raw

    monkeypatch.setattr("sys.stdin", Stdin(Pipe(data)))
    assert imageio.read_stdin().data == data
    monkeypatch.setattr("sys.stdin", Stdin(Pipe(data)))
    with pytest.raises(ImageError, match="over 10 bytes"):
        imageio.read_stdin(max_bytes=10)
    monkeypatch.setattr("sys.stdin", Stdin(Pipe(b"")))
    with pytest.raises(ImageError, match="nothing on stdin"):
        imageio.read_stdin()


def test_large_image_downscaled(monkeypatch):
    monkeypatch.setattr(imageio, "MAX_SIDE", 100)
    assert max(load_gray(np.full((300, 500), 255, np.uint8)).shape) == 100


def _png_bytes() -> bytes:
    buf = io.BytesIO()
    Image.fromarray(np.random.default_rng(0).integers(0, 255, (64, 64), dtype=np.uint8)).save(buf, "PNG")
    return buf.getvalue()


def test_decompression_bomb_header_refused(tmp_path):
    """A PNG whose header claims 20000×20000 is refused without decoding it."""
    import struct
    import zlib

    data = bytearray(_png_bytes())
    ihdr = data.index(b"IHDR")
    data[ihdr + 4 : ihdr + 12] = struct.pack(">II", 20000, 20000)
    crc = zlib.crc32(bytes(data[ihdr : ihdr + 17])) & 0xFFFFFFFF
    data[ihdr + 17 : ihdr + 21] = struct.pack(">I", crc)
    path = tmp_path / "bomb.png"
    path.write_bytes(bytes(data))
    with pytest.raises(ImageError, match="too large"):
        load_gray(path)


def _png_declaring(w: int, h: int, depth: int, colour: int) -> bytes:
    """A PNG with a valid IHDR (and CRC) declaring w x h, whose data is far too short: a decode-time bomb."""
    import struct
    import zlib

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)

    ihdr = struct.pack(">IIBBBBB", w, h, depth, colour, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\0" * 100))
            + chunk(b"IEND", b""))


@pytest.mark.parametrize("w, h, depth, colour", [(1, 290_000_000, 8, 0), (290_000_000, 1, 16, 6),
                                                 (290_000_000, 1, 8, 0)])
def test_a_crafted_side_is_refused_before_decoding(tmp_path, w, h, depth, colour):
    import resource

    path = tmp_path / "side.png"
    path.write_bytes(_png_declaring(w, h, depth, colour))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with pytest.raises(ImageError, match="a side over"):
        load_gray(path)
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - peak < 50_000  # KiB: nothing was allocated


def test_the_decode_budget_refuses_what_would_not_fit(tmp_path):
    path = tmp_path / "big.png"
    path.write_bytes(_png_declaring(17000, 17000, 16, 6))  # 289 megapixels of RGBA: 1.1 GiB decoded
    imageio.set_decode_budget(512 * 2**20)
    try:
        with pytest.raises(ImageError, match="memory limit"):
            load_gray(path)
    finally:
        imageio.set_decode_budget(None)
    with pytest.raises(ImageError, match="truncated"):  # without the budget: tried, and its short data found
        load_gray(path)


@pytest.mark.parametrize("h, w", [(1, 65000), (65000, 1)])
def test_a_jpeg_with_a_degenerate_size_is_no_traceback(tmp_path, h, w):
    import struct

    buf = io.BytesIO()
    Image.new("L", (16, 16), 255).save(buf, "JPEG")
    data = bytearray(buf.getvalue())
    sof = data.index(b"\xff\xc0")
    data[sof + 5 : sof + 9] = struct.pack(">HH", h, w)
    path = tmp_path / "thin.jpg"
    path.write_bytes(bytes(data))
    try:
        gray = load_gray(path)
    except ImageError as exc:
        assert str(exc).startswith(str(path))
    else:
        assert gray.ndim == 2 and gray.size > 0


def test_memory_error_in_a_decoder_is_one_line(tmp_path, monkeypatch):
    path = tmp_path / "a.png"
    Image.new("RGB", (20, 20), (255, 255, 255)).save(path)

    def no_memory(img):
        raise MemoryError

    monkeypatch.setattr(imageio, "_to_gray", no_memory)
    with pytest.raises(ImageError, match="within the memory limit") as err:
        load_gray(path)
    assert str(err.value).startswith(str(path))
