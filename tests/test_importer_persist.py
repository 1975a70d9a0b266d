"""Writing drafts: authorities, suggestions, idempotence, transactions, the command."""

import shutil
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from catalogue.importers.persist import Outcome, import_page
from catalogue.models import (
    Archive,
    AuthoritySuggestion,
    Correspondent,
    Document,
    Footnote,
    Mention,
    PersonName,
    PlaceName,
    Status,
    SuggestionStatus,
)
from tests.factories import make_collection, make_person, make_place

PAGES = Path(__file__).parent / "data" / "pages"
SEED = PAGES / "000-seed.txt"
NOTES = PAGES / "004-1921-05-13-notes-ali-fuad.txt"
KABUL = PAGES / "003-1940-12-10-telegram-kabul.txt"


@pytest.fixture
def collection(db):
    return make_collection(slug="selected-documents")


@pytest.fixture
def authorities(db):
    chicherin = make_person("G. V. Chicherin", sort_name="Chicherin, G. V.")
    PersonName.objects.create(person=chicherin, name="Chicherin")
    frunze = make_person("Mikhail Frunze")
    PersonName.objects.create(person=frunze, name="M. V. Frunze")
    enver = make_person("Enver Pasha")
    PersonName.objects.create(person=enver, name="Enver")
    ankara = make_place("Ankara")
    PlaceName.objects.create(place=ankara, name="Angora")
    kars = make_place("Kars")
    return {"chicherin": chicherin, "frunze": frunze, "enver": enver, "ankara": ankara,
            "kars": kars}  # fmt: skip


def run(path, collection, **options):
    return import_page(str(path), Path(path).read_bytes(), collection, **options)


def test_seed_page_becomes_a_draft_with_its_parts(collection, authorities):
    result = run(SEED, collection)
    [item] = result.documents
    assert item.outcome == Outcome.CREATED
    document = Document.objects.get(pk=item.document.pk)
    assert document.status == Status.DRAFT
    assert document.collection == collection
    assert document.date_edtf == "1921-12-26"
    assert document.date_start.isoformat() == "1921-12-26"
    assert document.signature == "Chicherin" and document.signature_supplied
    assert document.import_checksum
    assert document.import_warnings == []
    [footnote] = document.footnotes.all()
    assert footnote.marker == "1" and footnote.text.startswith("Enver pasha is a former")
    assert authorities["enver"] in footnote.persons.all()


def test_correspondents_are_matched_by_name_variants(collection, authorities):
    document = run(SEED, collection).documents[0].document
    roles = set(Correspondent.objects.filter(document=document).values_list("role", "person__slug"))
    assert ("recipient", authorities["frunze"].slug) in roles  # "M.V. Frunze." line
    assert ("signatory", authorities["chicherin"].slug) in roles  # "[Chicherin]"
    assert ("author", authorities["chicherin"].slug) in roles
    suggestions = AuthoritySuggestion.objects.filter(document=document)
    assert not suggestions.exclude(role="mention").exists()


def test_mentions_match_case_and_typography_insensitively(collection, authorities):
    document = run(SEED, collection).documents[0].document
    mentions = {m.target: m.name_as_printed for m in Mention.objects.filter(document=document)}
    assert mentions[authorities["ankara"]] == "angora"  # lower case, historical name
    assert mentions[authorities["kars"]] == "Kars"
    assert mentions[authorities["enver"]] == "Enver"


def test_unmatched_names_become_suggestions_never_new_records(collection, authorities):
    people_before = type(authorities["chicherin"]).objects.count()
    document = run(NOTES, collection).documents[0].document
    suggestions = AuthoritySuggestion.objects.filter(document=document).exclude(role="mention")
    assert {(s.kind, s.role, s.name_as_printed) for s in suggestions} == {
        ("person", "recipient", "Ali Fuad")
    }
    assert type(authorities["chicherin"]).objects.count() == people_before


