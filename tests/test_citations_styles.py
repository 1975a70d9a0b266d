"""Citation styles: citeproc-py plus the layer that makes it read as citeproc-js (Zotero).

tests/data/citeproc_js/ holds what citeproc-js rendered (tools/citeproc-js/update.sh): the seed
documents' CSL-JSON as our mapping produced it, the hand-written layer cases, and every item in
every style, as text and HTML.
"""

import datetime
import hashlib
import html
import json
import re
from pathlib import Path

import pytest

from catalogue.citations import compat, styles
from catalogue.citations.csl import csl_item, for_citation
from catalogue.models import Document

DATA = Path(__file__).parent / "data" / "citeproc_js"
ITEMS = json.loads((DATA / "items.json").read_text(encoding="utf-8"))
EXPECTED = json.loads((DATA / "expected.json").read_text(encoding="utf-8"))
ACCESSED = datetime.date(2025, 1, 15)  # as in tools/citeproc-js/export_items.py

# Written by hand from the Chicago Manual of Style's pattern for a letter (14.111), read as
# FRUS and Founders Online name one: who wrote to whom, the date, where the letter is held, the
# collection and its address. Nothing is said twice.
SEED_CHICAGO_NOTE = (
    "Georgy Vasilyevich Chicherin, letter to Mikhail Vasilyevich Frunze, Selected Secret "
    "Documents from Soviet Foreign Policy Documents Archives – 1919 to 1941, December 26, 1921, "
    "AVP RF, Moscow, http://testserver/documents/D000001/."
)
# A document printed in a volume of known year is cited from it (CMOS 14.111; Founders
# Online's "Original source"), with the archival reference after it.
PRINTED_CHICAGO_NOTE = (
    "Yurii Kotsiubynsky, note to Ali Fuat Cebesoy, August 13, 1921, in Dokumenty Vneshnei "
    "Politiki SSSR (1921; Moscow: Gospolitizdat, 1960), 4:270, AVP RF, Moscow, "
    "http://testserver/documents/D000010/."
)
ARCHIVAL_CHICAGO_NOTE = (
    "Mikhailov, telegram to People’s Commissariat of Foreign Affairs of the USSR, Selected Secret "
    "Documents from Soviet Foreign Policy Documents Archives – 1919 to 1941, December 10, 1940, "
    "f. 059, op. 1, p. 322, d. 2216, l. 161–162, AVP RF, Moscow, "
    "http://testserver/documents/D000005/."
)


def seed_item(identifier):
    document = for_citation(Document.objects.all()).get(identifier=identifier)
    return csl_item(
        document, url=f"http://testserver{document.get_absolute_url()}", accessed=ACCESSED
    )


def expected(item_id, style, output):
    text = EXPECTED["items"][item_id][style.csl][style.form][output]
    if output == "html" and style.form == "bibliography":
        text = text.removeprefix('<div class="csl-entry">').removesuffix("</div>")
    return text


def test_seed_letter_chicago_note_reads_as_written_by_hand(seed):
    assert styles.render(seed_item("D000001"), "chicago-note") == SEED_CHICAGO_NOTE


def test_printed_and_archival_sources_are_cited_where_the_pages_give_them(seed):
    assert styles.render(seed_item("D000010"), "chicago-note") == PRINTED_CHICAGO_NOTE
    assert styles.render(seed_item("D000005"), "chicago-note") == ARCHIVAL_CHICAGO_NOTE
    apa = styles.render(seed_item("D000010"), "apa")
    assert "(1960)" in apa and "(Vol. 4, p. 270)" in apa and "(Original work published 1921)" in apa


@pytest.mark.parametrize("style_key", list(styles.STYLES))
def test_no_style_names_a_letter_twice(seed, style_key):
    """The finding: “Letter from G. V. Chicherin to M. V. Frunze,” Letter to Mikhail …"""
    for document in Document.objects.published():
        text = styles.render(seed_item(document.identifier), style_key)
        assert text.lower().count(" to ") - text.count("1919 to 1941") <= 1, text
        for recipient in document.correspondents.filter(role="recipient"):
            family = recipient.agent.sort_name.split(",")[0] if recipient.person_id else None
            if family:
                assert text.count(family) <= 1, text


