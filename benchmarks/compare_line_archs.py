"""The line architecture comparison: validation CER for the same CPU budget, and LiteRT speed.

    python benchmarks/compare_line_archs.py [--runs runs] [--archs crnn,crnn_wide,conv,conv_sep] [--update-model models/line]

Reads the work folders of the comparison runs (``RUNS/cmp-NAME.work``,
trained by ``textrecog train --kind line ... --cpu-minutes 60 --no-export``
with the arguments in bench_train.CANDIDATES), exports each one's best
checkpoint as the product does, times it on one LiteRT thread and prints
one row per architecture: the best validation CER (best path) after 20, 40
and 60 CPU-minutes, its size and its speed. ``--update-model`` records the
table in the model's manifest (``training.experiments``) for its card.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import tempfile
from pathlib import Path

from bench_line_archs import time_graph
from bench_train import CANDIDATES

CHECKPOINTS = (20, 40, 60)  # CPU-minutes at which the curves are compared


def best_by(curve: list[dict], minutes: float, slack: float = 120.0) -> str:
    """The best validation CER within ``minutes`` of training CPU time (± ``slack`` seconds, as epochs end
    where they end) and the CPU-minute it was reached; "-" for a run that never got that far."""
    if not curve or curve[-1]["cpu_seconds"] < minutes * 60 - slack:
        return "-"
    best = min((c for c in curve if c["cpu_seconds"] <= minutes * 60 + slack), key=lambda c: c["val_cer"])
    return f"{best['val_cer']:.1%} (at {best['cpu_seconds'] / 60:.0f})"


def row(name: str, work: Path, tmp: Path, repeat: int) -> dict:
    """One architecture's figures."""
    from textrecog.decoding.charset import LINE_ALPHABET
    from textrecog.imaging.normalize import LineSpec
    from textrecog.training.line_export import export_tflite
    from textrecog.training.line_models import LineArch, build_line_model

    state = json.loads((work / "state.json").read_text())
    arch, spec = LineArch.from_json(state["arch"]), LineSpec()
    model = build_line_model(len(LINE_ALPHABET), spec, arch)
    model.load_weights(work / "best.weights.h5")
    path = tmp / f"{name}.tflite"
    path.write_bytes(export_tflite(model.get_weights(), spec, arch))
    out = {"architecture": f"{name}: {arch.describe()}", "parameters": f"{model.count_params() / 1e6:.2f} M",
           "epochs": f"{state['epoch']} x 200 batches"}
    for minutes in CHECKPOINTS:
        out[f"val CER by {minutes} CPU-min"] = best_by(state["curve"], minutes)
    out["LiteRT 256 px line"] = f"{time_graph(path, 256, 1, repeat):.1f} ms"
    batched = time_graph(path, 256, 8, repeat)
    out["in batches of 8"] = "-" if batched != batched else f"{batched:.1f} ms"  # nan: fixed batch of 1
    out["file"] = f"{path.stat().st_size / 1e6:.1f} MB"
    return out


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--runs", default="runs")
    p.add_argument("--archs", default="crnn,crnn_wide,conv,conv_sep")
    p.add_argument("--repeat", type=int, default=20)
    p.add_argument("--verdict", default="", help="the choice and why, recorded with --update-model")
    p.add_argument("--update-model", help="a model directory whose manifest records the comparison")
    args = p.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        rows = [row(n, Path(args.runs) / f"cmp-{n}.work", Path(tmp), args.repeat) for n in args.archs.split(",")]
    for r in rows:
        print(" | ".join(f"{k}: {v}" for k, v in r.items()), flush=True)
    if args.update_model:
        path = Path(args.update_model) / "manifest.json"
        manifest = json.loads(path.read_text(encoding="utf-8"))
        training = manifest.setdefault("training", {})
        kept = [e for e in training.get("experiments", []) if not e.get("what", "").startswith("Architecture")]
        commands = ["textrecog train --kind line --unipen ../shared/data/unipen_train_r01_v07.tar.xz --steps 200 "
                    f"--cpu-minutes 60 --no-export --out runs/cmp-{n} --workdir runs/cmp-{n}.work "
                    + " ".join(CANDIDATES[n]) for n in args.archs.split(",")]
        commands.append("python benchmarks/compare_line_archs.py --update-model " + args.update_model)
        training["experiments"] = kept + [{
            "date": dt.date.today().isoformat(),
            "what": "Architecture comparison (issue 20): the same data, augmentation and validation sample (best "
                    "path, 800 lines of the validation sites), compared at equal training CPU time (20 / 40 / 60 "
                    "CPU-minutes), on a 2-core CPU; LiteRT on one thread with XNNPACK",
            "rows": rows, "commands": commands, "verdict": args.verdict}]
        path.write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        print(f"recorded in {path}")


if __name__ == "__main__":
    main()
