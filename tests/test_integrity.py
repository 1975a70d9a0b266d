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
    DocumentRelation,
    Footnote,
    Mention,
    RelationKind,
    Revision,
    RevisionState,
    Status,
)
from tests.admin_forms import post_data
from tests.factories import make_document, make_person, make_place, make_staff_user


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
    # Saving again makes another revision, and the page says so.
    assert b"stores them as a pending revision" in refused.content
    assert b"replaces the current version" not in refused.content
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
    assert b"replaces the current version" in refused.content  # an editor's save publishes
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


# --- Gap 4: relations between documents go through the revision --------------------------------


@pytest.fixture
def other(db):
    return make_document(heading="Note of the German embassy")


def relation_rows(**fields):
    return {f"relations_out-{key}": value for key, value in fields.items()}


def test_a_relation_an_archivist_adds_to_a_published_document_waits_for_review(
    alice, editor, published, other
):
    response = revise_in_form(
        logged_in(alice),
        published,
        **relation_rows(
            **{"TOTAL_FORMS": "1", "0-kind": RelationKind.REPLIES_TO, "0-target": str(other.pk)},
            **{"0-note": "Answers the German note."},
        ),
    )
    assert response.status_code == 302
    assert not DocumentRelation.objects.exists()  # nothing public yet
    revision = Revision.objects.get()
    assert revision.snapshot["relations_out"] == [
        {
            "id": None,
            "kind": "replies_to",
            "target": other.pk,
            "note": "Answers the German note.",
            "suggested": False,
        }  # fmt: skip
    ]
    assert revision.change_summary == "Changed relations to other documents."

    review = logged_in(editor).get(review_url(revision))
    inlines = {inline.label: inline for inline in review.context["inlines"]}
    [row] = inlines["Relations to other documents"].rows
    assert row.state == "added"
    assert other.identifier in review.content.decode()

    revisions.publish_revision(revision, editor)
    relation = DocumentRelation.objects.get()
    assert (relation.source, relation.kind, relation.target) == (published, "replies_to", other)


def test_a_relation_an_archivist_removes_stays_until_the_revision_is_published(
    alice, editor, published, other
):
    relation = DocumentRelation.objects.create(source=published, kind="refers_to", target=other)
    DocumentRelation.objects.create(source=other, kind="replies_to", target=published)
    revise_in_form(logged_in(alice), published, **relation_rows(**{"0-DELETE": "on"}))

    assert DocumentRelation.objects.filter(pk=relation.pk).exists()
    revision = Revision.objects.get()
    assert revision.snapshot["relations_out"] == []  # the inverse row is not part of it
    revisions.publish_revision(revision, editor)
    assert not DocumentRelation.objects.filter(pk=relation.pk).exists()
    assert DocumentRelation.objects.filter(source=other).exists()


def test_a_relation_changed_on_a_draft_is_saved_directly(alice, other):
    draft = make_document(heading="A draft", status=Status.DRAFT)
    revise_in_form(
        logged_in(alice),
        draft,
        **relation_rows(**{"TOTAL_FORMS": "1", "0-kind": "refers_to", "0-target": str(other.pk)}),
    )
    assert DocumentRelation.objects.filter(source=draft, target=other).exists()
    assert not Revision.objects.exists()


def test_continuing_a_revision_shows_its_relations(alice, published, other):
    client = logged_in(alice)
    revise_in_form(
        client,
        published,
        **relation_rows(**{"TOTAL_FORMS": "1", "0-kind": "refers_to", "0-target": str(other.pk)}),
    )
    revision = Revision.objects.get()
    page = client.get(f"{change_url(published)}?from_revision={revision.pk}")
    formsets = {f.formset.prefix: f.formset for f in page.context["inline_admin_formsets"]}
    assert [f["target"].value() for f in formsets["relations_out"].forms] == [other.pk]