def test_committed_items_are_what_the_mapping_produces_for_the_seed(seed):
    """If the mapping changes, the citeproc-js strings must be regenerated (update.sh)."""
    seed_items = [item for item in ITEMS if item["id"].startswith("D0")]
    published = Document.objects.published().order_by("identifier")
    assert [item["id"] for item in seed_items] == [doc.identifier for doc in published]
    for item in seed_items:
        assert seed_item(item["id"]) == item


def test_both_engines_read_the_same_locale_file():
    digest = hashlib.sha256(styles.LOCALE_FILE.read_bytes()).hexdigest()
    assert digest == EXPECTED["locale_sha256"]


@pytest.mark.parametrize("style_key", list(styles.STYLES))
@pytest.mark.parametrize("item", ITEMS, ids=[item["id"] for item in ITEMS])
def test_rendering_equals_citeproc_js(item, style_key):
    style = styles.STYLES[style_key]
    assert styles.render(item, style_key, "text") == expected(item["id"], style, "text")
    assert styles.render(item, style_key, "html") == expected(item["id"], style, "html")


def test_seed_letter_in_all_four_styles_equals_zotero(seed):
    item = seed_item("D000001")
    for key, style in styles.STYLES.items():
        assert styles.render(item, key) == expected("D000001", style, "text")


HOSTILE = {
    "id": "X1",
    "type": "manuscript",
    "title": "<script>alert('x')</script> & {braces} 50% Чичерин peopleʹs",
    "author": [{"literal": "<b>NKID</b> & Co"}],
    "issued": {"date-parts": [[1921]]},
    "archive": "A&B <i>",
    "archive_location": "f. <1>",
    "URL": "https://example.org/?a=1&b=<2>",
}


@pytest.mark.parametrize("style_key", list(styles.STYLES))
def test_html_escapes_the_data_and_says_what_the_text_says(style_key):
    rendered = styles.render(HOSTILE, style_key, "html")
    assert "<script" not in rendered and "<b>" not in rendered
    assert set(re.findall(r"</?(\w+)", rendered)) <= {"i", "b", "span", "sup", "sub"}
    as_text = html.unescape(re.sub(r"<[^>]+>", "", rendered))
    assert as_text == styles.render(HOSTILE, style_key, "text")
    assert "Чичерин" in as_text and "ʹ" in as_text


def test_unknown_style_is_refused():
    with pytest.raises(styles.UnknownStyle):
        styles.render(HOSTILE, "harvard")


# The layer, correction by correction -----------------------------------------------------------


@pytest.mark.parametrize(
    ("rendered", "expected_text"),
    [
        ("“Letter”, to M. V. Frunze", "“Letter,” to M. V. Frunze"),
        ("“Letter”. To M. V. Frunze", "“Letter.” To M. V. Frunze"),
        ("‘secret’”.", "‘secret.’”"),
        ("People's Commissariat", "People’s Commissariat"),
        ('on the "unity" party', "on the “unity” party"),
        ('“on the "unity" party”', "“on the ‘unity’ party”"),
        ("“on the 'unity' party”", "“on the ‘unity’ party”"),
    ],
)
def test_zotero_typography(rendered, expected_text):
    assert compat.zotero_typography(rendered) == expected_text


def test_typography_leaves_html_attributes_alone():
    rendered = '<span style="font-variant:small-caps;">People\'s</span> & co'
    assert compat.zotero_typography(rendered, html=True) == (
        '<span style="font-variant:small-caps;">People’s</span> & co'
    )


@pytest.mark.parametrize(
    ("given", "initialize", "expected_name"),
    [
        ("Georgy Vasilyevich", True, "G. V."),
        ("Ya. Z.", True, "Ya. Z."),
        ("L.M.", True, "L. M."),
        ("Mustafa", False, "Mustafa"),
        ("Yakov Z.", False, "Yakov Z."),
    ],
)
def test_initials_as_citeproc_js(given, initialize, expected_name):
    assert compat.initialize_given(given, ". ", initialize) == expected_name


