import subprocess
import sys

import pytest

from textrecog.training.workdir import work_folder


def test_a_failed_run_removes_the_folder_it_made_when_nothing_can_continue(tmp_path, capsys):
    work = tmp_path / "out.work"
    with pytest.raises(RuntimeError), work_folder(work):
        (work / "tensorboard").mkdir()
        raise RuntimeError("data broke")
    assert not work.exists() and capsys.readouterr().err == ""


def test_a_checkpoint_is_kept_and_the_way_to_continue_said(tmp_path, capsys):
    work = tmp_path / "out.work"
    with pytest.raises(KeyboardInterrupt), work_folder(work):
        (work / "state.json").write_text("{}")
        raise KeyboardInterrupt
    err = capsys.readouterr().err
    assert (work / "state.json").exists()
    assert err.count("\n") == 1 and str(work) in err and "run the same command again" in err


def test_a_folder_that_was_there_is_never_removed(tmp_path):
    work = tmp_path / "mine"
    work.mkdir()
    (work / "notes.txt").write_text("the user's")
    with pytest.raises(ValueError), work_folder(work):
        raise ValueError
    assert (work / "notes.txt").read_text() == "the user's"


@pytest.mark.parametrize("kind", ["char", "line"])
def test_unipen_pointing_at_a_folder_of_images_is_one_line(tmp_path, kind):
    images = tmp_path / "my-images"
    images.mkdir()
    (images / "a.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    out = tmp_path / "model"
    proc = subprocess.run([sys.executable, "-m", "textrecog", "train", "--kind", kind, "--unipen", str(images),
                           "--out", str(out)], capture_output=True, text=True, timeout=300)
    lines = [ln for ln in proc.stderr.splitlines() if ln.startswith("textrecog train:")]
    assert proc.returncode == 2 and "Traceback" not in proc.stderr, proc.stderr
    assert len(lines) == 1 and str(images) in lines[0] and "data/" in lines[0] and "--gt" in lines[0]
    assert not (tmp_path / "model.work").exists() and not out.exists()
