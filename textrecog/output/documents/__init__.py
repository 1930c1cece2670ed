"""Document output: ALTO 4.4, PAGE-XML 2019-07-15 and hOCR 1.2, one file per image.

Each format is a module with ``render(result, source) -> bytes``; this
package picks the module, names the file after its image and writes it
whole (a temporary file renamed into place), never replacing one unasked.
"""

from __future__ import annotations

import importlib
import os
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from textrecog.types import Result

FORMATS = ("alto", "page", "hocr")
SUFFIXES = {"alto": ".alto.xml", "page": ".page.xml", "hocr": ".hocr"}


def _now() -> str:
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat()


@dataclass(frozen=True)
class Source:
    """What a document names about its origin: the image, the model and the software."""

    image: str  # the image's path as seen from the document's folder
    model: str
    created: str = field(default_factory=_now)  # ISO 8601, UTC

    @property
    def software(self) -> str:
        from textrecog.version import __version__

        return f"textrecog {__version__}"


def render(fmt: str, result: Result, source: Source) -> bytes:
    """The document of one image's result in format ``fmt`` (alto, page or hocr)."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown document format {fmt!r} (choose from {', '.join(FORMATS)})")
    module = importlib.import_module(f"textrecog.output.documents.{'pagexml' if fmt == 'page' else fmt}")
    return module.render(result, source)


def document_path(image: Path, fmt: str, out_dir: Path | None = None, relative: Path | None = None) -> Path:
    """Where an image's document goes: beside it, or under ``out_dir`` at its ``relative`` path."""
    name = image.stem + SUFFIXES[fmt]
    if out_dir is None:
        return image.with_name(name)
    rel = (relative or Path(image.name)).with_name(name)
    return out_dir / rel


def source_for(image: Path, document: Path, model: str) -> Source:
    """The Source of a document written at ``document`` for ``image``."""
    try:
        name = os.path.relpath(image, document.parent)
    except ValueError:  # another drive on Windows
        name = str(image.resolve())
    return Source(name.replace(os.sep, "/"), model)


def plan_documents(files: list[Path], roots: list[Path], fmt: str, out_dir: Path | None,
                   problems: list[tuple[str, str]]) -> dict[str, Path]:
    """Each image's document path; an image whose document another image already claims is a problem.

    Under ``out_dir`` an image keeps its path relative to the folder it was found in.
    """
    folders = sorted((r for r in roots if r.is_dir()), key=lambda r: len(r.parts), reverse=True)
    targets: dict[str, Path] = {}
    owners: dict[Path, Path] = {}
    for image in files:
        root = next((r for r in folders if image.is_relative_to(r)), None)
        rel = image.relative_to(root) if root else Path(image.name)
        target = document_path(image, fmt, out_dir, rel)
        if target in owners:
            problems.append((str(image), f"its document {target} would replace that of {owners[target]} "
                                         "(rename one of the images)"))
            continue
        owners[target] = image
        targets[str(image)] = target
    return targets
