"""`textrecog batch DIR`: recognise every image of a folder tree, fast and safely.

Results are written as they come, one complete record per file, flushed at
once; ``--resume`` skips files already in the output, so an interrupted run
(Ctrl+C, kill -9) loses at most the files in flight and a rerun completes
the set without duplicates. Output is in sorted path order.
"""

from __future__ import annotations

import argparse
import fnmatch
import os
import signal
import sys
import time
from collections.abc import Iterator
from pathlib import Path

from tqdm import tqdm

from textrecog.argtypes import parse_size, positive_int
from textrecog.batch.pool import CHUNK_BYTES, StopRequest, chunk_plan, local_results
from textrecog.batch.settings import resume_conflict, run_settings, save_settings, settings_path
from textrecog.batch.worker import Job, Outcome, failed_outcome
from textrecog.decoding.flags import add_decode_args, options_from_args
from textrecog.imaging.flags import add_input_args
from textrecog.imaging.imageio import IMAGE_SUFFIXES
from textrecog.names import is_overlay, printable
from textrecog.output.documents import FORMATS as DOC_FORMATS
from textrecog.output.records import FORMATS, OutputError, RecordWriter, done_paths
from textrecog.stdio import EXIT_BROKEN_PIPE, discard_stdout


# files a folder holds beside its scans that are not worth a "skipped" word: textrecog's own outputs
# (sidecars, documents, records, settings) and notes
QUIET_SUFFIXES = {".txt", ".xml", ".hocr", ".jsonl", ".csv", ".json", ".md"}


def walk_images(roots: list[Path], pattern: str | None, recursive: bool,
                problems: list[tuple[str, str]], skipped: list[Path] | None = None) -> list[Path]:
    """Image files under ``roots`` (files given directly are kept), sorted.

    Follows symbolic links but visits each real folder once (no loops);
    unreadable folders, and folders with no image, are reported in ``problems``;
    other files (a PDF, an SVG) go into ``skipped``.
    """
    skipped = [] if skipped is None else skipped
    found: set[Path] = set()
    for root in roots:
        if not root.is_dir():
            found.add(root)  # a file, or a name the reader will explain (missing, FIFO, ...)
            continue
        seen: set[tuple[int, int]] = set()
        before = len(found)
        for path in _walk(root, recursive, seen, problems):
            if is_overlay(path.name):
                continue  # a --debug overlay an earlier run wrote here is not a scan
            if pattern and not (fnmatch.fnmatch(path.name, pattern)
                                or fnmatch.fnmatch(str(path.relative_to(root)), pattern)):
                continue
            if path.suffix.lower() in IMAGE_SUFFIXES:
                found.add(path)
            elif not path.name.startswith(".") and path.suffix.lower() not in QUIET_SUFFIXES:
                skipped.append(path)
        if len(found) == before:
            problems.append((str(root), "no image files found in this folder"
                             + (f" matching {pattern!r}" if pattern else "")))
    return sorted(found, key=str)


