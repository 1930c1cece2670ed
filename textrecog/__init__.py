"""textrecog: handwritten text recognition that runs fast on a CPU.

>>> import textrecog
>>> textrecog.recognize("samples/cursive-word-nic.png").text  # doctest: +SKIP
'frankfurt'
"""

from __future__ import annotations

from textrecog.version import __version__

__all__ = ["recognize", "recognize_many", "make_options", "Result", "ImageError", "ModelError", "__version__"]


def __dir__() -> list[str]:
    """The public API (loaded lazily, so listed here) and the module's dunder names."""
    return sorted({*__all__, *(name for name in globals() if name.startswith("__"))})


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
