"""hOCR 1.2: ocr_page → ocr_carea → ocr_par → ocr_line → ocrx_word, with bbox and x_wconf (XHTML)."""

from __future__ import annotations

from lxml import etree

from textrecog.output.documents import Source
from textrecog.output.documents.geometry import baseline_slope, block_box, child
from textrecog.types import Box, Line, Result

NS = "http://www.w3.org/1999/xhtml"
CAPABILITIES = "ocr_page ocr_carea ocr_par ocr_line ocrx_word ocrp_wconf"


def _el(parent: etree._Element, tag: str, text: str | None = None, **attrs: object) -> etree._Element:
    # class_ → class, http_equiv → http-equiv
    return child(parent, tag, text, ns=NS, **{k.rstrip("_").replace("_", "-"): v for k, v in attrs.items()})


def bbox(box: Box) -> str:
    """hOCR ``bbox x0 y0 x1 y1`` (left, top, right, bottom)."""
    return f"bbox {box.x} {box.y} {box.right} {box.bottom}"


def _line(par: etree._Element, line: Line, n: int, direction: str) -> None:
    # baseline: slope and offset from the line box's bottom-left corner (horizontal lines only)
    slope, offset = baseline_slope(line)
    title = bbox(line.box) + ("" if direction == "ttb" else f"; baseline {slope:g} {offset}")
    el = _el(par, "span", class_="ocr_line", id=f"line_1_{n}", title=title)
    for k, word in enumerate(line.words, 1):
        span = _el(el, "span", word.text, class_="ocrx_word", id=f"word_1_{n}_{k}",
                   title=f"{bbox(word.box)}; x_wconf {round(100 * word.confidence)}")
        # the text reads with its word spaces when copied or indexed; an empty tail on the
        # last word keeps pretty-printing from adding whitespace inside the line
        span.tail = " " if k < len(line.words) else ""


def _head(html: etree._Element, source: Source) -> None:
    head = _el(html, "head")
    _el(head, "title", source.image)
    _el(head, "meta", http_equiv="Content-Type", content="text/html; charset=utf-8")
    _el(head, "meta", name="ocr-system", content=source.software)
    _el(head, "meta", name="ocr-capabilities", content=CAPABILITIES)
    _el(head, "meta", name="ocr-model", content=source.model)


def render(result: Result, source: Source) -> bytes:
    """hOCR (XHTML) of one image's result."""
    html = etree.Element(f"{{{NS}}}html", nsmap={None: NS})
    html.set("{http://www.w3.org/XML/1998/namespace}lang", "en")
    _head(html, source)
    body = _el(html, "body")
    page_box = Box(0, 0, result.width, result.height)
    image = source.image.replace('"', "%22")
    page = _el(body, "div", class_="ocr_page", id="page_1", title=f'image "{image}"; {bbox(page_box)}; ppageno 0')
    if result.lines:
        area = _el(page, "div", class_="ocr_carea", id="block_1_1", title=bbox(block_box(result)))
        par = _el(area, "p", class_="ocr_par", id="par_1_1", title=bbox(block_box(result)))
        for n, line in enumerate(result.lines, 1):
            _line(par, line, n, result.direction)
    doctype = "<!DOCTYPE html>"
    return etree.tostring(html, xml_declaration=True, encoding="UTF-8", doctype=doctype, pretty_print=True)
