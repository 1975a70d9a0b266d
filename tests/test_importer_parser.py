"""The transcription parser against hand-written expectations, and its parts."""

import json
from pathlib import Path

import pytest

from catalogue.importers.dates import find_date
from catalogue.importers.parser import ParsedDocument, parse_heading, parse_lines, parse_page
from catalogue.importers.references import archival_reference, printed_source
from catalogue.importers.text import read_page
from catalogue.markers import split_footnote_line

DATA = Path(__file__).parent / "data"
PAGES = DATA / "pages"
EXPECTATIONS = json.loads((DATA / "import_expectations.json").read_text(encoding="utf-8"))


def parse_file(path):
    return parse_page(read_page(path.read_bytes()))


def comparable(fields: dict) -> dict:
    fields = dict(fields)
    if "warnings" in fields:
        fields["warnings"] = sorted(fields["warnings"])
    return fields


EXPECTED_DOCUMENTS = [
    (name, index, expected)
    for name, page in EXPECTATIONS["pages"].items()
    for index, expected in enumerate(page["documents"])
]


def test_there_are_expectations_for_at_least_twelve_documents_seed_included():
    assert len(EXPECTED_DOCUMENTS) >= 12
    assert "000-seed.txt" in EXPECTATIONS["pages"]


@pytest.mark.parametrize("name", list(EXPECTATIONS["pages"]))
def test_page_yields_one_document_per_printed_document(name):
    page = parse_file(PAGES / name)
    expected = EXPECTATIONS["pages"][name]
    assert len(page.documents) == len(expected["documents"])
    assert page.source_url == expected["source_url"]


@pytest.mark.parametrize(
    ("name", "index", "expected"),
    EXPECTED_DOCUMENTS,
    ids=[f"{name}[{index}]" for name, index, _ in EXPECTED_DOCUMENTS],
)
def test_document_fields_match_the_hand_written_expectations(name, index, expected):
    parsed = parse_file(PAGES / name).documents[index].as_dict()
    known_wrong = EXPECTATIONS.get("known_wrong", {})
    expected = {f: v for f, v in expected.items() if f"{name}[{index}] {f}" not in known_wrong}
    got = comparable({field: parsed[field] for field in expected})
    assert got == comparable(expected)


HTML_VERSIONS = {
    "000-seed.html": "000-seed.txt",
    "002-1938-03-18-telegrams.html": "002-1938-03-18-telegrams.txt",
    "007-1921-08-13-note-volume4.html": "007-1921-08-13-note-volume4.txt",
}


@pytest.mark.parametrize(("html_name", "text_name"), HTML_VERSIONS.items())
def test_html_page_gives_the_same_documents_as_its_text(html_name, text_name):
    html_page = parse_file(PAGES / "html" / html_name)
    expected = EXPECTATIONS["pages"][text_name]["documents"]
    assert len(html_page.documents) == len(expected)
    for parsed, want in zip(html_page.documents, expected, strict=True):
        got = parsed.as_dict()
        assert comparable({field: got[field] for field in want}) == comparable(want)


def test_html_page_address_comes_from_canonical_link_or_saved_from_comment():
    assert parse_file(PAGES / "html" / "000-seed.html").source_url.endswith(
        "December%2026%201921%20letter.htm"
    )
    assert parse_file(PAGES / "html" / "007-1921-08-13-note-volume4.html").source_url == (
        "https://neodemocracy.blogspot.com/2020/10/note-of-plenipotentiary-representative.html"
    )


def test_windows_1252_html_page_keeps_accents_and_entities():
    page = parse_file(PAGES / "html" / "002-1938-03-18-telegrams.html")
    assert page.documents[0].signature == "Chargé dʹaffaires"
    assert "peopleʹs commissariat" in page.documents[0].heading


def test_body_keeps_typography_as_printed():
    seed = parse_file(PAGES / "000-seed.txt").documents[0]
    assert "Yusuf Kemalʹs proposal" in seed.body
    assert seed.heading.startswith("Letter from the peopleʹs commissar")


def test_closing_caption_and_furniture_are_not_document_text():
    seed = parse_file(PAGES / "000-seed.txt").documents[0]
    everything = seed.body + "".join(note.text for note in seed.footnotes)
    assert "December 26, 1921, letter from" not in everything
    assert "Download PDF" not in everything
    assert "Home Page" not in everything


def test_two_documents_with_the_same_heading_are_both_kept():
    page = parse_file(PAGES / "004-1921-05-13-notes-ali-fuad.txt")
    assert [doc.reference_number for doc in page.documents] == ["no. 11/930", "no. 11/1013"]


