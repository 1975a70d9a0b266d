"""Citation downloads: each format parsed back with an independent parser."""

import datetime
import json

import bibtexparser
import pytest
import rispy
from bibtexparser.middlewares import LatexDecodingMiddleware
from django.db import connection
from django.http import StreamingHttpResponse
from django.test.utils import CaptureQueriesContext

from catalogue.citations import bibtex, styles
from catalogue.models import Correspondent, CorrespondentRole, Document, Person, Status
from tests.factories import make_collection, make_document, make_organisation, make_person


def body(response):
    if isinstance(response, StreamingHttpResponse):
        return b"".join(response.streaming_content).decode()
    return response.content.decode()


def parse_bibtex(text):
    library = bibtexparser.parse_string(text, append_middleware=[LatexDecodingMiddleware()])
    assert not library.failed_blocks
    return library.entries


# One document ---------------------------------------------------------------------------------


def test_seed_letter_bibtex(client, seed):
    response = client.get("/documents/D000001/cite.bib")
    assert response["Content-Type"] == "application/x-bibtex; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="D000001.bib"'
    (entry,) = parse_bibtex(body(response))
    assert entry.key == "D000001" and entry.entry_type == "misc"
    assert entry["author"] == "Chicherin, Georgy Vasilyevich"
    # Untitled in CSL: BibTeX calls it what the styles do, once (no "Letter to …" note too).
    assert entry["title"] == "Letter to Mikhail Vasilyevich Frunze"
    assert entry["recipient"] == "Frunze, Mikhail Vasilyevich"
    assert "note" not in entry
    assert (entry["date"], entry["year"], entry["type"]) == ("1921-12-26", "1921", "letter")
    assert entry["howpublished"] == "AVP RF, Moscow"
    assert entry["url"] == "http://testserver/documents/D000001/"


def test_seed_letter_ris(client, seed):
    response = client.get("/documents/D000001/cite.ris")
    assert response["Content-Type"] == "application/x-research-info-systems; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="D000001.ris"'
    (record,) = rispy.loads(body(response))
    assert record["type_of_reference"] == "PCOMM"
    assert record["authors"] == ["Chicherin, Georgy Vasilyevich"]
    assert record["secondary_authors"] == ["Frunze, Mikhail Vasilyevich"]
    assert "title" not in record  # as Zotero writes an untitled letter
    assert (record["date"], record["year"], record["type_of_work"]) == (
        "1921/12/26/",
        "1921",
        "letter",
    )
    assert (record["database_provider"], record["place_published"]) == ("AVP RF", "Moscow")
    assert record["urls"] == ["http://testserver/documents/D000001/"]
    assert record["id"] == "D000001"


def test_seed_letter_csl_json_renders_as_the_page_does(client, seed):
    response = client.get("/documents/D000001/cite.json")
    assert response["Content-Type"] == "application/vnd.citationstyles.csl+json; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="D000001.json"'
    (item,) = json.loads(body(response))
    assert item["type"] == "personal_communication"
    assert item["author"] == [{"family": "Chicherin", "given": "Georgy Vasilyevich"}]
    assert item["recipient"] == [{"family": "Frunze", "given": "Mikhail Vasilyevich"}]
    assert item["issued"] == {"date-parts": [[1921, 12, 26]]}
    assert (item["archive"], item["archive-place"]) == ("AVP RF", "Moscow")
    note = styles.render(item, "chicago-note")
    assert note.startswith("Georgy Vasilyevich Chicherin, letter to Mikhail Vasilyevich Frunze,")


def test_seed_printed_source_in_each_format(client, seed):
    (entry,) = parse_bibtex(body(client.get("/documents/D000010/cite.bib")))
    assert (entry["booktitle"], entry["volume"], entry["pages"]) == (
        "Dokumenty vneshnei politiki SSSR",
        "4",
        "270",
    )
    assert entry["date"] == "1921-08-13"  # the note's date, not the volume's year
    (record,) = rispy.loads(body(client.get("/documents/D000010/cite.ris")))
    assert (record["secondary_title"], record["volume"], record["start_page"]) == (
        "Dokumenty vneshnei politiki SSSR",
        "4",
        "270",
    )
    (record,) = rispy.loads(body(client.get("/documents/D000005/cite.ris")))
    assert record["accession_number"].startswith("f. 059")


SPECIAL_TITLE = "On {braces} & 50% of the ʺunity and progressʺ party: $5 #1 ~ _ \\ Чичерин"


@pytest.fixture
def special_document(db):
    # A memorandum (a manuscript) keeps its title in every format.
    document = make_document(heading=SPECIAL_TITLE, date_edtf="1921~", doc_type="memorandum")
    person = make_person("Георгий Чичерин", sort_name="Чичерин, Георгий Васильевич")
    Correspondent.objects.create(document=document, role=CorrespondentRole.AUTHOR, person=person)
    body_ = make_organisation("Ministry of Trade and Industry & Co")
    Correspondent.objects.create(
        document=document, role=CorrespondentRole.RECIPIENT, organisation=body_
    )
    return document


def test_special_characters_survive_bibtex(client, special_document):
    text = body(client.get(f"/documents/{special_document.identifier}/cite.bib"))
    assert r"\{braces\} \& 50\% of" in text and r"\$5 \#1" in text
    (entry,) = parse_bibtex(text)
    assert entry["title"] == SPECIAL_TITLE
    assert entry["author"] == "Чичерин, Георгий Васильевич"
    # A body is one name, even with "and" in it.
    assert entry["recipient"] == "Ministry of Trade and Industry & Co"
    assert bibtexparser.parse_string(text).entries[0]["recipient"].startswith("{")


