"""ALTO 4.4: Page → PrintSpace → TextBlock → TextLine → String (+ SP, Glyph), pixel units."""

from __future__ import annotations

from functools import partial

from lxml import etree

from textrecog.output.documents import Source
from textrecog.output.documents.geometry import baseline_points, block_box, child, gaps
from textrecog.types import Box, Line, Result, Word

NS = "http://www.loc.gov/standards/alto/ns-v4#"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
SCHEMA = "http://www.loc.gov/alto/v4/alto-4-4.xsd"
_el = partial(child, ns=NS)


def _pos(box: Box) -> dict:
    return {"HPOS": box.x, "VPOS": box.y, "WIDTH": box.w, "HEIGHT": box.h}


def _description(root: etree._Element, source: Source) -> None:
    desc = _el(root, "Description")
    _el(desc, "MeasurementUnit", "pixel")
    info = _el(desc, "sourceImageInformation")
    _el(info, "fileName", source.image)
    step = _el(desc, "Processing", ID="proc_1")
    _el(step, "processingCategory", "contentGeneration")
    _el(step, "processingDateTime", source.created)
    _el(step, "processingStepSettings", f"model: {source.model}")
    software = _el(step, "processingSoftware")
    _el(software, "softwareName", "textrecog")
    _el(software, "softwareVersion", source.software.split()[-1])


def _string(parent: etree._Element, word: Word, ids: str) -> None:
    string = _el(parent, "String", ID=ids, **_pos(word.box), CONTENT=word.text,
                 WC=f"{word.confidence:.4f}")
    for k, c in enumerate(word.chars):
        if len(c.text) == 1:  # ALTO glyphs are single characters
            _el(string, "Glyph", ID=f"{ids}_g{k + 1}", CONTENT=c.text, GC=f"{c.confidence:.4f}", **_pos(c.box))


def _line(block: etree._Element, line: Line, n: int, direction: str) -> None:
    el = _el(block, "TextLine", ID=f"line_{n}", **_pos(line.box), BASELINE=baseline_points(line, direction))
    if not line.words:  # ALTO wants at least one String: an empty one over the line
        _el(el, "String", ID=f"string_{n}_1", **_pos(line.box), CONTENT="", WC="0")
        return
    spaces = gaps(line)
    for k, word in enumerate(line.words):
        _string(el, word, f"string_{n}_{k + 1}")
        if k < len(spaces):
            gap = spaces[k]
            _el(el, "SP", ID=f"sp_{n}_{k + 1}", HPOS=gap.x, VPOS=gap.y, WIDTH=gap.w, HEIGHT=gap.h)


def render(result: Result, source: Source) -> bytes:
    """ALTO 4.4 XML of one image's result."""
    root = etree.Element(f"{{{NS}}}alto", nsmap={None: NS, "xsi": XSI})
    root.set(f"{{{XSI}}}schemaLocation", f"{NS} {SCHEMA}")
    _description(root, source)
    layout = _el(root, "Layout")
    page = _el(layout, "Page", ID="page_1", PHYSICAL_IMG_NR=1, WIDTH=result.width, HEIGHT=result.height)
    space = _el(page, "PrintSpace", HPOS=0, VPOS=0, WIDTH=result.width, HEIGHT=result.height)
    if result.lines:
        block = _el(space, "TextBlock", ID="block_1", **_pos(block_box(result)))
        for n, line in enumerate(result.lines, 1):
            _line(block, line, n, result.direction)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