def test_lines_without_any_heading_give_no_document():
    assert parse_lines(["Marx-Engels | Lenin | Stalin | Home Page", "Some text."]) == []


def test_content_checksum_ignores_typography_and_case():
    one = ParsedDocument(heading="Letter from the peopleʹs commissar", body="Dear  comrade,")
    two = ParsedDocument(heading="letter from the people's commissar", body="Dear comrade,")
    three = ParsedDocument(heading="letter from the people's commissar", body="Dear sir,")
    assert one.content_checksum() == two.content_checksum() != three.content_checksum()


@pytest.mark.parametrize(
    ("text", "written", "edtf"),
    [
        ("December 26, 1921", "December 26, 1921", "1921-12-26"),
        ("10 July 1940", "10 July 1940", "1940-07-10"),
        ("Out of line 24 November 1938", "24 November 1938", "1938-11-24"),
        ("August 20\u201026, 1939 secret", "August 20\u201026, 1939", "1939-08-20/1939-08-26"),
        ("20-26 August 1939", "20-26 August 1939", "1939-08-20/1939-08-26"),
        ("August 30 - September 2, 1939", "August 30 - September 2, 1939",
         "1939-08-30/1939-09-02"),
        ("December 1921", "December 1921", "1921-12"),
        ("Dec. 5, 1921", "Dec. 5, 1921", "1921-12-05"),
        ("February 30, 1921", "February 30, 1921", ""),
    ],
)  # fmt: skip
def test_dates_as_written_and_in_edtf(text, written, edtf):
    found = find_date(text)
    assert (found.written, found.edtf) == (written, edtf)


def test_invalid_date_is_a_warning_not_a_failure():
    [document] = parse_lines(["Letter from A to B", "February 30, 1921", "Dear comrade,", "Text."])
    assert document.date_written == "February 30, 1921"
    assert document.date_edtf == ""
    assert "the date “February 30, 1921” is not a valid calendar date" in document.warnings


def test_no_date_line_is_a_warning():
    [document] = parse_lines(["Letter from A to B", "Dear comrade,", "Text.", "Chicherin"])
    assert "no date line found" in document.warnings
    assert document.signature == "Chicherin"


def test_archival_reference_is_split_into_its_parts():
    reference = archival_reference("avp rf, f.059, op.1, p.322, d.2216, l.161\u2010162.")
    assert reference.archive == "AVP RF"
    assert reference.as_printed == "avp rf, f.059, op.1, p.322, d.2216, l.161\u2010162"
    assert reference.parts == {
        "fond": "059",
        "opis": "1",
        "papka": "322",
        "delo": "2216",
        "folios": "161\u2010162",
    }
    assert archival_reference("Mikhailov said nothing, at all.") is None


def test_printed_source_volume_page_and_number():
    source = printed_source("A source: USSR foreign policy documents. Volume 4. p. 270. No. 187")
    assert (source.volume, source.page, source.number) == ("4", "270", "187")
    assert printed_source("Print. By architect.").volume == ""


def test_footnote_texts_sharing_a_line_are_split_at_sentence_ends():
    assert split_footnote_line("* see doc. .49 152.170. ** means Francesco salata.") == [
        ("*", "see doc. .49 152.170."),
        ("**", "means Francesco salata."),
    ]
    assert split_footnote_line("[1] see doc. No. 187 and * above") == [
        ("[1]", "see doc. No. 187 and * above")
    ]
    assert split_footnote_line("In this regard, on November 27") == [
        ("", "In this regard, on November 27")
    ]


def test_heading_type_extract_place_and_date():
    heading = parse_heading(
        "May 12, 1938, from telegram of the plenipotentiary representative of the USSR, from Ankara"
    )
    assert heading.doc_type == "telegram"
    assert heading.is_extract
    assert heading.place == "Ankara"
    assert heading.date.edtf == "1938-05-12"
    assert parse_heading("Note that the Turks did not come.") is None


def test_bracketed_markers_are_matched_to_their_texts():
    [document] = parse_lines(
        [
            "Telegram of the NKID to the embassy in Ankara",
            "December 1, 1921",
            "The treaty [1] is signed [2].",
            "Chicherin",
            "[1] The treaty of Moscow.",
        ]
    )
    assert [(note.marker, note.text) for note in document.footnotes] == [
        ("[1]", "The treaty of Moscow.")
    ]
    assert "footnote [2] has no text" in document.warnings
