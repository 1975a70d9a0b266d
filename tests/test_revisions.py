"""Revisions of published documents: kept, listed, reviewed side by side, published or sent
back (issue 11, part A). The paths that make them are in test_editorial_paths."""

import pytest
from django.test import Client
from django.urls import reverse

from catalogue import revisions, versioning
from catalogue.models import (
    Document,
    Footnote,
    Mention,
    Revision,
    RevisionState,
    Rights,
    Scan,
    Status,
)
from tests.admin_forms import post_data
from tests.factories import make_document, make_person, make_place
from tests.scan_images import jpeg, make_ready_scan, upload


@pytest.fixture
def public():
    return Client()


@pytest.fixture
def published(db):
    document = make_document(heading="Letter to Frunze", body="Enver 1 is a myth.")
    Footnote.objects.create(document=document, marker="1", text="Enver pasha ...")
    Mention.objects.create(document=document, place=make_place("Ankara"), name_as_printed="Angora")
    return document


def change_url(document):
    return reverse("admin:catalogue_document_change", args=[document.pk])


def propose_through_the_form(client, document, **fields):
    url = change_url(document)
    client.post(url, post_data(client.get(url), **fields))
    return Revision.objects.filter(document=document).latest("pk")


@pytest.fixture
def revision(archivist_client, published):
    """An Archivist's revision: a new body, a corrected footnote, a footnote added, the
    mention removed."""
    return propose_through_the_form(
        archivist_client,
        published,
        body="Enver 1 is a myth; Kemal 2 is not.",
        **{
            "footnotes-TOTAL_FORMS": "2",
            "footnotes-0-text": "Enver Pasha, Ottoman minister of war.",
            "footnotes-1-marker": "2",
            "footnotes-1-order": "2",
            "footnotes-1-kind": "biographical",
            "footnotes-1-text": "Mustafa Kemal",
            "mentions-0-DELETE": "on",
        },
    )


def review_url(revision):
    return reverse("admin:catalogue_revision_change", args=[revision.pk])


def as_editor(client, editor):
    client.force_login(editor)
    return client


# --- The revision as kept ----------------------------------------------------------------------


def test_a_revision_keeps_everything_submitted_and_the_version_it_started_from(
    revision, archivist, published
):
    assert revision.state == RevisionState.PENDING and revision.author == archivist
    assert revision.snapshot["document"]["body"] == "Enver 1 is a myth; Kemal 2 is not."
    assert [(r["marker"], r["text"]) for r in revision.snapshot["footnotes"]] == [
        ("1", "Enver Pasha, Ottoman minister of war."),
        ("2", "Mustafa Kemal"),
    ]
    assert revision.snapshot["mentions"] == []
    assert revision.base == revisions.snapshot_of(published)
    assert revision.base["document"]["body"] == "Enver 1 is a myth."
    assert revision.change_summary == "Changed body, mentions, footnotes."


def test_the_author_is_taken_to_the_revision_and_told_it_awaits_an_editor(
    archivist_client, published
):
    url = change_url(published)
    response = archivist_client.post(
        url, post_data(archivist_client.get(url), body="New text."), follow=True
    )
    revision = Revision.objects.get()
    assert response.redirect_chain[-1][0] == review_url(revision)
    text = response.content.decode()
    assert "awaits an editor" in text and "New text." in text and "Enver 1 is a myth." in text


def test_the_change_page_tells_an_archivist_that_saving_makes_a_revision(
    archivist_client, published
):
    page = archivist_client.get(change_url(published))
    assert any("kept as a revision" in str(m) for m in page.context["messages"])


# --- Drafts and revisions never leak -----------------------------------------------------------


def test_nothing_of_a_pending_revision_reaches_the_public(revision, published, public):
    page = public.get(published.get_absolute_url()).content.decode()
    assert "is a myth." in page and "Kemal 2" not in page and "Mustafa Kemal" not in page
    record = public.get(f"/api/documents/{published.identifier}").content.decode()
    assert "Kemal" not in record
    found = public.get(reverse("catalogue:document-list"), {"q": "Kemal"}).content.decode()
    assert published.identifier not in found


def test_a_draft_never_appears_and_its_scans_are_never_public(archivist_client, public, db):
    draft = make_document(heading="A secret draft", status=Status.DRAFT)
    scan = make_ready_scan(draft, page=1, rights=Rights.PUBLIC_DOMAIN)
    assert public.get(draft.get_absolute_url()).status_code == 404
    assert not Scan.objects.public().filter(pk=scan.pk).exists()
    assert public.get(scan.image_url("display")).status_code == 404
    listing = public.get(reverse("catalogue:document-list")).content.decode()
    assert "A secret draft" not in listing


# --- The editors' list and the review page -----------------------------------------------------


