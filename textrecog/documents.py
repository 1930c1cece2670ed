"""Old import path of the document writers, kept because earlier READMEs named it: the documents live in
``textrecog.output.documents``."""

from textrecog.output.documents import FORMATS, Source, render

__all__ = ["FORMATS", "Source", "render"]