def _walk(folder: Path, recursive: bool, seen: set, problems: list) -> Iterator[Path]:
    try:
        st = folder.stat()
        if (st.st_dev, st.st_ino) in seen:
            return  # a symlink loop or a second link to a folder already walked
        seen.add((st.st_dev, st.st_ino))
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError as exc:
        problems.append((str(folder), f"cannot read folder ({exc.strerror or exc})"))
        return
    for entry in entries:
        path = Path(entry.path)
        try:
            if entry.is_dir(follow_symlinks=True):
                if recursive:
                    yield from _walk(path, recursive, seen, problems)
            elif entry.is_file(follow_symlinks=True) or path.suffix.lower() in IMAGE_SUFFIXES:
                yield path  # a FIFO or broken link named x.png is read, and refused with its reason
        except OSError as exc:
            if path.suffix.lower() in IMAGE_SUFFIXES:
                yield path  # a link loop named x.png: the reader words the reason like for one file
            else:
                problems.append((str(path), f"cannot read ({exc.strerror or exc})"))


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="textrecog batch", description=__doc__.split("\n\n")[0])
    p.add_argument("inputs", nargs="+", type=Path, metavar="DIR", help="folders (or image files)")
    p.add_argument("--out", type=Path, help="output file for jsonl/csv/txt records (default: stdout)")
    p.add_argument("--format", choices=FORMATS + DOC_FORMATS,
                   help="records: jsonl, csv or txt (default: from --out's suffix, else txt on stdout); "
                        "documents: alto, page or hocr, one file per image (see --out-dir)")
    p.add_argument("--out-dir", type=Path, help="where alto/page/hocr documents go, mirroring the input "
                   "folders (default: beside each image)")
    p.add_argument("--sidecar", action="store_true", help="also write IMAGE.txt beside each image")
    p.add_argument("--overwrite", action="store_true", help="replace an existing --out file, documents or sidecars")
    p.add_argument("--resume", action="store_true", help="skip files already in --out (or with a document) and go on")
    p.add_argument("--jobs", type=positive_int, default=os.cpu_count() or 1,
                   help="worker processes (default: the number of cores)")
    p.add_argument("--worker-memory", type=parse_size, default=None, metavar="N",
                   help="what each worker may allocate beyond its loaded model (default 1G; K, M, G): a file "
                        "that needs more fails alone with an error record")
    p.add_argument("--glob", help="only files whose relative path or name matches, e.g. '*.png'")
    p.add_argument("--no-recursive", dest="recursive", action="store_false", help="do not enter subfolders")
    p.add_argument("--model", default=None, help="model name or directory (default: the bundled default model)")
    p.add_argument("--top-k", type=positive_int, default=3, metavar="N",
                   help="alternatives per character in the records (default 3)")
    add_input_args(p)
    p.add_argument("--cluster", metavar="auto|ray://HOST:PORT|local[:N]",
                   help="run on Ray (pip install 'textrecog[cluster]'): auto joins $RAY_ADDRESS, local:N starts "
                        "Ray here with N CPUs; one model-holding actor per CPU; --jobs is then ignored")
    add_decode_args(p)
    args = p.parse_args(argv)
    if args.format is None:
        suffix = args.out.suffix.lstrip(".").lower() if args.out else ""
        args.format = suffix if suffix in FORMATS else ("jsonl" if args.out else "txt")
    return args


def _check_output(args: argparse.Namespace) -> str | None:
    """Refuse to clobber an existing output file silently."""
    if args.format in DOC_FORMATS and args.out:
        return f"--format {args.format} writes a document per image: use --out-dir, not --out"
    if args.out_dir and args.format not in DOC_FORMATS:
        return "--out-dir is for --format alto, page or hocr"
    if args.out and args.out.exists() and args.out.stat().st_size and not (args.resume or args.overwrite):
        return f"{args.out} exists: use --resume to continue it or --overwrite to replace it"
    if args.resume and not args.out and args.format not in DOC_FORMATS:
        return "--resume needs --out"
    return None


def _check_cluster(args: argparse.Namespace) -> str | None:
    """Refuse a malformed --cluster before any work (Ray itself is imported later)."""
    if not args.cluster:
        return None
    from textrecog.batch.cluster import ClusterError, parse_target

    try:
        parse_target(args.cluster)
    except ClusterError as exc:
        return str(exc)
    return None


def _results(todo: list[Job], args: argparse.Namespace, stop: StopRequest) -> Iterator[list[Outcome]]:
    """Outcomes chunk by chunk, in input order, from a worker pool, a Ray cluster or in-process."""
    if args.cluster:
        from textrecog.batch.cluster import results

        yield from results(chunk_plan(todo, 1, max_bytes=CHUNK_BYTES), args, stop)
        return
    yield from local_results(chunk_plan(todo, args.jobs), args, stop, _start_method())


def _start_method() -> str:
    """How to start workers: fork (fastest) unless the parent already ran recognition.

    A child forked from a process whose OpenCV or LiteRT thread pools have
    run can deadlock (the Python API calling batch after recognize()); such a
    parent starts its workers from a clean forkserver instead.
    """
    if sys.platform in ("darwin", "win32"):
        return "spawn"
    return "forkserver" if "textrecog.pipeline" in sys.modules else "fork"