@pytest.mark.parametrize(
    ("title", "expected_title"),
    [
        (
            "telegram about the straits during the crisis",
            "Telegram about the Straits during the Crisis",
        ),
        ("record of conversation: on the straits", "Record of Conversation: On the Straits"),
        ("the (young turks) and [turks]", "The (Young Turks) and [Turks]"),
        ("the ʺunity and progressʺ party", "The ʺunity and Progressʺ Party"),
        ("with 'secret' annexes", "With 'secret' Annexes"),
        ("NKID of the USSR", "NKID of the USSR"),
    ],
)
def test_title_case_as_citeproc_js(title, expected_title):
    assert compat.title_case(title) == expected_title


@pytest.mark.parametrize(
    ("date_parts", "chicago", "mla"),
    [
        ([[1939, 8, 20], [1939, 8, 26]], "August 20–26, 1939", "20–26 Aug. 1939"),
        ([[1921, 5, 30], [1921, 6, 2]], "May 30–June 2, 1921", "30 May–2 June 1921"),
        (
            [[1938, 12, 30], [1939, 1, 2]],
            "December 30, 1938–January 2, 1939",
            "30 Dec. 1938–2 Jan. 1939",
        ),
    ],
)
def test_date_ranges_collapse_in_the_order_of_the_date(date_parts, chicago, mla):
    item = {"id": "R", "type": "manuscript", "title": "Diary", "issued": {"date-parts": date_parts}}
    assert chicago in styles.render(item, "chicago-note")
    assert mla in styles.render(item, "mla")
    assert styles.render(item, "chicago-author-date")  # citeproc-py alone raised TypeError here


def test_renderings_are_cached_by_content(monkeypatch):
    from django.core.cache import cache

    from catalogue.citations import styles

    cache.clear()
    calls = []
    real_engine = styles._engine

    def counting_engine(csl, output):
        calls.append((csl, output))
        return real_engine(csl, output)

    monkeypatch.setattr(styles, "_engine", counting_engine)
    item = {"id": "x", "type": "manuscript", "title": "A note", "issued": {"date-parts": [[1921]]}}
    first = styles.render(item, "apa")
    assert styles.render(item, "apa") == first
    assert len(calls) == 1
    changed = styles.render({**item, "title": "Another note"}, "apa")
    assert "Another note" in changed and len(calls) == 2


def test_text_and_html_of_a_citation_cost_one_rendering(monkeypatch):
    from django.core.cache import cache

    cache.clear()
    calls = []
    real_engine = styles._engine
    monkeypatch.setattr(
        styles, "_engine", lambda csl, output: calls.append(output) or real_engine(csl, output)
    )
    item = {
        "id": "y",
        "type": "manuscript",
        "title": "Notes & letters",
        "issued": {"date-parts": [[1921]]},
    }
    assert "Notes &#38; Letters" in styles.render(item, "mla", "html")
    assert "Notes & Letters" in styles.render(item, "mla", "text")
    assert calls == ["html"]


@pytest.mark.parametrize("style_key", list(styles.STYLES))
def test_text_is_what_the_plain_text_engine_renders(style_key):
    """The text is derived from the HTML; citeproc-py's own plain output must agree."""
    style = styles.STYLES[style_key]
    plain_engine = styles._engine(style.csl, "text")
    for item in [*ITEMS, HOSTILE]:
        assert styles.render(item, style_key, "text") == plain_engine.render(item, style.form)


def test_style_lookups_are_memoised_without_growing():
    """The XPath memo is keyed by style elements: rendering again adds nothing to it."""
    from django.core.cache import cache

    def render_everything():
        cache.clear()
        return [styles.render(item, key, "html") for item in ITEMS for key in styles.STYLES]

    first = render_everything()
    size = len(compat._xpath_results)
    assert size > 0
    assert render_everything() == first
    assert len(compat._xpath_results) == size
