"""Record and document writing on a full or unwritable disk: one clear error, never a partial record."""

from __future__ import annotations

import errno
import json
import os

import pytest

from textrecog.output import records
from textrecog.output.records import OutputError, RecordWriter, write_new


def test_a_full_disk_leaves_no_partial_record(tmp_path, monkeypatch):
    out = tmp_path / "r.jsonl"
    writer = RecordWriter(out, "jsonl", append=False)
    writer.write({"path": "a.png", "text": "first"})
    real = os.write

    def full(fd, data):
        real(fd, data[: len(data) // 2])  # the disk fills half way through the record
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(records.os, "write", full)
    with pytest.raises(OutputError) as err:
        writer.write({"path": "b.png", "text": "second, longer than the space left"})
    monkeypatch.undo()
    writer.close()
    assert err.value.strerror == f"cannot write {out}: No space left on device"
    assert [json.loads(line)["path"] for line in out.read_text().splitlines()] == ["a.png"]


def test_an_output_that_cannot_be_opened_is_one_error(tmp_path):
    (tmp_path / "file").write_text("x")
    with pytest.raises(OutputError, match=r"cannot write .*r\.jsonl: Not a directory"):
        RecordWriter(tmp_path / "file" / "r.jsonl", "jsonl", append=False)


@pytest.mark.parametrize("code, fatal", [(errno.ENOSPC, True), (errno.EROFS, True), (errno.EACCES, False)])
def test_a_document_on_a_full_or_read_only_disk_stops_the_run(tmp_path, monkeypatch, code, fatal):
    def refuse(self, data):
        raise OSError(code, os.strerror(code))

    monkeypatch.setattr(records.Path, "write_bytes", refuse)
    target = tmp_path / "a.alto.xml"
    if fatal:  # no later document could be written either: the run must stop
        with pytest.raises(OutputError, match=os.strerror(code)):
            write_new(target, b"<alto/>", overwrite=False)
    else:  # one folder the user cannot write: that file's error
        assert write_new(target, b"<alto/>", overwrite=False).startswith(f"cannot write {target}")
    assert list(tmp_path.iterdir()) == []  # no temporary file left
