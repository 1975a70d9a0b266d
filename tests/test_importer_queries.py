"""The importer's SQL queries per page (issue 13, item 7): they do not grow with the number of
documents on a page, nor with a document's footnotes, correspondents, mentions and
suggestions, nor with the catalogue. Query counts, not timings."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from catalogue import versioning
from catalogue.importers.persist import ImportRun, Outcome, import_page
from catalogue.models import (
    AuthoritySuggestion,
    Correspondent,
    Document,
    Footnote,
    Mention,
    PersonName,
    Status,
)
from tests.factories import make_collection, make_document, make_person, make_place

PLACES = ["Kars", "Batum", "Erivan", "Tiflis", "Baku", "Trebizond"]
WORDS = ["assembly", "council", "army", "press", "consul", "mission"]
STRANGERS = ["Zeki Bey", "Halil Pasha", "Rauf Bey", "Kiazim Pasha", "Fevzi Pasha", "Ahmed Bey"]


DOCUMENT_WRITES = 16  # the queries of one new document with all its parts (see below)


@pytest.fixture
def collection(db):
    return make_collection(slug="selected-documents")


@pytest.fixture
def authorities(db):
    chicherin = make_person("G. V. Chicherin")
    PersonName.objects.create(person=chicherin, name="Chicherin")
    make_person("Ali Fuad")
    for name in PLACES:
        make_place(name)


def note(number: int, parts: int) -> str:
    """A note of its own date, naming `parts` known places and `parts` unknown persons (the
    latter become suggestions), with `parts` footnotes that name a known place each."""
    places = ", ".join(PLACES[:parts])
    strangers = ", ".join(STRANGERS[:parts])
    markers = "".join(f", the {WORDS[index]} {index + 1}" for index in range(parts))
    notes = "".join(
        f"{index + 1} See the report from {PLACES[index]} of that week.\n\n"
        for index in range(parts)
    )
    return (
        "Note of the peopleʹs commissar for foreign affairs of the RSFSR to the ambassador "
        "of Turkey to the RSFSR Ali Fuad.\n\n"
        f"May {number + 1}, 1921 no. 11/{900 + number}\n\nMr. Ambassador,\n\n"
        f"The government has news from {places} about the troops ({number}); {strangers} "
        f"spoke of it in the assembly{markers}.\n\nChicherin\n\n{notes}"
    )


def page(documents: int, parts: int = 1, url="https://example.org/notes", first=0) -> bytes:
    """A page of `documents` notes (numbered from `first`: other dates, other numbers)."""
    body = "".join(note(number, parts) for number in range(first, first + documents))
    return f"URL: {url}\n\n{body}".encode()


def queries(data: bytes, collection, dry_run: bool, run: ImportRun) -> tuple[int, list]:
    with CaptureQueriesContext(connection) as captured:
        result = import_page("page.txt", data, collection, dry_run=dry_run, run=run)
    return len(captured.captured_queries), result.documents


def warm_run(collection) -> ImportRun:
    """A run whose name index, offices and archives are read (once per run, not per page)."""
    run = ImportRun()
    import_page(
        "warm.txt", page(1, 6, url="https://example.org/warm"), collection, dry_run=True, run=run
    )
    return run


def test_the_sample_page_is_read_as_meant(collection, authorities):
    [item] = import_page("one.txt", page(1, 3), collection).documents
    assert item.outcome == Outcome.CREATED, item.error
    document = item.document
    assert document.footnotes.count() == 3
    assert Mention.objects.filter(document=document, place__isnull=False).count() == 3
    assert Correspondent.objects.filter(document=document).count() >= 2
    suggested = AuthoritySuggestion.objects.filter(document=document, role="mention")
    assert {"Zeki Bey", "Halil Pasha", "Rauf Bey"} <= set(
        suggested.values_list("name_as_printed", flat=True)
    )
    assert all(footnote.places.count() == 1 for footnote in document.footnotes.all())


def test_a_dry_run_checks_a_whole_page_in_one_query(collection, authorities):
    run = warm_run(collection)
    one, _ = queries(page(1), collection, True, run)
    five, documents = queries(page(5), collection, True, run)
    assert [item.outcome for item in documents] == [Outcome.WOULD_CREATE] * 5
    assert five == one == 1  # imported before? another site's transcription? one query


def test_the_dry_runs_queries_do_not_grow_with_the_catalogue(collection, authorities):
    run = warm_run(collection)
    before, _ = queries(page(3), collection, True, run)
    for number in range(3):  # documents of the same dates from another page
        make_document(
            heading="Telegram from Kars about the troops", date_edtf=f"1921-05-0{number + 1}"
        )
    after, documents = queries(page(3), collection, True, run)
    assert [item.outcome for item in documents] == [Outcome.WOULD_CREATE] * 3
    assert after == before


def test_a_real_runs_queries_do_not_grow_with_a_documents_parts(collection, authorities):
    run = warm_run(collection)
    few, [item] = queries(page(1, 1, "https://example.org/a"), collection, False, run)
    assert item.outcome == Outcome.CREATED, item.error
    many, [item] = queries(page(1, 6, "https://example.org/b", 1), collection, False, run)
    assert item.outcome == Outcome.CREATED, item.error
    assert item.document.footnotes.count() == 6
    assert many == few


def test_a_real_runs_queries_per_document_do_not_grow_with_the_page(collection, authorities):
    run = warm_run(collection)
    one, _ = queries(page(1, 2, "https://example.org/a"), collection, False, run)
    four, documents = queries(page(4, 2, "https://example.org/b", 1), collection, False, run)
    assert [item.outcome for item in documents] == [Outcome.CREATED] * 4
    # The page's checks are one query whatever its documents; each new document costs its
    # own writes: a savepoint and its release, the document, its identifier and history (4),
    # footnotes, their links and the history of both (4), correspondents and mentions with
    # their history (4), suggestions (1), and reading the document's themes for its history.
    assert four - one == 3 * DOCUMENT_WRITES


def test_bulk_created_parts_keep_their_history(collection, authorities):
    [item] = import_page("one.txt", page(1, 2), collection).documents
    document = item.document
    for model in (Footnote, Correspondent, Mention):
        parts = model.objects.filter(document=document)
        assert parts.exists()
        history = model.history.filter(document_id=document.pk, history_type="+")
        assert sorted(history.values_list("id", flat=True)) == sorted(
            parts.values_list("pk", flat=True)
        )
    footnote = document.footnotes.first()
    assert footnote.history.first().places.count() == 1  # the link, in the latest record


def test_a_document_repeated_on_its_own_page_is_found_as_before(collection, authorities):
    twice = page(1, 1) + page(1, 1).split(b"\n", 1)[1]
    first, second = import_page("twice.txt", twice, collection).documents
    assert first.outcome == Outcome.CREATED
    assert second.outcome == Outcome.SKIPPED and second.document == first.document
    assert Document.objects.count() == 1


def test_a_part_of_a_document_in_hand_needs_no_status_query(db):
    draft = make_document(status=Status.DRAFT)
    published = make_document(status=Status.PUBLISHED)
    with CaptureQueriesContext(connection) as captured:
        assert versioning.is_public_change(Footnote(document=draft, marker="1")) is False
        assert versioning.is_public_change(Footnote(document=published, marker="1")) is True
    assert captured.captured_queries == []
    loaded = Footnote(document_id=draft.pk, marker="1")  # no document in hand: asked
    with CaptureQueriesContext(connection) as captured:
        assert versioning.is_public_change(loaded) is False
    assert len(captured.captured_queries) == 1