def test_accepting_a_suggestion_links_all_documents_with_that_name(collection, authorities):
    documents = [item.document for item in run(NOTES, collection).documents]
    suggestions = AuthoritySuggestion.objects.filter(document=documents[0])
    suggestion = suggestions.exclude(role="mention").get()
    ali_fuad = make_person("Ali Fuat Cebesoy")
    suggestion.link(ali_fuad)
    for document in documents:
        assert document.correspondents.filter(person=ali_fuad, role="recipient").exists()
    assert not AuthoritySuggestion.objects.open().exclude(role="mention").exists()
    assert ali_fuad.variants.filter(name="Ali Fuad").exists()
    # The next import finds the person by the new variant.
    other = make_collection()
    page = NOTES.read_text(encoding="utf-8").replace("URL: https://", "URL: https://copy.")
    page = page.replace("Mr. Ambassador,", "Dear Mr. Ambassador,", 1)
    result = import_page("copy.txt", page.encode("utf-8"), other)
    assert result.documents[0].names.correspondents[0].record == ali_fuad


def test_creating_a_record_from_a_suggestion_checks_for_a_match_first(collection, authorities):
    document = run(NOTES, collection).documents[0].document
    suggestion = AuthoritySuggestion.objects.filter(document=document).exclude(role="mention").get()
    existing = make_person("Ali Fuad")
    assert suggestion.create_record() == existing
    suggestion.refresh_from_db()
    assert suggestion.status == SuggestionStatus.LINKED


def test_place_of_origin_matched_or_suggested(collection, authorities):
    ankara_page = PAGES / "008-1938-11-24-telegram-ankara.txt"
    document = run(ankara_page, collection).documents[0].document
    assert document.place_of_origin == authorities["ankara"]
    assert document.place_of_origin_as_written == "Ankara"


def test_place_of_origin_unmatched_is_suggested(collection):
    document = run(PAGES / "008-1938-11-24-telegram-ankara.txt", collection).documents[0].document
    assert document.place_of_origin is None
    suggestion = AuthoritySuggestion.objects.get(document=document, role="place_of_origin")
    place = suggestion.create_record()
    document.refresh_from_db()
    assert document.place_of_origin == place and place.name == "Ankara"


def test_archival_reference_links_the_archive_when_catalogued(collection):
    avp = Archive.objects.create(name="Foreign Policy Archive", abbreviation="AVP RF")
    document = run(KABUL, collection).documents[0].document
    assert (document.archive, document.fond, document.folios) == (avp, "059", "161\u2010162")


def test_uncatalogued_archive_is_a_warning(collection):
    document = run(KABUL, collection).documents[0].document
    assert document.archive is None
    assert "archive AVP RF is not in the catalogue" in document.import_warnings


def row_counts():
    models = (Document, Footnote, AuthoritySuggestion, Correspondent, Mention)
    return [model.objects.count() for model in models]


def test_reimport_creates_nothing_new(collection, authorities):
    run(NOTES, collection)
    counts = row_counts()
    again = run(NOTES, collection)
    assert [item.outcome for item in again.documents] == [Outcome.SKIPPED, Outcome.SKIPPED]
    assert row_counts() == counts


def test_html_version_of_an_imported_page_is_recognised_by_its_content(collection):
    run(PAGES / "002-1938-03-18-telegrams.txt", collection)
    again = run(PAGES / "html" / "002-1938-03-18-telegrams.html", collection)
    assert {item.outcome for item in again.documents} == {Outcome.SKIPPED}


def test_corrected_page_from_the_same_address_is_recognised_by_url(collection):
    run(NOTES, collection)
    corrected = NOTES.read_text(encoding="utf-8").replace("great material damage", "damage")
    result = import_page("corrected.txt", corrected.encode("utf-8"), collection)
    assert result.documents[0].outcome == Outcome.SKIPPED


def test_dry_run_writes_nothing(collection, authorities):
    result = run(NOTES, collection, dry_run=True)
    assert [item.outcome for item in result.documents] == [Outcome.WOULD_CREATE] * 2
    assert not Document.objects.exists()
    assert not AuthoritySuggestion.objects.exists()


