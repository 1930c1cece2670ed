"""`textrecog eval --gt`: measure a line model on real scanned pages with line ground truth.

Line level: each ground-truth line cut with its polygon (the cut training
uses), recognition only. Page level (``--pages``): textrecog's own
segmentation on the whole page; its lines are matched to the ground-truth
lines by where their letters lie (inside which line's polygon), and lines
found once, missed, split or merged are counted. Figures are given per set
(the folder a file came from).
"""

from __future__ import annotations

import argparse
import logging
from collections import defaultdict
from dataclasses import dataclass

import numpy as np

from textrecog.decoding.charset import LINE_ALPHABET
from textrecog.evaluation.metrics import edit_distance

log = logging.getLogger("textrecog.eval")


@dataclass(frozen=True)
class LineRead:
    """One ground-truth line and what the model read in it, best path and with the decoder."""

    set_name: str
    truth: str
    best_path: str
    decoded: str


def error_rates(pairs: list[tuple[str, str]]) -> dict:
    """CER and WER over (truth, read) pairs: edit distances over the truths' lengths, in characters and words."""
    chars = sum(len(t) for t, _ in pairs)
    words = sum(len(t.split()) for t, _ in pairs)
    cer = sum(edit_distance(t, r) for t, r in pairs) / max(1, chars)
    wer = sum(edit_distance(t.split(), r.split()) for t, r in pairs) / max(1, words)
    return {"n": len(pairs), "chars": chars, "cer": round(cer, 4), "wer": round(wer, 4)}


def read_lines(info, lines: list, options) -> list[LineRead]:
    """Read cut ground-truth lines with a line model: best path, and the decoder of ``options``."""
    from tqdm import tqdm

    from textrecog.data.reallines import real_image
    from textrecog.decoding.ctc import best_path
    from textrecog.engines.line_engine import LineEngine

    engine = LineEngine(info)
    decoder = engine.decoder(options)
    labels = "".join(info.labels)
    out = []
    for k in tqdm(range(0, len(lines), 64), desc="reading lines", unit="batch", disable=None, mininterval=1.0):
        chunk = lines[k : k + 64]
        probs = engine.probabilities([real_image(r, info.spec, None) for r in chunk])
        for r, p, found in zip(chunk, probs, decoder.decode_many(probs)):
            decoded = "".join(labels[s.index] for s in found.spans).strip()
            out.append(LineRead(r.set_name, r.text, best_path(p.argmax(axis=1), labels).strip(), decoded))
    return out


def line_report(reads: list[LineRead]) -> dict:
    """Per set and in all: CER/WER with the decoder and with best path."""
    by_set: dict[str, list[LineRead]] = defaultdict(list)
    for r in reads:
        by_set[r.set_name].append(r)
    out = {}
    for name, rs in sorted(by_set.items()) + [("all", reads)]:
        out[name] = {**error_rates([(r.truth, r.decoded) for r in rs]),
                     "best_path": error_rates([(r.truth, r.best_path) for r in rs])}
    return out


def page_lines(page, gray_shape: tuple[int, int], alphabet: str) -> tuple[np.ndarray, list]:
    """A label image of the ground-truth lines' polygons (k + 1 for line k) and each line's scored text
    (None for a line left out: markup, print; its area is neither found nor counted)."""
    import cv2

    from textrecog.data.transcripts import judge_line

    labels = np.zeros(gray_shape, np.int32)
    texts = []
    for k, line in enumerate(page.lines):
        pts = line.polygon or _box_points(line.box)
        cv2.fillPoly(labels, [np.round(np.array(pts)).astype(np.int32)], k + 1)
        texts.append(judge_line(line, alphabet).text)
    return labels, texts


def _box_points(box) -> list:
    x, y, w, h = box
    return [(x, y), (x + w, y), (x + w, y + h), (x, y + h)]


