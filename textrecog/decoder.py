"""Old import path of the decoding options, kept because earlier READMEs named it: use ``textrecog.make_options``."""

from textrecog.decoding.decoder import DecodeOptions, make_options

__all__ = ["DecodeOptions", "make_options"]
