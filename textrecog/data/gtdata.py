"""Real scanned lines for training and evaluation: read, cut (cached), judged and split by writer."""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from textrecog.data.gtcache import CutLine, cut_lines
from textrecog.data.gtlines import read_ground_truth
from textrecog.data.gtsplit import group_of, side_of
from textrecog.data.transcripts import judge_line

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RealLine:
    """A cut line with the plain text to learn or score, and its writer group."""

    cut: CutLine
    text: str
    group: str

    @property
    def set_name(self) -> str:
        """The folder the ground truth came from (copiste, poilus, ...): figures are given per set."""
        return Path(self.cut.source).parent.name


@dataclass(frozen=True)
class GtSplit:
    """Real lines on each side of a writer-disjoint split, and what was left out and why."""

    train: list[RealLine]
    val: list[RealLine]
    test: list[RealLine]
    left_out: Counter = field(default_factory=Counter)
    errors: tuple[str, ...] = ()

    def groups(self, side: str) -> set[str]:
        """The writer groups on one side."""
        return {r.group for r in getattr(self, side)}

    def describe(self) -> dict:
        """Counts for the manifest: lines and writer groups per side and per set."""
        out = {}
        for side in ("train", "val", "test"):
            lines = getattr(self, side)
            out[side] = {"lines": len(lines), "groups": len(self.groups(side)),
                         "sets": dict(sorted(Counter(r.set_name for r in lines).items()))}
        out["left_out"] = dict(sorted(self.left_out.items()))
        return out


def load_gt_split(split_paths: Sequence[str], train_paths: Sequence[str], alphabet: str, rule: str = "page",
                  val: float = 0.1, test: float = 0.1, cache: Path | None = None) -> GtSplit:
    """Read, cut and judge ground truth: ``split_paths`` split by writer group, ``train_paths`` train only."""
    sides: dict[str, list[RealLine]] = {"train": [], "val": [], "test": []}
    left_out: Counter = Counter()
    errors: list[str] = []
    for paths, split in ((split_paths, True), (train_paths, False)):
        if not paths:
            continue
        read = read_ground_truth(paths)
        lines, cut_errors = cut_lines(read.pages, cache)
        errors += list(read.errors) + cut_errors
        for cut in lines:
            verdict = judge_line(cut.line, alphabet)
            if verdict.text is None:
                left_out[verdict.reason] += 1
                continue
            group = group_of(Path(cut.source), rule)
            side = side_of(group, val, test) if split else "train"
            sides[side].append(RealLine(cut, verdict.text, group))
    for e in errors:
        log.warning("%s", e)
    return GtSplit(sides["train"], sides["val"], sides["test"], left_out, tuple(errors))
