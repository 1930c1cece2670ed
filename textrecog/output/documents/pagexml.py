"""PAGE-XML 2019-07-15: Page → TextRegion → TextLine (Coords, Baseline) → Word → Glyph, each with TextEquiv."""

from __future__ import annotations

from functools import partial

from lxml import etree

from textrecog.output.documents import Source
from textrecog.output.documents.geometry import baseline_points, block_box, child, polygon
from textrecog.types import Box, Line, Result

NS = "http://schema.primaresearch.org/PAGE/gts/pagecontent/2019-07-15"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
SCHEMA = f"{NS}/pagecontent.xsd"
_el = partial(child, ns=NS)


def _region(parent: etree._Element, tag: str, ident: str, box: Box) -> etree._Element:
    el = _el(parent, tag, id=ident)
    _el(el, "Coords", points=polygon(box))
    return el


def _text(parent: etree._Element, text: str, conf: float | None = None) -> None:
    equiv = _el(parent, "TextEquiv", **({} if conf is None else {"conf": f"{conf:.4f}"}))
    _el(equiv, "Unicode", text)


def _line(region: etree._Element, line: Line, ident: str, direction: str) -> None:
    el = _region(region, "TextLine", ident, line.box)
    _el(el, "Baseline", points=baseline_points(line, direction))
    for k, word in enumerate(line.words, 1):
        w = _region(el, "Word", f"{ident}_w{k}", word.box)
        for j, char in enumerate(word.chars, 1):
            _text(_region(w, "Glyph", f"{ident}_w{k}_g{j}", char.box), char.text, char.confidence)
        _text(w, word.text, word.confidence)
    _text(el, line.text, line.confidence)


def _metadata(root: etree._Element, source: Source) -> None:
    meta = _el(root, "Metadata")
    _el(meta, "Creator", source.software)
    _el(meta, "Created", source.created)
    _el(meta, "LastChange", source.created)
    _el(meta, "Comments", f"model: {source.model}")


def render(result: Result, source: Source) -> bytes:
    """PAGE-XML of one image's result."""
    root = etree.Element(f"{{{NS}}}PcGts", nsmap={None: NS, "xsi": XSI})
    root.set(f"{{{XSI}}}schemaLocation", f"{NS} {SCHEMA}")
    _metadata(root, source)
    page = _el(root, "Page", imageFilename=source.image, imageWidth=result.width, imageHeight=result.height)
    if result.lines:
        order = _el(_el(page, "ReadingOrder"), "OrderedGroup", id="ro_1")
        _el(order, "RegionRefIndexed", index=0, regionRef="r1")
        region = _region(page, "TextRegion", "r1", block_box(result))
        region.set("type", "paragraph")
        for n, line in enumerate(result.lines, 1):
            _line(region, line, f"r1_l{n}", result.direction)
        _text(region, result.text)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