def test_editors_find_pending_revisions_in_the_list_and_from_the_document(
    client, editor, revision, published
):
    as_editor(client, editor)
    listing = client.get(
        reverse("admin:catalogue_revision_changelist"), {"state__exact": "pending"}
    )
    assert list(listing.context["cl"].result_list) == [revision]
    page = client.get(change_url(published))
    notice = [str(m) for m in page.context["messages"] if "await review" in str(m)]
    assert notice and f"document__id__exact={published.pk}" in notice[0]
    link = notice[0].split('href="')[1].split('"')[0].replace("&amp;", "&")
    assert list(client.get(link).context["cl"].result_list) == [revision]


def test_the_review_page_shows_both_versions_field_by_field_with_inlines(client, editor, revision):
    as_editor(client, editor)
    response = client.get(review_url(revision))
    assert response.status_code == 200
    fields = {f.label: f for f in response.context["fields"]}
    assert fields["body"].changed
    assert fields["body"].public == "Enver 1 is a myth."
    assert fields["body"].revised == "Enver 1 is a myth; Kemal 2 is not."
    assert not fields["heading"].changed
    inlines = {inline.label: inline for inline in response.context["inlines"]}
    assert [row.state for row in inlines["Footnotes"].rows] == ["changed", "added"]
    assert [row.state for row in inlines["Mentions"].rows] == ["removed"]
    assert not inlines["Correspondents"].changed
    html = response.content.decode()
    assert "revision-changed" in html and "Public version" in html
    assert "Publish this revision" in html and "Send back" in html


def test_an_archivist_sees_the_review_page_but_cannot_decide(archivist_client, revision, published):
    page = archivist_client.get(review_url(revision))
    assert page.status_code == 200 and "Publish this revision" not in page.content.decode()
    assert archivist_client.post(review_url(revision), {"_publish": "1"}).status_code == 403
    published.refresh_from_db()
    assert published.body == "Enver 1 is a myth."


# --- Publishing ---------------------------------------------------------------------------------


def test_publishing_applies_the_snapshot_as_a_public_change(
    client, editor, revision, published, public
):
    before = versioning.current_version()
    as_editor(client, editor)
    response = client.post(review_url(revision), {"_publish": "1"}, follow=True)
    assert any("Published the revision" in str(m) for m in response.context["messages"])

    published.refresh_from_db()
    assert published.body == "Enver 1 is a myth; Kemal 2 is not."
    assert published.status == Status.PUBLISHED
    assert list(published.footnotes.order_by("marker").values_list("marker", "text")) == [
        ("1", "Enver Pasha, Ottoman minister of war."),
        ("2", "Mustafa Kemal"),
    ]
    assert not Mention.objects.filter(document=published).exists()
    revision.refresh_from_db()
    assert revision.state == RevisionState.PUBLISHED and revision.reviewed_by == editor
    changes = versioning.changes_since(before)
    assert changes is not None and published.pk in changes.documents
    assert "is not." in public.get(published.get_absolute_url()).content.decode()
    found = public.get(reverse("catalogue:document-list"), {"q": "Kemal"}).content.decode()
    assert published.identifier in found  # the search index saw it


def test_publishing_twice_is_refused(client, editor, revision):
    revisions.publish_revision(revision, editor)
    as_editor(client, editor)
    response = client.post(review_url(revision), {"_publish": "1"})
    assert response.status_code == 200
    assert "already reviewed" in response.content.decode()


def test_publishing_approves_the_revisions_scans_in_its_page_order(
    archivist_client, client, editor, published, public
):
    first = make_ready_scan(published, page=1, rights=Rights.PUBLIC_DOMAIN)
    url = change_url(published)
    data = post_data(
        archivist_client.get(url),
        scan_files=[upload("new.jpg", jpeg(seed=21))],
        scan_rights=Rights.PUBLIC_DOMAIN,
        **{"scans-0-page": "3", "scans-0-caption": "Moved to the end"},
    )
    archivist_client.post(url, data)
    revision = Revision.objects.get()
    added = Scan.objects.get(pending=True)
    assert public.get(added.image_url("original")).status_code == 404

    revisions.publish_revision(revision, editor)

    added.refresh_from_db()
    first.refresh_from_db()
    assert not added.pending and added.page == 4 and first.page == 3
    assert first.caption == "Moved to the end"
    assert set(Scan.objects.public()) == {first, added}
    assert public.get(added.image_url("original")).status_code == 200


def test_a_scan_removed_in_the_revision_is_deleted_on_publishing(
    archivist_client, editor, published
):
    scan = make_ready_scan(published, page=1)
    url = change_url(published)
    archivist_client.post(url, post_data(archivist_client.get(url), **{"scans-0-DELETE": "on"}))
    assert Scan.objects.filter(pk=scan.pk).exists()  # still public until published
    revisions.publish_revision(Revision.objects.get(), editor)
    assert not Scan.objects.filter(pk=scan.pk).exists()


