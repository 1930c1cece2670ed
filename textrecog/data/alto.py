"""Read ALTO (v2, v3, v4, or no namespace) line ground truth: polygons, baselines, texts, line types.

Elements are found by local name, so every ALTO namespace (and none) reads
the same way. A line's text is its ``String/@CONTENT`` values joined by a
space (``SP``) or a hyphen (``HYP``); its type is the ``LABEL`` of the
``OtherTag`` its ``TAGREFS`` point at (eScriptorium's line types).
"""

from __future__ import annotations

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


def read_alto(path: Path) -> GtPage:
    """The page an ALTO file describes; GroundTruthError naming the file if it is not usable ALTO."""
    from lxml import etree

    try:
        root = etree.parse(str(path), etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)).getroot()
    except (etree.XMLSyntaxError, OSError) as exc:
        raise GroundTruthError(f"{path}: not well-formed XML ({exc})") from None
    pages = descendants(root, "Page")
    if not pages:
        raise GroundTruthError(f"{path}: ALTO without a <Page>")
    names = [e.text.strip() for e in descendants(root, "fileName") if e.text and e.text.strip()]
    image = find_image(path, names[0] if names else None)
    tags = {t.get("ID"): t.get("LABEL", "") for t in descendants(root, "OtherTag")}
    page = pages[0]
    size = (int(float(page.get("WIDTH", 0) or 0)), int(float(page.get("HEIGHT", 0) or 0)))
    scale = _scale(root, size, image)
    try:
        lines = tuple(_line(e, tags, scale) for e in descendants(page, "TextLine"))
    except ValueError as exc:
        raise GroundTruthError(f"{path}: {exc}") from None
    return GtPage(path, image, tuple(li for li in lines if li is not None), size)


def _scale(root, size: tuple[int, int], image: Path) -> float:
    """Pixels per ALTO unit: 1 for pixels; otherwise the image's width over the page's declared width."""
    units = [e.text.strip() for e in descendants(root, "MeasurementUnit") if e.text]
    if not units or units[0] == "pixel" or not size[0]:
        return 1.0
    from PIL import Image

    with Image.open(image) as im:
        return im.size[0] / size[0]


def _line(elem, tags: dict, scale: float) -> GtLine | None:
    text = _text(elem)
    polygon: tuple[Point, ...] = ()
    for shape in children(elem, "Shape"):
        for poly in children(shape, "Polygon"):
            polygon = parse_points(poly.get("POINTS", ""))
    box = _box(elem)
    baseline = _baseline(elem.get("BASELINE"), box)
    if scale != 1.0:
        polygon = tuple((x * scale, y * scale) for x, y in polygon)
        baseline = tuple((x * scale, y * scale) for x, y in baseline)
        box = tuple(v * scale for v in box) if box else None
    if len(polygon) >= 3:
        bbox = box_of(polygon)
    elif box and box[2] > 0 and box[3] > 0:
        bbox = (int(box[0]), int(box[1]), int(round(box[2])), int(round(box[3])))
    else:
        return None  # a line with no geometry cannot be cut
    kinds = [tags[t] for t in (elem.get("TAGREFS") or "").split() if t in tags]
    return GtLine(text, polygon if len(polygon) >= 3 else (), baseline, bbox, kinds[0] if kinds else "",
                  elem.get("ID", ""))


def _box(elem) -> tuple[float, float, float, float] | None:
    try:
        return tuple(float(elem.get(k)) for k in ("HPOS", "VPOS", "WIDTH", "HEIGHT"))
    except (TypeError, ValueError):
        return None


def _baseline(value: str | None, box) -> tuple[Point, ...]:
    """ALTO 4.2+ gives baseline points; earlier versions a single number (taken as the row across the box)."""
    if not value:
        return ()
    parts = value.replace(",", " ").split()
    if len(parts) == 1:
        if not box:
            return ()
        y = float(parts[0])
        return ((box[0], y), (box[0] + box[2], y))
    return parse_points(value)


def _text(line) -> str:
    out = []
    for e in line:
        name = local_name(e)
        if name == "String":
            out.append(e.get("CONTENT", ""))
        elif name == "SP":
            out.append(" ")
        elif name == "HYP":
            out.append(e.get("CONTENT", "-"))
    if sum(1 for e in line if local_name(e) == "SP") == 0:  # Strings with no SP between them are words
        return " ".join(e.get("CONTENT", "") for e in line if local_name(e) == "String").strip()
    return "".join(out).strip()