def _plan(files: list[str], args: argparse.Namespace, problems: list) -> tuple[list[Job], int] | str:
    """The jobs still to do and how many were done before, or why the run must not start."""
    if args.format not in DOC_FORMATS:
        done = done_paths(args.out, args.format, set(files)) if args.resume and args.out else set()
        return [Job(f) for f in files if f not in done], len(done)
    from textrecog.output.documents import plan_documents

    targets = plan_documents([Path(f) for f in files], args.inputs, args.format, args.out_dir, problems)
    existing = {f for f, t in targets.items() if t.exists()}
    if existing and not (args.resume or args.overwrite):
        first = targets[min(existing)]
        return (f"{len(existing)} document(s) exist already (first: {first}): use --resume to skip "
                "those images or --overwrite to replace them")
    jobs = [Job(f, str(t)) for f, t in targets.items() if args.overwrite or f not in existing]
    return jobs, len(targets) - len(jobs)


def run(args: argparse.Namespace) -> int:
    """Recognise every image found; write records as they come; summarise."""
    problem = _check_output(args) or _check_cluster(args) or _check_model(args)
    if problem:
        return _fail(args, problem)
    folders: list[tuple[str, str]] = []  # folders that could not be walked or hold no image: stderr, no record
    unread: list[Path] = []  # files of other types (a PDF, an SVG): one line at the end
    files = [str(p) for p in walk_images(args.inputs, args.glob, args.recursive, folders, unread)]
    for path, reason in folders:
        print(f"{args.prog}: {printable(path)}: {reason}", file=sys.stderr)
    args.unread = unread
    problems: list[tuple[str, str]] = []  # images that cannot be done (a document clash): a failed record each
    plan = _plan(files, args, problems)
    if isinstance(plan, str):
        return _fail(args, plan)
    todo, skipped = plan
    writer = _open_output(args)
    if isinstance(writer, str):
        return _fail(args, writer)
    stats = {"files": 0, "failed": 0, "lines": 0, "chars": 0, "folders": len(folders)}
    for path, reason in problems:
        _finish(failed_outcome(path, reason, args.format), args, writer, stats, None)
    return _drive(todo, args, writer, stats, skipped)


def _check_model(args: argparse.Namespace) -> str | None:
    """Load the model's description and the decoding options once; refuse a --resume with other settings."""
    from textrecog.decoding.decoder import check_options
    from textrecog.decoding.lm import LMError
    from textrecog.engines.model import ModelError, check_direction, load_info

    try:
        info = load_info(args.model)
        check_direction(info, args.direction)
        args.options = options_from_args(args)  # read the lexicon once, here, not in every worker
        check_options(info, args.options)
    except (ModelError, LMError) as exc:
        return f"model error: {exc}"
    except ValueError as exc:
        return str(exc)
    args.settings = run_settings(args, info)
    return resume_conflict(settings_path(args), args.settings) if args.resume else None


def _open_output(args: argparse.Namespace) -> RecordWriter | None | str:
    """The record writer (None for documents) with the run's settings stored beside it, or why not."""
    try:
        writer = None if args.format in DOC_FORMATS else RecordWriter(args.out, args.format, append=args.resume)
    except OutputError as exc:
        return str(exc.strerror)
    stored_at = settings_path(args)
    try:
        save_settings(stored_at, args.settings)
    except OSError as exc:
        if writer:
            writer.close()
        return f"cannot write {printable(str(stored_at))}: {exc.strerror or exc}"
    return writer


def _fail(args: argparse.Namespace, message: str) -> int:
    print(f"{args.prog}: {message}", file=sys.stderr)
    return 2


