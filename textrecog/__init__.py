"""textrecog: handwritten text recognition that runs fast on a CPU.

>>> import textrecog
>>> textrecog.recognize("samples/line.png").text  # doctest: +SKIP
"""

from __future__ import annotations

from textrecog.version import __version__

__all__ = ["recognize", "recognize_many", "make_options", "Result", "ImageError", "ModelError", "__version__"]


def __getattr__(name: str):
    # Lazy: `import textrecog` stays cheap (the CLI's --help never loads OpenCV).
    if name in ("recognize", "recognize_many"):
        from textrecog import pipeline

        return getattr(pipeline, name)
    if name == "make_options":
        from textrecog.decoding.decoder import make_options

        return make_options
    if name == "Result":
        from textrecog.types import Result

        return Result
    if name == "ImageError":
        from textrecog.imaging.imageio import ImageError

        return ImageError
    if name == "ModelError":
        from textrecog.engines.model import ModelError

        return ModelError
    raise AttributeError(f"module 'textrecog' has no attribute {name!r}")
