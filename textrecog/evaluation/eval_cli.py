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
    p.add_argument("--model", action="append", default=None, metavar="NAME|PATH",
                   help="model to evaluate; repeat to compare engines side by side "
                        "(default: every installed Latin model)")
    p.add_argument("--unipen", default=os.environ.get("TEXTRECOG_UNIPEN"),
                   help="UNIPEN folder or .tar.xz (env TEXTRECOG_UNIPEN)")
    p.add_argument("--mnist-test", help="folder with MNIST t10k idx files")
    p.add_argument("--out", required=True, type=Path, help="report folder")
    p.add_argument("--max-texts", type=int, default=600, help="words and texts per section (0: all)")
    p.add_argument("--skip-texts", action="store_true", help="character level only")
    p.add_argument("--no-greedy", action="store_true",
                   help="skip the best-path readings that measure what language-aware decoding gains")
    g = p.add_argument_group("real scans (line models)")
    g.add_argument("--gt", nargs="+", action="extend", metavar="PATH",
                   help="ALTO / PAGE-XML files, folders or globs, or line images with .gt.txt: measure on them")
    g.add_argument("--side", choices=("all", "test", "val"), default="all",
                   help="all the ground truth given, or one side of the writer split the model was trained with")
    g.add_argument("--split-by", help="writer groups (default: as the model was trained; else page)")
    g.add_argument("--val-share", type=float, help="as the model was trained (default 0.1)")
    g.add_argument("--test-share", type=float, help="as the model was trained (default 0.1)")
    g.add_argument("--lang", default="en", help="the language model to decode with (en, fr)")
    g.add_argument("--pages", type=int, default=0, metavar="N",
                   help="also read up to N whole pages with textrecog's own segmentation")
    g.add_argument("--limit", type=int, default=0, help="at most N lines, spread over the set (quick looks)")
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


def char_level(corpus, info, args: argparse.Namespace, prefix: str = "") -> dict:
    """Character accuracy, per-class figures, confusions and the confusion PNG."""
    from textrecog.engines.classify import Classifier
    from textrecog.evaluation.metrics import char_report, confusion_png, mnist_report, per_class

    data, sites = held_out_chars(corpus, info)
    clf = Classifier(info)
    report = char_report(clf, data, detail=True)
    truth, pred = report.pop("truth"), report.pop("pred")
    confusion_png(truth, pred, info.labels, args.out / f"{prefix}confusion.png")
    report["per_class"] = per_class(truth, pred)
    report["sites"] = sites
    report["digits_restricted"] = digits_restricted(clf, data, truth)
    if args.mnist_test:
        report["mnist_test_digits_only"] = mnist_report(clf, args.mnist_test)
    return report


def digits_restricted(clf, data, truth: list[str]) -> dict:
    """Accuracy on the held-out digits when the output may only be a digit (a digit field)."""
    from textrecog.decoding.charset import DIGITS
    from textrecog.evaluation.metrics import predict_labels

    idx = [i for i, t in enumerate(truth) if t in DIGITS]
    if not idx:
        return {"n": 0, "accuracy": 0.0}
    pred = predict_labels(clf, data.images[idx], restrict=DIGITS)
    return {"n": len(idx), "accuracy": round(float(np.mean([p == truth[i] for p, i in zip(pred, idx)])), 4)}


def calibration_report(model: dict, out: Path, name: str) -> None:
    """Replace the raw (confidence, right?) pairs by their ECE and write a reliability plot for each."""
    from textrecog.decoding.calibrate import ece, reliability_png

    pairs = model.pop("confidence", {})
    model["calibration"] = {}
    for kind, rows in pairs.items():
        if not rows:
            continue
        conf, right = [c for c, _ in rows], [bool(r) for _, r in rows]
        reliability_png(conf, right, out / f"reliability-{name}-{kind}.png", f"{name} {kind}")
        model["calibration"][kind] = {"n": len(rows), "ece": round(ece(conf, right), 4),
                                      "accuracy": round(float(np.mean(right)), 4),
                                      "mean_confidence": round(float(np.mean(conf)), 4)}