def test_a_revision_made_before_relations_were_revised_is_not_stale_for_that(
    editor, published, other
):
    snapshot = revisions.snapshot_of(published)
    del snapshot["relations_out"]  # as revisions were stored before
    revision = revisions.propose(published, snapshot, editor)
    revision.base.pop("relations_out")
    revision.snapshot["document"]["title"] = "A title"
    revision.save()
    DocumentRelation.objects.create(source=published, kind="refers_to", target=other)

    revisions.publish_revision(revision, editor)

    assert Document.objects.get(pk=published.pk).title == "A title"
    assert DocumentRelation.objects.filter(source=published).exists()  # left alone


def test_a_relation_saved_anywhere_moves_its_source_documents_edit_version(published, other):
    version = Document.objects.get(pk=published.pk).edit_version
    relation = DocumentRelation.objects.create(source=published, kind="refers_to", target=other)
    assert Document.objects.get(pk=published.pk).edit_version == version + 1
    relation.delete()
    assert Document.objects.get(pk=published.pk).edit_version == version + 2


# --- Gap 5: a history revert never grants more than the user's own rights ----------------------


def staff_with(username, *codenames):
    from django.contrib.auth.models import Permission, User

    user = User.objects.create_user(username, is_staff=True)
    user.user_permissions.set(
        Permission.objects.filter(content_type__app_label="catalogue", codename__in=codenames)
    )
    return logged_in(user)


def history_url(obj, record):
    name = obj._meta.model_name
    return reverse(f"admin:catalogue_{name}_simple_history", args=[obj.pk, record.history_id])


def test_a_user_who_may_only_view_cannot_revert(db):
    person = make_person("G. V. Chicherin")
    original = person.history.latest()
    person.preferred_name = "Georgy Chicherin"
    person.save()
    client = staff_with("reader", "view_person")
    url = history_url(person, original)
    page = client.get(url)
    assert page.status_code == 200 and page.context["revert_disabled"]

    response = client.post(url, post_data(page))

    assert response.status_code == 403
    person.refresh_from_db()
    assert person.preferred_name == "Georgy Chicherin"


def test_reverting_a_deleted_record_back_into_existence_needs_the_add_right(db):
    from catalogue.models import Person

    person = make_person("Lev Karakhan")
    record = person.history.latest()
    person.delete()
    client = staff_with("changer", "view_person", "change_person")
    url = reverse("admin:catalogue_person_simple_history", args=[record.id, record.history_id])
    page = client.get(url)
    assert page.context["revert_disabled"]

    assert client.post(url, post_data(page)).status_code == 403
    assert not Person.objects.filter(pk=record.id).exists()


def test_an_archivist_cannot_revert_a_footnote_of_a_published_document(alice, published):
    footnote = published.footnotes.get()
    original = footnote.history.latest()
    footnote.text = "Corrected by an editor."
    footnote.save()
    client = logged_in(alice)
    url = history_url(footnote, original)

    assert client.post(url, post_data(client.get(url))).status_code == 403
    footnote.refresh_from_db()
    assert footnote.text == "Corrected by an editor."


def test_an_archivist_reverting_a_published_document_to_a_review_version_is_refused(
    alice, published
):
    published.status = Status.REVIEW
    published.heading = "A heading under review"
    published.save()
    in_review = published.history.latest()
    published.status = Status.PUBLISHED
    published.heading = "Letter to Frunze"
    published.save()
    client = logged_in(alice)
    url = history_url(published, in_review)
    page = client.get(url)
    assert page.context["revert_disabled"]
    assert any("withdraw" in m for m in messages_of(page))

    response = client.post(url, post_data(page), follow=True)

    assert any("Not reverted" in m for m in messages_of(response))
    published.refresh_from_db()
    assert (published.status, published.heading) == (Status.PUBLISHED, "Letter to Frunze")
    assert not Revision.objects.exists()


def test_an_editor_reverting_to_a_review_version_is_told_the_document_stays_published(
    editor, published
):
    published.status = Status.REVIEW
    published.save()
    in_review = published.history.latest()
    published.status = Status.PUBLISHED
    published.save()
    page = logged_in(editor).get(history_url(published, in_review))
    assert not page.context["revert_disabled"]
    assert any("stays published" in m for m in messages_of(page))


