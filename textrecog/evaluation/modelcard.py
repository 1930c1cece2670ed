"""MODEL_CARD.md for a model directory, written from its manifest and an eval report."""

from __future__ import annotations

import json
from pathlib import Path


def _pct(v: float) -> str:
    return f"{v:.1%}"


def _char_table(summary: dict, classes: int) -> list[str]:
    if "kana" in summary:  # no letter case and no digit lookalikes in kana
        return [f"| section | top-1 ({classes} classes) |", "|---|---|",
                *(f"| {k} | {_pct(v['exact'])} |" for k, v in summary.items())]
    rows = [f"| section | exact ({classes} classes) | case lookalikes merged | also 0/O/o and 1/l/I merged |",
            "|---|---|---|---|"]
    for k in ("all", "digit", "upper", "lower", "punct"):
        if k in summary:
            alike = _pct(summary[k]["lookalikes"]) if "lookalikes" in summary[k] else "-"
            rows.append(f"| {k} | {_pct(summary[k]['exact'])} | {_pct(summary[k]['merged'])} | {alike} |")
    return rows


def _text_table(texts: dict) -> list[str]:
    rows = ["| set | style | n | CER | WER | CER, any case | WER, any case | CER, scan look |",
            "|---|---|---|---|---|---|---|---|"]
    for name in ("words", "lines"):
        for style in ("printed", "cursive"):
            part = texts.get(name, {}).get(style)
            if part:
                cs, ci = part["case_sensitive"], part["case_insensitive"]
                scan = _pct(part["scan_look"]["cer"]) if "scan_look" in part else "-"
                rows.append(f"| {name} | {style} | {cs['n']} | {_pct(cs['cer'])} | {_pct(cs['wer'])} | "
                            f"{_pct(ci['cer'])} | {_pct(ci['wer'])} | {scan} |")
    return rows


def _input_line(manifest: dict) -> str:
    inp = manifest["input"]
    if manifest.get("kind") == "line":
        return (f"Line images {inp['height']} px high (ink scaled into {inp['height'] - 2 * inp['margin']} px), "
                f"width by aspect up to {inp['max_width']} px, one graph for any width; "
                f"{inp['polarity']}, pixel × {inp['scale']:.6g}; one output frame per {inp['downsample']} columns.")
    return (f"{inp['size']}×{inp['size']} grayscale, glyph scaled into {inp['inner']}×{inp['inner']}, "
            f"{inp['polarity']}, transpose={inp['transpose']}, pixel × {inp['scale']:.6g}.")


