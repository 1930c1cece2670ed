"""The image-input options (size limits, reading direction) as flags, shared by ``textrecog`` and its batch."""

from __future__ import annotations

import argparse

from textrecog.argtypes import parse_megapixels, parse_size
from textrecog.types import DIRECTIONS


def add_input_args(p: argparse.ArgumentParser) -> None:
    """Add --max-bytes, --max-megapixels and --direction."""
    p.add_argument("--max-bytes", type=parse_size, default=None, metavar="N",
                   help="refuse image files larger than N bytes (suffixes K, M, G; default 512M)")
    p.add_argument("--max-megapixels", dest="max_pixels", type=parse_megapixels, default=None, metavar="N",
                   help="refuse images of more than N megapixels, as decompression bombs (default 300: above any "
                        "real scan; larger images are read downscaled)")
    p.add_argument("--direction", choices=DIRECTIONS, default="ltr",
                   help="ltr: lines left to right (default); ttb: columns top to bottom, right to left "
                        "(Japanese; character-engine models)")


def forward_input_args(args: argparse.Namespace) -> list[str]:
    """The input flags as set in ``args``, to pass on to another parser with the same flags."""
    argv = ["--max-bytes", str(args.max_bytes)] if args.max_bytes else []
    argv += ["--max-megapixels", str(args.max_pixels / 1e6)] if args.max_pixels else []
    return argv + ["--direction", args.direction]
