"""Load any common image as normalised grayscale: dark ink on light paper.

Handles EXIF orientation, alpha (flattened onto white), 16-bit and palette
images, GIF/TIFF first frames, light-on-dark inversion, and refuses or
downscales huge images before decoding them fully.
"""

from __future__ import annotations

import errno
import io
import os
import stat
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Union

import numpy as np

if TYPE_CHECKING:
    from PIL import Image

from textrecog.names import printable

# What a folder walk reads: the raster formats Pillow opens (a file given by name is tried whatever its
# suffix, so what the plain command reads, batch reads). Vector and document formats (PDF, SVG, EPS) are not.
IMAGE_SUFFIXES = {".png", ".apng", ".jpg", ".jpeg", ".jpe", ".jfif", ".bmp", ".dib", ".tif", ".tiff", ".webp",
                  ".gif", ".jp2", ".j2k", ".jpx", ".jpf", ".pgm", ".pbm", ".ppm", ".pnm", ".ico", ".cur", ".tga",
                  ".pcx", ".psd", ".sgi", ".rgb", ".ras", ".qoi", ".xbm", ".icns", ".dcx", ".msp", ".im"}

# Refuse to decode more than this: far above real scans (A3 at 1200 dpi is 278 megapixels, A4 at 600 dpi 35),
# where decompression bombs claim gigapixels. --max-pixels raises it. It replaces Pillow's own global
# limit (89 megapixels), which refused legitimate large scans; the header is checked before any decoding.
MAX_PIXELS = 300_000_000
MAX_SIDE = 4000  # larger images are downscaled: handwriting needs far less
# A declared side beyond this is no scan (a 2-metre scroll at 1200 dpi is 94,000 px) but a crafted header:
# refused before a decoder allocates a row or a column of it.
MAX_DECLARED_SIDE = 200_000
# Bytes a decoder may allocate for one image (Pillow's own layout: 4 bytes a pixel for RGB); None: no limit.
# Batch workers set it from their memory ceiling, so one file fails alone instead of the worker dying.
_DECODE_BUDGET: list[int | None] = [None]
_BYTES_PER_PIXEL = {"1": 1, "L": 1, "P": 1, "I;16": 2, "I;16B": 2, "I;16L": 2, "LA": 4, "La": 4, "PA": 4}
_ORIENTATION = 0x0112  # EXIF tag


@dataclass(frozen=True)
class Encoded:
    """An image file's bytes that come from no file (``textrecog -`` reads stdin), with the name to report."""

    data: bytes
    name: str = "-"


ImageSource = Union[str, os.PathLike, "Image.Image", np.ndarray, Encoded]


def _pil():
    """Pillow's Image module, imported on first use: a grey PNG (most scans and renders) never needs it, and a
    cold one-image run saves its import. Our own header check replaces its pixel limit."""
    from PIL import Image

    Image.MAX_IMAGE_PIXELS = None
    return Image


def _is_pil(source: object) -> bool:
    image = sys.modules.get("PIL.Image")  # not imported: the source cannot be one of its images
    return image is not None and isinstance(source, image.Image)


class ImageError(ValueError):
    """An input that cannot be read as an image; ``str()`` is one clear line."""

    def __init__(self, source: object, reason: str):
        self.source = str(source)
        self.reason = reason
        super().__init__(f"{printable(self.source)}: {reason}")