def gallery(cases: list, path: Path, count: int = 12) -> None:
    """Stack the worst cases (highest CER) with their debug overlays."""
    import cv2

    from textrecog.evaluation.metrics import edit_distance
    from textrecog.output.debug import draw_overlay

    worst = sorted(cases, key=lambda c: -edit_distance(c[0].text, c[1]) / max(1, len(c[0].text)))[:count]
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
    """A short human-readable summary of report.json: the models side by side."""
    out = [f"# Evaluation of {', '.join(f'`{m}`' for m in report['models'])}", ""]
    for name, model in report["models"].items():
        chars = model.get("chars")
        if not chars:
            continue
        out += [f"`{name}` character level, held-out sites {', '.join(chars['sites'])}:", "",
                "| section | n | exact | case lookalikes merged | also 0/O/o, 1/l/I |", "|---|---|---|---|---|"]
        out += [f"| {k} | {v['n']} | {v['exact']:.2%} | {v['merged']:.2%} | {v.get('lookalikes', 0):.2%} |"
                for k, v in chars["sections"].items()]
        if chars.get("digits_restricted", {}).get("n"):
            out += ["", f"Held-out digits, output restricted to digits: {chars['digits_restricted']['accuracy']:.2%}"]
        if "mnist_test_digits_only" in chars:
            out += ["", f"MNIST test (digits only): {chars['mnist_test_digits_only']['accuracy']:.2%}"]
        out += ["", "Most confused (truth → read): " + ", ".join(
            f"{c['truth']}→{c['pred']} ({c['count']})" for c in chars["confused"][:12]), ""]
    texts = report.get("texts")
    if texts:
        out += text_table(texts)
    return "\n".join(out) + "\n"


def text_table(texts: dict) -> list[str]:
    """Markdown rows: each set and style, each model's CER/WER (case-sensitive, any case, scan look)."""
    out = [f"End to end on held-out sites (words: {', '.join(texts['sites'].get('words', []))}; "
           f"lines: {', '.join(texts['sites'].get('lines', []))}), best-path / context decoding:", "",
           "| set | style | model | n | CER | WER | CER any case | WER any case | CER scan look |",
           "|---|---|---|---|---|---|---|---|---|"]
    for name in ("words", "lines"):
        for style in ("printed", "cursive"):
            for model, parts in texts["models"].items():
                part = parts.get(name, {}).get(style)
                if not part:
                    continue
                cs, ci, sc = part["case_sensitive"], part["case_insensitive"], part["scan_look"]
                out.append(f"| {name} | {style} | {model} | {cs['n']} | {cs['cer']:.1%} | {cs['wer']:.1%} | "
                           f"{ci['cer']:.1%} | {ci['wer']:.1%} | {sc['cer']:.1%} |")
    out += decoding_gain(texts)
    for model, parts in texts["models"].items():
        conf = parts.get("lines", {}).get("confused") or parts.get("words", {}).get("confused") or []
        if conf:
            out += ["", f"`{model}` most confused in lines (truth → read): " + ", ".join(
                f"{c['truth']}→{c['pred']} ({c['count']})" for c in conf[:15])]
    return out


def decoding_gain(texts: dict) -> list[str]:
    """Markdown: best path against the language-aware decoding, and the calibration of confidences."""
    from textrecog.evaluation.modelcard import decoding_pairs

    out = []
    for model, parts in texts["models"].items():
        if parts.get("greedy"):
            out += ["", f"`{model}` decoding on the clean images: best path → beam search with the language model",
                    "", "| set | style | CER best path | CER with LM | change | WER best path | WER with LM | change |",
                    "|---|---|---|---|---|---|---|---|"]
        out += [f"| {name} | {style} | {g['cer']:.1%} | {b['cer']:.1%} | {_change(g['cer'], b['cer'])} | "
                f"{g['wer']:.1%} | {b['wer']:.1%} | {_change(g['wer'], b['wer'])} |"
                for name, style, g, b in decoding_pairs(parts)]
        for kind, c in parts.get("calibration", {}).items():
            out += ["", f"`{model}` {kind} confidence: ECE {c['ece']:.1%} over {c['n']} ({c['accuracy']:.1%} right, "
                        f"mean confidence {c['mean_confidence']:.1%}; reliability-{model}-{kind}.png)"]
    return out


def _change(before: float, after: float) -> str:
    return f"{(after - before) / before:+.0%}" if before else "-"


