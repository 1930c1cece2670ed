"""Form fields: a printed label, a hand-printed name or date, the field's rule or box, slivers of the fields
around it, a binarised scan; read as a user reads a crop of a form (issue 37).

    python benchmarks/bench_forms.py --unipen ../shared/data/unipen_train_r01_v07.tar.xz [--count 300]
        [--model line] [--lexicon samples/names/names-20k.txt] [--save DIR] [--seed 0]

The handwriting is composed from the isolated capitals and digits of the UNIPEN test sites' writers (never
trained on), one writer a field, with their natural letter spacing or written wide; the names come from
samples/names (the letters that writer wrote), the labels are set in the DejaVu fonts of the Debian
fonts-dejavu package (sans, serif, mono, bold, condensed) in French and English. Prints the CER and exact
reads against the handwritten text, the share of wide-written names read as one word, the printed words'
precision and recall where the results carry word kinds, and the time a field.
"""

from __future__ import annotations

import argparse
import re
import time
from collections import defaultdict
from pathlib import Path

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

ROOT = Path(__file__).resolve().parent.parent
FONTS = Path("/usr/share/fonts/truetype/dejavu")
FONT_FILES = ("DejaVuSans.ttf", "DejaVuSerif.ttf", "DejaVuSansMono.ttf", "DejaVuSans-Bold.ttf",
              "DejaVuSansCondensed.ttf", "DejaVuSerifCondensed-Bold.ttf")
LABELS = {"name": ("NOM :", "Nom :", "Name:", "SURNAME", "Nom de famille :", "PRENOM :", "Prénom :", "First name:"),
          "date": ("Date de naissance :", "Date of birth:", "DATE :", "Né(e) le :")}
HEIGHT = 44  # px of a field crop, as the scanned name fields of the issue (about 40 x 390)


def writers(unipen: str, split: str = "test") -> dict[str, dict[str, list]]:
    """The writers of the test (or validation) sites: their isolated characters, merged over their session
    files (gresai30.dat, gresai4b.dat: gresai; art01trn.dat, art01tst.dat: art01)."""
    from textrecog.data.linedata import LINE_TEST_SITES, LINE_VAL_SITES, load_line_corpus

    chars = load_line_corpus(unipen).split(LINE_VAL_SITES, LINE_TEST_SITES)[split].chars
    out: dict[str, dict[str, list]] = defaultdict(lambda: defaultdict(list))
    for session, by_char in chars.items():
        writer = re.sub(r"(\d+[a-z]?|trn|tst)\.dat$", "", session.split("/")[2])
        for ch, inks in by_char.items():
            out[writer][ch] += inks
    return {w: dict(c) for w, c in out.items() if sum(k.isupper() for k in c) >= 15}


def field_text(kind: str, have: set[str], names: list[str], rng: np.random.Generator) -> str:
    """A name the writer can write (all its letters among theirs), or a date in the digits and marks they have."""
    if kind == "name":
        fits = [n for n in names if set(n) <= have and 3 <= len(n) <= 10]
        return fits[int(rng.integers(len(fits)))]
    sep = "/" if "/" in have else "." if "." in have else " "
    return f"{rng.integers(1, 29):02d}{sep}{rng.integers(1, 13):02d}{sep}{rng.integers(1940, 2020)}"


def handwriting(chars: dict, text: str, wide: bool, rng: np.random.Generator) -> np.ndarray:
    """The text in the writer's own characters, dark on white, its capitals about 26 px tall."""
    from textrecog.data.render import render_page
    from textrecog.data.synthlines import char_line

    strokes = char_line(chars, text, rng, 100.0, gap=(0.6, 1.0) if wide else (0.1, 0.35))
    return render_page(strokes, char_height=26.0, pen=float(rng.uniform(0.07, 0.12)), margin=2)


def printed(text: str, rng: np.random.Generator) -> np.ndarray:
    """A label set in one of the fonts, dark on white."""
    font = ImageFont.truetype(str(FONTS / FONT_FILES[int(rng.integers(len(FONT_FILES)))]), int(rng.integers(15, 21)))
    left, top, right, bottom = font.getbbox(text)
    img = Image.new("L", (right - left + 4, bottom - top + 4), 255)
    ImageDraw.Draw(img).text((2 - left, 2 - top), text, fill=0, font=font)
    return np.asarray(img)


