"""Decoding options end to end: charset fields, word readings, review flags, lexicon files, the API."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import cv2
import numpy as np
import pytest
from conftest import draw_line

import textrecog
from textrecog.decoding.decoder import make_options
from textrecog.decoding.lexicon import read_lexicon

SAMPLES = Path(__file__).resolve().parents[2] / "samples"


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "textrecog", *args], capture_output=True, text=True, timeout=120)


@pytest.fixture(scope="module")
def letters_png(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("img") / "letters.png"
    cv2.imwrite(str(path), draw_line(["Hello", "World"]))
    return path


@pytest.mark.parametrize("model", ["line", "latin"])
@pytest.mark.parametrize("decoder", ["beam", "greedy"])
def test_charset_digits_never_reads_a_letter(letters_png, model, decoder):
    out = run_cli("--model", model, "--decoder", decoder, "--charset", "digits", str(letters_png))
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() and all(c.isdigit() or c.isspace() for c in out.stdout)


def test_charset_of_given_characters(letters_png):
    text = textrecog.recognize(letters_png, "latin", options=make_options(charset="HWelo")).text
    assert set(text) <= set("HWelo \n")


@pytest.mark.parametrize("model", ["line", "latin"])
def test_json_words_carry_readings_that_add_up_to_at_most_one(model):
    out = run_cli("--json", "--model", model, str(SAMPLES / "line-lex.png"))
    rec = json.loads(out.stdout)
    words = [w for line in rec["lines"] for w in line["words"]]
    assert words
    for w in words:
        probs = [a["prob"] for a in w["alternatives"]]
        assert 1 <= len(probs) <= 3 and probs[1:] == sorted(probs[1:], reverse=True)
        assert sum(probs) <= 1.0 + 1e-6 and all(0 <= p <= 1 for p in probs)
        assert w["alternatives"][0]["text"] == w["text"] and 0 <= w["confidence"] <= 1


def test_flag_below_marks_the_uncertain_words():
    rec = json.loads(run_cli("--json", "--flag-below", "1", str(SAMPLES / "line-lex.png")).stdout)
    assert all(w.get("flagged") for line in rec["lines"] for w in line["words"])
    rec = json.loads(run_cli("--json", "--flag-below", "0", str(SAMPLES / "line-lex.png")).stdout)
    assert not any(w.get("flagged") for line in rec["lines"] for w in line["words"])


def test_greedy_is_best_path_without_readings():
    result = textrecog.recognize(SAMPLES / "line-scr.png", options=make_options(decoder="greedy"))
    assert result.text == "9876543210"
    assert all(not w.readings for line in result.lines for w in line.words)


def test_lexicon_file_is_folded(tmp_path):
    path = tmp_path / "names.txt"
    path.write_text("McDonald  O'Brien,\nZoë\n", encoding="utf-8")
    lexicon = read_lexicon(path)
    assert lexicon.folded == {"mcdonald", "o'brien", "zoë"}
    assert lexicon.surface == ("McDonald", "O'Brien", "Zoë")


@pytest.mark.parametrize("content, reason", [(None, "not a file"), (b"", "no words"),
                                              (b"\xff\xfe\x00bad", "not UTF-8")])
def test_bad_lexicon_is_one_line_error_naming_the_file(tmp_path, content, reason):
    path = tmp_path / "words.txt"
    if content is not None:
        path.write_bytes(content)
    out = run_cli("--lexicon", str(path), str(SAMPLES / "line-scr.png"))
    assert out.returncode == 2 and str(path) in out.stderr and reason in out.stderr
    assert len(out.stderr.strip().splitlines()) == 1 and "Traceback" not in out.stderr


def test_missing_language_model_is_refused_before_reading(tmp_path):
    out = run_cli("--lm", str(tmp_path / "nolm"), str(SAMPLES / "line-scr.png"))
    assert out.returncode == 2 and "language model directory not found" in out.stderr


def test_batch_takes_the_same_options(tmp_path, letters_png):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.png").write_bytes(letters_png.read_bytes())
    out = run_cli("batch", str(folder), "--charset", "digits", "--jobs", "1", "--format", "jsonl")
    assert out.returncode == 0, out.stderr
    rec = json.loads(out.stdout.splitlines()[0])
    assert rec["text"] and all(c.isdigit() or c.isspace() for c in rec["text"])


def test_bad_option_values_are_refused():
    for kwargs in ({"decoder": "viterbi"}, {"flag_below": 1.5}, {"beam": 0}, {"charset": ""}):
        with pytest.raises(ValueError):
            make_options(**kwargs)


def test_line_decoder_rereads_words_against_the_users_list(tiny_lm):
    from textrecog.decoding.decoder import LineDecoder

    labels = tuple("abcdehlnorstBDOS ")
    rows = []
    for c, alt in [("D", None), ("o", ("a", 0.35)), ("s", None), ("h", None), (" ", None), ("c", None),
                   ("a", None), ("t", None)]:
        row = np.full(len(labels) + 1, 0.005)
        row[labels.index(c)] = 0.55 if alt else 0.9
        if alt:
            row[labels.index(alt[0])] = alt[1]
        rows += [row / row.sum(), np.eye(len(labels) + 1)[-1] * 0.95 + 0.05 / (len(labels) + 1)]
    probs = np.array(rows)
    plain = LineDecoder(labels, make_options(lm=str(tiny_lm)))
    assert plain.decode(probs).hyps[0].text == "Dosh cat"
    listed = LineDecoder(labels, make_options(lm=str(tiny_lm), lexicon=["Dash"]))
    found = listed.decode(probs)
    spans, hyps, post = found.spans, found.hyps, found.post
    assert hyps[0].text == "Dash cat" and len(spans) == len("Dash cat")


def test_moving_the_review_threshold_keeps_the_warm_decoder():
    from textrecog.pipeline import get_engine

    engine = get_engine("line")
    assert engine.decoder(make_options(flag_below=0.2)) is engine.decoder(make_options(flag_below=0.9))
    assert engine.decoder(make_options()) is not engine.decoder(make_options(charset="digits"))


def test_weights_tuned_for_one_language_model_apply_to_it_alone():
    from textrecog.decoding.charset import LINE_ALPHABET
    from textrecog.decoding.decoder import LineDecoder

    manifest = {"decoding": {"weights": {"lm": 0.3, "oov": 2.0}, "by_lm": {"fr": {"lm": 0.7}}}}
    labels = tuple(LINE_ALPHABET)
    fr = LineDecoder(labels, make_options(lang="fr"), manifest).scorer.weights
    en = LineDecoder(labels, make_options(lang="en"), manifest).scorer.weights
    assert (fr.lm, fr.oov) == (0.7, 2.0) and (en.lm, en.oov) == (0.3, 2.0)