def test_special_characters_survive_ris(client, special_document):
    (record,) = rispy.loads(body(client.get(f"/documents/{special_document.identifier}/cite.ris")))
    assert record["title"] == SPECIAL_TITLE
    assert record["authors"] == ["Чичерин, Георгий Васильевич"]
    assert record["secondary_authors"] == ["Ministry of Trade and Industry & Co"]


def test_special_characters_survive_csl_json(client, special_document):
    (item,) = json.loads(body(client.get(f"/documents/{special_document.identifier}/cite.json")))
    assert item["title"] == SPECIAL_TITLE
    assert item["issued"] == {"date-parts": [[1921]], "circa": True}
    rendered = styles.render(item, "chicago-bibliography")
    assert "Чичерин, Георгий Васильевич" in rendered and "ʺunity" in rendered
    assert "“On {braces} & 50% of" in rendered and "[1921?]" in rendered


@pytest.mark.parametrize("value", ["a{b}c", "100%", "R&D", "x_y", "~", "\\", "#", "$"])
def test_bibtex_escaping_round_trips(value):
    (entry,) = parse_bibtex("@misc{k,\n  note = {" + bibtex.escape(value) + "}\n}\n")
    assert entry["note"] == value


def test_bibtex_escapes_the_caret_as_latex_prints_it():
    assert bibtex.escape("2^3") == r"2\textasciicircum{}3"
    (entry,) = parse_bibtex("@misc{k,\n  note = {" + bibtex.escape("2^3") + "}\n}\n")
    assert entry["note"] in {"2^3", "2\u02c63"}  # pylatexenc decodes it as the modifier letter


@pytest.mark.parametrize("extension", ["bib", "ris", "json", "csv"])
def test_a_drafts_citation_urls_answer_404(client, db, extension):
    draft = make_document(status=Status.DRAFT)
    review = make_document(status=Status.REVIEW)
    assert client.get(f"/documents/{draft.identifier}/cite.{extension}").status_code == 404
    assert client.get(f"/documents/{review.identifier}/cite.{extension}").status_code == 404
    assert client.get(f"/documents/D999999/cite.{extension}").status_code == 404


def test_unknown_format_gives_no_download(client, seed):
    for url in ("/documents/D000001/cite.docx", "/documents/export.docx"):
        response = client.get(url, follow=True)
        assert "Content-Disposition" not in response
    assert client.get("/documents/export.docx", follow=True).status_code == 404


# The whole list ---------------------------------------------------------------------------------


def test_list_exports_never_include_drafts(client, seed):
    entries = parse_bibtex(body(client.get("/documents/export.bib")))
    keys = {entry.key for entry in entries}
    assert "D000012" not in keys  # the seed's draft
    assert keys == {f"D{n:06d}" for n in range(1, 12)}
    assert len(rispy.loads(body(client.get("/documents/export.ris")))) == 11
    assert len(json.loads(body(client.get("/documents/export.json")))) == 11


def test_list_export_follows_the_list_filters(client, seed):
    response = client.get("/documents/export.ris?type=note")
    records = rispy.loads(body(response))
    assert {record["type_of_work"] for record in records} == {"note"}
    assert len(records) == 4


def make_many(count, collection):
    """Published documents with an author each, made in bulk (save() per row would be slow)."""
    start = Document.objects.count()
    documents = Document.objects.bulk_create(
        Document(
            collection=collection,
            identifier=f"E{start + n:06d}",
            slug=f"telegram-{start + n}",
            heading=f"Telegram {start + n}",
            status=Status.PUBLISHED,
            date_edtf="1921-12-26",
            date_start=datetime.date(1921, 12, 26),
            date_end=datetime.date(1921, 12, 26),
        )
        for n in range(count)
    )
    persons = Person.objects.bulk_create(
        Person(preferred_name=f"P {start + n}", sort_name=f"P, {start + n}", slug=f"p-{start + n}")
        for n in range(count)
    )
    Correspondent.objects.bulk_create(
        Correspondent(document=document, role=CorrespondentRole.AUTHOR, person=person)
        for document, person in zip(documents, persons, strict=True)
    )


@pytest.mark.parametrize("extension", ["bib", "ris", "json"])
def test_bulk_export_is_streamed_with_every_item(client, db, extension):
    make_many(450, make_collection())  # more than two chunks
    response = client.get(f"/documents/export.{extension}")
    assert isinstance(response, StreamingHttpResponse)
    assert response["X-Export-Count"] == "450"
    assert response["Content-Disposition"].startswith('attachment; filename="documents-')
    text = body(response)
    if extension == "bib":
        count = len(parse_bibtex(text))
    elif extension == "ris":
        count = len(rispy.loads(text))
    else:
        count = len(json.loads(text))
    assert count == 450


def export_queries(client, extension="bib"):
    with CaptureQueriesContext(connection) as queries:
        body(client.get(f"/documents/export.{extension}"))
    return len(queries)


def test_bulk_export_queries_do_not_grow_with_rows(client, db):
    collection = make_collection()
    make_many(5, collection)
    few = export_queries(client)
    make_many(60, collection)
    assert export_queries(client) == few
    assert export_queries(client, "ris") == few


def test_export_beyond_the_bound_is_refused_with_a_message(client, db, settings):
    settings.CITATION_EXPORT_MAX = 3
    make_many(4, make_collection())
    response = client.get("/documents/export.bib")
    assert response.status_code == 400
    assert "at most 3" in response.content.decode()
    settings.CITATION_EXPORT_MAX = 4
    assert client.get("/documents/export.bib").status_code == 200
