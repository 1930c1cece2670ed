"""Chunk planning of the local pool: small first and last chunks, in order, bounded bytes."""

from __future__ import annotations

from textrecog.batch.pool import chunk_plan
from textrecog.batch.worker import Job


def jobs(tmp_path, n: int, size: int = 10) -> list[Job]:
    out = []
    for i in range(n):
        p = tmp_path / f"{i:04d}.png"
        p.write_bytes(b"x" * size)
        out.append(Job(str(p)))
    return out


def test_chunks_start_at_one_file_a_worker_and_double_up_to_the_cap(tmp_path):
    sizes = [len(c) for c in chunk_plan(jobs(tmp_path, 1000), workers=2, cap=32)]
    assert sizes[:8] == [1, 1, 2, 2, 4, 4, 8, 8]
    assert max(sizes) == 32


def test_chunks_shrink_at_the_end_and_keep_every_job_in_order(tmp_path):
    todo = jobs(tmp_path, 1000)
    chunks = chunk_plan(todo, workers=2, cap=32)
    assert [j for c in chunks for j in c] == todo
    tail = [len(c) for c in chunks][-10:]
    assert tail == sorted(tail, reverse=True) and tail[-1] == 1  # the last chunks get smaller, down to one file


def test_chunks_hold_bounded_bytes_but_never_nothing(tmp_path):
    chunks = chunk_plan(jobs(tmp_path, 40, size=100), workers=1, cap=32, max_bytes=250)
    assert all(1 <= len(c) <= 3 for c in chunks)
    (tmp_path / "big").mkdir()
    big = chunk_plan(jobs(tmp_path / "big", 3, size=1000), workers=1, cap=32, max_bytes=10)
    assert [len(c) for c in big] == [1, 1, 1]  # a file larger than the limit still goes, alone


def test_no_jobs_no_chunks():
    assert chunk_plan([], workers=4) == []


def _args(model, jobs: int):
    from textrecog.batch.command import parse_args
    from textrecog.decoding.flags import options_from_args

    args = parse_args(["x", "--model", str(model), "--jobs", str(jobs), "--format", "jsonl"])
    args.options = options_from_args(args)
    return args


def _images(tmp_path, n: int) -> list[Job]:
    import cv2
    from conftest import blank, draw_word

    out = []
    for i in range(n):
        img = blank(100, 300)
        draw_word(img, str(i), 20, 70, scale=2.0, gap=10)
        cv2.imwrite(str(tmp_path / f"{i:03d}.png"), img)
        out.append(Job(str(tmp_path / f"{i:03d}.png")))
    return out


def test_results_come_chunk_by_chunk_in_order_and_stop_after_the_one_in_flight(tmp_path, tiny_model):
    from textrecog.batch.pool import local_results

    todo = _images(tmp_path, 12)
    chunks = chunk_plan(todo, workers=1)
    seen = [[o.path for o in outcomes] for outcomes in local_results(chunks, _args(tiny_model, 1), lambda: False,
                                                                    "fork")]
    assert seen == [[j.path for j in c] for c in chunks] and len(seen[0]) == 1
    calls = []
    stopped = list(local_results(chunks, _args(tiny_model, 1), lambda: calls.append(1) or len(calls) > 2, "fork"))
    assert [len(o) for o in stopped] == [len(c) for c in chunks[:2]]


def test_a_pool_stops_sending_but_delivers_what_it_sent(tmp_path, tiny_model):
    from textrecog.batch.pool import local_results

    todo = _images(tmp_path, 30)
    chunks = chunk_plan(todo, workers=2)
    flag = []
    got = []
    from textrecog.batch.command import _start_method

    # as the command does: a process that has run recognition (earlier tests) starts workers from a forkserver
    for outcomes in local_results(chunks, _args(tiny_model, 2), lambda: bool(flag), _start_method()):
        got.append([o.path for o in outcomes])
        flag.append(1)  # stop asked once the first chunk is in
    assert got == [[j.path for j in c] for c in chunks[: len(got)]]
    assert 1 < len(got) <= 2 * 2 + 1 < len(chunks)  # the chunks already sent (two a worker), nothing after