def test_each_document_in_its_own_transaction(collection, monkeypatch):
    from django.db import DatabaseError

    from catalogue.importers import persist

    original = persist.save_footnotes

    def fail_on_second_note(document, parsed, names):
        if parsed.reference_number == "no. 11/1013":
            original(document, parsed, names)
            raise DatabaseError("disk full")
        original(document, parsed, names)

    monkeypatch.setattr(persist, "save_footnotes", fail_on_second_note)
    result = run(NOTES, collection)
    assert [item.outcome for item in result.documents] == [Outcome.CREATED, Outcome.FAILED]
    assert "disk full" in result.documents[1].error
    assert list(Document.objects.values_list("reference_number", flat=True)) == ["no. 11/930"]
    assert not AuthoritySuggestion.objects.exclude(document__reference_number="no. 11/930").exists()


def test_page_without_a_document_is_a_clear_error(collection):
    result = import_page("blank.txt", b"URL: https://x.org/\n\nDownload PDF\n\nJust words.\n",
                         collection)  # fmt: skip
    assert "No document found" in result.error
    assert not Document.objects.exists()


# --- The management command --------------------------------------------------------------------


def command(*args):
    from io import StringIO

    out, err = StringIO(), StringIO()
    try:
        call_command("import_transcriptions", *args, "--no-progress", stdout=out, stderr=err)
    except CommandError as error:
        return out.getvalue(), err.getvalue(), str(error)
    return out.getvalue(), err.getvalue(), None


def test_command_imports_a_folder_and_summarises(collection, tmp_path):
    for name in ("000-seed.txt", "004-1921-05-13-notes-ali-fuad.txt"):
        shutil.copy(PAGES / name, tmp_path / name)
    out, _, error = command(str(tmp_path))
    assert error is None
    assert "2 file(s) read, 0 refused" in out
    assert "3 created, 0 skipped" in out and "1 with warnings" in out
    assert Document.objects.filter(status=Status.DRAFT).count() == 3
    out, _, _ = command(str(tmp_path))
    assert "0 created, 3 skipped" in out
    assert Document.objects.count() == 3


def test_command_dry_run(collection):
    out, _, error = command(str(NOTES), "--dry-run")
    assert error is None
    assert "2 would be created" in out and "nothing was written" in out
    assert not Document.objects.exists()


def test_command_reports_bad_files_and_goes_on(collection, tmp_path):
    (tmp_path / "a-empty.txt").write_bytes(b"")
    (tmp_path / "b-binary.txt").write_bytes(b"\x00\x01\x02PK\x03\x04" * 100)
    (tmp_path / "c-nothing.txt").write_text("Just a shopping list.\n")
    with (tmp_path / "d-huge.txt").open("wb") as stream:
        stream.truncate(50 * 1024 * 1024)
    (tmp_path / "e-cp1252.txt").write_bytes(
        SEED.read_text(encoding="utf-8").replace("ʹ", "'").replace("ʺ", '"')
        .replace("\u2010", "-").replace("\u201c", '"').replace("\u201d", '"').encode("cp1252")
    )  # fmt: skip
    shutil.copy(NOTES, tmp_path / "f-notes.txt")
    out, err, error = command(str(tmp_path))
    assert "a-empty.txt: The file is empty." in err
    assert "b-binary.txt: This looks like a binary file" in err
    assert "c-nothing.txt: No document found" in err
    assert "d-huge.txt: The file is 50.0 MB" in err
    assert "6 file(s) read, 4 refused" in out
    assert "3 created" in out
    assert error and "4 file(s)" in error
    seed = Document.objects.get(date_edtf="1921-12-26")
    assert any("windows-1252" in warning for warning in seed.import_warnings)


def test_command_needs_a_collection_choice_when_there_are_several(db):
    _, _, error = command(str(NOTES))
    assert "no collection yet" in error
    make_collection(slug="one")
    make_collection(slug="two")
    _, _, error = command(str(NOTES))
    assert "choose one with --collection" in error and "one, two" in error
    _, _, error = command(str(NOTES), "--collection", "three")
    assert "no collection with the slug “three”" in error
    out, _, error = command(str(NOTES), "--collection", "two")
    assert error is None
    assert Document.objects.filter(collection__slug="two").count() == 2


def test_command_with_nothing_to_read(collection, tmp_path):
    _, _, error = command(str(tmp_path))
    assert "No page files found" in error
