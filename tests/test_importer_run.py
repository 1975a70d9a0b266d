"""Import runs: bad bytes in one document, dry run = real run, interlocutors, persons named by
office, the JSON output."""

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from catalogue.importers.persist import Outcome, import_page
from catalogue.models import (
    AuthoritySuggestion,
    Correspondent,
    Document,
    Office,
    PersonName,
    SuggestionRole,
)
from tests.factories import make_collection, make_person

PAGES = Path(__file__).parent / "data" / "pages"
NOTES = PAGES / "004-1921-05-13-notes-ali-fuad.txt"
POTEMKIN = PAGES / "203-1939-05-13-recording-potemkin.txt"


@pytest.fixture
def collection(db):
    return make_collection(slug="selected-documents")


TWO_DOCUMENTS = (
    "URL: https://example.org/two-notes\n\n"
    "Note of the peopleʹs commissar to the ambassador Ali Fuad.\n\n"
    "May 13, 1921 no. 11/930\n\nThe first note.\n\nChicherin\n\n"
    "Note of the peopleʹs commissar to the ambassador Ali Fuad.\n\n"
    "May 18, 1921 no. 11/1013\n\nThe second\x00 note.\n\nChicherin\n"
).encode()


def test_a_nul_byte_fails_its_document_the_other_is_imported(collection):
    result = import_page("two.txt", TWO_DOCUMENTS, collection)
    assert result.error == ""
    first, second = result.documents
    assert first.outcome == Outcome.CREATED
    assert second.outcome == Outcome.FAILED
    assert "byte 0x00 at line 15, column 11" in second.error
    assert list(Document.objects.values_list("date_written", flat=True)) == ["May 13, 1921"]


def test_the_bad_document_is_reported_the_same_in_a_dry_run(collection):
    first, second = import_page("two.txt", TWO_DOCUMENTS, collection, dry_run=True).documents
    assert (first.outcome, second.outcome) == (Outcome.WOULD_CREATE, Outcome.FAILED)
    assert "line 15" in second.error


@pytest.fixture
def two_chicherins(db):
    for name in ("G. V. Chicherin", "Boris Chicherin"):
        PersonName.objects.create(person=make_person(name), name="Chicherin")


def test_dry_run_and_real_run_report_the_same_warnings(collection, two_chicherins):
    data = NOTES.read_bytes()
    dry = import_page("notes", data, collection, dry_run=True).documents
    real = import_page("notes", data, collection).documents
    assert [item.outcome for item in real] == [Outcome.CREATED, Outcome.CREATED]
    for planned, done in zip(dry, real, strict=True):
        assert planned.warnings == done.warnings == done.document.import_warnings
    assert any("matches several person records" in w for w in dry[0].warnings)


def test_the_other_party_of_a_conversation_is_an_interlocutor(collection):
    apaydin = make_person("Zekai Apaydin")
    PersonName.objects.create(person=apaydin, name="z. Apaydin")
    [item] = import_page("p", POTEMKIN.read_bytes(), collection).documents
    correspondent = Correspondent.objects.get(document=item.document, person=apaydin)
    assert correspondent.role == SuggestionRole.INTERLOCUTOR


def test_an_unknown_other_party_is_an_interlocutor_suggestion(collection):
    [item] = import_page("p", POTEMKIN.read_bytes(), collection).documents
    suggestion = AuthoritySuggestion.objects.get(
        document=item.document, name_key__contains="apaydin"
    )
    assert suggestion.role == SuggestionRole.INTERLOCUTOR


@pytest.fixture
def commissars(db):
    litvinov = make_person("M. M. Litvinov")
    molotov = make_person("V. M. Molotov")
    title = "Peopleʹs Commissar for Foreign Affairs"
    Office.objects.create(person=litvinov, title=title, start="1930-07-21", end="1939-05-03")
    Office.objects.create(person=molotov, title=title, start="1939-05-03", end="1949-03-04")
    return litvinov, molotov


def office_page(office, date):
    return (
        f"URL: https://example.org/{date}\n\nTelegram of the {office} to the plenipotentiary "
        f"representative of the USSR in Turkey\n\n{date}\n\nProceed as agreed.\n"
    ).encode()


