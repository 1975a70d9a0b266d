"""Editorial integrity, the gaps left after issue 11 A and B: no pending revision is silently
overwritten, no stale revision silently undoes a newer public version, deleting an authority
record does not take links from published documents behind the editors' backs, relations go
through revisions like the other inlines, and a history revert never grants more than the
user's own rights."""

import pytest
from django.test import Client
from django.urls import reverse

from catalogue.models import (
    Footnote,
    Mention,
    Revision,
)
from tests.admin_forms import post_data
from tests.factories import make_document, make_place, make_staff_user


def change_url(obj):
    return reverse(f"admin:catalogue_{obj._meta.model_name}_change", args=[obj.pk])


def review_url(revision):
    return reverse("admin:catalogue_revision_change", args=[revision.pk])


def logged_in(user):
    client = Client()
    client.force_login(user)
    return client


def messages_of(response):
    return [str(m) for m in response.context["messages"]]


@pytest.fixture
def alice(db):
    return make_staff_user("alice", "Archivist")


@pytest.fixture
def bob(db):
    return make_staff_user("bob", "Archivist")


@pytest.fixture
def published(db):
    document = make_document(heading="Letter to Frunze", body="Enver 1 is a myth.")
    Footnote.objects.create(document=document, marker="1", text="Enver pasha ...")
    Mention.objects.create(document=document, place=make_place("Ankara"), name_as_printed="Angora")
    return document


def revise_in_form(client, document, page=None, **fields):
    """Save the document's change form (`page`, loaded earlier, or loaded now)."""
    url = change_url(document)
    return client.post(url, post_data(page or client.get(url), **fields))


# --- Gap 1: a pending revision moves the document's edit version ------------------------------


def test_two_archivists_revising_one_published_document_the_second_is_refused(
    alice, bob, published
):
    first, second = logged_in(alice), logged_in(bob)
    page_1, page_2 = first.get(change_url(published)), second.get(change_url(published))

    saved = revise_in_form(first, published, page_1, body="Enver 1 is a myth, said Alice.")
    assert saved.status_code == 302
    refused = revise_in_form(second, published, page_2, heading="Bob's heading")

    assert refused.status_code == 409
    assert refused.context["adminform"].form["heading"].value() == "Bob's heading"  # kept
    conflict = refused.context["edit_conflict"]
    assert conflict.people == ["alice"]
    assert any("revision" in edit.what for edit in conflict.edits)
    [revision] = Revision.objects.all()
    assert revision.author == alice
    assert revision.snapshot["document"]["heading"] == "Letter to Frunze"


def test_continuing_a_revision_in_two_tabs_does_not_lose_the_first_tabs_work(alice, published):
    client = logged_in(alice)
    revision_response = revise_in_form(client, published, body="First version of the body.")
    revision = Revision.objects.get()
    assert revision_response.url == review_url(revision)
    url = f"{change_url(published)}?from_revision={revision.pk}"
    tab_1, tab_2 = client.get(url), client.get(url)

    assert client.post(url, post_data(tab_1, title="Title from tab 1")).status_code == 302
    refused = client.post(url, post_data(tab_2, editorial_note="Note from tab 2"))

    assert refused.status_code == 409
    revision.refresh_from_db()
    assert revision.snapshot["document"]["title"] == "Title from tab 1"
    assert revision.snapshot["document"]["body"] == "First version of the body."


def test_an_editor_form_opened_before_a_revision_was_saved_conflicts(alice, editor, published):
    editor_client = logged_in(editor)
    stale = editor_client.get(change_url(published))
    revise_in_form(logged_in(alice), published, body="Alice's body.")
    refused = revise_in_form(editor_client, published, stale, heading="Editor's heading")
    assert refused.status_code == 409
    published.refresh_from_db()
    assert published.heading == "Letter to Frunze"
