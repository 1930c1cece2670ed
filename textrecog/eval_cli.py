"""`textrecog eval`: measure a model on writers it never saw.

Character level on the held-out UNIPEN sites named in the model manifest
(plus MNIST test digits), and word/line level through the whole pipeline
on UNIPEN words (section 7) and texts (section 8) from sites that were
not used in training. Writes report.json, report.md, confusion.png and
gallery.png (the worst cases with their boxes) to --out.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import time
from pathlib import Path

import numpy as np

log = logging.getLogger("textrecog.eval")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="textrecog eval", description=__doc__.split("\n\n")[0])
    p.add_argument("--model", default=None, help="model name or directory (default: latin)")
    p.add_argument("--unipen", default=os.environ.get("TEXTRECOG_UNIPEN"),
                   help="UNIPEN folder or .tar.xz (env TEXTRECOG_UNIPEN)")
    p.add_argument("--mnist-test", help="folder with MNIST t10k idx files")
    p.add_argument("--out", required=True, type=Path, help="report folder")
    p.add_argument("--max-texts", type=int, default=400, help="words and texts per section (0: all)")
    p.add_argument("--skip-texts", action="store_true", help="character level only")
    p.add_argument("--update-model", action="store_true",
                   help="store the end-to-end figures in the model's manifest and write its MODEL_CARD.md")
    return p.parse_args(argv)


def held_out_chars(corpus, info) -> tuple:
    """The model's test-site characters, rendered faithfully."""
    from textrecog.data.chars import FAITHFUL, build_split, load_char_samples

    split = info.manifest.get("training", {}).get("split", {})
    sites = set(split.get("test_sites", []))
    classes = "".join(info.labels)
    samples = [s for s in load_char_samples(corpus, classes, ["1a", "1b", "1c"]) if s.site in sites]
    return build_split(samples, classes, info.spec, FAITHFUL, None), sorted(sites)


def training_sites(corpus, info) -> set[str]:
    """Sites whose characters the model was trained on (all 1a–1c sites not held out)."""
    split = info.manifest.get("training", {}).get("split", {})
    held = set(split.get("val_sites", [])) | set(split.get("test_sites", []))
    sites = {p.name for sec in ("1a", "1b", "1c") if (corpus.root / "data" / sec).is_dir()
             for p in (corpus.root / "data" / sec).iterdir()}
    return sites - held if split else sites


def char_level(corpus, info, args: argparse.Namespace) -> dict:
    """Character accuracy, per-class figures, confusions and the confusion PNG."""
    from textrecog.classify import Classifier
    from textrecog.evaluate import char_report, confusion_png, mnist_report, per_class

    data, sites = held_out_chars(corpus, info)
    clf = Classifier(info)
    report = char_report(clf, data, detail=True)
    truth, pred = report.pop("truth"), report.pop("pred")
    confusion_png(truth, pred, info.labels, args.out / "confusion.png")
    report["per_class"] = per_class(truth, pred)
    report["sites"] = sites
    report["digits_restricted"] = digits_restricted(clf, data, truth)
    if args.mnist_test:
        report["mnist_test_digits_only"] = mnist_report(clf, args.mnist_test)
    return report


def digits_restricted(clf, data, truth: list[str]) -> dict:
    """Accuracy on the held-out digits when the output may only be a digit (a digit field)."""
    from textrecog.charset import DIGITS
    from textrecog.evaluate import predict_labels

    idx = [i for i, t in enumerate(truth) if t in DIGITS]
    if not idx:
        return {"n": 0, "accuracy": 0.0}
    pred = predict_labels(clf, data.images[idx], restrict=DIGITS)
    return {"n": len(idx), "accuracy": round(float(np.mean([p == truth[i] for p, i in zip(pred, idx)])), 4)}


def _subsample(items: list, n: int) -> list:
    if not n or len(items) <= n:
        return items
    idx = np.linspace(0, len(items) - 1, n).round().astype(int)
    return [items[i] for i in idx]


def text_level(corpus, info, args: argparse.Namespace) -> tuple[dict, list]:
    """CER/WER through the whole pipeline, split into hand-printed and cursive-looking."""
    from textrecog.data.texts import iter_text_samples, render_text
    from textrecog.evaluate import error_rates
    from textrecog.pipeline import analyze

    seen = training_sites(corpus, info)
    charset = "".join(info.labels)
    report, cases = {}, []
    for section, name in (("7", "words"), ("8", "lines")):
        if not (corpus.root / "data" / section).is_dir():
            continue
        sites = sorted(p.name for p in (corpus.root / "data" / section).iterdir() if p.name not in seen)
        inks = _subsample(list(iter_text_samples(corpus, [section], sites, charset, max_len=80)),
                          args.max_texts)
        rows = []
        for t in map(render_text, inks):
            analysis = analyze(t.image, info.path)
            pred = " ".join(line.text for line in analysis.result.lines)
            rows.append((t, pred))
            cases.append((t, pred, analysis))
        report[name] = {"sites": sites}
        for style, keep in (("printed", True), ("cursive", False)):
            sub = [(t.text, p) for t, p in rows if t.printed == keep]
            report[name][style] = {"case_sensitive": error_rates([a for a, _ in sub], [b for _, b in sub]),
                                   "case_insensitive": error_rates([a for a, _ in sub], [b for _, b in sub],
                                                                   fold_case=True)}
        log.info("%s: %d texts from %d held-out sites", name, len(rows), len(sites))
    return report, cases


