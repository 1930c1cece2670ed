"""Ground-truth readers: ALTO v2-v4 and PAGE 2013/2019 written here, line images with .gt.txt, broken files."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

from textrecog.data.gtlines import GroundTruthError, read_file, read_ground_truth

ALTO_NS = {2: "http://www.loc.gov/standards/alto/ns-v2#", 3: "http://www.loc.gov/standards/alto/ns-v3#",
           4: "http://www.loc.gov/standards/alto/ns-v4#"}
PAGE_NS = {2013: "http://schema.primaresearch.org/PAGE/gts/pagecontent/2013-07-15",
           2019: "http://schema.primaresearch.org/PAGE/gts/pagecontent/2019-07-15"}


def write_image(path: Path, w: int = 200, h: int = 100) -> Path:
    cv2.imwrite(str(path), np.full((h, w), 255, np.uint8))
    return path


def alto(version: int, image: str, baseline: str = "10 40 150 42") -> str:
    ns = f' xmlns="{ALTO_NS[version]}"' if version else ""
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<alto{ns}>
  <Description><MeasurementUnit>pixel</MeasurementUnit>
    <sourceImageInformation><fileName>{image}</fileName></sourceImageInformation></Description>
  <Tags><OtherTag ID="LT1" LABEL="DefaultLine:Handwritten"/><OtherTag ID="LT2" LABEL="DefaultLine:Print"/></Tags>
  <Layout><Page WIDTH="200" HEIGHT="100"><PrintSpace>
    <TextBlock ID="b1">
      <TextLine ID="l1" TAGREFS="LT1" BASELINE="{baseline}" HPOS="10" VPOS="20" WIDTH="150" HEIGHT="25">
        <Shape><Polygon POINTS="10 20 160 20 160 45 10 45"/></Shape>
        <String CONTENT="Élève"/><SP/><String CONTENT="à"/><SP/><String CONTENT="l’école"/>
      </TextLine>
      <TextLine ID="l2" TAGREFS="LT2" HPOS="10" VPOS="55" WIDTH="120" HEIGHT="20">
        <String CONTENT="printed"/><String CONTENT="words"/>
      </TextLine>
    </TextBlock>
  </PrintSpace></Page></Layout>
</alto>"""


def page_xml(year: int, image: str) -> str:
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<PcGts xmlns="{PAGE_NS[year]}">
  <Page imageFilename="{image}" imageWidth="200" imageHeight="100">
    <TextRegion id="r1" type="paragraph"><Coords points="0,0 200,0 200,100 0,100"/>
      <TextLine id="l1" custom="structure {{type:heading;}}">
        <Coords points="10,20 160,20 160,45 10,45"/><Baseline points="10,40 150,42"/>
        <Word id="w1"><Coords points="10,20 50,20 50,45 10,45"/><TextEquiv><Unicode>mot</Unicode></TextEquiv></Word>
        <TextEquiv index="1"><Unicode>second choice</Unicode></TextEquiv>
        <TextEquiv index="0"><Unicode>Noël déçu</Unicode></TextEquiv>
      </TextLine>
      <TextLine id="l2"><Coords points="10,55 130,55 130,75 10,75"/>
        <Word id="w2"><TextEquiv><Unicode>deux</Unicode></TextEquiv></Word>
        <Word id="w3"><TextEquiv><Unicode>mots</Unicode></TextEquiv></Word>
      </TextLine>
    </TextRegion>
  </Page>
