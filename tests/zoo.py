"""A folder of 41 odd and hostile files, and what textrecog must say about each.

Built in the test (no binary fixtures): broken, exotic and special files a new
user's folder may hold. ``expected`` is None for a file that must be read
(exit 0), else a piece of the one-line reason it must be refused with.
"""

from __future__ import annotations

import io
import os
import struct
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image

ROOT = Path(__file__).resolve().parents[1]
RNG = np.random.default_rng(7)


@dataclass(frozen=True)
class Case:
    name: str
    make: Callable[[Path], None]
    expected: str | None  # None: recognised; else part of the error reason


def _ink(h: int = 60, w: int = 160) -> np.ndarray:
    """Dark strokes on light paper."""
    arr = np.full((h, w), 235, np.uint8)
    arr[h // 4 : 3 * h // 4, w // 8 : w // 8 + 6] = 20
    arr[h // 2 - 3 : h // 2 + 3, w // 3 : 2 * w // 3] = 20
    return arr


def _save(img: Image.Image, fmt: str, **kw) -> Callable[[Path], None]:
    return lambda p: img.save(p, fmt, **kw)


def _bytes(data: bytes) -> Callable[[Path], None]:
    return lambda p: p.write_bytes(data)


def _encoded(img: Image.Image, fmt: str, **kw) -> bytes:
    buf = io.BytesIO()
    img.save(buf, fmt, **kw)
    return buf.getvalue()


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def _png(width: int, height: int, idat: bytes, depth: int = 1) -> bytes:
    ihdr = struct.pack(">IIBBBBB", width, height, depth, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", ihdr) + _chunk(b"IDAT", idat) + _chunk(b"IEND", b"")


def _bomb() -> bytes:
    """20000 x 20000 one-bit pixels (400 megapixels) that deflate to about 60 KB."""
    row = b"\x00" + b"\x00" * (20000 // 8)
    return _png(20000, 20000, zlib.compress(row * 20000, 9))


def _header_only() -> bytes:
    """A PNG header claiming 100000 x 100000 pixels, with almost no data."""
    return _png(100000, 100000, zlib.compress(b"\x00" * 64))


def _palette_transparent(p: Path) -> None:
    img = Image.fromarray(_ink()).convert("P")
    img.info["transparency"] = 0
    img.save(p, "PNG", transparency=0)


def _exif_rotated(p: Path) -> None:
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90 degrees on display
    Image.fromarray(_ink()).save(p, "JPEG", exif=exif.tobytes())


def _gif(p: Path) -> None:
    frames = [Image.fromarray(_ink()), Image.fromarray(255 - _ink())]
    frames[0].save(p, "GIF", save_all=True, append_images=frames[1:], duration=100, loop=0)


def _tiff_pages(p: Path) -> None:
    pages = [Image.fromarray(_ink()), Image.fromarray(_ink(80, 80))]
    pages[0].save(p, "TIFF", save_all=True, append_images=pages[1:])


def _symlink(target: str) -> Callable[[Path], None]:
    return lambda p: p.symlink_to(target)


def _sparse(size: int) -> Callable[[Path], None]:
    def make(p: Path) -> None:
        with open(p, "wb") as fh:
            fh.truncate(size)  # no disk used: the reader must refuse it by size, not read it
    return make


def _mode(mode: str) -> Image.Image:
    ink = Image.fromarray(_ink())
    if mode == "LA":
        return Image.merge("LA", (ink, Image.new("L", ink.size, 255)))
    return ink.convert(mode)


_good_png = _encoded(Image.fromarray(_ink()), "PNG")
_good_jpeg = _encoded(Image.fromarray(_ink()), "JPEG")
_rgba = np.dstack([np.zeros((60, 160, 3), np.uint8), 255 - _ink()])  # black ink on a transparent sheet

CASES = (
    Case("zero-bytes.png", _bytes(b""), "empty file (0 bytes)"),
    Case("truncated.png", _bytes(_encoded(Image.fromarray(RNG.integers(0, 255, (60, 160), np.uint8)), "PNG")[:300]),
         "corrupt or truncated"),
    Case("truncated.jpg", _bytes(_good_jpeg[: len(_good_jpeg) // 2]), "corrupt or truncated"),
    Case("text.png", _bytes(b"this is a text file, not a picture\n"), "not a recognised image format"),
    Case("bomb.png", _bytes(_bomb()), "too large"),
    Case("header-only-huge.png", _bytes(_header_only()), "too large"),
    Case("sixteen-bit.png", _save(Image.fromarray(_ink().astype(np.uint16) * 257), "PNG"), None),
    Case("cmyk.jpg", _save(Image.fromarray(_ink()).convert("CMYK"), "JPEG"), None),
    Case("animated.gif", _gif, None),
    Case("pages.tiff", _tiff_pages, None),
    Case("float.tiff", _save(Image.fromarray(_ink().astype(np.float32) / 255.0, "F"), "TIFF"), None),
    Case("icon.ico", _save(Image.fromarray(_ink(48, 48)), "ICO"), None),
    Case("photo.webp", _save(Image.fromarray(_ink()), "WEBP"), None),
    Case("bitmap.bmp", _save(Image.fromarray(_ink()), "BMP"), None),
    Case("greymap.pgm", _save(Image.fromarray(_ink()), "PPM"), None),
    Case("transparent.png", _save(Image.fromarray(_rgba, "RGBA"), "PNG"), None),
    Case("grey-alpha.png", _save(_mode("LA"), "PNG"), None),
    Case("one-bit.png", _save(_mode("1"), "PNG"), None),
    Case("palette-transparent.png", _palette_transparent, None),
    Case("exif-rotated.jpg", _exif_rotated, None),
    Case("drawing.svg", _bytes(b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>'),
         "not a recognised image format"),
    Case("scan.pdf", _save(Image.fromarray(_ink()), "PDF"), "not a recognised image format"),
    Case("random.png", _bytes(RNG.integers(0, 256, 4096, np.uint8).tobytes()), "not a recognised image format"),
    Case("one-pixel.png", _save(Image.new("L", (1, 1), 0), "PNG"), None),
    Case("tall-1x20000.png", _save(Image.fromarray(RNG.integers(0, 256, (20000, 1), np.uint8)), "PNG"), None),
    Case("wide-20000x1.png", _save(Image.fromarray(RNG.integers(0, 256, (1, 20000), np.uint8)), "PNG"), None),
    Case("all-black.png", _save(Image.new("L", (200, 100), 0), "PNG"), None),
    Case("all-white.png", _save(Image.new("L", (200, 100), 255), "PNG"), None),
    Case("noise.png", _save(Image.fromarray(RNG.integers(0, 256, (120, 160), np.uint8)), "PNG"), None),
    Case("ünïcødé ✓ 手書き.png", _bytes(_good_png), None),
    Case("tab\tin name.png", _bytes(_good_png), None),
    Case("newline\nin name.png", _bytes(_good_png), None),
    Case("n" * 196 + ".png", _bytes(_good_png), None),
    Case("dangling.png", _symlink("no-such-target.png"), "broken symbolic link"),
    Case("loop.png", _symlink("loop.png"), "symbolic link loop"),
    Case("pipe.png", lambda p: os.mkfifo(p), "FIFO"),
    Case("dev-zero.png", _symlink("/dev/zero"), "character device"),
    Case("folder.png", lambda p: p.mkdir(), "no image files found"),
    Case("huge-sparse.png", _sparse(600 * 2**20), "file too large"),
    Case("png-named.jpg", _bytes(_good_png), None),
    Case("handwriting.png", _bytes((ROOT / "samples" / "line-scr.png").read_bytes()), None),
)


def build_zoo(folder: Path) -> dict[str, Case]:
    """Make every case in ``folder``; returns them by path."""
    folder.mkdir(parents=True, exist_ok=True)
    out = {}
    for case in CASES:
        path = folder / case.name
        case.make(path)
        out[str(path)] = case
    return out
