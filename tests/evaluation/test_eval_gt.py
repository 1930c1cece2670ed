"""Page-level scoring against line ground truth: lines found once, split, merged, missed, read outside them."""

from __future__ import annotations

from textrecog.data.gttypes import GtLine, GtPage
from textrecog.decoding.charset import LINE_ALPHABET
from textrecog.evaluation.eval_gt import error_rates, match_page, page_lines
from textrecog.types import Alternative, Box, Char, Geometry, Line, Result, Word


def read_line(text: str, x: int, y: int) -> Line:
    """A line read by textrecog: one 10-px character box per letter, words split at spaces."""
    words, chars, pos = [], [], x
    for c in text + " ":
        if c == " ":
            if chars:
                words.append(Word(Box(chars[0].box.x, y, pos - chars[0].box.x, 20), tuple(chars)))
            chars = []
        else:
            chars.append(Char(Box(pos, y, 10, 20), c, 0.9, (Alternative(c, 0.9),), Geometry(1.0, 0.0)))
        pos += 10
    return Line(Box(x, y, pos - x, 20), tuple(words), y + 20.0)


def ground_truth() -> GtPage:
    def line(text: str, y: int, kind: str = "") -> GtLine:
        return GtLine(text, ((0, y), (400, y), (400, y + 30), (0, y + 30)), (), (0, y, 400, 30), kind)

    lines = (line("le chat dort", 10), line("sur le mur", 50), line("il pleut", 90), line("fin", 130),
             line("Printed Header", 170, "DefaultLine:Print"))
    return GtPage("p.xml", "p.png", lines, (400, 220))


def test_found_split_merged_missed_and_read_outside_every_line():
    page = ground_truth()
    labels, texts = page_lines(page, (220, 400), LINE_ALPHABET)
    assert texts[-1] is None  # a printed line is not scored
    result = Result((read_line("le chat dort", 10, 15),  # found once, right
                     read_line("sur", 10, 55), read_line("le mor", 200, 55),  # one line split in two
                     read_line("il pleut", 10, 95),  # found once
                     read_line("Printed Header", 10, 175),  # read where a printed line is: not scored
                     read_line("stain", 10, 200)), 400, 220, "test")  # read where nothing is: errors
    m = match_page(result, labels, texts)
    assert m["lines"] == 4 and m["once"] == 2 and m["split"] == 1 and m["missed"] == 1 and m["merged"] == 0
    # 'sur' + 'le mor' vs 'sur le mur': 1; 'fin' missed: 3; 'stain' read outside every line: 5
    assert m["errors"] == 1 + 3 + 5 and m["extra"] == 5
    assert m["chars"] == len("le chat dort") + len("sur le mur") + len("il pleut") + len("fin")


def test_one_line_read_across_two_is_merged():
    page = ground_truth()
    labels, texts = page_lines(page, (220, 400), LINE_ALPHABET)
    tall = read_line("le chat dort", 10, 15)
    low = read_line("sur le mur", 130, 55)
    both = Line(Box(10, 15, 240, 60), tall.words + low.words, 75.0)
    m = match_page(Result((both,), 400, 220, "test"), labels, texts)
    assert m["merged"] == 1 and m["missed"] >= 1


def test_error_rates_count_characters_and_words():
    r = error_rates([("le chat", "le chut"), ("abc", "abc")])
    assert r == {"n": 2, "chars": 10, "cer": 0.1, "wer": round(1 / 3, 4)}


def test_eval_gt_without_lines_or_with_a_character_model_is_a_one_line_error(tmp_path, capsys):
    from textrecog.cli import main

    assert main(["eval", "--gt", str(tmp_path / "none"), "--out", str(tmp_path / "ev")]) == 2
    err = capsys.readouterr().err
    assert err.strip().splitlines()[-1] == f"textrecog eval: --gt {tmp_path / 'none'}: no transcribed lines on the all side to measure on"
    assert main(["eval", "--gt", str(tmp_path), "--model", "latin", "--out", str(tmp_path / "ev")]) == 2
    assert "evaluates line models" in capsys.readouterr().err
