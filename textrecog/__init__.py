"""textrecog: handwritten text recognition that runs fast on a CPU.

>>> import textrecog
>>> textrecog.recognize("samples/line.png").text  # doctest: +SKIP
"""

from __future__ import annotations

__version__ = "0.1.0"
__all__ = ["recognize", "Result", "ImageError", "ModelError", "__version__"]


def __getattr__(name: str):
    # Lazy: `import textrecog` stays cheap (the CLI's --help never loads OpenCV).
    if name == "recognize":
        from textrecog.pipeline import recognize

        return recognize
    if name == "Result":
        from textrecog.types import Result

        return Result
    if name == "ImageError":
        from textrecog.imageio import ImageError

        return ImageError
    if name == "ModelError":
        from textrecog.model import ModelError

        return ModelError
    raise AttributeError(f"module 'textrecog' has no attribute {name!r}")
