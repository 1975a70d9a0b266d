"""The importer's CPU shortcuts give what the long way gives (issue 13, item 7): plain EDTF
dates without the EDTF grammar, n-gram keys built from word keys, fold's ASCII path."""

import pytest
from django.core.exceptions import ValidationError

from catalogue import dates
from catalogue.importers.authorities import _ngrams
from catalogue.text import fold, name_key

PLAIN = ["1921", "1921-05", "1921-02", "1924-02", "1921-05-13", "1924-02-29", "1941-12-31"]


def grammar(value: str):
    """parse_date_range the long way (the EDTF grammar), not memoised."""
    try:
        parsed = dates.parse_edtf(value)
        start, end = dates._to_date(parsed.lower_strict()), dates._to_date(parsed.upper_strict())
    except Exception:  # noqa: BLE001 - any refusal
        return None
    return dates.DateRange(start, end, dates._precision(start, end), False, False)


@pytest.mark.parametrize("value", PLAIN)
def test_a_plain_date_is_read_without_the_edtf_grammar(value, monkeypatch):
    expected = grammar(value)

    def refuse(value):
        raise AssertionError("the EDTF grammar was used")

    monkeypatch.setattr(dates, "parse_edtf", refuse)
    assert dates.parse_date_range.__wrapped__(value) == expected


@pytest.mark.parametrize("value", ["1921-02-29", "1921-13", "1921-00-10", "0000", "1921-05-13?"])
def test_other_dates_still_go_to_the_grammar(value):
    expected = grammar(value)
    if expected is None:
        with pytest.raises(ValidationError):
            dates.parse_date_range.__wrapped__(value)
    else:
        assert dates.parse_date_range.__wrapped__(value).start == expected.start


TEXT = (
    "The peopleʹs commissar met Saraçoğlu‐Bey’s envoy, Ali Fuad (Angora), at Erivan; "
    "Mazar-i-Sharif, Straße, ﬁnal e\u0301cole, x_y, 1921½ and “Kars” …"
)


def test_every_ngram_key_is_the_name_key_of_its_words():
    words, grams = _ngrams(TEXT)
    assert grams
    for start, size, key in grams:
        printed = TEXT[words[start].start() : words[start + size - 1].end()]
        assert key == name_key(printed)


def long_fold(text: str) -> str:
    """fold as it was before its ASCII path."""
    import re
    import unicodedata

    from catalogue.text import normalise_typography

    text = unicodedata.normalize("NFKD", normalise_typography(text))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = re.sub(r"[^\w\s]+", " ", text.casefold().replace("'", ""))
    return re.sub(r"\s+", " ", text).strip()


@pytest.mark.parametrize("text", ["Plain ASCII, with_punctuation!", "Angora's  'x'", TEXT, ""])
def test_fold_gives_what_the_long_way_gives(text):
    assert fold(text) == long_fold(text)
