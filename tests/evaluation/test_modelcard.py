"""Model cards rendered from manifests (and the evaluation report kept beside them)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from textrecog.evaluation.modelcard import render_card, write_card

MODELS = Path(__file__).resolve().parents[2] / "models"


def manifest(**training) -> dict:
    return {"name": "m", "description": "d", "input": {"size": 28, "inner": 20, "polarity": "white_on_black",
                                                     "transpose": False, "scale": 1 / 255},
            "training": {"data": [], "split": {"method": "by writer"}, "command": "textrecog train", **training},
            "accuracy": {"test": {"summary": {"all": {"exact": 0.9, "merged": 0.95, "lookalikes": 0.96},
                                              "digit": {"exact": 0.8, "merged": 0.8, "lookalikes": 0.9}}}}}


def test_experiments_render_their_rows_commands_and_verdict():
    exp = {"date": "2026-11-22", "what": "templates added", "verdict": "helps with few writers",
           "rows": [{"writers": 3, "test_top1": 0.9346}, {"writers": 11, "test_top1": 0.9666}],
           "commands": ["textrecog train --templates K"]}
    card = render_card(manifest(experiments=[exp], attempts=[{"what": "wider", "command": "textrecog train -w"}]))
    assert "| writers | test top1 |" in card and "| 3 | 93.5% |" in card and "| 11 | 96.7% |" in card
    assert "textrecog train --templates K" in card and "Verdict: helps with few writers." in card
    assert "wider" in card and "textrecog train -w" in card  # attempts that were not shipped too


def test_latin_table_has_lookalike_columns_and_kana_table_does_not():
    latin = render_card(manifest())
    assert "| digit | 80.0% | 80.0% | 90.0% |" in latin
    kana = manifest()
    kana["accuracy"]["test"]["summary"] = {"all": {"exact": 0.998, "merged": 0.998}, "kana": {"exact": 0.998}}
    card = render_card(kana)
    assert "| kana | 99.8% |" in card and "lookalikes" not in card


def test_rewritten_card_keeps_the_evaluation_kept_beside_it(tmp_path):
    model = tmp_path / "latin"
    shutil.copytree(MODELS / "latin", model)
    before = (model / "MODEL_CARD.md").read_text(encoding="utf-8")
    report = json.loads((model / "eval-report.json").read_text(encoding="utf-8"))
    assert "## End to end" in before and report["models"]["latin"]
    write_card(model)  # e.g. after recording an experiment: no report given
    assert (model / "MODEL_CARD.md").read_text(encoding="utf-8") == before
    (model / "eval-report.json").unlink()
    write_card(model)
    assert "## End to end" not in (model / "MODEL_CARD.md").read_text(encoding="utf-8")
