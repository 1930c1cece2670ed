"""The line trainer's checkpoint: a resumed trainer has the same weights, optimiser and state."""

from __future__ import annotations

import argparse

import numpy as np
import pytest

pytest.importorskip("tensorflow")


def args_for(tmp_path, arch: str = "conv") -> argparse.Namespace:
    from textrecog.training.train_line import parse_args

    return parse_args(["--unipen", "unused", "--out", str(tmp_path / "out"), "--arch", arch, "--convs", "4,4,4,4",
                       "--layers", "1", "--channels", "8", "--kernel", "3", "--rnn", "4"])


def one_batch():
    from textrecog.data.linesampler import make_batch
    from textrecog.decoding.charset import LINE_ALPHABET
    from textrecog.imaging.normalize import LineSpec

    rng = np.random.default_rng(0)
    images = [rng.integers(0, 255, (32, w), dtype=np.uint8) for w in (60, 80)]
    return make_batch(images, ["ab", "cd"], LINE_ALPHABET, LineSpec())


@pytest.mark.parametrize("arch", ["conv", "crnn"])
def test_resumed_trainer_has_the_same_state(tmp_path, arch):
    from textrecog.training.line_setup import save_checkpoint
    from textrecog.training.line_training import Trainer

    args, work = args_for(tmp_path, arch), tmp_path / "work"
    work.mkdir()
    first = Trainer(args, work)
    b = one_batch()
    for _ in range(3):
        first._step(b.images, b.labels, b.label_len, b.frames)
    first.state.update(epoch=3, lr=5e-4)
    first.opt.learning_rate.assign(5e-4)
    first.end_epoch(0.5)  # saves weights, optimiser and state
    # the arguments now ask for another size: a resumed run keeps the architecture it started with
    args.channels, args.rnn = 16, 8
    second = Trainer(args, work)
    assert second.arch == first.arch and second.state == first.state
    assert float(second.opt.learning_rate.numpy()) == pytest.approx(5e-4)
    for a, b_ in zip(first.model.get_weights(), second.model.get_weights()):
        np.testing.assert_array_equal(a, b_)
    for a, b_ in zip(first.opt.variables, second.opt.variables):
        np.testing.assert_array_equal(a.numpy(), b_.numpy())
    assert int(second.opt.iterations.numpy()) == 3
    # the same through a committed checkpoint folder (--init) and a fresh work folder, as in a later session
    save_checkpoint(work, tmp_path / "candidate")
    args.init = str(tmp_path / "candidate")
    (tmp_path / "fresh").mkdir()
    third = Trainer(args, tmp_path / "fresh")
    assert third.state == first.state and int(third.opt.iterations.numpy()) == 3
    for a, b_ in zip(first.opt.variables, third.opt.variables):
        np.testing.assert_array_equal(a.numpy(), b_.numpy())


def test_anneal_is_a_cosine_that_a_resumed_run_continues(tmp_path):
    from textrecog.training.line_training import MIN_LR, Trainer

    args, work = args_for(tmp_path), tmp_path / "work"
    args.lr, args.anneal, args.patience = 4e-4, 4, 1
    work.mkdir()
    t = Trainer(args, work)
    rates = []
    for _ in range(2):
        t.set_rate()
        rates.append(t.state["lr"])
        t.record(1.0, 0.5, 1.0, 1.0)
        assert t.end_epoch(0.5)  # no better CER, patience 1, yet the anneal goes on
    resumed = Trainer(args, work)  # the same command again: the anneal continues, it does not restart
    assert resumed.state["anneal"] == {"start": 0, "epochs": 4, "peak": 4e-4}
    for _ in range(2):
        resumed.set_rate()
        rates.append(resumed.state["lr"])
        resumed.record(1.0, 0.5, 1.0, 1.0)
        resumed.end_epoch(0.5)
    assert rates[0] == pytest.approx(4e-4) and rates == sorted(rates, reverse=True)
    assert rates[2] == pytest.approx(MIN_LR + 0.5 * (4e-4 - MIN_LR))
    assert not resumed.annealing()  # over: the plateau rule and patience apply again
    assert not resumed.end_epoch(0.5)


def test_a_run_validating_on_other_lines_rescores_the_best_weights_first(tmp_path):
    from textrecog.training.line_setup import cer_of
    from textrecog.training.line_training import Trainer

    args, work = args_for(tmp_path), tmp_path / "work"
    work.mkdir()
    first = Trainer(args, work)
    first.record(1.0, 0.05, 1.0, 1.0)
    first.end_epoch(0.05)  # best: 0.05, measured on the plain validation lines
    val = [one_batch()]
    first.rescore(val)  # the same sample: nothing to rescore
    assert first.state["best_cer"] == 0.05 and first.state["val"] == "800 lines"
    args.ruled = 0.3  # a later run adds lines on ruled paper: a CER on another sample
    second = Trainer(args, work)
    second.rescore(val)
    measured = cer_of(lambda x: second.model(x, training=False), val)
    assert second.state["best_cer"] == pytest.approx(measured) and measured > 0.05
    assert second.state["val"] == "800 lines, 240 of them also on ruled paper"
    assert second.state["rescored"] == [{"epoch": 1, "val": second.state["val"], "best_cer": round(measured, 5)}]
