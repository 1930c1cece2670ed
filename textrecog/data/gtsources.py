"""Who made a ground-truth set and under which licence: read from the files the set ships with.

HTR-United sets carry a ``CITATION.cff`` or an ``htr-united.yml`` (title,
authors, URL) and a ``LICENSE``; a model card must name them (CC BY asks
for attribution). Only the few plain keys needed are read, line by line.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

_KEY = re.compile(r"^(\s*-?\s*)([\w-]+):\s*(.*)$")


def _value(text: str) -> str:
    return text.strip().strip("'\"").strip()


def read_citation(folder: Path) -> dict:
    """Title, authors, URL and licence from a set's CITATION.cff or htr-united.yml (what is there)."""
    out: dict = {}
    for name in ("CITATION.cff", "htr-united.yml"):
        path = folder / name
        if path.is_file():
            _read_keys(path.read_text(encoding="utf-8", errors="replace"), out)
    out["licence"] = _licence(folder)
    return out


def _read_keys(text: str, out: dict) -> None:
    """Top-level title and URL; each item of ``authors:`` as a name (CFF: given/family; HTR-United: surname/name)."""
    section, items = "", []
    for line in text.splitlines():
        m = _KEY.match(line)
        if not m:
            continue
        indent, key, value = m.groups()
        value = _value(value)
        if indent == "":
            section = key
            if key == "title" and value:
                out.setdefault("title", value)
            elif key in ("url", "repository-code") and value.startswith("http"):
                out.setdefault("url", value)
        elif section == "institutions" and key == "name" and value:
            out.setdefault("institutions", []).append(value)
        elif section == "authors":
            if "-" in indent and len(indent) - len(indent.lstrip()) <= 2:
                items.append({})
            if items:
                items[-1].setdefault(key, value)
    names = [" ".join(v for v in (i.get("given-names") or i.get("surname"), i.get("family-names") or i.get("name"))
                      if v) for i in items]
    if any(names) and "authors" not in out:
        out["authors"] = [n for n in names if n]


def _licence(folder: Path) -> str:
    path = folder / "LICENSE"
    head = path.read_text(encoding="utf-8", errors="replace")[:400] if path.is_file() else ""
    if "Attribution 4.0" in head:
        return "CC BY 4.0"
    for name in ("CITATION.cff", "htr-united.yml"):
        p = folder / name
        text = p.read_text(encoding="utf-8", errors="replace") if p.is_file() else ""
        if re.search(r"CC[- ]BY[- ]4\.0", text):
            return "CC BY 4.0"
    return "unknown (no LICENSE file found: check before publishing a model)"


def set_folders(paths: Iterable[str]) -> list[Path]:
    """The folders the ground truth of ``paths`` lives in (a folder given, or a file's or glob's folder)."""
    out: list[Path] = []
    for raw in paths:
        p = Path(raw)
        folder = p if p.is_dir() else p.parent
        if folder not in out:
            out.append(folder)
    return out


def describe_sets(paths: Iterable[str]) -> list[dict]:
    """One manifest entry per ground-truth set: name, title, authors, URL, licence."""
    out = []
    for folder in set_folders(paths):
        cite = read_citation(folder)
        entry = {"name": f"{cite.get('title', folder.name)} (real scanned pages, line ground truth; folder "
                         f"{folder.name})", "licence": cite["licence"]}
        if cite.get("authors") or cite.get("institutions"):
            entry["authors"] = ", ".join(cite.get("authors") or cite["institutions"])
        if cite.get("url"):
            entry["reference"] = cite["url"]
        out.append(entry)
    return out
