"""KanjiVG stroke templates rendered as jittered "handwriting", to augment real training data.

A template is one character's pen strokes as SVG paths (``kanji/<code>.svg``,
listed in ``index.tsv``). Templates are not handwriting: they may be added to
real samples, never replace them (a font-only model failed the project this
grew from). Each render scales the strokes, warps them (rotation, shear,
aspect, a smooth elastic field, point jitter) and draws them with a random
pen width, then goes through the same crop normalisation as every glyph.
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np

from textrecog.data.chars import CharData, to_model_uint8
from textrecog.data.render import Augment, render
from textrecog.imaging.normalize import InputSpec

# Larger warps than for real ink: a template has one clean shape, handwriting has many.
TEMPLATE_AUGMENT = Augment(pen=(0.03, 0.08), rotate_deg=8.0, shear=0.25, aspect=(0.8, 1.2), jitter=0.01,
                           elastic=0.06)
SVG_NS = "{http://www.w3.org/2000/svg}"


def template_index(root: str | Path) -> dict[str, Path]:
    """Character → SVG file, from the KanjiVG folder's ``index.tsv``."""
    root = Path(root)
    table = root / "index.tsv"
    if not table.is_file():
        raise FileNotFoundError(f"{table}: not found (give the kanjivg folder, which holds index.tsv)")
    with open(table, encoding="utf-8", newline="") as fh:
        return {row["char"]: root / row["file"] for row in csv.DictReader(fh, delimiter="\t")}


def template_strokes(path: str | Path, step: float = 1.5) -> list[np.ndarray]:
    """The strokes of one KanjiVG file as (N, 2) point arrays (y down), sampled every ``step`` units."""
    import xml.etree.ElementTree as ET

    from svg.path import parse_path

    try:
        tree = ET.parse(path)
    except ET.ParseError as exc:
        raise ValueError(f"{path}: not a readable SVG file ({exc})") from None
    strokes = []
    for elem in tree.iter(f"{SVG_NS}path"):
        d = elem.get("d")
        if not d:
            continue
        curve = parse_path(d)
        n = max(2, int(np.ceil(curve.length() / step)) + 1)
        pts = np.array([curve.point(t) for t in np.linspace(0.0, 1.0, n)])
        strokes.append(np.stack([pts.real, pts.imag], axis=1).astype(np.float32))
    if not strokes:
        raise ValueError(f"{path}: no stroke paths")
    return strokes


def template_data(root: str | Path, classes: str, spec: InputSpec, per_class: int, seed: int,
                  aug: Augment = TEMPLATE_AUGMENT) -> CharData:
    """``per_class`` jittered renders of the template of every class that has one."""
    index = template_index(root)
    if not any(c in index for c in classes):
        raise ValueError(f"{root}: no templates for any of the classes {classes[:10]}…")
    rng = np.random.default_rng(seed)
    images, labels = [], []
    for i, c in enumerate(classes):
        if c not in index:
            continue
        strokes = template_strokes(index[c])
        for _ in range(per_class):
            images.append(to_model_uint8(render(strokes, 64.0, aug, rng), spec))
            labels.append(i)
    return CharData(np.stack(images), np.array(labels, np.int32), np.array(["kanjivg"] * len(labels)))