def render_card(manifest: dict, report: dict | None = None) -> str:
    """Markdown model card: data, split, command, accuracy."""
    tr, acc = manifest.get("training", {}), manifest.get("accuracy", {})
    split = tr.get("split", {})
    lines = [f"# Model card: `{manifest.get('name')}`", "", manifest.get("description", ""), "",
             "## Input", "", _input_line(manifest), "", "## Training data", ""]
    for src in tr.get("data", []):
        lines.append(f"- {src.get('name')}" + (f", by {src['authors']}" if src.get("authors") else "")
                     + f" — licence {src.get('licence')}" + (f" ({src['reference']})" if src.get("reference") else ""))
    if any("research use" in str(src.get("licence", "")) for src in tr.get("data", [])):
        lines += ["", "**Research use.** The ETL Character Database's terms allow research use; this model is "
                      "trained on it, so check those terms before any other use."]
    sites = (f": validation sites {', '.join(split['val_sites'])}; test sites {', '.join(split['test_sites'])}"
             if "val_sites" in split else "")
    lines += ["", "## Split", ""]
    if split.get("method"):
        lines += [f"{split.get('method')}{sites}; sizes {split.get('sizes') or split.get('inks')}.", ""]
    lines += _real_split(split.get("real"))
    lines += ["## Reproduce", "", "```", tr.get("command", ""), "```", "",
              f"Trained {tr.get('date')} ({tr.get('architecture')}; {tr.get('schedule', '')}), "
              f"wall time {tr.get('wall_time_s') or tr.get('train_seconds', '?')} s on a 2-core CPU"
              + (f", {len(tr['runs'])} run(s) resumed from one work folder" if tr.get("runs") else "") + ".", "",
              "## Accuracy" if manifest.get("kind") == "line" else "## Accuracy on the held-out test split", ""]
    if "test" in acc:
        lines += _char_table(acc["test"]["summary"], manifest.get("num_classes", 62))
    for direction, e2e in acc.get("end_to_end", {}).items():
        if direction not in ("ltr", "ttb"):
            continue  # Latin models keep `textrecog eval`'s figures here (rendered below)
        written = "left to right" if direction == "ltr" else "top to bottom (a column)"
        lines += ["", f"End to end (segmentation, square cells, this model): {e2e['lines']} lines of 5-10 "
                      f"characters composed from the test writers' samples, written {written}: "
                      f"CER {_pct(e2e['cer'])}, {_pct(e2e['lines_exact'])} of lines exact "
                      f"(`{e2e['command']}`)."]
    if "test_top3" in acc:
        lines += ["", f"Top-3 (the true class among the three most probable): {_pct(acc['test_top3'])}."]
    if "val_cer_tflite" in acc:
        where = "Validation writers (real scans)" if split.get("real") else "Validation sites"
        lines += [f"{where}, best path: CER {_pct(acc['val_cer_tflite'])} with LiteRT "
                  f"({_pct(acc['val_cer_keras'])} with Keras)."]
    if acc.get("digits_restricted", {}).get("n"):
        lines += ["", f"Held-out digits with the output restricted to digits (`--charset digits`): "
                      f"{_pct(acc['digits_restricted']['accuracy'])}."]
    if "mnist_test_digits_only" in acc:
        lines += ["", f"MNIST test set, output restricted to digits: {_pct(acc['mnist_test_digits_only']['accuracy'])}."]
    if "agreement_tflite_keras_val" in acc:
        lines += [f".tflite and Keras agree on {_pct(acc['agreement_tflite_keras_val'])} of validation images."]
    chars = (report or {}).get("models", {}).get(manifest.get("name"), {}).get("chars", {})
    if chars.get("digits_restricted", {}).get("n"):
        lines += [f"Held-out digits with the output restricted to digits (a digit field): "
                  f"{_pct(chars['digits_restricted']['accuracy'])}."]
    for key, real in acc.get("real", {}).items():
        from textrecog.evaluation.eval_gt import gt_markdown

        lines += ["", gt_markdown(real).rstrip()]
    mine = (report or {}).get("models", {}).get(manifest.get("name"), {})
    texts = (report or {}).get("texts", {})
    if texts.get("models", {}).get(manifest.get("name")):
        sites = texts.get("sites", {})
        lines += ["", "## End to end (segmentation + recognizer + decoding), held-out sites", "",
                  f"UNIPEN words (section 7; sites {', '.join(sites.get('words', []))}) and texts (section 8; "
                  f"sites {', '.join(sites.get('lines', []))}) rendered from strokes, clean and with a seeded "
                  "scan look; from `textrecog eval`.", ""] + _text_table(texts["models"][manifest["name"]])
        conf = texts["models"][manifest["name"]].get("lines", {}).get("confused", [])
        if conf:
            lines += ["", "Most confused in lines (truth→read): "
                      + ", ".join(f"{c['truth']}→{c['pred']} ({c['count']})" for c in conf[:15]) + "."]
    if mine.get("chars", {}).get("confused"):
        pairs = ", ".join(f"{c['truth']}→{c['pred']} ({c['count']})" for c in mine["chars"]["confused"][:15])
        lines += ["", f"Most confused (truth→read): {pairs}."]
    lines += _decoding(manifest, texts.get("models", {}).get(manifest.get("name"), {}))
    lines += _experiments(tr)
    if manifest.get("notes"):
        lines += ["", "## Limitations and targets", "", manifest["notes"]]
    return "\n".join(lines) + "\n"


def _real_split(real: dict | None) -> list[str]:
    """The real pages' writer split in words, with its sizes per side and set."""
    if not real:
        return []
    sizes = "; ".join(f"{side} {real[side]['lines']} lines of {real[side]['groups']} writer groups "
                      f"({', '.join(f'{k} {v}' for k, v in real[side]['sets'].items())})"
                      for side in ("train", "val", "test") if side in real)
    only = f"; for training only (one hand each, never split): {', '.join(real['train_only'])}" if real.get(
        "train_only") else ""
    return [f"Real scans: {real['method']}, a writer group being one {real['by']} (`--split-by {real['by']}`); "
            f"{real['val_share']:.0%} of the groups of {', '.join(real['split'])} to validation, "
            f"{real['test_share']:.0%} to test{only}. Sizes: {sizes}. Left out: {real.get('left_out')}.", ""]