def compose(label: np.ndarray, hand: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Label, then the handwriting on a shared baseline, with a rule, a box or comb, and slivers at the edges."""
    gap = int(rng.integers(8, 30))
    width = label.shape[1] + gap + hand.shape[1] + int(rng.integers(10, 40))
    canvas = np.full((max(HEIGHT, hand.shape[0] + 8), width), 255, np.uint8)
    base = canvas.shape[0] - int(rng.integers(6, 10))
    _paste(canvas, label, 2, base - label.shape[0] + 2)
    x = label.shape[1] + gap
    _paste(canvas, hand, x, base - hand.shape[0] + 3)
    style = rng.choice(["rule", "box", "comb", "none"], p=[0.4, 0.2, 0.15, 0.25])
    if style == "rule":
        cv2.line(canvas, (x - 4, base + 2), (width - 3, base + 2), 0, 1)
    elif style in ("box", "comb"):
        cv2.rectangle(canvas, (x - 5, 3), (width - 3, base + 3), 0, 1)
        for cx in range(x - 5, width - 3, 24) if style == "comb" else ():
            cv2.line(canvas, (cx, base - 6), (cx, base + 3), 0, 1)
    for edge in ("top", "bottom"):
        if rng.random() < 0.5:  # another field's feet above, or its tops below, cut by the crop
            other = printed("ABCDEFGHIJ"[: int(rng.integers(3, 10))], rng)
            keep = int(rng.integers(2, 7))
            part = other[-keep:] if edge == "top" else other[:keep]
            _paste(canvas, part, int(rng.integers(0, width // 2)), 0 if edge == "top" else canvas.shape[0] - keep)
    return scan_look(canvas, rng)


def _paste(canvas: np.ndarray, ink: np.ndarray, x: int, y: int) -> None:
    y, x = max(0, y), max(0, x)
    h, w = min(ink.shape[0], canvas.shape[0] - y), min(ink.shape[1], canvas.shape[1] - x)
    np.minimum(canvas[y:y + h, x:x + w], ink[:h, :w], out=canvas[y:y + h, x:x + w])


def scan_look(img: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """A binarised scan: blur, noise, a fixed threshold."""
    soft = cv2.GaussianBlur(img, (3, 3), float(rng.uniform(0.3, 0.9))).astype(np.float32)
    soft += rng.normal(0, 12, img.shape)
    return np.where(soft < 140, 0, 255).astype(np.uint8)


def cer(truth: str, read: str) -> float:
    from textrecog.evaluation.metrics import edit_distance

    return edit_distance(truth, read) / max(1, len(truth))


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--unipen", required=True)
    p.add_argument("--count", type=int, default=300)
    p.add_argument("--model", default="line")
    p.add_argument("--lexicon", help="a name list to read with (e.g. samples/names/names-20k.txt)")
    p.add_argument("--save", type=Path, help="folder to write the fields and their truth to")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--split", choices=["test", "val"], default="test",
                   help="the writers of the test sites (report) or of the validation sites (tune on these)")
    p.add_argument("--no-labels", action="store_true", help="fields without their printed label")
    args = p.parse_args()
    from textrecog.decoding.decoder import make_options
    from textrecog.pipeline import recognize

    if args.save and args.save.exists() and any(args.save.iterdir()):
        raise SystemExit(f"bench_forms: {args.save} is not empty; give a new folder for --save")
    rng = np.random.default_rng(args.seed)
    hands = writers(args.unipen, args.split)
    names = [n.strip().upper() for n in (ROOT / "samples/names/names-20k.txt").read_text().splitlines()]
    options = make_options(lexicon=args.lexicon)
    rows, spent = [], 0.0
    for i in range(args.count):
        writer = sorted(hands)[i % len(hands)]
        kind, wide = ("date", False) if rng.random() < 0.25 else ("name", bool(rng.random() < 0.4))
        truth = field_text(kind, set(hands[writer]), names, rng)
        label = LABELS[kind][int(rng.integers(len(LABELS[kind])))]
        sign = printed(label, rng) if not args.no_labels else np.full((4, 4), 255, np.uint8)
        image = compose(sign, handwriting(hands[writer], truth, wide, rng), rng)
        if args.save:
            args.save.mkdir(parents=True, exist_ok=True)
            cv2.imwrite(str(args.save / f"field{i:04d}.png"), image)
            (args.save / f"field{i:04d}.gt.txt").write_text(truth + "\n", encoding="utf-8")
        t0 = time.perf_counter()
        result = recognize(image, args.model, options=options)
        spent += time.perf_counter() - t0
        rows.append((kind, wide, truth, result.text.replace("\n", " "), label, result))
    report(rows, spent, args)


def report(rows: list, spent: float, args: argparse.Namespace) -> None:
    """Print the figures: CER and exact reads (all, names, dates), wide names read as one word, printed words."""
    for name, part in (("all fields", rows), ("names", [r for r in rows if r[0] == "name"]),
                       ("dates", [r for r in rows if r[0] == "date"])):
        if part:
            print(f"{name}: {len(part)}, CER {np.mean([cer(r[2], r[3]) for r in part]):.1%}, "
                  f"exact {np.mean([r[2] == r[3] for r in part]):.1%}")
    wide = [r for r in rows if r[1]]
    if wide:
        print(f"names written wide: {len(wide)}, read as one word {np.mean([' ' not in r[3].strip() for r in wide]):.1%}")
    kinds = [w for r in rows for ln in r[5].lines for w in ln.words if hasattr(w, "kind")]
    print("printed words: " + (f"{len(kinds)} words with kinds" if kinds else "the results carry no word kinds yet"))
    print(f"{spent / max(1, len(rows)) * 1000:.1f} ms a field (model {args.model}, lexicon {args.lexicon or 'none'}, "
          f"{args.split} writers{', no labels' if args.no_labels else ''})")
    for r in rows[:8]:
        print(f"  {r[4]!r} {r[2]!r} -> {r[3]!r}")


if __name__ == "__main__":
    main()
