"""Read PAGE-XML (2013-07-15, 2019-07-15, any namespace) line ground truth.

A line's outline is ``Coords/@points`` (or the 2010-style ``Point``
children), its baseline ``Baseline/@points``, its text the line's own
``TextEquiv/Unicode`` (the lowest ``index``), else its words' joined by
spaces. Its type comes from ``@custom`` ("structure {type:...;}"), else
the region's ``@type``.
"""

from __future__ import annotations

import re
from pathlib import Path

from textrecog.data.gttypes import (
    GroundTruthError,
    GtLine,
    GtPage,
    Point,
    box_of,
    children,
    descendants,
    find_image,
    local_name,
    parse_points,
)

_STRUCTURE = re.compile(r"structure\s*\{[^}]*type\s*:\s*([^;}]+)")


def read_page(path: Path) -> GtPage:
    """The page a PAGE-XML file describes; GroundTruthError naming the file if it is not usable PAGE."""
    from lxml import etree

    try:
        root = etree.parse(str(path), etree.XMLParser(resolve_entities=False, no_network=True)).getroot()
    except (etree.XMLSyntaxError, OSError) as exc:
        raise GroundTruthError(f"{path}: not well-formed XML ({exc})") from None
    pages = children(root, "Page")
    if not pages:
        raise GroundTruthError(f"{path}: PAGE-XML without a <Page>")
    page = pages[0]
    image = find_image(path, page.get("imageFilename"))
    size = (int(page.get("imageWidth", 0) or 0), int(page.get("imageHeight", 0) or 0))
    lines = []
    try:
        for region in descendants(page, "TextRegion"):
            region_type = region.get("type", "") or _custom_type(region.get("custom"))
            lines += [li for e in children(region, "TextLine") if (li := _line(e, region_type)) is not None]
    except ValueError as exc:
        raise GroundTruthError(f"{path}: {exc}") from None
    return GtPage(path, image, tuple(lines), size)


def _custom_type(custom: str | None) -> str:
    m = _STRUCTURE.search(custom or "")
    return m.group(1).strip() if m else ""


def _points(elem) -> tuple[Point, ...]:
    if elem.get("points"):
        return parse_points(elem.get("points"))
    return tuple((float(p.get("x")), float(p.get("y"))) for p in children(elem, "Point"))


def _line(elem, region_type: str) -> GtLine | None:
    coords = children(elem, "Coords")
    polygon = _points(coords[0]) if coords else ()
    base = children(elem, "Baseline")
    baseline = _points(base[0]) if base else ()
    outline = polygon if len(polygon) >= 3 else baseline
    if len(outline) < 2:
        return None
    return GtLine(_text(elem), polygon if len(polygon) >= 3 else (), baseline, box_of(outline),
                  _custom_type(elem.get("custom")) or region_type, elem.get("id", ""))


def _equiv(elem) -> str | None:
    """The text of an element's own TextEquiv with the lowest index (None if it has none)."""
    best = None
    for eq in children(elem, "TextEquiv"):
        index = int(eq.get("index", 0) or 0)
        uni = children(eq, "Unicode")
        if uni and (best is None or index < best[0]):
            best = (index, uni[0].text or "")
    return None if best is None else best[1]


def _text(line) -> str:
    own = _equiv(line)
    if own is not None:
        return own.strip()
    words = [w for w in line if local_name(w) == "Word"]
    return " ".join((_equiv(w) or "").strip() for w in words).strip()