</PcGts>"""


@pytest.mark.parametrize("version", [0, 2, 3, 4])
def test_alto_of_every_version_gives_lines_texts_polygons_and_types(tmp_path, version):
    write_image(tmp_path / "scan.png")
    (tmp_path / "p.xml").write_text(alto(version, "scan.png"), encoding="utf-8")
    page = read_file(tmp_path / "p.xml")
    assert page.image == tmp_path / "scan.png" and page.size == (200, 100)
    first, second = page.lines
    assert first.text == "Élève à l’école" and first.kind == "DefaultLine:Handwritten"
    assert first.polygon == ((10, 20), (160, 20), (160, 45), (10, 45)) and first.box == (10, 20, 150, 25)
    assert first.baseline == ((10, 40), (150, 42))
    assert second.text == "printed words" and second.kind == "DefaultLine:Print" and second.polygon == ()
    assert second.box == (10, 55, 120, 20)


def test_alto_baseline_as_one_number_runs_across_the_line(tmp_path):
    write_image(tmp_path / "scan.png")
    (tmp_path / "p.xml").write_text(alto(2, "scan.png", baseline="40"), encoding="utf-8")
    assert read_file(tmp_path / "p.xml").lines[0].baseline == ((10, 40), (160, 40))


@pytest.mark.parametrize("year", [2013, 2019])
def test_page_xml_gives_the_lines_own_text_first_then_its_words(tmp_path, year):
    write_image(tmp_path / "img.jpg")
    (tmp_path / "p.page.xml").write_text(page_xml(year, "img.jpg"), encoding="utf-8")
    page = read_file(tmp_path / "p.page.xml")
    first, second = page.lines
    assert first.text == "Noël déçu" and first.kind == "heading" and first.baseline == ((10, 40), (150, 42))
    assert second.text == "deux mots" and second.kind == "paragraph" and second.box == (10, 55, 120, 20)


def test_an_image_named_elsewhere_is_found_beside_the_file(tmp_path):
    write_image(tmp_path / "p.png")
    (tmp_path / "p.xml").write_text(alto(4, "C:\\scans\\other-name.tif"), encoding="utf-8")
    assert read_file(tmp_path / "p.xml").image == tmp_path / "p.png"


def test_line_images_with_gt_txt(tmp_path):
    write_image(tmp_path / "a.b.png", 300, 40)
    (tmp_path / "a.b.gt.txt").write_text("  Ça  va\n", encoding="utf-8")
    page = read_file(tmp_path / "a.b.gt.txt")
    assert page.image == tmp_path / "a.b.png" and page.lines[0].text == "Ça va"
    assert page.lines[0].box == (0, 0, 300, 40) and page.lines[0].polygon == ()


def test_a_broken_file_is_one_error_naming_it_and_the_others_are_read(tmp_path):
    write_image(tmp_path / "good.png")
    (tmp_path / "good.xml").write_text(alto(4, "good.png"), encoding="utf-8")
    (tmp_path / "broken.xml").write_text("<alto><Layout><Page>", encoding="utf-8")
    (tmp_path / "noimage.xml").write_text(alto(3, "gone.png"), encoding="utf-8")
    (tmp_path / "other.xml").write_text("<html/>", encoding="utf-8")
    (tmp_path / "odd.xml").write_text(alto(4, "good.png").replace("10 20 160 20", "10 20 160"), encoding="utf-8")
    (tmp_path / "lone.gt.txt").write_text("no image", encoding="utf-8")
    read = read_ground_truth([tmp_path])
    assert [p.source.name for p in read.pages] == ["good.xml"]
    assert len(read.errors) == 5
    for name in ("broken.xml", "noimage.xml", "other.xml", "odd.xml", "lone.gt.txt"):
        assert sum(name in e for e in read.errors) == 1, name
    assert all("\n" not in e for e in read.errors)


def test_globs_and_missing_paths(tmp_path):
    write_image(tmp_path / "a.png")
    (tmp_path / "a.xml").write_text(alto(4, "a.png"), encoding="utf-8")
    assert len(read_ground_truth([str(tmp_path / "*.xml")]).pages) == 1
    read = read_ground_truth([tmp_path / "nothing-here"])
    assert not read.pages and "nothing-here" in read.errors[0]
    with pytest.raises(GroundTruthError, match="not ALTO or PAGE"):
        (tmp_path / "b.xml").write_text("<html/>")
        read_file(tmp_path / "b.xml")
