"""ALTO, PAGE-XML and hOCR: valid against the official schemas, and faithful to the JSON result."""

from __future__ import annotations

import json
from pathlib import Path

import cv2
import numpy as np
import pytest
from lxml import etree, html

from textrecog.batch.command import main as batch_main
from textrecog.cli import main
from textrecog.output.documents import Source, render
from textrecog.types import Alternative, Box, Char, Geometry, Line, Result, Word

ROOT = Path(__file__).resolve().parents[2]
SCHEMAS = ROOT.parent / "shared" / "schemas"
XSD = {"alto": "alto-4-4.xsd", "page": "page-2019-07-15.xsd"}


@pytest.fixture(scope="module")
def schema():
    if not SCHEMAS.is_dir():
        pytest.skip("../shared/schemas is not beside the checkout")
    return {fmt: etree.XMLSchema(etree.parse(str(SCHEMAS / name))) for fmt, name in XSD.items()}


@pytest.fixture(scope="module")
def page_image(tmp_path_factory) -> Path:
    """Two real handwritten lines stacked into one page."""
    a, b = (cv2.imread(str(ROOT / "samples" / n), cv2.IMREAD_GRAYSCALE) for n in ("line-scr.png", "word-par.png"))
    w = max(a.shape[1], b.shape[1])
    pad = [np.pad(x, ((20, 20), (0, w - x.shape[1])), constant_values=255) for x in (a, b)]
    path = tmp_path_factory.mktemp("page") / "page.png"
    cv2.imwrite(str(path), np.vstack(pad))
    return path


@pytest.fixture(scope="module")
def result(page_image) -> Result:
    from textrecog.pipeline import recognize

    res = recognize(page_image)
    assert len(res.lines) == 2 and res.text.strip()
    return res


def _char(text: str, x: int) -> Char:
    return Char(Box(x, 10, 8, 12), text, 0.5, (Alternative(text, 0.5),), Geometry(1.0, 0.0))


def awkward_result() -> Result:
    """A line with markup characters and a line with no words (nothing was read in its ink)."""
    word = Word(Box(10, 10, 24, 12), (_char("<", 10), _char("&", 18), _char('"', 26)))
    return Result((Line(Box(10, 10, 60, 14), (word, Word(Box(50, 10, 8, 12), (_char("é", 50),))), 22.0),
                   Line(Box(10, 40, 60, 14), (), 52.0)), 100, 60, "test")


def _validate(schema, fmt: str, data: bytes) -> etree._Element:
    doc = etree.fromstring(data)
    assert schema[fmt].validate(doc), schema[fmt].error_log
    return doc


@pytest.mark.parametrize("fmt", ["alto", "page"])
def test_real_result_validates_against_the_official_schema(schema, result, fmt):
    _validate(schema, fmt, render(fmt, result, Source("page.png", "line")))


@pytest.mark.parametrize("fmt", ["alto", "page"])
def test_markup_characters_and_an_empty_line_still_validate(schema, fmt):
    res = awkward_result()
    doc = _validate(schema, fmt, render(fmt, res, Source("a & b.png", "test")))
    text = etree.tostring(doc, encoding="unicode")
    assert "&lt;&amp;&quot;" in text or "&lt;&amp;\"" in text  # escaped, not dropped
    ns = {"a": "http://www.loc.gov/standards/alto/ns-v4#",
          "p": "http://schema.primaresearch.org/PAGE/gts/pagecontent/2019-07-15"}
    lines = doc.findall(".//a:TextLine" if fmt == "alto" else ".//p:TextLine", ns)
    assert len(lines) == 2  # the empty line is kept, not dropped


def test_alto_strings_match_the_json(schema, result):
    doc = _validate(schema, "alto", render("alto", result, Source("page.png", "line")))
    ns = {"a": "http://www.loc.gov/standards/alto/ns-v4#"}
    assert doc.findtext(".//a:MeasurementUnit", namespaces=ns) == "pixel"
    assert doc.findtext(".//a:softwareName", namespaces=ns) == "textrecog"
    strings = doc.findall(".//a:String", ns)
    words = [w for line in result.lines for w in line.words]
    assert [s.get("CONTENT") for s in strings] == [w.text for w in words]
    for s, w in zip(strings, words):
        assert [int(s.get(k)) for k in ("HPOS", "VPOS", "WIDTH", "HEIGHT")] == [w.box.x, w.box.y, w.box.w, w.box.h]
        assert 0 <= float(s.get("WC")) <= 1


