"""Writer-disjoint splits of ground-truth pages: every page of one writer falls on one side.

A page's *group* stands for its writer. By default it is the page group:
the file's name without a page number at its end (``imp_wikitexte_0051_1``
and ``_2`` are two pages of one text, ``will_AD78_0006-0`` … ``-3`` the
pages of one will). ``folder`` makes each folder one group (a notebook in
one hand), ``file`` each file; anything else is a regular expression whose
first group (or whole match) on the file name is the group.
Groups go to validation, test or training by a stable hash of their name,
so adding pages never moves a writer from one side to the other.
"""

from __future__ import annotations

import re
import zlib
from pathlib import Path

from textrecog.data.gttypes import gt_stem

PAGE_NUMBER = re.compile(r"[-_]\d{1,2}$")  # a page number after a text's own number
SIDES = ("train", "val", "test")


def group_of(source: Path, rule: str = "page") -> str:
    """The writer group of a ground-truth file under ``rule`` (page, folder, file or a regex)."""
    stem = gt_stem(source)
    folder = source.parent.name
    if rule == "page":
        return f"{folder}/{PAGE_NUMBER.sub('', stem)}"
    if rule == "folder":
        return str(source.parent)
    if rule == "file":
        return f"{folder}/{stem}"
    m = re.search(rule, source.name)
    if not m:
        return f"{folder}/{stem}"
    return f"{folder}/{m.group(1) if m.groups() else m.group(0)}"


def check_rule(rule: str) -> str:
    """``rule`` if it is a known rule or a valid regular expression; ValueError naming the problem otherwise."""
    if rule in ("page", "folder", "file"):
        return rule
    try:
        re.compile(rule)
    except re.error as exc:
        raise ValueError(f"--split-by {rule!r}: not page, folder, file or a valid regular expression ({exc})") from None
    return rule


def side_of(group: str, val: float, test: float) -> str:
    """train, val or test for a group: a stable hash of its name against the shares."""
    u = zlib.crc32(group.encode("utf-8")) / 2**32
    return "val" if u < val else "test" if u < val + test else "train"
