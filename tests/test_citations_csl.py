"""The one mapping document -> CSL-JSON (catalogue.citations.csl)."""

import datetime
import re
from pathlib import Path

import pytest

from catalogue.citations.csl import csl_date, csl_item, for_citation, person_name
from catalogue.models import Archive, Correspondent, CorrespondentRole, Document, DocumentType
from tests.factories import make_collection, make_document, make_organisation, make_person

ACCESSED = datetime.date(2025, 1, 15)


def item_for(identifier):
    document = for_citation(Document.objects.all()).get(identifier=identifier)
    url = f"http://testserver/documents/{identifier}/"
    return csl_item(document, url=url, accessed=ACCESSED)


def test_seed_letter_maps_to_the_expected_item(seed):
    assert item_for("D000001") == {
        "id": "D000001",
        "type": "personal_communication",
        "genre": "letter",
        "author": [{"family": "Chicherin", "given": "Georgy Vasilyevich"}],
        "recipient": [{"family": "Frunze", "given": "Mikhail Vasilyevich"}],
        "issued": {"date-parts": [[1921, 12, 26]]},
        "archive": "AVP RF",
        "archive-place": "Moscow",
        "collection-title": (
            "Selected Secret Documents from Soviet Foreign Policy Documents Archives – 1919 to 1941"
        ),
        "language": "en",
        "URL": "http://testserver/documents/D000001/",
        "accessed": {"date-parts": [[2025, 1, 15]]},
        # issue 15: the seed relates the letter to the note announcing Frunze's embassy
        "custom": {
            "relations": [
                {
                    "relation": "same_event",
                    "label": "Another record of the same conversation or event",
                    "id": "D000010",
                    "URL": "http://testserver/documents/D000010/",
                }
            ]
        },
    }


def test_seed_diary_is_a_manuscript_with_a_date_range(seed):
    item = item_for("D000009")
    assert item["type"] == "manuscript"
    assert item["genre"] == "diary entry"
    assert item["title"].startswith("From the diary of Ivanov")
    assert item["issued"] == {"date-parts": [[1939, 8, 20], [1939, 8, 26]]}
    assert "recipient" not in item


def test_seed_body_recipient_is_a_literal(seed):
    item = item_for("D000002")
    assert item["recipient"] == [
        {"literal": "People's Commissariat of Foreign Affairs of the USSR"}
    ]


def test_seed_printed_source_and_archival_location(seed):
    printed = item_for("D000010")
    assert printed["container-title"] == "Dokumenty vneshnei politiki SSSR"
    assert (printed["volume"], printed["page"]) == ("4", "270")
    assert (printed["publisher"], printed["publisher-place"]) == ("Gospolitizdat", "Moscow")
    # Cited as printed in the 1960 volume; the note's own date is the event and original date.
    assert printed["issued"] == {"date-parts": [[1960]]}
    assert printed["event-date"] == printed["original-date"] == {"date-parts": [[1921, 8, 13]]}
    assert "collection-title" not in printed
    archival = item_for("D000005")
    assert (
        archival["archive_location"] == Document.objects.get(identifier="D000005").archival_location
    )
    assert archival["archive_location"].startswith("f. 059")
    assert "container-title" not in archival


@pytest.mark.parametrize(
    ("edtf", "expected"),
    [
        ("1921-12-26", {"date-parts": [[1921, 12, 26]]}),
        ("1921-12", {"date-parts": [[1921, 12]]}),
        ("1921", {"date-parts": [[1921]]}),
        ("1921~", {"date-parts": [[1921]], "circa": True}),
        ("1921-12-26?", {"date-parts": [[1921, 12, 26]]}),
        ("1939-08-20/1939-08-26", {"date-parts": [[1939, 8, 20], [1939, 8, 26]]}),
        ("1921-05/1921-07", {"date-parts": [[1921, 5], [1921, 7]]}),
        ("192X", {"date-parts": [[1920], [1929]]}),
        ("", None),
        ("not a date", None),
        ("1921-13", None),
        ("1921-12-26/..", {"date-parts": [[1921, 12, 26]]}),
    ],
)
def test_csl_dates_from_edtf(edtf, expected):
    assert csl_date(edtf) == expected