def test_a_revision_naming_a_deleted_record_is_refused_with_a_message(client, editor, published):
    person = make_person("Frunze")
    snapshot = revisions.snapshot_of(published)
    snapshot["mentions"].append(
        {
            "id": None,
            "person": person.pk + 1000,
            "organisation": None,
            "place": None,
            "name_as_printed": "ghost",
        }  # fmt: skip
    )
    revision = revisions.propose(published, snapshot, editor)
    as_editor(client, editor)
    response = client.post(review_url(revision), {"_publish": "1"})
    assert response.status_code == 200
    assert "could not be applied" in response.content.decode()
    revision.refresh_from_db()
    assert revision.is_pending and published.mentions.count() == 1


def test_the_review_page_warns_when_the_public_version_changed_since(
    client, editor, revision, published
):
    published.refresh_from_db()  # storing the revision moved the document's edit version
    published.heading = "Changed by an editor meanwhile"
    published.save()
    as_editor(client, editor)
    response = client.get(review_url(revision))
    assert response.context["public_changed_since"]


# --- Sending back -------------------------------------------------------------------------------


def test_sending_back_needs_a_comment_and_the_author_sees_it(
    client, editor, archivist, revision, published
):
    as_editor(client, editor)
    response = client.post(review_url(revision), {"_send_back": "1", "comment": ""})
    assert "Say what should change" in response.content.decode()
    revision.refresh_from_db()
    assert revision.is_pending

    client.post(review_url(revision), {"_send_back": "1", "comment": "Cite the volume."})
    revision.refresh_from_db()
    assert revision.state == RevisionState.SENT_BACK
    assert revision.reviewer_comment == "Cite the volume."
    published.refresh_from_db()
    assert published.body == "Enver 1 is a myth."

    client.force_login(archivist)
    page = client.get(change_url(published))
    assert any("Cite the volume." in str(m) for m in page.context["messages"])
    assert "Cite the volume." in client.get(review_url(revision)).content.decode()


def test_a_sent_back_revision_cannot_be_published(editor, revision):
    revision.send_back(editor, "No.")
    with pytest.raises(Exception, match="already reviewed"):
        revisions.publish_revision(revision, editor)
    assert Document.objects.get(pk=revision.document_id).body == "Enver 1 is a myth."


def test_saving_a_revision_is_not_a_public_change(archivist_client, published):
    before = versioning.current_version()
    propose_through_the_form(archivist_client, published, heading="Another heading")
    assert versioning.current_version() == before


def test_the_author_is_reminded_of_a_pending_revision_before_saving_again(
    archivist_client, revision, published
):
    page = archivist_client.get(change_url(published))
    reminders = [str(m) for m in page.context["messages"] if "still awaits review" in str(m)]
    assert reminders and revision.get_absolute_url() in reminders[0]


# --- Continuing one's own revision -------------------------------------------------------------


def continue_url(revision):
    return f"{change_url(revision.document)}?from_revision={revision.pk}"


def test_the_author_continues_a_pending_revision_in_the_form(archivist_client, revision):
    page = archivist_client.get(continue_url(revision))
    form = page.context["adminform"].form
    assert form["body"].value() == "Enver 1 is a myth; Kemal 2 is not."
    formsets = {f.formset.prefix: f.formset for f in page.context["inline_admin_formsets"]}
    assert [f["text"].value() for f in formsets["footnotes"].forms] == [
        "Enver Pasha, Ottoman minister of war.",
        "Mustafa Kemal",
    ]
    assert formsets["mentions"].forms == []  # removed in the revision

    archivist_client.post(continue_url(revision), post_data(page, title="Letter to Frunze, 1921"))

    assert Revision.objects.count() == 1  # the same revision, now holding both sessions' work
    revision.refresh_from_db()
    snapshot = revision.snapshot
    assert snapshot["document"]["title"] == "Letter to Frunze, 1921"
    assert snapshot["document"]["body"] == "Enver 1 is a myth; Kemal 2 is not."
    assert [row["marker"] for row in snapshot["footnotes"]] == ["1", "2"]
    assert snapshot["mentions"] == []
    assert revision.document.title == ""  # still nothing public


def test_continuing_a_sent_back_revision_makes_a_new_one(
    archivist_client, editor, revision, published
):
    revision.send_back(editor, "Add the title.")
    page = archivist_client.get(change_url(published))
    assert any(continue_url(revision) in str(m) for m in page.context["messages"])
    page = archivist_client.get(continue_url(revision))
    archivist_client.post(continue_url(revision), post_data(page, title="With a title"))
    newest = Revision.objects.latest("pk")
    assert newest.pk != revision.pk and newest.is_pending
    assert newest.snapshot["document"]["body"] == "Enver 1 is a myth; Kemal 2 is not."
    revision.refresh_from_db()
    assert revision.state == RevisionState.SENT_BACK


def test_nobody_continues_someone_elses_revision(client, revision, published):
    from tests.factories import make_staff_user

    client.force_login(make_staff_user("another", "Archivist"))
    page = client.get(continue_url(revision))
    assert page.context["adminform"].form["body"].value() == "Enver 1 is a myth."
