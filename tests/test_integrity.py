"""Editorial integrity, the gaps left after issue 11 A and B: no pending revision is silently
overwritten, no stale revision silently undoes a newer public version, deleting an authority
record does not take links from published documents behind the editors' backs, relations go
through revisions like the other inlines, and a history revert never grants more than the
user's own rights."""

import pytest
from django.test import Client
from django.urls import reverse

from catalogue import revisions
from catalogue.models import (
    Document,
    Footnote,
    Mention,
    Revision,
    RevisionState,
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


# --- Gap 2: a stale revision is not published over a newer public version ---------------------


@pytest.fixture
def two_revisions(alice, bob, published):
    """Alice's revision changes the body, Bob's (made from the same public version, after
    reloading the form) the heading and the footnote."""
    revise_in_form(logged_in(alice), published, body="Enver 1 is a myth, said Alice.")
    revise_in_form(
        logged_in(bob),
        published,
        heading="Letter to M. V. Frunze",
        **{"footnotes-0-text": "Enver Pasha, Ottoman minister of war."},
    )
    first, second = Revision.objects.order_by("pk")
    return first, second


def publish(client, revision, button="_publish", **data):
    return client.post(review_url(revision), {button: "1", **data})


def test_a_revision_records_the_version_it_was_made_from(alice, published):
    version = Document.objects.get(pk=published.pk).edit_version
    revise_in_form(logged_in(alice), published, body="New body.")
    revision = Revision.objects.get()
    assert revision.base_version == version
    assert revision.updated_at >= revision.created_at
    assert Document.objects.get(pk=published.pk).edit_version > version


def test_a_stale_revision_is_not_published_as_it_stands(editor, two_revisions, published):
    first, second = two_revisions
    client = logged_in(editor)
    publish(client, first)
    response = publish(client, second)

    assert response.status_code == 200
    page = response.content.decode()
    assert "changed after this revision was made" in page
    for choice in ("_publish_merged", "_publish_anyway", "_send_back"):
        assert f'name="{choice}"' in page
    published.refresh_from_db()
    assert published.body == "Enver 1 is a myth, said Alice."  # Alice's change is not undone
    assert published.heading == "Letter to Frunze"
    second.refresh_from_db()
    assert second.is_pending


def test_a_stale_revisions_changes_are_published_onto_the_current_version(
    editor, two_revisions, published
):
    first, second = two_revisions
    client = logged_in(editor)
    publish(client, first)
    page = client.get(review_url(second))
    assert page.context["stale"] and page.context["merge_conflicts"] == []
    response = publish(client, second, "_publish_merged", seen=page.context["public_digest"])

    assert response.status_code == 302
    published.refresh_from_db()
    assert published.body == "Enver 1 is a myth, said Alice."  # kept
    assert published.heading == "Letter to M. V. Frunze"  # re-applied
    assert published.footnotes.get().text == "Enver Pasha, Ottoman minister of war."
    second.refresh_from_db()
    assert second.state == RevisionState.PUBLISHED


def test_merging_shows_conflicts_and_keeps_the_public_value_unless_told(
    alice, bob, editor, published
):
    revise_in_form(logged_in(alice), published, body="Alice's body.")
    revise_in_form(logged_in(bob), published, body="Bob's body.", title="Bob's title")
    first, second = Revision.objects.order_by("pk")
    client = logged_in(editor)
    publish(client, first)

    page = client.get(review_url(second))
    [conflict] = page.context["merge_conflicts"]
    assert (conflict.label, conflict.public, conflict.revised) == (
        "body",
        "Alice's body.",
        "Bob's body.",
    )
    assert conflict.key in page.content.decode()
    digest = page.context["public_digest"]

    publish(client, second, "_publish_merged", seen=digest)
    published.refresh_from_db()
    assert (published.body, published.title) == ("Alice's body.", "Bob's title")


def test_a_conflict_resolved_for_the_revision_takes_its_value(alice, bob, editor, published):
    revise_in_form(logged_in(alice), published, body="Alice's body.")
    revise_in_form(logged_in(bob), published, body="Bob's body.")
    first, second = Revision.objects.order_by("pk")
    client = logged_in(editor)
    publish(client, first)
    page = client.get(review_url(second))
    [conflict] = page.context["merge_conflicts"]
    data = {"seen": page.context["public_digest"], "take": [conflict.key]}
    publish(client, second, "_publish_merged", **data)
    published.refresh_from_db()
    assert published.body == "Bob's body."


def test_publish_anyway_needs_the_differences_seen_against_the_current_version(
    editor, two_revisions, published
):
    first, second = two_revisions
    client = logged_in(editor)
    publish(client, first)
    refused = publish(client, second, "_publish_anyway")  # without having seen them
    assert refused.status_code == 200
    assert Document.objects.get(pk=published.pk).body == "Enver 1 is a myth, said Alice."

    page = client.get(review_url(second))
    publish(client, second, "_publish_anyway", seen=page.context["public_digest"])
    published.refresh_from_db()
    assert published.body == "Enver 1 is a myth."  # the editor chose to replace it
    assert published.heading == "Letter to M. V. Frunze"


def test_a_digest_seen_before_another_public_change_is_refused(editor, two_revisions, published):
    first, second = two_revisions
    client = logged_in(editor)
    publish(client, first)
    digest = client.get(review_url(second)).context["public_digest"]
    document = Document.objects.get(pk=published.pk)
    document.title = "Changed again meanwhile"
    document.save()
    response = publish(client, second, "_publish_anyway", seen=digest)
    assert "changed again" in response.content.decode()
    assert Document.objects.get(pk=published.pk).heading == "Letter to Frunze"


def test_an_editors_direct_edit_makes_a_revision_stale(alice, editor, published):
    revise_in_form(logged_in(alice), published, heading="Alice's heading")
    revision = Revision.objects.get()
    editor_client = logged_in(editor)
    revise_in_form(editor_client, published, body="The editor's body.")
    publish(editor_client, revision)
    assert Document.objects.get(pk=published.pk).body == "The editor's body."
    with pytest.raises(revisions.StaleRevision):
        revisions.publish_revision(revision, editor)


def test_continuing_a_sent_back_revision_keeps_its_base(alice, editor, published):
    client = logged_in(alice)
    revise_in_form(client, published, heading="Alice's heading")
    sent_back = Revision.objects.get()
    sent_back.send_back(editor, "Also the title.")
    revise_in_form(logged_in(editor), published, body="The editor's body.")

    url = f"{change_url(published)}?from_revision={sent_back.pk}"
    client.post(url, post_data(client.get(url), title="Alice's title"))

    newest = Revision.objects.latest("pk")
    assert newest.base == sent_back.base and newest.base_version == sent_back.base_version
    with pytest.raises(revisions.StaleRevision):
        revisions.publish_revision(newest, editor)