def match_page(result, labels: np.ndarray, texts: list) -> dict:
    """Errors and line counts of one page read by textrecog against its ground truth."""
    h, w = labels.shape
    assigned: dict[int, list] = defaultdict(list)
    merged = extra_chars = 0
    for line in result.lines:
        votes = np.bincount([int(labels[min(h - 1, c.box.y + c.box.h // 2), min(w - 1, c.box.x + c.box.w // 2)])
                             for word in line.words for c in word.chars], minlength=len(texts) + 1)
        if votes.sum() == 0 or votes[1:].sum() == 0:
            extra_chars += len(line.text)  # read where no line is transcribed: a header, a stain, a rule
            continue
        k = int(np.argmax(votes[1:])) + 1
        if texts[k - 1] is None:
            continue  # a line left out of the ground truth: nothing to score it against
        others = [v for i, v in enumerate(votes[1:], 1) if i != k and texts[i - 1] is not None]
        merged += sum(1 for v in others if v >= 0.25 * votes[k])
        assigned[k].append(line)
    scored = [k + 1 for k, t in enumerate(texts) if t is not None]
    errors = extra_chars
    for k in scored:
        read = " ".join(li.text for li in sorted(assigned.get(k, []), key=lambda li: li.box.x))
        errors += edit_distance(texts[k - 1], read)
    return {"chars": sum(len(texts[k - 1]) for k in scored), "errors": errors, "extra": extra_chars, "lines": len(scored),
            "once": sum(1 for k in scored if len(assigned.get(k, [])) == 1), "missed": sum(1 for k in scored if not assigned.get(k)),
            "split": sum(1 for k in scored if len(assigned.get(k, [])) > 1), "merged": merged}


def page_report(info, pages: list, options, alphabet: str) -> dict:
    """Page CER and the share of ground-truth lines found once, per set and in all."""
    from pathlib import Path

    from tqdm import tqdm

    from textrecog.imaging.imageio import ImageError, load_gray
    from textrecog.pipeline import recognize

    sums: dict[str, dict] = defaultdict(lambda: defaultdict(int))
    for page in tqdm(pages, desc="reading pages", unit="page", disable=None, mininterval=1.0):
        try:
            gray = load_gray(page.image)  # decoded once: its size for the ground truth's label image, and read
            result = recognize(gray, str(info.path), options=options)
        except ImageError as exc:
            log.warning("%s", exc)
            continue
        labels, texts = page_lines(page, gray.shape, alphabet)
        m = match_page(result, labels, texts)
        for key in (Path(page.source).parent.name, "all"):
            sums[key]["pages"] += 1
            for k, v in m.items():
                sums[key][k] += v
    return {name: {"pages": s["pages"], "lines": s["lines"], "page_cer": round(s["errors"] / max(1, s["chars"]), 4),
                   "found_once": round(s["once"] / max(1, s["lines"]), 4), "missed": s["missed"], "split": s["split"],
                   "merged": s["merged"], "extra_cer": round(s["extra"] / max(1, s["chars"]), 4)}
            for name, s in sorted(sums.items())}


def chosen_side(args: argparse.Namespace, info) -> tuple[str, float, float]:
    """The split rule and shares: the arguments', else those the model was trained with."""
    split = info.manifest.get("training", {}).get("split", {}).get("real", {})
    return (args.split_by or split.get("by", "page"), split.get("val_share", 0.1) if args.val_share is None
            else args.val_share, split.get("test_share", 0.1) if args.test_share is None else args.test_share)


def side_pages(args: argparse.Namespace, info) -> list:
    """The ground-truth pages of the chosen side of the writer split (all of them with ``--side all``)."""
    from textrecog.data.gtlines import read_ground_truth
    from textrecog.data.gtsplit import group_of, side_of

    read = read_ground_truth(args.gt)
    for e in read.errors:
        log.warning("%s", e)
    if args.side == "all":
        return list(read.pages)
    rule, val, test = chosen_side(args, info)
    return [p for p in read.pages if side_of(group_of(p.source, rule), val, test) == args.side]


def evaluate_gt(args: argparse.Namespace, info) -> dict:
    """Line-level (and with ``--pages`` page-level) figures of one line model on real ground truth."""
    from textrecog.data.gtdata import load_gt_split
    from textrecog.decoding.decoder import make_options

    if info.kind != "line":
        raise ValueError(f"--gt evaluates line models; {info.name} is a {info.kind} model")
    options = make_options(lang=args.lang)
    rule, val, test = chosen_side(args, info)
    alphabet = LINE_ALPHABET  # one set of lines for every model: a letter a model lacks is its error
    if args.side == "all":
        lines = load_gt_split([], args.gt, alphabet).train
    else:
        lines = getattr(load_gt_split(args.gt, [], alphabet, rule, val, test), args.side)
    if not lines:
        raise ValueError(f"--gt {' '.join(args.gt)}: no transcribed lines on the {args.side} side to measure on")
    if args.limit and len(lines) > args.limit:  # spread over every set and page
        lines = [lines[int(i)] for i in np.linspace(0, len(lines) - 1, args.limit)]
    report = {"model": info.name, "side": args.side, "split": {"by": rule, "val_share": val, "test_share": test},
              "lang": args.lang, "command": args.command, "lines": line_report(read_lines(info, lines, options))}
    if args.pages:
        pages = side_pages(args, info)
        pick = np.unique(np.linspace(0, len(pages) - 1, min(args.pages, len(pages))).astype(int)) if pages else []
        report["pages"] = page_report(info, [pages[int(i)] for i in pick], options, alphabet)
    return report


def gt_markdown(report: dict) -> str:
    """The figures as Markdown tables (the model card's real-ink section)."""
    out = [f"Real scans, {report['side']} writers (split by {report['split']['by']}), decoding with the "
           f"`{report['lang']}` language model: `{report['command']}`", "",
           "| set | lines | CER | WER | CER best path |", "|---|---|---|---|---|"]
    out += [f"| {k} | {v['n']} | {v['cer']:.1%} | {v['wer']:.1%} | {v['best_path']['cer']:.1%} |"
            for k, v in report["lines"].items()]
    if "pages" in report:
        out += ["", "Page level (textrecog's own segmentation):", "",
                "| set | pages | lines | page CER | of which read outside every line | found once | missed | split | "
                "merged |", "|---|---|---|---|---|---|---|---|---|"]
        out += [f"| {k} | {v['pages']} | {v['lines']} | {v['page_cer']:.1%} | {v.get('extra_cer', 0):.1%} | "
                f"{v['found_once']:.1%} | {v['missed']} | {v['split']} | {v['merged']} |" for k, v in report["pages"].items()]
    return "\n".join(out) + "\n"