@pytest.mark.parametrize(
    ("sort_name", "display", "expected"),
    [
        ("Chicherin, G. V.", "G. V. Chicherin", {"family": "Chicherin", "given": "G. V."}),
        ("Ali Fuad", "Ali Fuad", {"literal": "Ali Fuad"}),
        ("Enver Pasha,", "Enver Pasha", {"literal": "Enver Pasha"}),
    ],
)
def test_person_names(sort_name, display, expected):
    assert person_name(sort_name, display) == expected


@pytest.mark.django_db
def test_signatories_stand_in_for_missing_authors_and_bodies_are_literals():
    archive = Archive.objects.create(name="Archive X", abbreviation="AX", place="Kyiv")
    document = make_document(
        collection=make_collection(archive=archive),
        doc_type=DocumentType.RECORD_OF_CONVERSATION,
        translator="Smith, Jane",
        fond="1",
        folios="2–3",
    )
    signer = make_person("Lev Karakhan", sort_name="Karakhan, Lev")
    Correspondent.objects.create(document=document, role=CorrespondentRole.SIGNATORY, person=signer)
    body = make_organisation("NKID")
    Correspondent.objects.create(
        document=document, role=CorrespondentRole.RECIPIENT, organisation=body
    )
    item = item_for(document.identifier)
    assert item["type"] == "manuscript"
    assert item["author"] == [{"family": "Karakhan", "given": "Lev"}]
    assert item["recipient"] == [{"literal": "NKID"}]
    assert item["translator"] == [{"family": "Smith", "given": "Jane"}]
    # A document without its own archive is held where its collection's archive is.
    assert (item["archive"], item["archive-place"]) == ("AX", "Kyiv")
    assert item["archive_location"] == "f. 1, l. 2–3"


@pytest.mark.parametrize(
    "identifier", ["D000001", "D000002", "D000003", "D000005", "D000006", "D000010"]
)
def test_correspondence_is_untitled_so_that_styles_name_it_once(seed, identifier):
    """Letters, telegrams and notes are named by author, genre and recipient (CMOS 14.111,
    FRUS, Founders Online); a title as well made every style say it twice."""
    item = item_for(identifier)
    assert item["type"] == "personal_communication"
    assert "title" not in item
    assert item["genre"] in {"letter", "telegram", "note"}


@pytest.mark.django_db
def test_printed_source_without_a_year_keeps_the_documents_date():
    document = make_document(date_edtf="1921-08-13", printed_volume="4", printed_page="270")
    item = item_for(document.identifier)
    assert item["issued"] == {"date-parts": [[1921, 8, 13]]}
    assert "event-date" not in item and "original-date" not in item


PAGES = Path(__file__).parent / "data" / "pages"
PRINTED_LINE = re.compile(r"Volume (\d+)\. p\. (\d+)\..*?(\d{4})\s*$")
ARCHIVAL_LINE = re.compile(r"avp rf, f\.(\d+), op\.(\d+), p\.(\d+), d\.(\d+), l\.([\d‐-]+)")


def test_seed_fixtures_carry_the_sources_the_pages_give(seed):
    """Where a source page prints a volume and page (and its year) or an archival reference,
    the seed document has them, so that its citations can give them."""
    found = 0
    for page in PAGES.glob("00[0-9]-*.txt"):  # the seed pages; 2xx/3xx are importer material
        for line in page.read_text(encoding="utf-8").splitlines():
            if printed := PRINTED_LINE.search(line):
                document = Document.objects.get(source_note=line.strip())
                volume, number, year = printed.groups()
                assert (document.printed_volume, document.printed_page) == (volume, number)
                assert document.printed_year == year
                found += 1
            if archival := ARCHIVAL_LINE.search(line):
                document = Document.objects.get(archival_reference__startswith="avp rf, f.059")
                assert (document.fond, document.opis, document.papka, document.delo) == (
                    archival.groups()[:4]
                )
                assert document.archival_location in item_for(document.identifier).values()
                found += 1
    assert found == 2
