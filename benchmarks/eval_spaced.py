"""Words written with their letters spaced out, as on forms: how often a gap inside a word reads as a space.

    python benchmarks/eval_spaced.py --unipen ../shared/data/unipen_train_r01_v07.tar.xz [--sites art,gmd,ape]
        [--count 300] [--gap 0.7] [--model line]

Takes hand-printed UNIPEN words (section 7, several pen-lifts a word) of
the given sites (default: the validation sites), sets their letters
``--gap`` stroke heights apart (``data.synthlines.spaced_word``), renders
them as a page and reads them end to end with the default decoding. Prints
the share of words read with a space inside and the CER (spaces ignored,
and counted), next to the same words as written.
"""

from __future__ import annotations

import argparse

import numpy as np


def words(unipen: str, sites: list[str], count: int) -> list:
    """Up to ``count`` printed words (letters only, 3+ of them, one piece a letter or more) of these sites."""
    from textrecog.data.linedata import load_line_corpus
    from textrecog.data.synthlines import letter_groups

    inks = [i for i in load_line_corpus(unipen).inks if i.site in sites and i.section == "7"]
    keep = [i for i in inks if i.text.isalpha() and len(i.text) >= 3 and len(letter_groups(i.strokes)) >= len(i.text)]
    rng = np.random.default_rng(0)
    return [keep[int(k)] for k in rng.permutation(len(keep))[:count]]


def read(inks: list, gap: float, model: str | None) -> tuple[float, float, float]:
    """(share read with a space, CER spaces ignored, CER) of the words, spaced ``gap`` stroke heights apart."""
    from textrecog.data.render import render_page, stroke_unit
    from textrecog.data.synthlines import spaced_word
    from textrecog.evaluation.metrics import edit_distance
    from textrecog.pipeline import recognize

    rng = np.random.default_rng(1)
    spaced = errors = errors_nospace = chars = 0
    for ink in inks:
        strokes = spaced_word(ink.strokes, gap * stroke_unit(ink.strokes), rng) if gap else ink.strokes
        text = recognize(render_page(strokes, 40.0), model).text
        spaced += " " in text.strip()
        errors += edit_distance(ink.text, text)
        errors_nospace += edit_distance(ink.text, text.replace(" ", ""))
        chars += len(ink.text)
    return spaced / max(1, len(inks)), errors_nospace / max(1, chars), errors / max(1, chars)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--unipen", required=True)
    p.add_argument("--sites", default="art,gmd,ape")
    p.add_argument("--count", type=int, default=300)
    p.add_argument("--gap", type=float, default=0.7, help="gap between letters, in stroke heights")
    p.add_argument("--model", default=None)
    args = p.parse_args()
    inks = words(args.unipen, args.sites.split(","), args.count)
    for gap in (0.0, args.gap):
        share, cer_ns, cer = read(inks, gap, args.model)
        what = "as written" if not gap else f"letters {gap} stroke heights apart"
        print(f"{len(inks)} printed words, {what}: {share:.1%} read with a space inside; "
              f"CER {cer:.1%} ({cer_ns:.1%} with spaces ignored)", flush=True)


if __name__ == "__main__":
    main()