def _drive(todo: list[Job], args: argparse.Namespace, writer: RecordWriter | None, stats: dict,
           skipped: int) -> int:
    """Run the jobs with a progress bar on stderr (a terminal only); summarise, also when interrupted."""
    size = _stderr_size()
    # smoothing 0: the ETA is the mean rate since the first result, not the last few (small, early) chunks
    bar = tqdm(total=len(todo), unit="file", file=sys.stderr, disable=None, mininterval=0.2, smoothing=0,
               ncols=size.columns, nrows=size.lines, postfix={"failed": 0})
    cluster_errors: tuple = ()  # Ray missing or the cluster unreachable: one line, exit 2
    if args.cluster:
        from textrecog.batch.cluster import ClusterError

        cluster_errors = (ClusterError,)
    t0, interrupted, stop, failed = time.monotonic(), False, StopRequest(args.prog), None
    try:
        with stop:
            for outcomes in _results(todo, args, stop):
                for done_file in outcomes:
                    _finish(done_file, args, writer, stats, bar)
                if not bar.disable and not bar.initial:
                    _restart_clock(bar)
            interrupted = stop.requested
    except cluster_errors as exc:
        print(f"{args.prog}: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:  # a second Ctrl-C: the files in flight are lost, the rest is written
        interrupted = True
    except BrokenPipeError:  # records on stdout and its reader went away (`| head`): stop the workers, quietly
        discard_stdout()
        return EXIT_BROKEN_PIPE
    except OutputError as exc:  # a full or read-only disk: nothing later could be written either
        failed = exc
    finally:
        bar.close()
        if writer:
            writer.close()
    _summary(args.prog, stats, skipped, time.monotonic() - t0)
    return _ending(args, stats, len(todo), failed, 128 + (stop.signal or signal.SIGINT) if interrupted else 0)


def _ending(args: argparse.Namespace, stats: dict, todo: int, failed: OSError | None, interrupted: int) -> int:
    """The lines after the summary (files skipped, why the run stopped) and the exit status."""
    unread = getattr(args, "unread", [])
    if unread:
        kinds = sorted({p.suffix.lower() or "(no suffix)" for p in unread})
        print(f"{args.prog}: {len(unread)} file(s) skipped: not an image type this reads "
              f"({', '.join(kinds[:8])}{', ...' if len(kinds) > 8 else ''})", file=sys.stderr)
    if failed is not None:
        print(f"{args.prog}: {failed.strerror}; stopped after {stats['files']} of {todo} files (each "
              f"written whole); make room or pick another output, then rerun with --resume", file=sys.stderr)
        return 1
    if interrupted:
        resumable = args.out or args.format in DOC_FORMATS
        print(f"{args.prog}: interrupted after {stats['files']} of {todo} files"
              + ("; rerun with --resume to finish" if resumable else ""), file=sys.stderr)
        return interrupted
    if args.format in DOC_FORMATS:
        print(f"{args.prog}: {args.format} documents: {args.out_dir or 'beside each image'}", file=sys.stderr)
    return 1 if stats["failed"] or stats["folders"] else 0


def _restart_clock(bar: tqdm) -> None:
    """Time the rate from the first result on, so the model's loading does not inflate the first ETAs."""
    now = bar._time()
    # last_print_t moves too: tqdm's close() draws the final frame only if it printed after start_t
    bar.initial, bar.start_t, bar.last_print_t = bar.n, now, now


def _stderr_size() -> os.terminal_size:
    """stderr's terminal size; 100 x 24 where unknown or 0 (tqdm hides its bar on a 0 x 0 terminal)."""
    try:
        size = os.get_terminal_size(sys.stderr.fileno())
    except (OSError, ValueError, AttributeError):
        return os.terminal_size((100, 24))
    return os.terminal_size((size.columns or 100, size.lines or 24))


def _finish(done: Outcome, args: argparse.Namespace, writer: RecordWriter | None, stats: dict, bar) -> None:
    if writer:
        writer.write_text(done.output)
    if done.error:
        tqdm.write(f"{args.prog}: {printable(done.path)}: {done.error}", file=sys.stderr)
    if done.sidecar_error:  # names its file already
        tqdm.write(f"{args.prog}: {done.sidecar_error}", file=sys.stderr)
    failed = bool(done.error or done.sidecar_error)
    stats["files"] += 1
    stats["failed"] += failed
    stats["lines"] += done.lines
    stats["chars"] += done.chars
    if bar is not None:
        if failed:
            bar.set_postfix(failed=stats["failed"], refresh=False)
        bar.update(1)


def _summary(prog: str, stats: dict, skipped: int, seconds: float) -> None:
    rate = stats["files"] / max(seconds, 1e-9)
    folders = f", {stats['folders']} folder(s) without images or unreadable" if stats["folders"] else ""
    print(f"{prog}: {stats['files']} files, {stats['lines']} lines, {stats['chars']} characters, "
          f"{stats['failed']} failed, {skipped} already done{folders}, {seconds:.1f} s, {rate:.1f} files/s",
          file=sys.stderr)


def main(argv: list[str] | None = None, prog: str = "textrecog batch") -> int:
    """Entry point of ``textrecog batch`` (``prog``: the command named in messages)."""
    args = parse_args(argv)
    args.prog = prog
    return run(args)
