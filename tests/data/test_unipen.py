"""UNIPEN reader on a hand-made snippet exercising each trap of the format."""

from __future__ import annotations

import tarfile

import numpy as np
import pytest

from textrecog.data.unipen import UnipenCorpus, parse_range, unescape_label

PEN = """.VERSION 1.0
.INCLUDE abc/abc.doc
.WRITER_ID w1
.PEN_UP
 0 0
.PEN_DOWN
 10 100
 10 50
.PEN_UP
 10 50
 30 90
.PEN_DOWN
.PEN_DOWN
 30 90
 50 90
 50 60
 30 60
 30 90
.PEN_DOWN
 70 100
 70 70
 90 70
 90 100
"""
DOC = ".VERSION 1.0\n.COORD X Y\n.X_POINTS_PER_INCH 100\n"
SEG = """.VERSION 1.0
.INCLUDE abc/abc.doc
.INCLUDE abc/data/w1.dat
.SEGMENT CHARACTER 1 ? "1"
.SEGMENT CHARACTER 1-3 OK "a"
.SEGMENT CHARACTER 3:1-3:3 ? "b"
.SEGMENT CHARACTER 4:0-4:1,4:3 ? "\\"q\\\\"
.SEGMENT CHARACTER 9 ? "x"
"""
# site atu: one pen-down block, pen lifts marked by pressure 0
ATU_PEN = """.COORD X Y P
.START_SET
.PEN_DOWN
 0 0 5
 0 10 5
 5 10 0
 9 10 0
 10 10 7
 10 0 7
"""
ATU_SEG = '.INCLUDE atu/data/p.dat\n.SEGMENT WORD 0 ? "ab\t"\n'
KAI_SEG = '.INCLUDE abc/data/w1.dat\n.SEGMENT WORD 1-4 ? "r@e@d"\n'


def write_tree(root):
    files = {
        "data/1a/abc/w1.dat": SEG,
        "include/abc/abc.doc": DOC,
        "include/abc/data/w1.dat": PEN,
        "data/7/atu/p.dat": ATU_SEG,
        "include/atu/data/p.dat": ATU_PEN,
        "data/7/kai/k.dat": KAI_SEG,
    }
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


@pytest.fixture()
def corpus(tmp_path):
    return UnipenCorpus(write_tree(tmp_path / "unipen"))


def test_components_count_pen_up_blocks_and_skip_empty(corpus):
    samples = {s.label: s for s in corpus.iter_samples(["1a"])}
    one = samples["1"]
    assert len(one.strokes) == 1 and len(one.strokes[0]) == 2  # component 1 is the first pen-down
    # 1-3 spans down, up (not drawn), down (the empty block is not counted)
    assert len(samples["a"].strokes) == 2
    assert samples["a"].site == "abc" and samples["a"].session == "1a/abc/w1.dat"


def test_point_level_ranges(corpus):
    samples = {s.label: s for s in corpus.iter_samples(["1a"])}
    (b,) = samples["b"].strokes
    assert len(b) == 3  # points 1..3 of component 3, inclusive
    q = samples['"q\\']  # escapes undone
    assert [len(s) for s in q.strokes] == [2, 1]


def test_y_is_flipped_to_image_coordinates(corpus):
    one = next(s for s in corpus.iter_samples(["1a"]) if s.label == "1")
    # stored y=100 (top, y-up) must come out above y=50 in image coordinates
    assert one.strokes[0][0, 1] < one.strokes[0][1, 1]


def test_out_of_range_segment_is_skipped(corpus):
    assert "x" not in {s.label for s in corpus.iter_samples(["1a"])}


def test_pressure_lifts_cut_strokes_and_tabs_stripped(corpus):
    (atu,) = [s for s in corpus.iter_samples(["7"]) if s.site == "atu"]
    assert atu.label == "ab"
    assert [len(s) for s in atu.strokes] == [2, 2]


def test_kai_join_marks_dropped():
    assert unescape_label("r@e@d", "kai") == "red"
    assert unescape_label("a@b", "abc") == "a@b"


def test_parse_range():
    assert parse_range("442-442:6,442:8-442:24,446") == [
        (442, None, 442, 6), (442, 8, 442, 24), (446, None, 446, None)]


def test_reads_the_archive_itself(tmp_path, monkeypatch):
    src = write_tree(tmp_path / "src" / "unipen_x")
    archive = tmp_path / "u.tar.xz"
    with tarfile.open(archive, "w:xz") as tar:
        tar.add(src, arcname="unipen_x")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    labels = sorted(s.label for s in UnipenCorpus(archive).iter_samples(["1a"]))
    assert labels == sorted(['"q\\', "1", "a", "b"])


def test_missing_folder_is_a_clear_error(tmp_path):
    with pytest.raises(FileNotFoundError, match="no UNIPEN"):
        UnipenCorpus(tmp_path)


def test_unknown_section(corpus):
    with pytest.raises(ValueError, match="unknown UNIPEN section"):
        list(corpus.iter_samples(["9z"]))


def test_strokes_are_float_arrays(corpus):
    for s in corpus.iter_samples(["1a", "7"]):
        assert all(isinstance(st, np.ndarray) and st.shape[1] == 2 for st in s.strokes)
