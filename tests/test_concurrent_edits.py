"""No lost update (issue 11, finding 2): two people open the same change form and both save.

The second save is refused (409) with what the first changed, and the second person's input is
kept in the form; saving that form again is the deliberate way to replace the first's work.
"""

import threading

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from catalogue import versioning
from catalogue.models import (
    Collection,
    Correspondent,
    Document,
    Footnote,
    Organisation,
    Person,
    Place,
    Status,
)
from tests.admin_forms import post_data
from tests.factories import (
    make_collection,
    make_document,
    make_organisation,
    make_person,
    make_place,
    make_staff_user,
)
from tests.scan_images import jpeg, stored_files, upload


def change_url(obj):
    return reverse(f"admin:catalogue_{obj._meta.model_name}_change", args=[obj.pk])


def logged_in(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def alice(db):
    return make_staff_user("alice", "Archivist")


@pytest.fixture
def bob(db):
    return make_staff_user("bob", "Archivist")


@pytest.fixture
def two_archivists(alice, bob):
    return logged_in(alice), logged_in(bob)


@pytest.fixture
def draft(db):
    document = make_document(heading="Letter to Frunze", body="Enver is a myth.", status="draft")
    Footnote.objects.create(document=document, marker="1", text="Enver pasha.")
    Correspondent.objects.create(
        document=document, role="author", person=make_person("G. V. Chicherin")
    )
    return document


def both_open(clients, obj):
    """Each client GETs the change form of `obj`: their pages, in order."""
    pages = [client.get(change_url(obj)) for client in clients]
    assert all(page.status_code == 200 for page in pages)
    return pages


def form_value(response, name):
    return response.context["adminform"].form[name].value()


def changes(edit):
    return {(change.label.capitalize(), change.before, change.after) for change in edit.fields}


def assert_refused(response):
    assert response.status_code == 409
    assert b"Someone else saved this" in response.content
    assert "edit_conflict" in {
        error.code
        for error in response.context["adminform"].form.errors.as_data().get("__all__", [])
    }


# --- Documents -------------------------------------------------------------------------------


def test_second_save_of_a_document_is_refused_and_the_first_survives(two_archivists, draft):
    first, second = two_archivists
    page_1, page_2 = both_open((first, second), draft)

    saved = first.post(change_url(draft), post_data(page_1, heading="Letter to M. V. Frunze"))
    assert saved.status_code == 302
    refused = second.post(change_url(draft), post_data(page_2, heading="Letter to Frunze (copy)"))

    assert_refused(refused)
    draft.refresh_from_db()
    assert draft.heading == "Letter to M. V. Frunze"
    # The second person's input is in the form, with a token for the current version.
    assert form_value(refused, "heading") == "Letter to Frunze (copy)"
    assert form_value(refused, "edit_token") != form_value(page_2, "edit_token")
    # Who changed what, field by field, and when.
    conflict = refused.context["edit_conflict"]
    assert conflict.people == ["alice"]
    [edit] = conflict.edits
    assert edit.when <= timezone.now()
    assert ("Heading", "Letter to Frunze", "Letter to M. V. Frunze") in changes(edit)
    text = refused.content.decode()
    assert "alice" in text and "Letter to M. V. Frunze" in text


def test_different_fields_changed_still_refused_no_silent_merge(two_archivists, draft):
    first, second = two_archivists
    page_1, page_2 = both_open((first, second), draft)

    assert first.post(change_url(draft), post_data(page_1, title="To Frunze")).status_code == 302
    refused = second.post(change_url(draft), post_data(page_2, editorial_note="Check the date."))

    assert_refused(refused)
    draft.refresh_from_db()
    assert (draft.title, draft.editorial_note) == ("To Frunze", "")
    assert form_value(refused, "editorial_note") == "Check the date."
    assert form_value(refused, "title") == ""  # what the second person had: nothing merged


def test_saving_the_refused_form_again_is_a_deliberate_overwrite(two_archivists, draft):
    first, second = two_archivists
    page_1, page_2 = both_open((first, second), draft)
    first.post(change_url(draft), post_data(page_1, title="To Frunze"))
    refused = second.post(change_url(draft), post_data(page_2, editorial_note="Check the date."))

    again = second.post(change_url(draft), post_data(refused))

    assert again.status_code == 302
    draft.refresh_from_db()
    assert (draft.title, draft.editorial_note) == ("", "Check the date.")


def test_a_refused_save_writes_nothing_not_even_uploaded_scans(two_archivists, draft, settings):
    first, second = two_archivists
    page_1, page_2 = both_open((first, second), draft)
    first.post(change_url(draft), post_data(page_1, title="To Frunze"))
    files_before = stored_files(settings.MEDIA_ROOT)

    refused = second.post(
        change_url(draft),
        post_data(page_2, body="Changed too", scan_files=[upload("page-1.jpg", jpeg(seed=3))]),
    )

    assert_refused(refused)
    assert not draft.scans.exists()
    assert stored_files(settings.MEDIA_ROOT) == files_before
    assert "choose them again" in refused.content.decode()
    draft.refresh_from_db()
    assert draft.body == "Enver is a myth."


def test_inline_only_edits_of_one_document_conflict(two_archivists, draft):
    """One adds a footnote, the other corrects the existing one: neither touched the document's
    own fields, and the second is still refused."""
    first, second = two_archivists
    page_1, page_2 = both_open((first, second), draft)
    footnotes = "footnotes-"
    added = post_data(
        page_1,
        **{
            f"{footnotes}TOTAL_FORMS": "2",
            f"{footnotes}1-marker": "2",
            f"{footnotes}1-order": "1",
            f"{footnotes}1-kind": "editorial",
            f"{footnotes}1-text": "Frunze was in Ankara.",
        },
    )
    assert first.post(change_url(draft), added).status_code == 302
    refused = second.post(
        change_url(draft), post_data(page_2, **{f"{footnotes}0-text": "Enver Pasha (1881-1922)."})
    )

    assert_refused(refused)
    texts = sorted(draft.footnotes.values_list("text", flat=True))
    assert texts == ["Enver pasha.", "Frunze was in Ankara."]
    assert "added footnote" in refused.content.decode()
    inline = next(
        inline
        for inline in refused.context["inline_admin_formsets"]
        if inline.formset.model is Footnote
    )
    assert inline.formset.forms[0]["text"].value() == "Enver Pasha (1881-1922)."


def test_a_list_action_between_load_and_save_is_a_conflict(client, draft, db):
    editor_a = make_staff_user("editor-a", "Editor")
    editor_b = logged_in(make_staff_user("editor-b", "Editor"))
    page = editor_b.get(change_url(draft))
    client.force_login(editor_a)
    changelist = reverse("admin:catalogue_document_changelist")

    published = client.post(changelist, {"action": "publish", "_selected_action": [draft.pk]})

    assert published.status_code == 302  # the action is not blocked by any form's version
    draft.refresh_from_db()
    assert draft.status == Status.PUBLISHED
    refused = editor_b.post(change_url(draft), post_data(page, body="Enver is a legend."))
    assert_refused(refused)
    draft.refresh_from_db()
    assert (draft.status, draft.body) == (Status.PUBLISHED, "Enver is a myth.")
    [edit] = refused.context["edit_conflict"].edits
    assert edit.who == "editor-a"
    assert ("Status", "Draft", "Published") in changes(edit)


def test_list_actions_bump_the_version_and_record_the_public_change(editor_client, draft):
    before, catalogue_before = draft.edit_version, versioning.current_version()
    changelist = reverse("admin:catalogue_document_changelist")
    editor_client.post(changelist, {"action": "publish", "_selected_action": [draft.pk]})
    draft.refresh_from_db()
    assert draft.edit_version > before
    assert versioning.current_version() > catalogue_before


def test_a_form_without_its_version_is_refused(archivist_client, draft):
    page = archivist_client.get(change_url(draft))
    data = post_data(page, heading="Changed")
    del data["edit_token"]
    assert_refused(archivist_client.post(change_url(draft), data))
    draft.refresh_from_db()
    assert draft.heading == "Letter to Frunze"


def test_a_forged_version_is_refused(archivist_client, draft):
    page = archivist_client.get(change_url(draft))
    data = post_data(page, heading="Changed", edit_token="1:forged")
    assert_refused(archivist_client.post(change_url(draft), data))


def test_public_change_through_the_form_still_recorded(editor_client, db):
    document = make_document(status=Status.PUBLISHED, body="Old.")
    before = versioning.current_version()
    page = editor_client.get(change_url(document))
    assert editor_client.post(change_url(document), post_data(page, body="New.")).status_code == 302
    assert versioning.current_version() > before


# --- Authorities and collections ---------------------------------------------------------------


AUTHORITIES = {
    "person": (lambda: make_person("G. V. Chicherin"), "biography", "sort_name"),
    "place": (lambda: make_place("Ankara", country="Turkey"), "description", "country"),
    "organisation": (lambda: make_organisation("NKID"), "description", "abbreviation"),
    "collection": (lambda: make_collection(title="Soviet foreign policy"), "description", "url"),
}


@pytest.mark.parametrize("kind", sorted(AUTHORITIES))
def test_second_save_of_an_authority_or_collection_is_refused(two_archivists, kind):
    make, first_field, second_field = AUTHORITIES[kind]
    record = make()
    first, second = two_archivists
    page_1, page_2 = both_open((first, second), record)
    second_value = "https://example.org/x" if second_field == "url" else "Second's entry"

    saved = first.post(change_url(record), post_data(page_1, **{first_field: "First's entry"}))
    assert saved.status_code == 302
    refused = second.post(change_url(record), post_data(page_2, **{second_field: second_value}))

    assert_refused(refused)
    record.refresh_from_db()
    assert getattr(record, first_field) == "First's entry"
    assert getattr(record, second_field) != second_value
    assert form_value(refused, second_field) == second_value
    assert "First&#x27;s entry" in refused.content.decode() or "First's entry" in (
        refused.content.decode()
    )


def test_name_variant_inline_moves_the_persons_version(two_archivists):
    person = make_person("G. V. Chicherin")
    first, second = two_archivists
    page_1, page_2 = both_open((first, second), person)
    added = post_data(page_1, **{"variants-0-name": "Tchitcherine"})
    assert first.post(change_url(person), added).status_code == 302
    refused = second.post(change_url(person), post_data(page_2, biography="Diplomat."))
    assert_refused(refused)
    assert "added name variant" in refused.content.decode()


# --- Outside the forms ---------------------------------------------------------------------------


def test_parts_saved_anywhere_move_their_owners_version(draft):
    version = Document.objects.get(pk=draft.pk).edit_version
    Footnote.objects.create(document_id=draft.pk, marker="9", text="Added by a script.")
    assert Document.objects.get(pk=draft.pk).edit_version == version + 1
    draft.footnotes.get(marker="9").delete()
    assert Document.objects.get(pk=draft.pk).edit_version == version + 2


def test_a_save_of_some_fields_moves_the_version(draft):
    document = Document.objects.get(pk=draft.pk)
    version = document.edit_version
    document.import_warnings = []
    document.save(update_fields=["import_warnings"])
    assert Document.objects.get(pk=draft.pk).edit_version == version + 1
    document.save()  # the copy in memory followed: no conflict with itself


def test_a_save_of_named_fields_from_an_older_copy_writes_them_and_moves_the_version(draft):
    """What accepting an authority suggestion does (the place of origin of a document whose
    mention another suggestion of the same name had just added)."""
    older = Document.objects.get(pk=draft.pk)
    Document.objects.get(pk=draft.pk).save()
    ankara = make_place("Ankara")
    older.place_of_origin = ankara
    older.save(update_fields=["place_of_origin"])
    now = Document.objects.get(pk=draft.pk)
    assert now.place_of_origin == ankara
    assert now.edit_version == older.edit_version == draft.edit_version + 2
    older.heading = "Saved again from the same copy"
    older.save()  # the copy followed the version: not a stale copy


def test_a_stale_copy_cannot_be_saved_over_a_newer_one(draft):
    from concurrency.exceptions import RecordModifiedError

    stale = Document.objects.get(pk=draft.pk)
    fresh = Document.objects.get(pk=draft.pk)
    fresh.heading = "Fresh"
    fresh.save()
    stale.heading = "Stale"
    with pytest.raises(RecordModifiedError), transaction.atomic():
        stale.save()
    assert Document.objects.get(pk=draft.pk).heading == "Fresh"


def test_the_seed_loads_again_over_rows_edited_since(seed):
    letter = Document.objects.get(identifier="D000001")
    assert letter.edit_version == 1
    letter.editorial_note = "Checked."
    letter.save()
    call_command("load_seed", "--without-facsimiles", verbosity=0)
    assert Document.objects.get(identifier="D000001").edit_version == 3


def test_every_edited_model_is_versioned():
    for model in (Document, Person, Place, Organisation, Collection):
        assert model._meta.get_field("edit_version")


def test_revert_from_history_still_works_and_checks_the_version(archivist_client, draft):
    original = draft.history.earliest()
    page_1 = archivist_client.get(change_url(draft))
    archivist_client.post(change_url(draft), post_data(page_1, heading="Changed once"))
    revert_url = reverse(
        "admin:catalogue_document_simple_history", args=[draft.pk, original.history_id]
    )
    revert_page = archivist_client.get(revert_url)
    other = Document.objects.get(pk=draft.pk)
    other.body = "Someone else's body"
    other.save()
    refused = archivist_client.post(revert_url, post_data(revert_page))
    assert refused.status_code == 302 and refused.url == revert_url
    assert Document.objects.get(pk=draft.pk).heading == "Changed once"

    reverted = archivist_client.post(revert_url, post_data(archivist_client.get(revert_url)))
    assert reverted.status_code == 302
    assert Document.objects.get(pk=draft.pk).heading == "Letter to Frunze"


# --- Two transactions at once (PostgreSQL) -----------------------------------------------------


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_saves_at_once_one_waits_and_is_refused():
    """The check locks the row: a save holding it makes the other wait, then see the new
    version. (SQLite has no row locks; it serialises writers instead.)"""
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL")
    from catalogue.edits import edit_token, find_conflict

    document = make_document(status="draft")
    token = edit_token(Document, document.pk)
    checked, saved, results = threading.Event(), threading.Event(), {}

    def first():
        with transaction.atomic():
            results["first"] = find_conflict(Document, document.pk, token)
            checked.set()
            saved.wait(5)
            copy = Document.objects.get(pk=document.pk)
            copy.heading = "First"
            copy.save()
        connection.close()

    def second():
        checked.wait(5)
        with transaction.atomic():
            saved.set()  # the first saves and commits while this one waits for the lock
            results["second"] = find_conflict(Document, document.pk, token)
        connection.close()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert results["first"] is None
    assert results["second"] is not None
    assert Document.objects.get(pk=document.pk).heading == "First"


@pytest.mark.parametrize("make", [make_organisation, make_person, make_place, make_collection])
def test_the_form_carries_a_token_not_the_version_field(archivist_client, make):
    record = make()
    form = archivist_client.get(change_url(record)).context["adminform"].form
    assert "edit_token" in form.fields and "edit_version" not in form.fields
    add = archivist_client.get(reverse(f"admin:catalogue_{record._meta.model_name}_add"))
    assert "edit_version" not in add.context["adminform"].form.fields


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_people_saving_at_the_same_moment_one_is_refused():
    """Two requests at once, each in its own thread, connection and transaction."""
    if connection.vendor != "postgresql":
        pytest.skip("concurrent transactions need PostgreSQL")
    document = make_document(heading="Original", status="draft")
    clients = [logged_in(make_staff_user(name, "Archivist")) for name in ("alice", "bob")]
    pages = both_open(clients, document)
    start, results = threading.Barrier(2, timeout=10), {}

    def save(client, page, heading):
        start.wait()
        results[heading] = client.post(change_url(document), post_data(page, heading=heading))
        connection.close()

    threads = [
        threading.Thread(target=save, args=(client, page, f"Saved by {client_number}"))
        for client_number, (client, page) in enumerate(zip(clients, pages, strict=True))
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(20)
    statuses = {heading: response.status_code for heading, response in results.items()}
    assert sorted(statuses.values()) == [302, 409]
    [winner] = [heading for heading, status in statuses.items() if status == 302]
    assert Document.objects.get(pk=document.pk).heading == winner