def test_page_lines_words_glyphs_match_the_json(schema, result):
    doc = _validate(schema, "page", render("page", result, Source("page.png", "line")))
    ns = {"p": "http://schema.primaresearch.org/PAGE/gts/pagecontent/2019-07-15"}
    assert doc.find(".//p:Page", ns).get("imageFilename") == "page.png"
    lines = doc.findall(".//p:TextLine", ns)
    assert [ln.findtext("p:TextEquiv/p:Unicode", namespaces=ns) for ln in lines] == [ln.text for ln in result.lines]
    for el, line in zip(lines, result.lines):
        assert el.find("p:Baseline", ns) is not None
        glyphs = el.findall(".//p:Glyph/p:TextEquiv/p:Unicode", ns)
        assert "".join(g.text or "" for g in glyphs) == line.text.replace(" ", "")


def test_hocr_bboxes_match_the_json(result):
    data = render("hocr", result, Source("page.png", "line"))
    doc = html.fromstring(data)
    record = json.loads(json.dumps(result.to_dict()))
    spans = doc.find_class("ocr_line")
    assert len(spans) == len(record["lines"])
    meta = {m.get("name"): m.get("content") for m in doc.iter("meta")}
    assert meta["ocr-system"].startswith("textrecog") and "ocrx_word" in meta["ocr-capabilities"]

    def bbox(el) -> list[int]:
        prop = next(p for p in el.get("title").split(";") if p.strip().startswith("bbox"))
        return [int(v) for v in prop.split()[1:]]

    for span, line in zip(spans, record["lines"]):
        b = line["box"]
        assert bbox(span) == [b["x"], b["y"], b["x"] + b["w"], b["y"] + b["h"]]
        words = span.find_class("ocrx_word")
        assert [w.text_content() for w in words] == [w["text"] for w in line["words"]]
        for el, word in zip(words, line["words"]):
            b = word["box"]
            assert bbox(el) == [b["x"], b["y"], b["x"] + b["w"], b["y"] + b["h"]]
            assert 0 <= int(el.get("title").split("x_wconf")[1]) <= 100
        assert span.text_content() == line["text"]  # word spaces kept: the text is searchable as read


def test_cli_writes_one_document_per_image_and_never_replaces_one(page_image, tmp_path, capsys):
    folder = tmp_path / "in"
    (folder / "sub").mkdir(parents=True)
    for name in ("a.png", "sub/b.png"):
        (folder / name).write_bytes(page_image.read_bytes())
    (folder / "broken.png").write_bytes(b"\x89PNG\r\n\x1a\n truncated")
    out = tmp_path / "out"
    assert main([str(folder), "--format", "page", "--out-dir", str(out)]) == 1  # broken.png failed
    written = sorted(p.relative_to(out).as_posix() for p in out.rglob("*"))
    # the documents, and the run's settings (for --resume); no temporary or half-written file, none for the failure
    assert written == [".textrecog-settings.json", "a.page.xml", "sub", "sub/b.page.xml"]
    doc = etree.parse(str(out / "sub" / "b.page.xml"))
    assert doc.getroot()[1].get("imageFilename") == "../../in/sub/b.png"  # relative to the document
    before = (out / "a.page.xml").read_bytes()
    capsys.readouterr()
    assert main([str(folder), "--format", "page", "--out-dir", str(out)]) == 2
    assert "--resume" in capsys.readouterr().err and (out / "a.page.xml").read_bytes() == before
    assert main([str(folder), "--format", "page", "--out-dir", str(out), "--resume"]) == 1  # only broken.png again
    assert "2 already done" in capsys.readouterr().err and (out / "a.page.xml").read_bytes() == before
    (out / "a.page.xml").write_text("stale")
    assert main([str(folder / "a.png"), "--format", "page", "--out-dir", str(out), "--overwrite"]) == 0
    assert (out / "a.page.xml").read_bytes().startswith(b"<?xml")