def main(argv: list[str] | None = None) -> int:
    """Entry point of ``textrecog eval``."""
    args = parse_args(argv)
    args.argv = argv
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s", stream=sys.stderr)
    from textrecog.data.unipen import UnipenCorpus
    from textrecog.engines.model import load_info

    if args.gt:
        return real_scans(args)
    if not args.unipen:
        print("textrecog eval: give --unipen PATH or set TEXTRECOG_UNIPEN", file=sys.stderr)
        return 2
    from textrecog.engines.model import list_models
    from textrecog.evaluation.eval_texts import evaluate_models

    # by default every installed Latin model: the UNIPEN sets say nothing of a kana model
    infos = ([load_info(m) for m in args.model] if args.model
             else [i for i in map(load_info, list_models()) if i.script == "latin"])
    corpus = UnipenCorpus(args.unipen)
    args.out.mkdir(parents=True, exist_ok=True)
    t0 = time.time()
    report: dict = {"models": {i.name: {"path": str(i.path), "kind": i.kind} for i in infos}}
    for info in infos:
        if info.kind == "char":
            prefix = "" if len(infos) == 1 else f"{info.name}-"
            report["models"][info.name]["chars"] = char_level(corpus, info, args, prefix)
    if not args.skip_texts:
        report["texts"], cases = evaluate_models(corpus, infos, args.max_texts, greedy=not args.no_greedy)
        for name, model in report["texts"]["models"].items():
            calibration_report(model, args.out, name)
        for name, model_cases in cases.items():
            gallery(model_cases, args.out / f"gallery-{name}.png")
    report["wall_time_s"] = round(time.time() - t0, 1)
    (args.out / "report.json").write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    (args.out / "report.md").write_text(markdown(report))
    sys.stdout.write(markdown(report))
    if args.update_model:
        for info in infos:
            update_model(info, report, args.out / "report.json")
    return 0


def real_scans(args: argparse.Namespace) -> int:
    """``--gt``: each model measured on real scanned lines (and pages); figures to --out, stdout, the card."""
    from textrecog.engines.model import ModelError, load_info
    from textrecog.evaluation.eval_gt import evaluate_gt, gt_markdown

    args.command = "textrecog eval " + " ".join(sys.argv[2:] if args.argv is None else args.argv)
    args.out.mkdir(parents=True, exist_ok=True)
    for ref in args.model or ["line"]:
        try:
            info = load_info(ref)
            report = evaluate_gt(args, info)
        except (ValueError, ModelError) as exc:  # no such model, nothing to measure on, a character model, a language
            print(f"textrecog eval: {exc}", file=sys.stderr)
            return 2
        name = f"real-{info.name}-{args.side}"
        (args.out / f"{name}.json").write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
        (args.out / f"{name}.md").write_text(gt_markdown(report))
        sys.stdout.write(gt_markdown(report))
        if args.update_model:
            path = info.path / "manifest.json"
            manifest = json.loads(path.read_text(encoding="utf-8"))
            manifest.setdefault("accuracy", {}).setdefault("real", {})[f"{args.side}:{args.lang}"] = report
            path.write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
            from textrecog.evaluation.modelcard import write_card

            log.info("updated %s and wrote %s", path, write_card(info.path))
    return 0


def update_model(info, report: dict, report_path: Path) -> None:
    """Record a model's end-to-end figures in its manifest and (re)write its model card."""
    from textrecog.evaluation.modelcard import write_card

    path = info.path / "manifest.json"
    manifest = json.loads(path.read_text(encoding="utf-8"))
    if "texts" in report:
        manifest.setdefault("accuracy", {})["end_to_end"] = {
            "sites": report["texts"]["sites"], **report["texts"]["models"][info.name]}
    chars = report["models"].get(info.name, {}).get("chars")
    if chars:  # the held-out character figures as this version of eval computes them
        test = manifest.setdefault("accuracy", {}).setdefault("test", {})
        test.update({k: chars[k] for k in ("sections", "confused") if k in chars})
        test["summary"] = {k: {m: v[m] for m in ("exact", "merged", "lookalikes") if m in v}
                           for k, v in chars["sections"].items()}
        for key in ("digits_restricted", "mnist_test_digits_only"):
            if key in chars:
                manifest["accuracy"][key] = chars[key]
    path.write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    (info.path / "eval-report.json").write_bytes(report_path.read_bytes())  # the card's source, kept with it
    log.info("updated %s and wrote %s", path, write_card(info.path))
