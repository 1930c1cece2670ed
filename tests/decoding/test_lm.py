"""The character language model: building, loading, validation and the probabilities it gives."""

from __future__ import annotations

import json
import shutil

import numpy as np
import pytest

from textrecog.decoding.lm import LMError, check_fits, fold, load_lm


def test_fold_lowers_case_and_collapses_digits():
    assert fold("October 2024!") == "october 0000!"


def test_distributions_sum_to_one(tiny_lm):
    lm = load_lm(tiny_lm)
    for ctx in ["", " ", " th", " cla", "zzz", " 0"]:
        assert np.exp(lm.logprobs(ctx)).sum() == pytest.approx(1.0, abs=2e-3)


def test_seen_text_is_likelier_than_a_near_miss(tiny_lm):
    lm = load_lm(tiny_lm)

    def score(word: str) -> float:
        s = " " + word + " "
        return sum(float(lm.logprobs(s[max(0, i - 3) : i])[lm.index[s[i]]]) for i in range(1, len(s)))

    assert score("the") > score("tbe") + 2
    assert score("class") > score("c1ass".replace("1", "0")) + 2
    assert "october" in lm.words and "tbe" not in lm.words


def test_lexicon_and_manifest_written(tiny_lm):
    manifest = json.loads((tiny_lm / "manifest.json").read_text())
    assert manifest["format"] == "textrecog-lm/1" and manifest["order"] == 4
    assert set(manifest["sha256"]) == {"lm.npz", "words.txt"}
    assert "cat" in (tiny_lm / "words.txt").read_text().split()


def test_corrupt_tables_are_refused(tiny_lm, tmp_path):
    bad = tmp_path / "bad"
    shutil.copytree(tiny_lm, bad)
    data = (bad / "lm.npz").read_bytes()
    (bad / "lm.npz").write_bytes(data[: len(data) // 2])
    with pytest.raises(LMError, match="checksum"):
        load_lm(bad)


def test_manifest_that_does_not_match_the_tables_is_refused(tiny_lm, tmp_path):
    bad = tmp_path / "bad"
    shutil.copytree(tiny_lm, bad)
    manifest = json.loads((bad / "manifest.json").read_text())
    manifest["order"] = 7
    (bad / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(LMError, match="does not match its manifest"):
        load_lm(bad)


@pytest.mark.parametrize("change", ["format", "json", "missing"])
def test_broken_directories_are_refused(tiny_lm, tmp_path, change):
    bad = tmp_path / "bad"
    shutil.copytree(tiny_lm, bad)
    if change == "format":
        manifest = json.loads((bad / "manifest.json").read_text())
        (bad / "manifest.json").write_text(json.dumps({**manifest, "format": "textrecog-model/1"}))
    elif change == "json":
        (bad / "manifest.json").write_text("{not json")
    else:
        (bad / "words.txt").unlink()
    with pytest.raises(LMError, match=str(bad)):
        load_lm(bad)


def test_a_model_whose_letters_the_lm_lacks_is_refused(tiny_lm):
    lm = load_lm(tiny_lm)
    check_fits(lm, ("a", "B", "7", " "), "latin")  # folds to a, b, 0: all there
    with pytest.raises(LMError, match="does not fit model 'kana'"):
        check_fits(lm, ("あ", "い"), "kana")


def test_missing_model_names_where_it_looked(tmp_path, monkeypatch):
    monkeypatch.setenv("TEXTRECOG_LMS", str(tmp_path))
    with pytest.raises(LMError, match="not found"):
        load_lm("nosuchlm")


def test_bundled_english_model_loads_and_fits_the_bundled_models():
    from textrecog.engines.model import load_info

    lm = load_lm("en")
    assert lm.order >= 4 and len(lm.words) > 10_000
    for name in ("line", "latin"):
        check_fits(lm, load_info(name).labels, name)


def test_kneser_ney_tables_are_distributions_too(tmp_path):
    from conftest import TINY_LM_WORDS

    from textrecog.training.lm_build import write_lm

    texts = [(w, float(n)) for w, n in TINY_LM_WORDS.items()]
    write_lm(tmp_path / "kn", texts, TINY_LM_WORDS, order=4, min_count=1.0, manifest={}, smoothing="kneser-ney")
    lm = load_lm(tmp_path / "kn")
    for ctx in ["", " ", " th", " cla", "zzz"]:
        assert np.exp(lm.logprobs(ctx)).sum() == pytest.approx(1.0, abs=2e-3)
    s = " the "
    assert sum(lm.logprobs(s[max(0, i - 3):i])[lm.index[s[i]]] for i in range(1, 5)) > \
        sum(lm.logprobs(" tbe "[max(0, i - 3):i])[lm.index[" tbe "[i]]] for i in range(1, 5))


def test_typographic_quotes_fold_to_plain_ones():
    assert fold("L’ÉTÉ « Noël »") == "l'été \" noël \""


def test_each_language_has_its_model_and_an_unknown_one_is_refused():
    from textrecog.decoding.decoder import make_options
    from textrecog.decoding.lm import languages, lm_for_language
    from textrecog.engines.model import load_info

    assert {"en", "fr"} <= set(languages())
    fr = load_lm(make_options(lang="fr").lm)
    assert fr.manifest["language"] == "fr" and {"voilà", "été"} & fr.words
    check_fits(fr, load_info("line").labels, "line")
    assert make_options(lang="fr", lm="mine").lm == "mine"  # an explicit --lm wins
    with pytest.raises(LMError, match=r"unknown language 'xx' \(installed: .*en.*fr"):
        lm_for_language("xx")


def test_french_is_likelier_under_the_french_model():
    from textrecog.training.lm_build import bits_per_char

    fr, en = load_lm("fr"), load_lm("en")
    text = ["le départ des soldats à la guerre", "elle est arrivée à l’école"]
    assert bits_per_char(fr, text) < bits_per_char(en, text) - 0.5


def test_many_contexts_at_once_score_as_one_by_one():
    from textrecog.decoding.lm import logprobs_many

    lm = load_lm("en")
    contexts = ["", " ", "t", "th", " the", "qzxj", "0 0", "é", "#?", "lo", "ing ", "xx\u4e00a", "abcdefgh"]
    assert np.array_equal(logprobs_many(lm, contexts), np.array([lm.logprobs(c) for c in contexts]))