def test_an_archivist_reverting_to_a_published_version_makes_a_pending_revision(alice, published):
    original = published.history.latest()
    published.heading = "Letter to M. V. Frunze"
    published.save()
    client = logged_in(alice)
    url = history_url(published, original)
    client.post(url, post_data(client.get(url)))
    published.refresh_from_db()
    assert published.heading == "Letter to M. V. Frunze"
    revision = Revision.objects.get()
    assert revision.is_pending and revision.snapshot["document"]["heading"] == "Letter to Frunze"


# --- Gap 3: deleting a record linked to published documents is an editor's decision -----------


def delete_url(obj):
    return reverse(f"admin:catalogue_{obj._meta.model_name}_delete", args=[obj.pk])


def changelist_url(model):
    return reverse(f"admin:catalogue_{model._meta.model_name}_changelist")


def assert_not_deleted_by(client, record):
    page = client.get(delete_url(record))
    assert page.status_code == 403
    assert client.post(delete_url(record), {"post": "yes"}).status_code == 403
    client.post(
        changelist_url(type(record)),
        {"action": "delete_selected", "_selected_action": [record.pk], "post": "yes"},
    )
    assert type(record).objects.filter(pk=record.pk).exists()


def test_an_archivist_cannot_delete_the_place_of_origin_of_a_published_document(alice):
    place = make_place("Angora")
    document = make_document(place_of_origin=place)
    assert_not_deleted_by(logged_in(alice), place)
    assert Document.objects.get(pk=document.pk).place_of_origin == place


def test_an_archivist_cannot_delete_a_theme_of_a_published_document(alice, published):
    from catalogue.models import Theme

    theme = Theme.objects.create(name="Straits", slug="straits-test")
    published.themes.add(theme)
    assert_not_deleted_by(logged_in(alice), theme)
    assert published.themes.filter(pk=theme.pk).exists()


def test_an_archivist_cannot_delete_a_person_named_in_a_published_footnote(alice, published):
    person = make_person("Enver Pasha")
    published.footnotes.get().persons.add(person)
    assert_not_deleted_by(logged_in(alice), person)


def test_an_archivist_may_delete_records_linked_only_to_drafts(alice):
    from catalogue.models import Person, Place, Theme

    draft = make_document(status=Status.DRAFT, place_of_origin=make_place("Kabul"))
    person = make_person("Amanullah")
    Mention.objects.create(document=draft, person=person)
    theme = Theme.objects.create(name="Pamir", slug="pamir-test")
    draft.themes.add(theme)
    client = logged_in(alice)
    for record in (person, draft.place_of_origin, theme):
        page = client.get(delete_url(record))
        assert page.status_code == 200 and "published documents" not in page.content.decode()
        client.post(delete_url(record), {"post": "yes"})
    assert not Person.objects.filter(pk=person.pk).exists()
    assert not Place.objects.filter(name="Kabul").exists()
    assert not Theme.objects.filter(pk=theme.pk).exists()


def test_an_editor_deletes_after_a_page_listing_the_published_documents_affected(editor, published):
    from catalogue.models import Person

    person = make_person("Enver Pasha")
    Mention.objects.create(document=published, person=person)
    draft = make_document(heading="A draft about Enver", status=Status.DRAFT)
    Mention.objects.create(document=draft, person=person)
    client = logged_in(editor)

    page = client.get(delete_url(person))
    assert page.status_code == 200
    assert list(page.context["affected_published_documents"]) == [published]
    html = page.content.decode()
    assert "published documents" in html and published.identifier in html
    assert draft.identifier not in html.split("affected-published")[1].split("</div>")[0]

    listing = client.post(
        changelist_url(Person), {"action": "delete_selected", "_selected_action": [person.pk]}
    )
    assert list(listing.context_data["affected_published_documents"]) == [published]
    assert published.identifier in listing.content.decode()

    client.post(delete_url(person), {"post": "yes"})
    assert not Person.objects.filter(pk=person.pk).exists()
    assert not published.mentions.filter(person__isnull=False).exists()
