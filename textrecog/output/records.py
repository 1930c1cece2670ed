"""Batch output: records, crash-safe appending writers, resume, sidecars.

Every record is one physical line written with a single ``write`` and
flushed, so a killed run leaves at worst one partial last line; opening the
file again for ``--resume`` cuts that line off before appending.
"""

from __future__ import annotations

import csv
import errno
import io
import os
import sys
from pathlib import Path

import orjson

from textrecog.names import printable
from textrecog.types import Result

FORMATS = ("jsonl", "csv", "txt")
CSV_FIELDS = ("path", "text", "error", "lines", "chars", "seconds")


def result_record(path: str, result: Result, seconds: float) -> dict:
    """JSON-ready record of a recognised file."""
    return {"path": path, **result.to_dict(), "seconds": round(seconds, 4)}


def char_count(text: str) -> int:
    """Characters recognised in a text: spaces and line breaks not counted."""
    return len(text.replace("\n", "").replace(" ", ""))


def error_record(path: str, reason: str) -> dict:
    """Record of a file that could not be recognised."""
    return {"path": path, "error": reason}


def format_record(record: dict, fmt: str) -> str:
    """One record as text ending in exactly one newline."""
    if fmt == "jsonl":
        # orjson: compact UTF-8, 15x the json module's speed; numpy scalars allowed
        return orjson.dumps(record, option=orjson.OPT_SERIALIZE_NUMPY | orjson.OPT_APPEND_NEWLINE).decode()
    if fmt == "csv":
        buf = io.StringIO()
        text = record.get("text", "")
        csv.writer(buf, lineterminator="\n").writerow([
            record["path"], text.replace("\n", "\\n"), record.get("error", ""),
            len(record.get("lines", [])), char_count(text),
            record.get("seconds", "")])
        return buf.getvalue()
    if "error" in record:
        return f"{printable(record['path'])}:[error] {record['error']}\n"
    lines = record["text"].split("\n") if record["text"] else [""]
    shown = printable(record["path"])  # one output line per text line, whatever the name holds
    return "".join(f"{shown}:{line}\n" for line in lines)


def _cut_partial_line(path: Path) -> None:
    """Drop an unterminated last line left by a killed run."""
    with open(path, "rb+") as fh:
        fh.seek(0, os.SEEK_END)
        size = fh.tell()
        if size == 0:
            return
        fh.seek(max(0, size - 65536))
        tail = fh.read()
        if tail.endswith(b"\n"):
            return
        cut = tail.rfind(b"\n")
        fh.truncate(size - len(tail) + cut + 1 if cut >= 0 else (0 if size <= 65536 else size))


def done_paths(path: Path, fmt: str, candidates: set[str]) -> set[str]:
    """Paths that already have a record in an existing output file."""
    if not path.exists():
        return set()
    _cut_partial_line(path)
    done: set[str] = set()
    with open(path, encoding="utf-8", newline="") as fh:
        if fmt == "jsonl":
            for line in fh:
                try:
                    done.add(orjson.loads(line)["path"])
                except (ValueError, KeyError, TypeError):
                    continue
        elif fmt == "csv":
            done = {row[0] for row in csv.reader(fh) if row and row[0] != "path"}
        else:
            shown = {printable(c): c for c in candidates}
            for line in fh:
                done.update(shown[line[:i]] for i, ch in enumerate(line) if ch == ":" and line[:i] in shown)
    return done


class OutputError(OSError):
    """The run's output cannot be written (a full or read-only disk): the run must stop, not each file fail."""


# errors that no later file would escape: the whole output is full or read-only
FATAL_ERRNOS = {errno.ENOSPC, errno.EROFS, errno.EDQUOT, errno.EFBIG}


def output_error(target: Path, exc: OSError) -> OutputError:
    """One line naming the output and the reason (``cannot write r.jsonl: No space left on device``)."""
    return OutputError(exc.errno, f"cannot write {printable(str(target))}: {exc.strerror or exc}")


class RecordWriter:
    """Appends formatted records to a file (or stdout), each whole or not at all."""

    def __init__(self, out: Path | None, fmt: str, append: bool):
        self.fmt, self.out = fmt, out
        self._fd: int | None = None
        if out is not None:
            new = not (append and out.exists() and out.stat().st_size > 0)
            try:
                if not new:
                    _cut_partial_line(out)
                self._fd = os.open(out, os.O_WRONLY | os.O_CREAT | (os.O_APPEND if append else os.O_TRUNC), 0o666)
            except OSError as exc:
                raise output_error(out, exc) from None
            if new and fmt == "csv":
                self.write_text(",".join(CSV_FIELDS) + "\n")

    def write_text(self, text: str) -> None:
        """Write one formatted record completely, or (a full disk) not at all: OutputError."""
        if self._fd is None:
            sys.stdout.write(text)
            sys.stdout.flush()
            return
        data = text.encode("utf-8")
        start = os.lseek(self._fd, 0, os.SEEK_END)
        try:
            while data:
                data = data[os.write(self._fd, data):]
        except OSError as exc:
            try:
                os.ftruncate(self._fd, start)  # no partial last record
            except OSError:
                pass  # --resume cuts a partial last line too
            raise output_error(self.out, exc) from None

    def write(self, record: dict) -> None:
        """Format and write one record."""
        self.write_text(format_record(record, self.fmt))

    def close(self) -> None:
        """Close the file (stdout stays open)."""
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None


def sidecar_path(image: Path) -> Path:
    """``scan.png`` → ``scan.txt`` beside it."""
    return image.with_suffix(".txt")


def write_sidecar(image: Path, text: str, overwrite: bool) -> str | None:
    """Write the text beside the image atomically; returns an error or None."""
    target = sidecar_path(image)
    if target.exists() and not overwrite and _holds(target, text + "\n"):
        return None  # written by an earlier (interrupted) run: nothing to do
    return write_new(target, (text + "\n").encode("utf-8"), overwrite)


def write_new(target: Path, data: bytes, overwrite: bool) -> str | None:
    """Write a file whole (temporary name, then rename); never replace one unless ``overwrite``.

    Returns an error message naming the file, or None.
    """
    tmp = target.with_name(f".{target.name}.tmp{os.getpid()}")
    try:
        tmp.write_bytes(data)
        if overwrite:
            os.replace(tmp, target)
        else:
            _link_new(tmp, target)
    except FileExistsError:
        return f"{target} exists (use --overwrite to replace it)"
    except OSError as exc:
        if exc.errno in FATAL_ERRNOS:
            raise output_error(target, exc) from None
        return f"cannot write {target} ({exc.strerror or exc})"
    finally:
        try:
            tmp.unlink(missing_ok=True)
        except OSError:  # a read-only file system refuses even that (nothing was written there)
            pass
    return None


def _link_new(tmp: Path, target: Path) -> None:
    """Move ``tmp`` to ``target`` unless ``target`` exists (FileExistsError)."""
    try:
        os.link(tmp, target)  # atomic, and fails if the target appeared meanwhile
    except FileExistsError:
        raise
    except OSError:  # a file system without hard links (FAT, some network shares)
        if target.exists():
            raise FileExistsError(target) from None
        os.replace(tmp, target)


def _holds(path: Path, text: str) -> bool:
    """True if the file already contains exactly ``text``."""
    try:
        return path.stat().st_size == len(text.encode("utf-8")) and path.read_text(encoding="utf-8") == text
    except (OSError, UnicodeDecodeError):
        return False