def gallery(cases: list, path: Path, count: int = 12) -> None:
    """Stack the worst hand-printed cases (highest CER) with their debug overlays."""
    import cv2

    from textrecog.debug import draw_overlay
    from textrecog.evaluate import edit_distance

    printed = [c for c in cases if c[0].printed]
    worst = sorted(printed, key=lambda c: -edit_distance(c[0].text, c[1]) / max(1, len(c[0].text)))[:count]
    panels = []
    for t, pred, analysis in worst:
        img = draw_overlay(analysis)
        scale = 80 / max(1, img.shape[0]) if img.shape[0] > 80 else 1.0
        img = cv2.resize(img, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
        band = np.full((36, max(img.shape[1], 600), 3), 255, np.uint8)
        cv2.putText(band, f"true: {t.text}"[:90], (4, 14), cv2.FONT_HERSHEY_PLAIN, 1, (0, 120, 0), 1)
        cv2.putText(band, f"read: {pred}"[:90], (4, 31), cv2.FONT_HERSHEY_PLAIN, 1, (0, 0, 200), 1)
        panels.append((band, img))
    if not panels:
        return
    width = max(max(b.shape[1], i.shape[1]) for b, i in panels)
    rows = [np.pad(x, ((0, 0), (0, width - x.shape[1]), (0, 0)), constant_values=255)
            for pair in panels for x in pair]
    cv2.imwrite(str(path), np.vstack(rows))


def markdown(report: dict) -> str:
    """A short human-readable summary of report.json."""
    out = [f"# Evaluation of `{report['model']}`", ""]
    chars = report.get("chars")
    if chars:
        out += [f"Character level, held-out sites {', '.join(chars['sites'])}:", "",
                "| section | n | exact | lookalikes merged |", "|---|---|---|---|"]
        out += [f"| {k} | {v['n']} | {v['exact']:.2%} | {v['merged']:.2%} |" for k, v in chars["sections"].items()]
        if chars.get("digits_restricted", {}).get("n"):
            out += ["", f"Held-out digits, output restricted to digits: {chars['digits_restricted']['accuracy']:.2%}"]
        if "mnist_test_digits_only" in chars:
            out += ["", f"MNIST test (digits only): {chars['mnist_test_digits_only']['accuracy']:.2%}"]
        out += ["", "Most confused (truth → read): " + ", ".join(
            f"{c['truth']}→{c['pred']} ({c['count']})" for c in chars["confused"][:12])]
    for name in ("words", "lines"):
        part = report.get("texts", {}).get(name)
        if not part:
            continue
        out += ["", f"{name.capitalize()} end to end (held-out sites):", "",
                "| style | n | CER | WER | CER (case-insens.) | WER (case-insens.) |", "|---|---|---|---|---|---|"]
        for style in ("printed", "cursive"):
            cs, ci = part[style]["case_sensitive"], part[style]["case_insensitive"]
            out.append(f"| {style} | {cs['n']} | {cs['cer']:.1%} | {cs['wer']:.1%} | {ci['cer']:.1%} | {ci['wer']:.1%} |")
    return "\n".join(out) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Entry point of ``textrecog eval``."""
    args = parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s", stream=sys.stderr)
    from textrecog.data.unipen import UnipenCorpus
    from textrecog.model import load_info

    if not args.unipen:
        print("textrecog eval: give --unipen PATH or set TEXTRECOG_UNIPEN", file=sys.stderr)
        return 2
    info = load_info(args.model)
    corpus = UnipenCorpus(args.unipen)
    args.out.mkdir(parents=True, exist_ok=True)
    t0 = time.time()
    report: dict = {"model": str(info.path), "chars": char_level(corpus, info, args)}
    if not args.skip_texts:
        report["texts"], cases = text_level(corpus, info, args)
        gallery(cases, args.out / "gallery.png")
    report["wall_time_s"] = round(time.time() - t0, 1)
    (args.out / "report.json").write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    (args.out / "report.md").write_text(markdown(report))
    sys.stdout.write(markdown(report))
    if args.update_model:
        update_model(info.path, report, args.out / "report.json")
    return 0


def update_model(model_dir: Path, report: dict, report_path: Path) -> None:
    """Record end-to-end figures in the manifest and (re)write the model card."""
    from textrecog.modelcard import write_card

    path = model_dir / "manifest.json"
    manifest = json.loads(path.read_text(encoding="utf-8"))
    if "texts" in report:
        manifest.setdefault("accuracy", {})["end_to_end"] = report["texts"]
    path.write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    log.info("updated %s and wrote %s", path, write_card(model_dir, report_path))