def test_single_image_document_goes_beside_it(page_image, tmp_path):
    image = tmp_path / "scan.png"
    image.write_bytes(page_image.read_bytes())
    assert main([str(image), "--format", "alto"]) == 0
    assert main([str(image), "--format", "hocr"]) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["scan.alto.xml", "scan.hocr", "scan.png"]


def test_two_images_with_one_document_name_are_not_merged(page_image, tmp_path, capsys):
    for name in ("scan.png", "scan.jpg"):
        cv2.imwrite(str(tmp_path / name), cv2.imread(str(page_image)))
    assert batch_main([str(tmp_path), "--format", "hocr", "--jobs", "1"]) == 1
    err = capsys.readouterr().err
    assert "would replace that of" in err and (tmp_path / "scan.hocr").exists()


def test_document_options_are_checked(tmp_path, capsys):
    assert batch_main([str(tmp_path), "--format", "alto", "--out", str(tmp_path / "x.xml")]) == 2
    assert "--out-dir" in capsys.readouterr().err
    assert batch_main([str(tmp_path), "--out-dir", str(tmp_path / "o")]) == 2


def test_baseline_paths_go_into_every_format(schema):
    """A sloping baseline is written as its path (ALTO, PAGE) and its slope (hOCR), and stays valid."""
    from textrecog.types import Point

    word = Word(Box(10, 20, 30, 20), (_char("a", 10),))
    path = (Point(10, 40), Point(60, 35), Point(110, 30))
    res = Result((Line(Box(10, 10, 100, 32), (word,), 35.0, None, path),), 200, 80, "test")
    src = Source(image="x.png", model="test")
    for fmt in ("alto", "page"):
        doc = etree.fromstring(render(fmt, res, src))
        schema[fmt].assertValid(doc)
        text = etree.tostring(doc).decode()
        assert "10,40 60,35 110,30" in text, fmt
    hocr = render("hocr", res, src).decode()
    assert "baseline -0.1 -2" in hocr  # slope -0.1; 40 at the left edge, 2 above the box's bottom (42)
    record = res.to_dict()["lines"][0]
    assert record["baseline_path"] == [[10, 40], [60, 35], [110, 30]]


def accented_result() -> Result:
    """A line in French, with the alphabet's letters and marks: accents, ligatures, guillemets, the degree."""
    words, x = [], 10
    for text in ("Noël", "à", "l’été", "«", "Œuvre", "çà", "n°", "»", "ÂÎÛÜæ"):
        chars = tuple(_char(c, x + 8 * i) for i, c in enumerate(text))
        words.append(Word(Box(x, 10, 8 * len(text), 12), chars))
        x += 8 * len(text) + 10
    return Result((Line(Box(10, 10, x, 14), tuple(words), 22.0),), x + 20, 60, "line")


@pytest.mark.parametrize("fmt", ["alto", "page", "hocr", "json"])
def test_accented_text_round_trips_through_every_output(schema, fmt):
    res = accented_result()
    text = "Noël à l’été « Œuvre çà n° » ÂÎÛÜæ"
    assert res.text == text
    if fmt == "json":
        record = json.loads(json.dumps(res.to_dict(), ensure_ascii=False))
        assert record["text"] == text and record["lines"][0]["words"][2]["text"] == "l’été"
        return
    data = render(fmt, res, Source("lettre é.png", "line"))
    if fmt == "hocr":
        assert html.fromstring(data).find_class("ocr_line")[0].text_content() == text
        return
    doc = _validate(schema, fmt, data)
    ns = {"a": "http://www.loc.gov/standards/alto/ns-v4#",
          "p": "http://schema.primaresearch.org/PAGE/gts/pagecontent/2019-07-15"}
    if fmt == "alto":
        assert " ".join(s.get("CONTENT") for s in doc.findall(".//a:String", ns)) == text
    else:
        assert doc.findtext(".//p:TextLine/p:TextEquiv/p:Unicode", namespaces=ns) == text