MAX_BYTES = 512 * 2**20  # larger than any real scan's file; --max-bytes changes it
_KINDS = ((stat.S_ISDIR, "a directory"), (stat.S_ISFIFO, "a FIFO (named pipe)"),
          (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"),
          (stat.S_ISSOCK, "a socket"))


def _not_regular(mode: int) -> str | None:
    """What a non-regular file is ("a FIFO (named pipe)"), or None for a regular file."""
    if stat.S_ISREG(mode):
        return None
    return next((name for test, name in _KINDS if test(mode)), "not a regular file")


def _stat_error(path: Path, exc: OSError) -> ImageError:
    if isinstance(exc, (FileNotFoundError, NotADirectoryError)):
        return ImageError(path, "broken symbolic link" if path.is_symlink() else "no such file")
    if exc.errno == errno.ELOOP:
        return ImageError(path, "symbolic link loop")
    if isinstance(exc, PermissionError):
        return ImageError(path, "permission denied")
    return ImageError(path, f"cannot read image ({exc.strerror or exc})")


def read_file(path: Path, max_bytes: int | None = None) -> bytes:
    """The bytes of a regular file of at most ``max_bytes``; anything else is an ImageError.

    FIFOs, devices (a link to /dev/zero) and folders are refused before they
    are opened, so nothing blocks or reads without end; the file is opened
    non-blocking and checked again in case it was swapped in between.
    """
    limit = MAX_BYTES if max_bytes is None else max_bytes
    try:
        kind = _not_regular(os.stat(path).st_mode)
        if kind:
            raise ImageError(path, f"is {kind}, not an image file")
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except OSError as exc:
        raise _stat_error(path, exc) from None
    with os.fdopen(fd, "rb") as fh:
        info = os.fstat(fd)
        kind = _not_regular(info.st_mode)
        if kind:
            raise ImageError(path, f"is {kind}, not an image file")
        if info.st_size > limit:
            raise ImageError(path, f"file too large: {info.st_size:,} bytes (limit {limit:,}; see --max-bytes)")
        try:
            data = fh.read(limit + 1)
        except OSError as exc:
            raise ImageError(path, f"cannot read image ({exc.strerror or exc})") from None
    if not data:
        raise ImageError(path, "empty file (0 bytes)")
    if len(data) > limit:  # grew while being read
        raise ImageError(path, f"file too large: over {limit:,} bytes (see --max-bytes)")
    return data


def read_stdin(max_bytes: int | None = None) -> Encoded:
    """An image file piped into stdin (``textrecog -``); a terminal, nothing or too much is an ImageError."""
    limit = MAX_BYTES if max_bytes is None else max_bytes
    stream = sys.stdin.buffer if sys.stdin is not None else None
    if stream is None or stream.isatty():
        raise ImageError("-", "stdin is a terminal, not an image: pipe a file in (textrecog - < scan.png)")
    data = stream.read(limit + 1)
    if len(data) > limit:
        raise ImageError("-", f"stdin holds over {limit:,} bytes (see --max-bytes)")
    if not data:
        raise ImageError("-", "nothing on stdin")
    return Encoded(data, "-")


def _open(data: bytes, name: object) -> Image.Image:
    """Open encoded image bytes lazily, turning every failure into an ImageError."""
    image = _pil()
    try:
        return image.open(io.BytesIO(data))
    except image.UnidentifiedImageError:
        raise ImageError(name, "not a recognised image format") from None
    except (OSError, ValueError, SyntaxError) as exc:
        raise ImageError(name, f"cannot read image ({exc})") from None


_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_PNG_END = b"\x00\x00\x00\x00IEND\xaeB`\x82"


def _plain_png(data: bytes, max_pixels: int = MAX_PIXELS, name: object = "<image>") -> np.ndarray | None:
    """Decode a complete 8-bit grayscale PNG without EXIF straight into an array, else None.

    Scans and renders of handwriting are mostly such files; OpenCV decodes
    them in half the time Pillow takes to open, decode and copy them. Any
    other file (or any doubt) goes the Pillow way, which also words the errors.
    """
    # IHDR: width, height, bit depth, colour type (0 = grey); a truncated file has no IEND
    if not (data.startswith(_PNG_SIGNATURE) and data[12:16] == b"IHDR" and data.endswith(_PNG_END)):
        return None
    width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    if data[24] > 8 or data[25] != 0 or b"eXIf" in data:
        return None
    check_declared_size(name, width, height, max_pixels)
    import cv2

    gray = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_UNCHANGED)
    return gray if gray is not None and gray.ndim == 2 and gray.dtype == np.uint8 else None


def set_decode_budget(nbytes: int | None) -> None:
    """Refuse, before decoding, an image whose pixels would need more than ``nbytes`` (None: no limit)."""
    _DECODE_BUDGET[0] = nbytes