def test_a_sender_named_by_office_is_suggested_from_the_date(collection, commissars):
    litvinov, molotov = commissars
    page = office_page("people's commissar for foreign affairs of the USSR", "July 8, 1939")
    [item] = import_page("t", page, collection).documents
    [inference] = item.inferences
    assert inference.person == molotov and inference.role == SuggestionRole.AUTHOR
    suggestion = AuthoritySuggestion.objects.get(document=item.document, role="author")
    assert suggestion.person == molotov
    assert "1939-07-08" in suggestion.reason and "office" in suggestion.reason
    page = office_page("people's commissar for foreign affairs of the USSR", "May 1, 1937")
    [item] = import_page("t2", page, collection, dry_run=True).documents
    assert [inference.person for inference in item.inferences] == [litvinov]


def test_a_deputy_is_not_taken_for_the_commissar(collection, commissars):
    page = office_page("deputy people's commissar for foreign affairs of the USSR", "July 8, 1939")
    [item] = import_page("t", page, collection, dry_run=True).documents
    assert item.inferences == []


def test_json_dry_run_prints_every_field_and_the_warnings(collection, tmp_path):
    (tmp_path / "two.txt").write_bytes(TWO_DOCUMENTS)
    out, err = StringIO(), StringIO()
    with pytest.raises(CommandError):  # one document failed
        call_command(
            "import_transcriptions", str(tmp_path), str(POTEMKIN), "--dry-run", "--json",
            "--no-progress", stdout=out, stderr=err,
        )  # fmt: skip
    data = json.loads(out.getvalue())
    assert data["dry_run"] is True
    two, potemkin = data["files"]
    assert [d["outcome"] for d in two["documents"]] == ["would be created", "failed"]
    fields = potemkin["documents"][0]["fields"]
    assert fields["other_party_name"] == "z. Apaydin"
    assert fields["classification"] == "secret"
    assert {"transmission", "footnote_markers", "date_edtf", "error"} <= set(fields)
    assert potemkin["documents"][0]["correspondents"][-1]["role"] == "interlocutor"
    assert "2 file(s) read" in err.getvalue()
    assert not Document.objects.exists()


def test_the_search_index_is_refreshed_once_per_run_and_covers_every_draft(
    collection, tmp_path, monkeypatch
):
    from catalogue import search

    for name in ("004-1921-05-13-notes-ali-fuad.txt", "203-1939-05-13-recording-potemkin.txt"):
        (tmp_path / name).write_bytes((PAGES / name).read_bytes())
    calls = []
    original = search.refresh_search_index
    monkeypatch.setattr(
        search, "refresh_search_index", lambda docs, **kw: calls.append(1) or original(docs, **kw)
    )
    call_command("import_transcriptions", str(tmp_path), "--no-progress", stdout=StringIO())
    assert len(calls) == 1
    drafts = Document.objects.all()
    assert drafts.count() == 3
    assert all(d.search_text or d.search_vector for d in drafts)
    assert search.search(Document.objects.all(), "Apaydin").count() == 1


def test_outside_an_import_a_saved_part_still_refreshes_its_document(collection):
    from catalogue.models import Footnote

    [item] = import_page("p", POTEMKIN.read_bytes(), collection).documents
    Footnote.objects.create(document=item.document, marker="9", order=9, text="Quokkaland")
    from catalogue import search

    assert search.search(Document.objects.all(), "Quokkaland").count() == 1


def test_a_run_looks_names_up_in_bulk_not_per_document(
    collection, two_chicherins, django_assert_max_num_queries
):
    from catalogue.importers.persist import ImportRun

    run = ImportRun()
    import_page("warm", NOTES.read_bytes(), collection, dry_run=True, run=run)  # reads once
    # Two documents, three duplicate checks each: imported before (by checksum, or from before
    # checksums) and another site's transcription of it. Names and places: none.
    with django_assert_max_num_queries(6):
        result = import_page("notes", NOTES.read_bytes(), collection, dry_run=True, run=run)
    assert any("matches several person records" in w for w in result.documents[0].warnings)
