"""`textrecog lm build` for another language, with transcriptions of real pages: training writers only."""

from __future__ import annotations

import json

import cv2
import numpy as np
import pytest

pytest.importorskip("wordfreq")


def write_page(folder, name: str, lines: list[str]) -> None:
    cv2.imwrite(str(folder / f"{name}.png"), np.full((50, 50), 255, np.uint8))
    body = "".join(f'<TextLine ID="l{k}" HPOS="0" VPOS="{10 * k}" WIDTH="40" HEIGHT="9"><String CONTENT="{t}"/>'
                   "</TextLine>" for k, t in enumerate(lines))
    (folder / f"{name}.xml").write_text(f'<alto xmlns="http://www.loc.gov/standards/alto/ns-v4#"><Layout><Page>'
                                        f"<PrintSpace><TextBlock>{body}</TextBlock></PrintSpace></Page></Layout>"
                                        "</alto>", encoding="utf-8")


def token(i: int) -> str:
    """A made-up word per page (letters only: the language model reads every digit as 0)."""
    return chr(97 + i % 26) + chr(97 + i // 26)


def test_french_model_from_wordfreq_and_training_writers_only(tmp_path):
    from textrecog.data.gtsplit import group_of, side_of
    from textrecog.decoding.lm import load_lm
    from textrecog.training.lm_build import main

    pages = tmp_path / "pages"
    pages.mkdir()
    sides = {}
    for i in range(40):
        name = f"lettre{i}"
        sides[name] = side_of(group_of(pages / f"{name}.xml"), 0.1, 0.1)
        write_page(pages, name, [f"zorglub{token(i)} quenouille", "Le 3^e jour &gt;barré&lt;"])
    assert {"train", "val", "test"} <= set(sides.values())
    assert main(["build", "--lang", "fr", "--out", str(tmp_path / "fr"), "--words", "3000", "--lexicon", "2000",
                 "--gt", str(pages)]) == 0
    lm = load_lm(tmp_path / "fr")
    manifest = json.loads((tmp_path / "fr" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["language"] == "fr" and "French" in manifest["sources"][0]["name"]
    assert "été" in lm.words or "à" in lm.words
    for name, side in sides.items():
        assert (f"zorglub{token(int(name[6:]))}" in lm.words) == (side == "train"), name  # held-out writers' words never
    assert not any(">" in w or "<" in w for w in lm.words)  # lines with markup are left out
    assert "validation_bits_per_char" in manifest
