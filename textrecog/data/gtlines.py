"""Line ground truth of real scans: one entry point for paths, whatever their format.

A ground-truth page (:mod:`textrecog.data.gttypes`) is an image and its
text lines, each with its polygon, baseline and text, and the line type
where the file gives one. :func:`read_ground_truth` takes files, folders or globs in any of the
formats (ALTO v2-v4, PAGE-XML 2013/2019, line images with ``.gt.txt``),
and returns the pages it read and one error per file it could not read,
so one broken file never stops the others.
"""

from __future__ import annotations

import glob
from collections.abc import Iterable
from pathlib import Path

from textrecog.data.gttypes import GroundTruthError, GtPage, GtRead


def expand(paths: Iterable[str | Path]) -> list[Path]:
    """Files, folders (searched recursively) and globs → the ground-truth files they hold, sorted, once each."""
    out: list[Path] = []
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            found = [f for f in p.rglob("*") if f.is_file() and _is_gt_name(f)]
        elif p.is_file():
            found = [p]
        else:
            found = [Path(f) for f in glob.glob(str(raw), recursive=True) if Path(f).is_file() and _is_gt_name(Path(f))]
            if not found:
                raise GroundTruthError(f"{raw}: no such file, folder or matching ground truth")
        out += sorted(found)
    seen: set[Path] = set()
    return [f for f in out if not (f.resolve() in seen or seen.add(f.resolve()))]


def _is_gt_name(path: Path) -> bool:
    return path.suffix.lower() == ".xml" or path.name.endswith(".gt.txt")


def read_file(path: Path) -> GtPage:
    """One ground-truth file, its format found from its content (ALTO, PAGE) or name (.gt.txt)."""
    from textrecog.data import alto, gtfolder, pagexml

    if path.name.endswith(".gt.txt"):
        return gtfolder.read_line_gt(path)
    root = _root_name(path)
    if root == "alto":
        return alto.read_alto(path)
    if root == "PcGts":
        return pagexml.read_page(path)
    raise GroundTruthError(f"{path}: not ALTO or PAGE-XML (root element <{root}>)")


def _root_name(path: Path) -> str:
    from lxml import etree

    try:
        for _, elem in etree.iterparse(str(path), events=("start",), resolve_entities=False, no_network=True):
            return etree.QName(elem).localname
    except (etree.XMLSyntaxError, OSError) as exc:
        raise GroundTruthError(f"{path}: not well-formed XML ({exc})") from None
    raise GroundTruthError(f"{path}: empty XML")


def read_ground_truth(paths: Iterable[str | Path]) -> GtRead:
    """Read every ground-truth file under ``paths``; a file that fails is one error, the others go on."""
    pages, errors = [], []
    try:
        files = expand(paths)
    except GroundTruthError as exc:
        return GtRead((), (str(exc),))
    for f in files:
        try:
            pages.append(read_file(f))
        except GroundTruthError as exc:
            errors.append(str(exc))
        except (ValueError, KeyError, OSError) as exc:
            errors.append(f"{f}: {exc}")
    return GtRead(tuple(pages), tuple(errors))