def _experiments(training: dict) -> list[str]:
    """Measured training experiments and attempts that were not shipped, with their commands and verdicts."""
    items = training.get("experiments", []) + training.get("attempts", [])
    if not items:
        return []
    out = ["", "## Experiments and attempts not shipped"]
    for item in items:
        out += ["", f"{item.get('date', '')}: {item.get('what', '')}."]
        rows = item.get("rows", [])
        if rows:
            keys = list(rows[0])
            out += ["", "| " + " | ".join(k.replace("_", " ") for k in keys) + " |", "|" + "---|" * len(keys)]
            out += ["| " + " | ".join(_pct(r[k]) if isinstance(r[k], float) else str(r[k]) for k in keys) + " |"
                    for r in rows]
        commands = item.get("commands") or ([item["command"]] if item.get("command") else [])
        if commands:
            out += ["", "```", *commands, "```"]
        if item.get("verdict"):
            out += ["", f"Verdict: {item['verdict']}."]
    return out


def decoding_pairs(parts: dict):
    """(set, style, best-path figures, LM figures) for every set and style ``textrecog eval`` read both ways."""
    greedy = parts.get("greedy", {})
    for name in ("words", "lines"):
        for style in ("printed", "cursive"):
            g, b = greedy.get(name, {}).get(style), parts.get(name, {}).get(style)
            if g and b:
                yield name, style, g["case_sensitive"], b["case_sensitive"]


def _decoding(manifest: dict, mine: dict) -> list[str]:
    """The decoding section: language model, weights and where they were tuned, the gain, calibration."""
    dec, cal = manifest.get("decoding"), manifest.get("calibration")
    if not dec:
        return []
    out = ["", "## Decoding", ""]
    if dec.get("tuned_on_sites"):
        out += [f"Beam search (width {dec.get('beam', 8)}) with the language model "
                f"`{dec.get('language_model')}` (models/lm/{dec.get('language_model')}/MODEL_CARD.md); weights "
                f"{dec['weights']} tuned on the validation sites {', '.join(dec.get('tuned_on_sites', []))}: "
                f"`{dec.get('command')}`."]
    for lm, weights in dec.get("by_lm", {}).items():
        how = dec.get("by_lm_tuning", {}).get(lm, {})
        out += [f"With `--lang {lm}` (models/lm/{lm}/MODEL_CARD.md): weights {weights} tuned on the "
                f"{how.get('tuned_on', 'validation writers')}: `{how.get('command')}`."]
    out += [f"- held-out {name}, {style}: CER {_pct(g['cer'])} best path → {_pct(b['cer'])} with the language "
            f"model; WER {_pct(g['wer'])} → {_pct(b['wer'])}" for name, style, g, b in decoding_pairs(mine)]
    if cal:
        out += ["", f"Confidences calibrated on the {cal.get('fitted_on', 'validation sites')} "
                    f"(`{cal.get('command')}`): N-best temperature "
                    f"{cal.get('temperature')}, a logistic word model, a Platt map for lines; validation ECE "
                    f"words {_pct(cal.get('validation_word_ece', 0))}, lines {_pct(cal.get('validation_line_ece', 0))}."]
    for kind, c in mine.get("calibration", {}).items():
        out.append(f"Held-out {kind}: ECE {_pct(c['ece'])} over {c['n']} ({_pct(c['accuracy'])} right, "
                   f"mean confidence {_pct(c['mean_confidence'])}).")
    return out


def write_card(model_dir: Path, report_path: Path | None = None) -> Path:
    """Write MODEL_CARD.md into ``model_dir`` (with the ``textrecog eval`` report kept beside it, if any)."""
    manifest = json.loads((model_dir / "manifest.json").read_text(encoding="utf-8"))
    kept = model_dir / "eval-report.json"
    if report_path is None and kept.is_file():
        report_path = kept  # a card rewritten later (a new experiment) keeps the evaluation's sections
    report = json.loads(report_path.read_text(encoding="utf-8")) if report_path else None
    out = model_dir / "MODEL_CARD.md"
    out.write_text(render_card(manifest, report), encoding="utf-8")
    return out
