"""The ground-truth line cut, the writer split and the markup rules, on pages drawn in the test."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np

from textrecog.data.gttypes import GtLine
from textrecog.data.gtsplit import group_of, side_of
from textrecog.data.linecut import baseline_slope, cut_line, fit_crop_line
from textrecog.data.transcripts import judge_line
from textrecog.decoding.charset import LINE_ALPHABET
from textrecog.imaging.normalize import LineSpec


def two_lines() -> tuple[np.ndarray, GtLine]:
    """Two lines of writing; the upper line's long descender reaches down between the lower line's words."""
    page = np.full((160, 400), 235, np.uint8)
    cv2.putText(page, "upper line", (20, 50), cv2.FONT_HERSHEY_SIMPLEX, 1.2, 20, 3)
    cv2.line(page, (330, 35), (330, 115), 20, 4)  # the descender, down into the lower line's box
    cv2.putText(page, "low", (20, 110), cv2.FONT_HERSHEY_SIMPLEX, 1.2, 20, 3)
    cv2.putText(page, "er", (350, 110), cv2.FONT_HERSHEY_SIMPLEX, 1.2, 20, 3)
    # the lower line's polygon goes round the descender, as eScriptorium's do
    polygon = ((10, 78), (320, 78), (320, 125), (340, 125), (340, 78), (395, 78), (395, 125), (10, 125))
    return page, GtLine("low er", polygon, ((20, 110), (390, 110)), (10, 78, 385, 47))


def test_the_polygon_keeps_the_line_and_paints_the_neighbours_ink_out():
    page, line = two_lines()
    crop = cut_line(page, line)
    inside_box = page[76:128, 8:398]  # the line's box alone holds the descender
    assert (inside_box[:, 318:342] < 100).sum() > 100
    assert (crop.gray[:, 318 - crop.x : 342 - crop.x] < 100).sum() == 0  # painted as paper
    assert abs(int(np.median(crop.gray)) - 235) <= 2  # with the paper's own tone
    left, right = crop.gray[:, : 150 - crop.x], crop.gray[:, 345 - crop.x :]
    assert (left < 100).sum() > 200 and (right < 100).sum() > 100  # both words of the line stay


def test_the_cut_line_goes_through_the_shared_line_normaliser():
    page, line = two_lines()
    spec = LineSpec()
    fitted = fit_crop_line(cut_line(page, line), spec)
    assert fitted.image.shape[0] == spec.height and fitted.image.max() > 200  # ink bright on 0, model height
    assert fitted.image[:, :2].max() == 0


def test_a_sloping_baseline_gives_its_slope():
    assert abs(baseline_slope(((0, 10), (50, 14), (100, 20))) - 0.1) < 0.005
    assert baseline_slope(()) == 0.0


def test_a_line_off_the_page_is_none():
    page, _ = two_lines()
    assert cut_line(page, GtLine("x", (), (), (500, 500, 10, 10))) is None


def test_the_writer_split_never_puts_one_page_group_on_both_sides():
    names = [f"imp_wikitexte_{n:04d}_{p}.xml" for n in range(300) for p in (1, 2)]
    names += [f"TestamentsDePoilus_will_AD78_{n:04d}-{p}.xml" for n in range(100) for p in range(4)]
    sides: dict[str, set] = {}
    for name in names:
        group = group_of(Path("sets") / name)
        sides.setdefault(group, set()).add(side_of(group, 0.1, 0.1))
    assert len(sides) == 400 and all(len(s) == 1 for s in sides.values())
    counts = {k: sum(k in s for s in sides.values()) for k in ("train", "val", "test")}
    assert counts["val"] > 20 and counts["test"] > 20 and counts["train"] > 300


def test_groups_by_folder_file_or_pattern():
    path = Path("notebook") / "B.10.chine2_0020.xml"
    assert group_of(path, "folder") == "notebook"
    assert group_of(path, "file") == "notebook/B.10.chine2_0020"
    assert group_of(path, r"^B\.(\d+)") == "notebook/10"
    assert group_of(Path("x") / "will_AD78_0006-3.xml") == "x/will_AD78_0006"


def test_markup_print_and_foreign_letters_are_left_out():
    def judge(text: str, kind: str = "") -> str | None:
        return judge_line(GtLine(text, (), (), (0, 0, 1, 1), kind), LINE_ALPHABET).text

    assert judge("Le 3^e jour,\u00a0« déjà » l’été") == "Le 3e jour, « déjà » l’été"
    assert judge("il a >barré< ceci") is None and judge("[Quand ?] elle") is None and judge("⟦x⟧") is None
    assert judge("wikitexte_0051") is None  # a gap mark, or an underscore the alphabet lacks
    assert judge("Dear Sir", "DefaultLine:Typewritten") is None and judge("Dear", "DefaultLine:Handwritten")
    assert judge("Łódź") is None and judge("   ") is None
