"""The admin import page (upload -> preview -> confirm), warnings and suggestions."""

from pathlib import Path

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from catalogue.admin.imports import PENDING_FOLDER
from catalogue.models import AuthoritySuggestion, Document, Person, Status, SuggestionStatus
from tests.factories import make_collection, make_document, make_person

PAGES = Path(__file__).parent / "data" / "pages"
IMPORT_URL = reverse("admin:catalogue_document_import")


@pytest.fixture
def collection(db):
    return make_collection(slug="selected-documents")


def upload(name, content=None):
    data = (PAGES / name).read_bytes() if content is None else content
    return SimpleUploadedFile(Path(name).name, data, content_type="text/plain")


def preview(client, collection, *files):
    return client.post(IMPORT_URL, {"collection": collection.pk, "pages": list(files)})


def pending_files():
    if not default_storage.exists(PENDING_FOLDER):
        return []
    return default_storage.listdir(PENDING_FOLDER)[1]


def test_upload_form_preselects_the_only_collection(archivist_client, collection):
    response = archivist_client.get(IMPORT_URL)
    assert response.status_code == 200
    assert response.context["form"].initial["collection"] == collection


def test_preview_shows_what_would_be_created_and_writes_nothing(archivist_client, collection):
    response = preview(
        archivist_client,
        collection,
        upload("000-seed.txt"),
        upload("004-1921-05-13-notes-ali-fuad.txt"),
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Letter from the peopleʹs commissar" in page
    assert "1921-12-26" in page and "May 13, 1921" in page
    assert "no signature found" in page  # the second, truncated note
    assert "Ali Fuad" in page and "a suggestion will be made" in page
    assert not Document.objects.exists()
    assert not AuthoritySuggestion.objects.exists()
    assert len(pending_files()) == 2


def test_confirm_creates_drafts_and_clears_the_pending_pages(archivist_client, collection):
    response = preview(archivist_client, collection, upload("004-1921-05-13-notes-ali-fuad.txt"))
    data = {
        "collection": collection.pk,
        "checksums": response.context["confirm_form"].initial["checksums"],
        "names": response.context["confirm_form"].initial["names"],
        "confirm": "1",
    }
    response = archivist_client.post(IMPORT_URL, data, follow=True)
    assert response.status_code == 200
    assert "Imported 2 draft document(s)" in response.content.decode()
    assert Document.objects.filter(status=Status.DRAFT).count() == 2
    assert set(Document.objects.values_list("created_by__username", flat=True)) == {"archivist"}
    assert pending_files() == []
    # Confirming the same pages again creates nothing (they are gone, and would be skipped).
    archivist_client.post(IMPORT_URL, data)
    assert Document.objects.count() == 2


def test_cancel_discards_the_pending_pages(archivist_client, collection):
    response = preview(archivist_client, collection, upload("000-seed.txt"))
    form = response.context["confirm_form"]
    archivist_client.post(
        IMPORT_URL,
        {"collection": collection.pk, "checksums": form.initial["checksums"], "cancel": "1"},
    )
    assert pending_files() == []
    assert not Document.objects.exists()


def test_tampered_checksums_are_refused(archivist_client, collection):
    response = archivist_client.post(
        IMPORT_URL,
        {"collection": collection.pk, "checksums": "../../settings", "confirm": "1"},
        follow=True,
    )
    assert "upload the pages again" in response.content.decode()
    assert not Document.objects.exists()


def test_bad_files_get_a_clear_message_and_the_others_go_on(archivist_client, collection, settings):
    settings.IMPORT_MAX_PAGE_BYTES = 20_000
    response = preview(
        archivist_client,
        collection,
        upload("empty.txt", b""),
        upload("image.txt", b"\x89PNG\r\n\x1a\n\x00\x00" * 50),
        upload("big.txt", b"x" * 20_001),
        upload("list.txt", b"Bread, milk, eggs."),
        upload("000-seed.txt"),
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "The file is empty." in page
    assert "This looks like a binary file" in page
    assert "are refused" in page
    assert "No document found on this page" in page
    assert response.context["can_confirm"]
    assert response.context["confirm_form"].initial["names"] == "000-seed.txt"


def test_already_imported_pages_are_shown_as_such(archivist_client, collection):
    data = (PAGES / "000-seed.txt").read_bytes()
    from catalogue.importers.persist import import_page

    [item] = import_page("seed", data, collection).documents
    response = preview(archivist_client, collection, upload("000-seed.txt"))
    assert "already imported" in response.content.decode()
    assert item.document.identifier in response.content.decode()
    assert not response.context["can_confirm"]


def test_no_upload_is_a_form_error(archivist_client, collection):
    response = archivist_client.post(IMPORT_URL, {"collection": collection.pk})
    assert response.status_code == 200
    assert "Choose one or more pages" in response.content.decode()


def test_import_page_needs_the_right_to_add_documents(client, db):
    from django.contrib.auth.models import User

    user = User.objects.create_user("visitor", password="x", is_staff=True)
    client.force_login(user)
    assert client.get(IMPORT_URL).status_code == 403


def test_changelist_links_to_the_import_page(archivist_client, collection):
    response = archivist_client.get(reverse("admin:catalogue_document_changelist"))
    assert IMPORT_URL in response.content.decode()


# --- Warnings on documents ---------------------------------------------------------------------


def test_import_warnings_are_shown_until_resolved(archivist_client, collection):
    warned = make_document(
        collection, status=Status.DRAFT, import_warnings=["footnote * has no text"]
    )
    clean = make_document(collection, status=Status.DRAFT)
    change_url = reverse("admin:catalogue_document_change", args=[warned.pk])
    page = archivist_client.get(change_url).content.decode()
    assert "footnote * has no text" in page
    assert "1 import warning(s) to resolve" in page

    changelist = reverse("admin:catalogue_document_changelist")
    listed = archivist_client.get(changelist, {"import_warnings": "yes"}).context["cl"].queryset
    assert list(listed) == [warned]
    listed = archivist_client.get(changelist, {"import_warnings": "no"}).context["cl"].queryset
    assert list(listed) == [clean]

    archivist_client.post(
        changelist, {"action": "resolve_import_warnings", "_selected_action": [warned.pk]}
    )
    warned.refresh_from_db()
    assert warned.import_warnings == []
    assert "import warning(s) to resolve" not in archivist_client.get(change_url).content.decode()


# --- Suggestions -------------------------------------------------------------------------------


@pytest.fixture
def suggestion(collection):
    document = make_document(collection, status=Status.DRAFT)
    return AuthoritySuggestion.objects.create(
        document=document, kind="person", role="recipient", name_as_printed="Ali Fuad",
        office_as_stated="ambassador of Turkey",
    )  # fmt: skip


def change(client, suggestion, **data):
    url = reverse("admin:catalogue_authoritysuggestion_change", args=[suggestion.pk])
    return client.post(url, {"office_as_stated": suggestion.office_as_stated, **data}, follow=True)


def test_archivist_links_a_suggestion_to_an_existing_person(archivist_client, suggestion):
    person = make_person("Ali Fuat Cebesoy")
    url = reverse("admin:catalogue_authoritysuggestion_change", args=[suggestion.pk])
    assert archivist_client.get(url).status_code == 200
    response = change(archivist_client, suggestion, person=person.pk)
    assert "Linked “Ali Fuad” to Ali Fuat Cebesoy" in response.content.decode()
    suggestion.refresh_from_db()
    assert suggestion.status == SuggestionStatus.LINKED
    assert suggestion.document.correspondents.get().person == person


def test_archivist_creates_a_new_record_from_a_suggestion(archivist_client, suggestion):
    change(archivist_client, suggestion, create_new_record="on")
    person = Person.objects.get(preferred_name="Ali Fuad")
    assert person.sort_name == "Fuad, Ali"
    assert suggestion.document.correspondents.get(role="recipient").person == person


def test_creating_never_duplicates_an_existing_person(archivist_client, suggestion):
    existing = make_person("Ali Fuad")
    archivist_client.post(
        reverse("admin:catalogue_authoritysuggestion_changelist"),
        {"action": "create_records", "_selected_action": [suggestion.pk]},
    )
    assert Person.objects.filter(name_key=existing.name_key).count() == 1
    suggestion.refresh_from_db()
    assert suggestion.person == existing


def test_only_records_of_the_suggested_kind_can_be_chosen(archivist_client, suggestion):
    from tests.factories import make_place

    url = reverse("admin:catalogue_authoritysuggestion_change", args=[suggestion.pk])
    form = archivist_client.get(url).context["adminform"].form
    assert "person" in form.fields and "place" not in form.fields
    response = change(archivist_client, suggestion, place=make_place("Ankara").pk)
    assert "Nothing was decided" in response.content.decode()
    suggestion.refresh_from_db()
    assert suggestion.is_open and suggestion.place is None


def test_reject_action(archivist_client, suggestion):
    archivist_client.post(
        reverse("admin:catalogue_authoritysuggestion_changelist"),
        {"action": "reject", "_selected_action": [suggestion.pk]},
    )
    suggestion.refresh_from_db()
    assert suggestion.status == SuggestionStatus.REJECTED


def age(name, days):
    """Make a pending page look `days` old."""
    import os
    import time

    path = default_storage.path(f"{PENDING_FOLDER}/{name}")
    then = time.time() - days * 86400
    os.utime(path, (then, then))


def test_abandoned_previews_expire_at_the_next_preview(archivist_client, collection):
    preview(archivist_client, collection, upload("000-seed.txt"))
    (abandoned,) = pending_files()
    age(abandoned, days=3)
    preview(archivist_client, collection, upload("004-1921-05-13-notes-ali-fuad.txt"))
    remaining = pending_files()
    assert abandoned not in remaining and len(remaining) == 1


def test_clear_pending_imports_command(archivist_client, collection):
    from io import StringIO

    from django.core.management import call_command

    preview(
        archivist_client,
        collection,
        upload("000-seed.txt"),
        upload("004-1921-05-13-notes-ali-fuad.txt"),
    )
    old, recent = sorted(pending_files())
    age(old, days=1)
    out = StringIO()
    call_command("clear_pending_imports", older_than_hours=12, dry_run=True, stdout=out)
    assert f"would delete {PENDING_FOLDER}/{old}" in out.getvalue()
    assert sorted(pending_files()) == [old, recent]
    call_command("clear_pending_imports", older_than_hours=12, stdout=out)
    assert pending_files() == [recent]
    assert "1 expired pending page(s) deleted." in out.getvalue()


def test_clear_pending_imports_refuses_a_negative_age(db):
    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError, match="cannot be negative"):
        call_command("clear_pending_imports", older_than_hours=-1)