def check_declared_size(name: object, w: int, h: int, max_pixels: int, bytes_per_pixel: int = 1) -> None:
    """Refuse a header's size before any decoding: no pixels, a crafted side, too many pixels or bytes."""
    if w <= 0 or h <= 0:
        raise ImageError(name, "image has no pixels")
    if max(w, h) > MAX_DECLARED_SIDE:
        raise ImageError(name, f"image too large: {w:,} x {h:,} pixels (a side over {MAX_DECLARED_SIDE:,})")
    if w * h > max_pixels:
        raise ImageError(name, f"image too large: {w:,} x {h:,} pixels = {w * h / 1e6:,.0f} megapixels (limit "
                               f"{max_pixels / 1e6:,.0f}; see --max-megapixels)")
    budget = _DECODE_BUDGET[0]
    if budget is not None and w * h * bytes_per_pixel > budget:
        raise ImageError(name, f"image too large to decode within the memory limit ({w:,} x {h:,} pixels need "
                               f"{w * h * bytes_per_pixel / 2**20:,.0f} MiB; limit {budget / 2**20:,.0f} MiB)")


def _limit_size(img: Image.Image, name: object, max_pixels: int) -> Image.Image:
    """Use JPEG draft decoding to shrink big photos; refuse what stays huge (before decoding it)."""
    w, h = img.size
    if max(w, h) > MAX_SIDE and min(w, h) > 0 and img.format == "JPEG":
        # never a 0-pixel target: a 1 x 65,000 header would divide by zero in Pillow
        img.draft(img.mode, (max(1, w * MAX_SIDE // max(w, h)), max(1, h * MAX_SIDE // max(w, h))))
        w, h = img.size
    check_declared_size(name, w, h, max_pixels, _BYTES_PER_PIXEL.get(img.mode, 4))
    return img


def _to_gray(img: Image.Image) -> np.ndarray:
    """Flatten any mode (alpha, palette, 16-bit, CMYK) to uint8 grayscale."""
    if img.mode in ("I;16", "I;16B", "I;16L", "I", "F"):
        arr = np.asarray(img, dtype=np.float32)  # float32: half float64's memory, exact for 16-bit values
        lo, hi = float(arr.min()), float(arr.max())
        arr = (arr - lo) * np.float32(255.0 / (hi - lo)) if hi > lo else np.full_like(arr, 255.0)
        return arr.astype(np.uint8)
    if img.mode == "P":
        img = img.convert("RGBA")
    if img.mode == "L":
        return np.asarray(img, dtype=np.uint8)
    if img.mode in ("RGBA", "LA", "PA", "La", "RGBa"):
        rgba = img.convert("RGBA")
        image = _pil()
        img = image.alpha_composite(image.new("RGBA", rgba.size, (255, 255, 255, 255)), rgba)
    return np.asarray(img.convert("L"), dtype=np.uint8)


def _downscale(gray: np.ndarray) -> np.ndarray:
    h, w = gray.shape
    if max(h, w) <= MAX_SIDE:
        return gray
    import cv2

    k = MAX_SIDE / max(h, w)
    return cv2.resize(gray, (max(1, round(w * k)), max(1, round(h * k))), interpolation=cv2.INTER_AREA)


def normalise_polarity(gray: np.ndarray) -> np.ndarray:
    """Invert light-on-dark images so that ink is always dark on light.

    The paper is the majority of pixels (a median test, without the sort). Only where most pixels are
    dark is a second look taken: a photo whose desk or shadow covers most of it still has its thin
    features (strokes) dark, and stays as it is; white writing on a dark board has them bright.
    """
    sample = gray[::4, ::4]  # every fourth pixel each way is plenty for the majority
    if 2 * np.count_nonzero(sample < 128) <= sample.size:
        return gray
    return gray if _thin_features_dark(gray) else 255 - gray


def _thin_features_dark(gray: np.ndarray) -> bool:
    """True if the image's thin features (black top-hat against white top-hat, at ~512 px) are mostly dark.

    Strokes stand far out of the paper's noise, in one polarity; noise (a dim photo's grain, JPEG) gives
    both polarities alike, and summed over the page it drowns the strokes. So only strong responses count:
    those well above the typical one.
    """
    import cv2

    h, w = gray.shape
    k = max(h, w) / 512
    small = cv2.resize(gray, (max(1, round(w / k)), max(1, round(h / k))), interpolation=cv2.INTER_AREA) \
        if k > 1 else gray
    kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (5, 5))
    dark = cv2.morphologyEx(small, cv2.MORPH_BLACKHAT, kernel)
    bright = cv2.morphologyEx(small, cv2.MORPH_TOPHAT, kernel)
    strong = max(16.0, 6.0 * float(np.median(np.concatenate([dark.ravel(), bright.ravel()]))))
    n_dark, n_bright = int(np.count_nonzero(dark > strong)), int(np.count_nonzero(bright > strong))
    return n_dark > n_bright


def _array_to_gray(arr: np.ndarray) -> np.ndarray:
    arr = np.asarray(arr)
    if arr.ndim == 3 and arr.shape[2] in (3, 4):
        mode = "RGBA" if arr.shape[2] == 4 else "RGB"
        return _to_gray(_pil().fromarray(arr.astype(np.uint8), mode))
    if arr.ndim == 3 and arr.shape[2] == 1:
        arr = arr[:, :, 0]
    if arr.ndim != 2:
        raise ImageError("<array>", f"expected a 2-D or 3-D image array, got shape {arr.shape}")
    if arr.size == 0:
        raise ImageError("<array>", "image has no pixels")
    if arr.dtype == np.uint8:
        return arr
    if arr.dtype == bool:
        return np.where(arr, 0, 255).astype(np.uint8)  # True = ink
    arr = arr.astype(np.float64)
    if arr.max() <= 1.0 and arr.min() >= 0.0:
        return (arr * 255).astype(np.uint8)
    return _to_gray(_pil().fromarray(arr.astype(np.float32), "F"))


def load_gray(source: ImageSource, max_bytes: int | None = None, max_pixels: int | None = None) -> np.ndarray:
    """Load a path, encoded bytes, PIL image or array as uint8 grayscale, ink dark on light.

    A path must name a regular file of at most ``max_bytes`` (default MAX_BYTES); an encoded image may
    hold at most ``max_pixels`` (default MAX_PIXELS). Large images are downscaled to MAX_SIDE.
    """
    pixels = MAX_PIXELS if max_pixels is None else max_pixels
    if isinstance(source, np.ndarray):
        return normalise_polarity(_downscale(_array_to_gray(source)))
    if _is_pil(source):
        img, name = source, "<image>"
    else:
        name = source.name if isinstance(source, Encoded) else source
        data = source.data if isinstance(source, Encoded) else read_file(Path(source), max_bytes)
        if not data:
            raise ImageError(name, "empty file (0 bytes)")
        plain = _plain_png(data, pixels, name)
        if plain is not None:
            return normalise_polarity(_downscale(plain))
        img = _open(data, name)
    try:
        img = _limit_size(img, name, pixels)
        if max(img.size) >= 2 * MAX_SIDE and img.mode in ("L", "RGB", "RGBA"):
            img = img.reduce(max(img.size) // MAX_SIDE)  # a box filter first: a fraction of the memory after
        img.seek(0)  # first frame of GIF/TIFF/WebP animations
        if img.getexif().get(_ORIENTATION, 1) != 1:  # only rotated photos pay for the transpose
            from PIL import ImageOps

            img = ImageOps.exif_transpose(img) or img
        gray = _to_gray(img)
    except ImageError:
        raise
    except MemoryError:
        raise ImageError(name, "image too large to decode within the memory limit") from None
    except (OSError, ValueError, SyntaxError) as exc:
        raise ImageError(name, f"corrupt or truncated image ({exc})") from None
    except Exception as exc:  # noqa: BLE001 - a decoder fed crafted bytes fails in any way (ZeroDivisionError, ...)
        raise ImageError(name, f"corrupt or truncated image ({type(exc).__name__}: {exc})") from None
    return normalise_polarity(_downscale(gray))


def to_ink(gray: np.ndarray) -> np.ndarray:
    """Ink image (bright strokes on 0) from dark-on-light grayscale."""
    return 255 - gray
