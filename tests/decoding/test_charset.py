import pytest

from textrecog.decoding.charset import DIGITS, parse_charset


def test_named_sets_and_given_characters():
    assert parse_charset("digits") == frozenset(DIGITS)
    assert parse_charset("ABC-") == frozenset("ABC-")
    assert parse_charset("xyz") == frozenset("xyz")  # short words are characters
    assert parse_charset("chars:digit") == frozenset("digt")  # never taken for a name
    assert parse_charset("chars:UPPER") == frozenset("UPER")


@pytest.mark.parametrize("typo, meant", [("digit", "digits"), ("uper", "upper"), ("alnumm", "alnum"),
                                         ("lowr", "lower"), ("Digits", "digits"), ("UPPER", "upper")])
def test_a_misspelt_name_is_an_error_not_an_empty_reading(typo, meant):
    with pytest.raises(ValueError, match=f"did you mean {meant}.*names: digits, upper, lower, alnum.*chars:{typo}"):
        parse_charset(typo)


def test_chars_with_nothing_after_is_empty():
    with pytest.raises(ValueError, match="empty"):
        parse_charset("chars:")


def test_empty_is_an_error():
    with pytest.raises(ValueError, match="empty"):
        parse_charset("")
