"""The shared argparse types: values converted, bad ones refused with what was wanted."""

from __future__ import annotations

import argparse

import pytest

from textrecog.argtypes import parse_megapixels, parse_size, positive_int, probability


@pytest.mark.parametrize("fn, text, value", [
    (positive_int, "3", 3), (probability, "0.25", 0.25), (probability, "1", 1.0),
    (parse_size, "512M", 512 * 2**20), (parse_size, "1.5k", 1536), (parse_size, "100", 100),
    (parse_megapixels, "2.5", 2_500_000),
])
def test_values_convert(fn, text, value):
    assert fn(text) == value


@pytest.mark.parametrize("fn, text, message", [
    (positive_int, "0", "must be at least 1, not 0"), (positive_int, "two", "expected a whole number, not 'two'"),
    (probability, "1.5", "must be a probability from 0 to 1, not 1.5"), (probability, "x", "expected a number"),
    (parse_size, "12Q", "expected a size such as 200M, not '12Q'"), (parse_size, "0", "at least 1 byte"),
    (parse_size, "", "expected a size"), (parse_megapixels, "-1", "must be above 0, not -1"),
    (parse_megapixels, "big", "expected a number of megapixels"),
])
def test_bad_values_say_what_was_wanted(fn, text, message):
    with pytest.raises(argparse.ArgumentTypeError, match=message.replace("(", r"\(").replace(".", r"\.")):
        fn(text)


def test_an_option_error_names_the_option(capsys):
    from textrecog.imaging.flags import add_input_args

    p = argparse.ArgumentParser(prog="textrecog")
    add_input_args(p)
    with pytest.raises(SystemExit):
        p.parse_args(["--max-megapixels", "0"])
    assert "argument --max-megapixels: must be above 0, not 0" in capsys.readouterr().err
