"""MODEL_CARD.md for a model directory, written from its manifest and an eval report."""

from __future__ import annotations

import json
from pathlib import Path


def _pct(v: float) -> str:
    return f"{v:.1%}"


def _char_table(summary: dict) -> list[str]:
    rows = ["| section | exact (62 classes) | case lookalikes merged |", "|---|---|---|"]
    for k in ("all", "digit", "upper", "lower", "punct"):
        if k in summary:
            rows.append(f"| {k} | {_pct(summary[k]['exact'])} | {_pct(summary[k]['merged'])} |")
    return rows


def _text_table(texts: dict) -> list[str]:
    rows = ["| set | style | n | CER | WER | CER, any case | WER, any case |", "|---|---|---|---|---|---|---|"]
    for name in ("words", "lines"):
        for style in ("printed", "cursive"):
            part = texts.get(name, {}).get(style)
            if part:
                cs, ci = part["case_sensitive"], part["case_insensitive"]
                rows.append(f"| {name} | {style} | {cs['n']} | {_pct(cs['cer'])} | {_pct(cs['wer'])} | "
                            f"{_pct(ci['cer'])} | {_pct(ci['wer'])} |")
    return rows


def render_card(manifest: dict, report: dict | None = None) -> str:
    """Markdown model card: data, split, command, accuracy."""
    tr, acc = manifest.get("training", {}), manifest.get("accuracy", {})
    split = tr.get("split", {})
    lines = [f"# Model card: `{manifest.get('name')}`", "", manifest.get("description", ""), "",
             "## Input", "",
             f"{manifest['input']['size']}×{manifest['input']['size']} grayscale, glyph scaled into "
             f"{manifest['input']['inner']}×{manifest['input']['inner']}, {manifest['input']['polarity']}, "
             f"transpose={manifest['input']['transpose']}, pixel × {manifest['input']['scale']:.6g}.",
             "", "## Training data", ""]
    for src in tr.get("data", []):
        lines.append(f"- {src.get('name')} — licence {src.get('licence')}"
                     + (f" ({src['reference']})" if src.get("reference") else ""))
    lines += ["", "## Split (writer-disjoint)", "", f"{split.get('method')}: validation sites "
              f"{', '.join(split.get('val_sites', []))}; test sites {', '.join(split.get('test_sites', []))}; "
              f"sizes {split.get('sizes')}.", "", "## Reproduce", "", "```", tr.get("command", ""), "```", "",
              f"Trained {tr.get('date')} ({tr.get('architecture')}; {tr.get('schedule', '')}), "
              f"wall time {tr.get('wall_time_s', '?')} s on a 2-core CPU.", "",
              "## Accuracy on held-out writers (test sites)", ""]
    if "test" in acc:
        lines += _char_table(acc["test"]["summary"])
    if "mnist_test_digits_only" in acc:
        lines += ["", f"MNIST test set, output restricted to digits: {_pct(acc['mnist_test_digits_only']['accuracy'])}."]
    if "agreement_tflite_keras_val" in acc:
        lines += [f".tflite and Keras agree on {_pct(acc['agreement_tflite_keras_val'])} of validation images."]
    if report and report.get("chars", {}).get("digits_restricted", {}).get("n"):
        lines += [f"Held-out digits with the output restricted to digits (a digit field): "
                  f"{_pct(report['chars']['digits_restricted']['accuracy'])}."]
    if report and report.get("texts"):
        lines += ["", "## End to end (segmentation + classifier + decoding), held-out sites", "",
                  "UNIPEN words (section 7) and texts (section 8) rendered from strokes; "
                  "from `textrecog eval`.", ""] + _text_table(report["texts"])
    if report and report.get("chars", {}).get("confused"):
        pairs = ", ".join(f"{c['truth']}→{c['pred']} ({c['count']})" for c in report["chars"]["confused"][:15])
        lines += ["", f"Most confused (truth→read): {pairs}."]
    if manifest.get("notes"):
        lines += ["", "## Limitations and targets", "", manifest["notes"]]
    return "\n".join(lines) + "\n"


def write_card(model_dir: Path, report_path: Path | None = None) -> Path:
    """Write MODEL_CARD.md into ``model_dir``."""
    manifest = json.loads((model_dir / "manifest.json").read_text(encoding="utf-8"))
    report = json.loads(report_path.read_text(encoding="utf-8")) if report_path else None
    out = model_dir / "MODEL_CARD.md"
    out.write_text(render_card(manifest, report), encoding="utf-8")
    return out
