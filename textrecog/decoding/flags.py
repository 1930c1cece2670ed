"""The decoding options as command-line flags, shared by ``textrecog`` and ``textrecog batch``."""

from __future__ import annotations

import argparse

from textrecog.argtypes import positive_int, probability

DECODE_FLAGS = ("--decoder", "--lang", "--lm", "--lexicon", "--charset", "--flag-below", "--beam")


def add_decode_args(p: argparse.ArgumentParser) -> None:
    """Add --decoder, --no-lm, --lang, --lm, --lexicon, --charset, --flag-below and --beam."""
    g = p.add_argument_group("decoding")
    g.add_argument("--decoder", choices=("beam", "greedy"), default="beam",
                   help="beam: CTC prefix beam search (line models) or a glyph lattice (character models) with "
                        "the language model (default); greedy: best path, no language model")
    g.add_argument("--no-lm", action="store_true", help="beam search without the language model")
    g.add_argument("--lang", metavar="CODE", help="the text's language: its language model (en, the default; fr)")
    g.add_argument("--lm", metavar="NAME|DIR", help="a language model by name or folder (default: the --lang one)")
    g.add_argument("--lexicon", metavar="FILE", help="your own words (names, codes, a class list), "
                   "whitespace-separated UTF-8: readings are pulled towards them")
    g.add_argument("--charset", metavar="digits|upper|lower|alnum|chars:ABC",
                   help="only these characters may be read (a form field: a date, an ID): a named set, or chars: "
                        "and the characters")
    g.add_argument("--flag-below", type=probability, metavar="P",
                   help="flag words whose confidence is below P (0..1) for review (JSON: \"flagged\": true)")
    g.add_argument("--beam", type=positive_int, default=8, metavar="N", help="beam width (default 8)")


def options_from_args(args: argparse.Namespace):
    """DecodeOptions from parsed flags; ValueError with a one-line reason on a bad lexicon, language or value."""
    from textrecog.decoding.decoder import make_options
    from textrecog.decoding.lm import DEFAULT_LM, lm_for_language

    lm = None if args.no_lm else args.lm or lm_for_language(args.lang or DEFAULT_LM)
    return make_options(args.decoder, lm, args.lexicon, args.charset, args.flag_below, args.beam)


def forward_decode_args(args: argparse.Namespace) -> list[str]:
    """The decoding flags again, for a command that hands over to ``textrecog batch``."""
    out = ["--decoder", args.decoder, "--beam", str(args.beam)]
    out += ["--lm", args.lm] if args.lm else []
    out += ["--lang", args.lang] if args.lang else []
    out += ["--no-lm"] if args.no_lm else []
    out += ["--lexicon", args.lexicon] if args.lexicon else []
    out += ["--charset", args.charset] if args.charset else []
    out += ["--flag-below", str(args.flag_below)] if args.flag_below is not None else []
    return out
