"""Words and text lines from UNIPEN (sections 7 and 8) rendered as images.

Used for end-to-end evaluation and for the bundled samples. A text counts
as *hand-printed* when its rendered ink has about as many separate pieces
as letters; otherwise it is *cursive-looking* (joined letters), which a
character classifier fed by connected components cannot read.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

import numpy as np

from textrecog.data.render import render_page
from textrecog.data.unipen import InkSample, UnipenCorpus


@dataclass(frozen=True)
class TextSample:
    """A rendered word or line with its true text."""

    image: np.ndarray  # uint8 grayscale, dark ink on white
    text: str
    site: str
    session: str
    section: str
    printed: bool  # hand-printed (separate letters) rather than cursive-looking
    lines: int  # number of text lines the segmenter finds in the ink


def clean_label(label: str) -> str:
    """Undo the tokenised punctuation some sites use ("good ." → "good.")."""
    text = " ".join(label.split())
    for p in ".,;:!?)":
        text = text.replace(" " + p, p)
    return text.replace("( ", "(")


def describe(image: np.ndarray, text: str) -> tuple[bool, int]:
    """(is it hand-printed?, how many lines) from the segmentation of the ink."""
    from textrecog.imaging.binarize import binarize
    from textrecog.segmentation.segment import segment

    seg = segment(binarize(image))
    glyphs = sum(len(line.glyphs) for line in seg.lines)
    letters = sum(1 for c in text if not c.isspace())
    return glyphs >= 0.85 * letters, len(seg.lines)


def render_text(sample: InkSample, char_height: float = 40.0) -> TextSample:
    """Render one word/line sample and describe it."""
    image = render_page(sample.strokes, char_height)
    text = clean_label(sample.label)
    printed, lines = describe(image, text)
    return TextSample(image, text, sample.site, sample.session, sample.section, printed, lines)


def iter_text_samples(corpus: UnipenCorpus, sections: Sequence[str], sites: Iterable[str] | None,
                      charset: str, max_len: int = 60) -> Iterator[InkSample]:
    """WORD/TEXT ink samples of the given sites whose text uses only ``charset``."""
    allowed = set(charset) | {" "}
    wanted = set(sites) if sites is not None else None
    for section in sections:
        for path in corpus.segment_files(section):
            site = path.relative_to(corpus.root / "data").parts[1]
            if wanted is not None and site not in wanted:
                continue
            for sample in corpus.iter_file(path, section, kinds={"WORD", "TEXT"}):
                text = clean_label(sample.label)
                if text and len(text) <= max_len and set(text) <= allowed:
                    yield sample


def iter_texts(corpus: UnipenCorpus, sections: Sequence[str], sites: Iterable[str] | None,
               charset: str, max_len: int = 60) -> Iterator[TextSample]:
    """Rendered WORD/TEXT samples of the given sites whose text uses only ``charset``."""
    for sample in iter_text_samples(corpus, sections, sites, charset, max_len):
        yield render_text(sample)
