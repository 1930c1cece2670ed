"""What a batch run's results depend on, stored beside its output so that ``--resume`` never mixes two runs."""

from __future__ import annotations

import argparse
import hashlib
import json
import os
from pathlib import Path

# each setting and the option that sets it, for the refusal message
OPTIONS = {"model": "--model", "model_file": "--model (the model's weights changed)", "direction": "--direction",
           "top_k": "--top-k", "decoder": "--decoder", "lm": "--lang / --lm / --no-lm", "lexicon": "--lexicon",
           "charset": "--charset", "flag_below": "--flag-below", "beam": "--beam"}


def run_settings(args: argparse.Namespace, info) -> dict:
    """The settings that change what a run writes: model, decoding, language, lexicon, charset and the rest."""
    opts = args.options
    words = "\n".join(opts.lexicon.surface).encode()
    return {"model": info.name, "model_file": _digest(info.tflite_path.read_bytes()), "direction": args.direction,
            "top_k": args.top_k, "decoder": opts.decoder, "lm": opts.lm if opts.uses_lm else None,
            "lexicon": f"{len(opts.lexicon.surface)} words, sha1 {_digest(words)}" if opts.lexicon else None,
            "charset": "".join(sorted(opts.charset)) if opts.charset else None,
            "flag_below": opts.flag_below, "beam": opts.beam}


def settings_path(args: argparse.Namespace) -> Path | None:
    """Where a run's settings go: beside ``--out``, or in ``--out-dir``; None for documents beside the images."""
    if args.out is not None:
        return args.out.with_name(args.out.name + ".settings.json")
    return args.out_dir / ".textrecog-settings.json" if args.out_dir is not None else None


def resume_conflict(stored_at: Path | None, settings: dict) -> str | None:
    """Why ``--resume`` must not go on with these settings (naming the options that differ), or None."""
    try:
        stored = json.loads(stored_at.read_text(encoding="utf-8")) if stored_at else None
    except (OSError, ValueError):
        return None  # no settings stored (a run of an earlier version, or none yet): nothing to compare
    if not isinstance(stored, dict):
        return None
    differ = [key for key in OPTIONS if key in stored and stored[key] != settings.get(key)]
    if not differ:
        return None
    what = "; ".join(f"{OPTIONS[k]}: {_shown(stored[k])} then, {_shown(settings.get(k))} now" for k in differ)
    return (f"--resume with other settings than the run being continued would mix records made two ways "
            f"({what}); give the same options, or write to a new output")


def save_settings(path: Path | None, settings: dict) -> None:
    """Write the settings whole (a temporary file, then a rename)."""
    if path is None:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(settings, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    os.replace(tmp, path)


def _digest(data: bytes) -> str:
    return hashlib.sha1(data).hexdigest()[:12]


def _shown(value) -> str:
    return "none" if value is None else str(value)
