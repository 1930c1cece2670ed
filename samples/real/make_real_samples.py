"""Cut the bundled real-scan samples from ../shared/data/htr (CC BY 4.0), by file and line.

    python samples/real/make_real_samples.py --htr ../shared/data/htr

Each is one line of a page whose writer is on the test side of the split every real-scan model here
uses (writer groups by page, 10% validation, 10% test; textrecog.data.gtsplit), so no bundled model
trained or tuned on it. The line is cut with its ground-truth polygon as `textrecog eval --gt` cuts
it (neighbouring lines' ink painted out), and saved as the grey crop a user would give, with its
true text in NAME.gt.txt and its source in SOURCES.tsv.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import cv2

from textrecog.data.gtlines import read_ground_truth
from textrecog.data.gtsplit import group_of, side_of
from textrecog.data.linecut import cut_line
from textrecog.imaging.imageio import load_gray

HERE = Path(__file__).resolve().parent
# (file stem, set, ground-truth file, line index)
PICKS = [
    ("copiste-0065-2", "copiste", "imp_wikitexte_0065.xml", 2),
    ("copiste-0110-3", "copiste", "imp_wikitexte_0110.xml", 3),
    ("poilus-ad78-0064-1-5", "poilus", "TestamentsDePoilus_will_AD78_0064-1.xml", 5),
]


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--htr", type=Path, default=HERE.parents[2] / "shared" / "data" / "htr")
    args = p.parse_args()
    rows = ["file\tset\tsource\tline\ttext"]
    for stem, subset, name, index in PICKS:
        source = args.htr / subset / name
        assert side_of(group_of(source), 0.1, 0.1) == "test", f"{source} is not a test writer's"
        page = read_ground_truth([source]).pages[0]
        line = page.lines[index]
        crop = cut_line(load_gray(page.image), line)
        cv2.imwrite(str(HERE / f"{stem}.png"), crop.gray)
        (HERE / f"{stem}.gt.txt").write_text(line.text + "\n", encoding="utf-8")
        rows.append(f"{stem}.png\t{subset}\t{name}\t{index}\t{line.text}")
    (HERE / "SOURCES.tsv").write_text("\n".join(rows) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
