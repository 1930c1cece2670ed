"""End-to-end hiragana lines: segmentation + cells + the hiragana model on composed held-out lines.

    python benchmarks/eval_kana_lines.py --etl8b2 ../shared/data/etl8b2_hiragana [--split test] [--count 300]

Each line is 5-10 random characters, each an ETL8B2 sample from the chosen
split's writers (test: the last 20% of each class by sample number, never
trained or tuned on; val: for tuning), written left to right with random
gaps. Prints the character error rate and the share of lines read exactly.
"""

from __future__ import annotations

import argparse
import json
import shlex
import sys

from textrecog.data.kana import held_out_lines
from textrecog.evaluation.metrics import edit_distance
from textrecog.pipeline import recognize


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--etl8b2", required=True)
    p.add_argument("--split", default="test", choices=("val", "test"))
    p.add_argument("--count", type=int, default=300)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--model", default="hiragana")
    p.add_argument("--direction", default="ltr", choices=("ltr", "ttb"),
                   help="ltr: lines left to right; ttb: columns top to bottom")
    p.add_argument("--lengths", default="5,10", help="characters a line, least,most (the issue's lines: 5,10)")
    p.add_argument("--update-model", action="store_true",
                   help="record the figure in the model's manifest and card (test split only)")
    args = p.parse_args()
    lo, hi = (int(v) for v in args.lengths.split(","))
    lines = held_out_lines(args.etl8b2, args.split, args.count, args.seed, (lo, hi), args.direction)
    errors = chars = exact = 0
    for text, image in lines:
        read = recognize(image, args.model, direction=args.direction).text.replace("\n", "")
        errors += edit_distance(text, read)
        chars += len(text)
        exact += read == text
    print(f"{args.split} split, {args.direction}, {len(lines)} lines, {chars} characters: CER {errors / chars:.2%}, "
          f"lines exact {exact / len(lines):.1%} (model {args.model})")
    if args.update_model and args.split == "test" and args.lengths == "5,10":
        record(args, {"lines": len(lines), "chars": chars, "cer": round(errors / chars, 4),
                      "lines_exact": round(exact / len(lines), 4),
                      "command": "python benchmarks/eval_kana_lines.py " + shlex.join(sys.argv[1:])})


def record(args: argparse.Namespace, figures: dict) -> None:
    """Store the end-to-end figure in the manifest and rewrite the model card."""
    from textrecog.engines.model import load_info
    from textrecog.evaluation.modelcard import write_card

    path = load_info(args.model).path / "manifest.json"
    manifest = json.loads(path.read_text(encoding="utf-8"))
    manifest.setdefault("accuracy", {}).setdefault("end_to_end", {})[args.direction] = figures
    manifest["accuracy"].pop("end_to_end_lines", None)  # the earlier, left-to-right-only record
    path.write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    write_card(path.parent)


if __name__ == "__main__":
    main()
