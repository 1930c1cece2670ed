"""Self-describing model directories: find, load and validate them.

A model is a directory holding ``model.tflite``, ``labels.json`` (a JSON
list: index → character) and ``manifest.json`` (input geometry, polarity,
normalisation, class set, training data and command, measured accuracy).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from textrecog.imaging.normalize import InputSpec, LineSpec
from textrecog.locate import bundled_models_dir, env_dirs, locate_dir
from textrecog.segmentation.direction import check as check_direction_name

FORMAT = "textrecog-model/1"
DEFAULT_MODEL = "line"  # reads held-out writers far better than latin (textrecog eval; README)
MODEL_FILES = ("model.tflite", "labels.json", "manifest.json")
KINDS = ("char", "line")  # the recognizer a model needs: glyph classifier or CTC line reader


class ModelError(ValueError):
    """A model directory that is missing, incomplete or inconsistent."""


@dataclass(frozen=True)
class ModelInfo:
    """A validated model directory (the weights are loaded by the classifier)."""

    path: Path
    name: str
    labels: tuple[str, ...]
    spec: InputSpec | LineSpec
    manifest: dict = field(repr=False, compare=False)
    kind: str = "char"

    @property
    def tflite_path(self) -> Path:
        return self.path / "model.tflite"

    @property
    def script(self) -> str:
        """The writing system the model reads ("latin", "hiragana", "kuzushiji")."""
        return str(self.manifest.get("script", "latin"))

    @property
    def spaces(self) -> bool:
        """Whether the script separates words with spaces (Japanese does not)."""
        return bool(self.manifest.get("spaces", True))


def search_path() -> list[Path]:
    """Model folders searched by name: ``$TEXTRECOG_MODELS`` entries, then bundled."""
    return [*env_dirs("TEXTRECOG_MODELS"), bundled_models_dir()]


def list_models() -> list[Path]:
    """Every model directory found on the search path, by name order."""
    found: dict[str, Path] = {}
    for root in search_path():
        if root.is_dir():
            for d in sorted(root.iterdir()):
                if (d / "manifest.json").is_file() and d.name not in found:
                    found[d.name] = d
    return [found[k] for k in sorted(found)]


def resolve(name_or_path: str | os.PathLike | None) -> Path:
    """Turn ``--model NAME|PATH`` into a model directory path."""
    ref = str(name_or_path or DEFAULT_MODEL)
    path = locate_dir(ref, search_path())
    if path is None:
        names = ", ".join(p.name for p in list_models()) or "none installed"
        raise ModelError(f"model {ref!r} not found (available: {names})")
    if not path.is_dir():
        raise ModelError(f"{ref}: model directory not found")
    return path


def _read_json(path: Path) -> object:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise ModelError(f"{path}: invalid JSON ({exc})") from None


def _spec_from_manifest(path: Path, manifest: dict, kind: str) -> InputSpec | LineSpec:
    inp = manifest.get("input")
    if not isinstance(inp, dict):
        raise ModelError(f"{path}: manifest.json has no 'input' section")
    try:
        if kind == "line":
            return LineSpec(height=int(inp["height"]), margin=int(inp["margin"]), max_width=int(inp["max_width"]),
                            polarity=str(inp["polarity"]), scale=float(inp.get("scale", 1.0 / 255.0)),
                            downsample=int(inp["downsample"]))
        return InputSpec(size=int(inp["size"]), inner=int(inp["inner"]),
                         transpose=bool(inp["transpose"]), polarity=str(inp["polarity"]),
                         scale=float(inp.get("scale", 1.0 / 255.0)))
    except KeyError as exc:
        raise ModelError(f"{path}: manifest.json 'input' lacks {exc}") from None
    except (TypeError, ValueError) as exc:
        raise ModelError(f"{path}: manifest.json 'input' is invalid ({exc})") from None


def load_info(name_or_path: str | os.PathLike | None = None) -> ModelInfo:
    """Find a model directory and validate its files and manifest."""
    path = resolve(name_or_path)
    for fname in MODEL_FILES:
        if not (path / fname).is_file():
            raise ModelError(f"{path}: missing {fname}")
    manifest = _read_json(path / "manifest.json")
    labels = _read_json(path / "labels.json")
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise ModelError(f"{path}: manifest.json is not a {FORMAT} manifest")
    if not isinstance(labels, list) or not all(isinstance(c, str) and c for c in labels):
        raise ModelError(f"{path}: labels.json must be a list of non-empty strings")
    if manifest.get("num_classes") != len(labels):
        raise ModelError(f"{path}: labels.json has {len(labels)} classes, "
                         f"manifest says {manifest.get('num_classes')}")
    kind = manifest.get("kind", "char")
    if kind not in KINDS:
        raise ModelError(f"{path}: manifest.json kind {kind!r} is not one of {', '.join(KINDS)}")
    if not isinstance(manifest.get("spaces", True), bool) or not isinstance(manifest.get("script", ""), str):
        raise ModelError(f"{path}: manifest.json 'spaces' must be true/false and 'script' a name")
    spec = _spec_from_manifest(path, manifest, kind)
    return ModelInfo(path, str(manifest.get("name", path.name)), tuple(labels), spec, manifest, kind)


def write_model_dir(path: Path, tflite: bytes, labels: list[str], manifest: dict) -> None:
    """Write a model directory; the manifest gets the format tag and class count."""
    path.mkdir(parents=True, exist_ok=True)
    manifest = {"format": FORMAT, **manifest, "num_classes": len(labels)}
    (path / "model.tflite").write_bytes(tflite)
    (path / "labels.json").write_text(json.dumps(labels, ensure_ascii=False) + "\n", encoding="utf-8")
    (path / "manifest.json").write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n",
                                        encoding="utf-8")


def check_direction(info: ModelInfo, direction: str) -> None:
    """Refuse a direction the model cannot read: line models read left to right only."""
    if check_direction_name(direction) != "ltr" and info.kind == "line":
        raise ModelError(f"{info.name}: a line model reads left to right only; --direction {direction} "
                         "needs a character-engine model such as hiragana")
