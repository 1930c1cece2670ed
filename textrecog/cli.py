"""The ``textrecog`` command: recognise images; ``train`` and ``eval`` subcommands.

Results go to stdout, logs and errors to stderr. Heavy modules (OpenCV,
the runtime, TensorFlow for training) are imported only when needed, so
``textrecog --help`` is instant and recognition never loads TensorFlow.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from textrecog.argtypes import positive_int
from textrecog.decoding.flags import add_decode_args, forward_decode_args, options_from_args
from textrecog.imaging.flags import add_input_args, forward_input_args
from textrecog.names import printable
from textrecog.output.documents import FORMATS as DOC_FORMATS
from textrecog.stdio import EXIT_BROKEN_PIPE, EXIT_INTERRUPTED, discard_stdout

SUBCOMMANDS = {"train": "textrecog.training.train", "eval": "textrecog.evaluation.eval_cli", "batch": "textrecog.batch.command",
               "lm": "textrecog.training.lm_build"}
SUBCOMMAND_HELP = {"batch": "read a folder of images into JSONL, CSV, text or ALTO/PAGE/hOCR documents",
                   "train": "train a model: line (real scans with --gt, or UNIPEN) or character",
                   "eval": "measure models on held-out writers (UNIPEN, or your ground truth with --gt)",
                   "lm": "build a character language model for the beam search (textrecog lm build)",
                   "ui": "the drawing window (also textrecog-ui)"}
EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def build_parser() -> argparse.ArgumentParser:
    """Argument parser of the recognition command."""
    p = argparse.ArgumentParser(
        prog="textrecog",
        description="Recognise handwritten text in images. Prints each image's text, one line\n"
                    "per text line; with several images each line starts with the file name.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="A folder is searched for images (like textrecog batch).\n\nsubcommands (each with --help):\n"
               + "\n".join(f"  textrecog {name:<6} {what}" for name, what in SUBCOMMAND_HELP.items()))
    p.add_argument("images", nargs="*", metavar="IMAGE",
                   help="image files (PNG, JPEG, BMP, TIFF, WebP, GIF); - reads one from stdin")
    p.add_argument("--json", action="store_true",
                   help="print one JSON object per image (JSONL) with lines, words, characters")
    p.add_argument("--model", metavar="NAME|PATH", default=None,
                   help="model name (see --list-models) or model directory (default: the bundled default)")
    p.add_argument("--top-k", type=positive_int, default=3, metavar="N", help="alternatives per character (default 3)")
    p.add_argument("--format", choices=DOC_FORMATS, default=None,
                   help="write an ALTO 4.4, PAGE-XML or hOCR document per image instead of printing text: "
                        "IMAGE.alto.xml / .page.xml / .hocr beside it, or in --out-dir")
    p.add_argument("--out-dir", type=Path, metavar="DIR", help="folder for --format documents")
    p.add_argument("--overwrite", action="store_true", help="replace documents that exist")
    p.add_argument("--resume", action="store_true", help="skip images whose document exists")
    add_input_args(p)
    p.add_argument("--debug", metavar="DIR", type=Path,
                   help="write an overlay PNG per image showing boxes, merges, lines and spaces")
    p.add_argument("--list-models", action="store_true", help="list installed models and exit")
    add_decode_args(p)
    p.add_argument("--version", action="version", version=_version())
    return p


def _version() -> str:
    from textrecog.version import __version__

    return f"textrecog {__version__}"


def _err(msg: str) -> None:
    print(f"textrecog: {msg}", file=sys.stderr, flush=True)


def _print_text(path: str, text: str, prefix: bool) -> None:
    for line in text.split("\n") if text else ([""] if prefix else []):
        print(f"{printable(path)}:{line}" if prefix else line)
    sys.stdout.flush()  # a line at a time through a pipe too, so Ctrl-C or a crash keeps what was read


def _list_models() -> int:
    from textrecog.engines.model import DEFAULT_MODEL, ModelError, list_models, load_info

    for path in list_models():
        try:
            info = load_info(path)
            acc = info.manifest.get("accuracy", {})
            chars = acc.get("test", {}).get("summary", {}).get("all", {})
            extra = f"  test accuracy {chars['exact']:.1%}" if "exact" in chars else ""
            if "val_cer_tflite" in acc:
                extra = f"  validation CER {acc['val_cer_tflite']:.1%}"
            engine = "line engine (CTC)" if info.kind == "line" else "character engine"
            default = " (default)" if path.name == DEFAULT_MODEL else ""
            print(f"{path.name}{default}\t{engine}, {info.script}, {len(info.labels)} classes{extra}\t{path}")
        except ModelError as exc:
            print(f"{path.name}\tINVALID: {exc}")
    return EXIT_OK


def recognize_files(args: argparse.Namespace) -> int:
    """Recognise each image; one failure never stops the others; Ctrl-C keeps what was printed."""
    from textrecog.decoding.decoder import check_options
    from textrecog.engines.model import check_direction
    from textrecog.pipeline import get_engine

    check_direction(get_engine(args.model).info, args.direction)  # fail fast, once, on a bad model or direction
    options = options_from_args(args)
    check_options(get_engine(args.model).info, options)
    failures, done = 0, 0
    try:
        for path in args.images:
            failures += _recognize_one(path, args, options)
            done += 1
    except KeyboardInterrupt:  # each image's text is printed (and flushed) as it is read
        _err(f"interrupted after {done} of {len(args.images)} images")
        return EXIT_INTERRUPTED
    if failures:
        _err(f"{failures} of {len(args.images)} images failed")
    return EXIT_FAILED if failures else EXIT_OK


def _recognize_one(path: str, args: argparse.Namespace, options) -> int:
    """Read one image and print its text or record; 1 if it failed (said on stderr), else 0."""
    from textrecog.imaging.imageio import ImageError, read_stdin
    from textrecog.output.records import error_record, format_record
    from textrecog.pipeline import analyze

    try:
        source = read_stdin(args.max_bytes) if path == "-" else path
        analysis = analyze(source, args.model, args.top_k, args.max_bytes, args.direction, options,
                           max_pixels=args.max_pixels)
    except (ImageError, OSError) as exc:
        _err(str(exc) if isinstance(exc, ImageError) else f"{printable(path)}: {exc}")
        if args.json:  # the same records as textrecog batch writes
            reason = exc.reason if isinstance(exc, ImageError) else str(exc)
            print(format_record(error_record(path, reason), "jsonl"), end="", flush=True)
        return 1
    if args.json:
        print(format_record({"path": path, **analysis.result.to_dict()}, "jsonl"), end="", flush=True)
    else:
        _print_text(path, analysis.result.text, len(args.images) > 1)
    if args.debug:
        from textrecog.output.debug import write_overlay

        try:
            _err(f"debug overlay: {write_overlay(analysis, path, args.debug)}")
        except OSError as exc:  # a read-only or full disk: the text is out, the overlay is not
            _err(f"cannot write the debug overlay of {printable(path)} in {printable(str(args.debug))}: "
                 f"{exc.strerror or exc}")
            return 1
    return 0


def _conflict(args: argparse.Namespace) -> str | None:
    """Options that would be silently ignored together: a usage error naming them."""
    folders = any(Path(p).is_dir() for p in args.images)
    if args.json and args.format:
        return "--json prints records; --format writes documents: give one of them"
    for flag, given in (("--out-dir", args.out_dir), ("--resume", args.resume), ("--overwrite", args.overwrite)):
        if given and not args.format:
            return f"{flag} is for --format documents: add --format {'|'.join(DOC_FORMATS)}"
    if args.debug and (args.format or folders):
        return "--debug draws overlays for image files read one by one: give image files, without --format"
    return None


def _batch_from_cli(args: argparse.Namespace) -> int:
    """`textrecog DIR ...`: the batch engine, results on stdout."""
    from textrecog.batch.command import main as batch_main

    fmt = args.format or ("jsonl" if args.json else "txt")
    argv = [*args.images, "--top-k", str(args.top_k), "--format", fmt]
    argv += ["--model", args.model] if args.model else []
    argv += ["--out-dir", str(args.out_dir)] if args.out_dir else []
    argv += [*forward_input_args(args), *forward_decode_args(args)]
    argv += [flag for flag, on in (("--overwrite", args.overwrite), ("--resume", args.resume)) if on]
    return batch_main(argv, prog="textrecog")


def main(argv: list[str] | None = None) -> int:
    """Entry point: ``textrecog IMAGE...`` or ``textrecog SUBCOMMAND ...``."""
    try:
        return _main(list(sys.argv[1:] if argv is None else argv))
    except BrokenPipeError:  # `textrecog ... | head`: the reader has what it wanted; stop quietly
        discard_stdout()
        return EXIT_BROKEN_PIPE
    except KeyboardInterrupt:  # Ctrl-C while loading, before any image was read
        _err("interrupted")
        return EXIT_INTERRUPTED


def _main(argv: list[str]) -> int:
    if argv and argv[0] == "ui":
        from textrecog.ui.launch import main as ui_main

        return ui_main(argv[1:])
    if argv and argv[0] in SUBCOMMANDS:
        import importlib

        return importlib.import_module(SUBCOMMANDS[argv[0]]).main(argv[1:])
    args = build_parser().parse_args(argv)
    if args.list_models:
        return _list_models()
    if not args.images:
        build_parser().print_usage(sys.stderr)
        _err("give at least one IMAGE (or --help)")
        return EXIT_USAGE
    conflict = _conflict(args)
    if conflict:
        _err(conflict)
        return EXIT_USAGE
    if args.format and "-" in args.images:
        _err("- (stdin) prints text or JSON; --format writes documents beside files: give the image a file name")
        return EXIT_USAGE
    if args.format or any(Path(p).is_dir() for p in args.images):
        return _batch_from_cli(args)  # folders and documents: the batch engine's walk, plan and writers
    from textrecog.decoding.lm import LMError
    from textrecog.engines.model import ModelError

    try:
        return recognize_files(args)
    except ModelError as exc:
        _err(f"model error: {exc}")
        return EXIT_USAGE
    except LMError as exc:  # a language unknown, a language model missing, corrupt or not fitting the model
        _err(f"language model error: {exc}")
        return EXIT_USAGE
    except ValueError as exc:  # a bad lexicon, charset or threshold
        _err(str(exc))
        return EXIT_USAGE
