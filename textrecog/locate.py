"""Where model and language-model directories are found: bundled with the package, or named by the user."""

from __future__ import annotations

import os
from pathlib import Path


def bundled_models_dir() -> Path:
    """Where the models shipped with the package live (installed or source tree)."""
    try:
        from importlib.resources import files

        root = Path(str(files("textrecog.models")))
        if root.is_dir():
            return root
    except (ModuleNotFoundError, TypeError):
        pass
    return Path(__file__).resolve().parent.parent / "models"


def env_dirs(variable: str) -> list[Path]:
    """The folders listed in an environment variable (``os.pathsep``-separated)."""
    return [Path(p) for p in os.environ.get(variable, "").split(os.pathsep) if p]


def locate_dir(ref: str, roots: list[Path]) -> Path | None:
    """A directory given as a path (returned even if missing, for the caller's error), or found by
    name under ``roots``; None for a name found nowhere."""
    path = Path(ref).expanduser()
    if path.is_dir() or os.sep in ref or ref.startswith("."):
        return path
    return next((root / ref for root in roots if (root / ref).is_dir()), None)
