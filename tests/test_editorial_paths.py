"""One path to the public (issue 11, finding 1 and part A): every way into the admin, the
importer and the API leaves a published document as the editors approved it.

Each of finding 1's cases is here: an Archivist publishing through a history revert,
withdrawing through a revert to a "review" version or by deleting, and changing a published
document's body or adding scans to it; on the old code each of them changed what the public saw.
"""

from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from catalogue import versioning
from catalogue.importers.persist import Outcome, import_page
from catalogue.models import (
    Correspondent,
    Document,
    Footnote,
    Mention,
    Revision,
    Rights,
    Scan,
    Status,
    WithdrawnDocument,
)
from tests.admin_forms import post_data
from tests.factories import make_collection, make_document, make_person, make_place
from tests.scan_images import jpeg, make_ready_scan, upload

SEED_PAGE = Path(__file__).parent / "data" / "pages" / "000-seed.txt"


def admin_url(name, *args):
    return reverse(f"admin:catalogue_{name}", args=args)


def change_document(client, document, **fields):
    url = admin_url("document_change", document.pk)
    return client.post(url, post_data(client.get(url), **fields), follow=True)


def revert(client, document, version, **fields):
    url = admin_url("document_simple_history", document.pk, version.pk)
    page = client.get(url)
    assert page.status_code == 200
    return client.post(url, post_data(page, **fields), follow=True)


def messages_of(response):
    return [str(m) for m in response.context["messages"]]


@pytest.fixture
def published(db):
    document = make_document(heading="Letter to Frunze", body="Enver 1 is a myth.")
    Footnote.objects.create(document=document, marker="1", text="Enver pasha ...")
    Mention.objects.create(document=document, place=make_place("Ankara"), name_as_printed="Angora")
    Correspondent.objects.create(document=document, role="author", person=make_person("Chicherin"))
    return document


@pytest.fixture
def draft(db):
    return make_document(heading="A draft telegram", status=Status.DRAFT)


@pytest.fixture
def public():
    """An anonymous reader (the `client` fixture is the one the staff fixtures log in)."""
    return Client()


def public_page(client, document):
    return client.get(reverse("catalogue:document-detail", args=[document.identifier]))


# --- Finding 1: history revert ---------------------------------------------------------------


def test_archivist_cannot_publish_by_reverting_to_a_published_version(
    archivist_client, editor, draft
):
    draft.status = Status.PUBLISHED
    draft.save()
    was_published = draft.history.latest()
    draft.status = Status.DRAFT
    draft.heading = "Reworked heading"
    draft.save()

    response = revert(archivist_client, draft, was_published)

    assert response.status_code == 200
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT  # the content is reverted, the status is not
    assert draft.heading == "A draft telegram"
    assert not Document.objects.published().filter(pk=draft.pk).exists()


def test_archivist_cannot_withdraw_by_reverting_to_a_review_version(archivist_client, published):
    published.status = Status.REVIEW
    published.save()
    in_review = published.history.latest()
    published.status = Status.PUBLISHED
    published.save()

    revert(archivist_client, published, in_review)

    published.refresh_from_db()
    assert published.status == Status.PUBLISHED
    assert not WithdrawnDocument.objects.filter(identifier=published.identifier).exists()


def test_archivist_reverting_a_published_document_makes_a_revision(archivist_client, published):
    original = published.history.latest()
    published.heading = "Letter to M. V. Frunze"
    published.save()

    response = revert(archivist_client, published, original)

    published.refresh_from_db()
    assert published.heading == "Letter to M. V. Frunze"  # the public version is untouched
    revision = Revision.objects.get(document=published)
    assert revision.snapshot["document"]["heading"] == "Letter to Frunze"
    assert any("awaits an editor" in m for m in messages_of(response))


def test_editor_revert_publishes_a_draft_but_never_withdraws(editor_client, published, draft):
    draft.status = Status.PUBLISHED
    draft.save()
    was_published = draft.history.latest()
    draft.status = Status.DRAFT
    draft.save()
    revert(editor_client, draft, was_published)
    draft.refresh_from_db()
    assert draft.status == Status.PUBLISHED  # an editor may publish

    published.status = Status.REVIEW
    published.save()
    in_review = published.history.latest()
    published.status = Status.PUBLISHED
    published.save()
    revert(editor_client, published, in_review)
    published.refresh_from_db()
    assert published.status == Status.PUBLISHED  # withdrawing needs its confirmation page


# --- Finding 1: deleting and withdrawing -------------------------------------------------------


def test_archivist_cannot_delete_a_published_document(archivist_client, published):
    url = admin_url("document_delete", published.pk)
    page = archivist_client.get(url)
    assert page.status_code == 403 or "permission to delete" in page.content.decode()
    archivist_client.post(url, {"post": "yes"})
    archivist_client.post(
        admin_url("document_changelist"),
        {"action": "delete_selected", "_selected_action": [published.pk], "post": "yes"},
    )
    assert Document.objects.published().filter(pk=published.pk).exists()


def test_archivist_may_still_delete_a_draft(archivist_client, draft):
    archivist_client.post(admin_url("document_delete", draft.pk), {"post": "yes"})
    assert not Document.objects.filter(pk=draft.pk).exists()


def test_archivist_cannot_withdraw_with_the_list_action(archivist_client, published):
    archivist_client.post(
        admin_url("document_changelist"),
        {"action": "unpublish", "_selected_action": [published.pk], "post": "yes"},
    )
    published.refresh_from_db()
    assert published.status == Status.PUBLISHED


def test_editor_deletes_after_a_page_that_says_what_the_public_loses(editor_client, published):
    url = admin_url("document_delete", published.pk)
    page = editor_client.get(url).content.decode()
    assert "What the public will lose" in page
    assert "page images" in page and "citations" in page and "deleted record" in page

    editor_client.post(url, {"post": "yes"})

    assert not Document.objects.filter(pk=published.pk).exists()
    assert WithdrawnDocument.objects.filter(identifier=published.identifier).exists()


def test_delete_selected_also_says_what_the_public_loses(editor_client, published):
    page = editor_client.post(
        admin_url("document_changelist"),
        {"action": "delete_selected", "_selected_action": [published.pk]},
    )
    assert "What the public will lose" in page.content.decode()
    assert Document.objects.filter(pk=published.pk).exists()


def test_withdrawing_asks_first_then_makes_an_oai_deleted_record(editor_client, published):
    action = {"action": "unpublish", "_selected_action": [published.pk]}
    page = editor_client.post(admin_url("document_changelist"), action)
    assert "What the public will lose" in page.content.decode()
    published.refresh_from_db()
    assert published.status == Status.PUBLISHED

    editor_client.post(admin_url("document_changelist"), {**action, "post": "yes"})
    published.refresh_from_db()
    assert published.status == Status.REVIEW
    assert WithdrawnDocument.objects.filter(identifier=published.identifier).exists()


def test_the_status_of_a_published_document_is_not_changed_in_its_form(editor_client, published):
    change_document(editor_client, published, status="draft")
    published.refresh_from_db()
    assert published.status == Status.PUBLISHED


# --- Finding 1: edits of a published document ------------------------------------------------


def test_archivist_edits_of_body_and_inlines_leave_the_public_version(
    archivist_client, public, published
):
    before = versioning.current_version()
    response = change_document(
        archivist_client,
        published,
        body="Enver 1 is a myth, and a new sentence.",
        **{"footnotes-0-text": "A corrected note", "mentions-0-DELETE": "on"},
    )
    published.refresh_from_db()
    assert published.body == "Enver 1 is a myth."
    assert any("awaits an editor" in m for m in messages_of(response))
    assert Footnote.objects.get(document=published).text == "Enver pasha ..."
    assert Mention.objects.filter(document=published).count() == 1
    response = public_page(public, published)
    page = response.content.decode()
    assert response.status_code == 200 and "is a myth." in page
    assert "a new sentence" not in page and "A corrected note" not in page
    assert versioning.current_version() == before  # nothing public changed

    snapshot = Revision.objects.get(document=published).snapshot
    assert snapshot["document"]["body"] == "Enver 1 is a myth, and a new sentence."
    assert [row["text"] for row in snapshot["footnotes"]] == ["A corrected note"]
    assert snapshot["mentions"] == []


def test_archivist_scans_added_to_a_published_document_stay_pending(
    archivist_client, public, published
):
    change_document(
        archivist_client,
        published,
        scan_files=[upload("folio.jpg", jpeg(seed=7))],
        scan_rights=Rights.PUBLIC_DOMAIN,
    )

    scan = Scan.objects.get(document=published)
    assert not Scan.objects.public().filter(pk=scan.pk).exists()
    for kind in ("display", "thumbnail", "original"):
        assert public.get(scan.image_url(kind)).status_code == 404, kind
    assert "scan-thumb" not in public_page(public, published).content.decode()
    assert scan.pending
    revision = Revision.objects.get(document=published)
    assert [row["id"] for row in revision.snapshot["scans"]] == [scan.pk]


def test_archivist_inline_scan_row_on_a_published_document_is_pending(archivist_client, published):
    old = make_ready_scan(published, page=1, rights=Rights.PUBLIC_DOMAIN)
    change_document(
        archivist_client,
        published,
        **{
            "scans-TOTAL_FORMS": "2",
            "scans-0-caption": "Recto",
            "scans-1-page": "2",
            "scans-1-image": upload("verso.jpg", jpeg(seed=11)),
            "scans-1-caption": "Verso",
            "scans-1-rights": Rights.PUBLIC_DOMAIN,
        },
    )
    old.refresh_from_db()
    assert old.caption == "" and not old.pending
    new = Scan.objects.get(document=published, pending=True)
    assert list(Scan.objects.public()) == [old]
    rows = Revision.objects.get(document=published).snapshot["scans"]
    assert [(row["id"], row["page"], row["caption"]) for row in rows] == [
        (old.pk, 1, "Recto"),
        (new.pk, 2, "Verso"),
    ]


def test_archivist_edits_of_a_draft_are_saved_directly(archivist_client, draft):
    change_document(archivist_client, draft, body="Rewritten.")
    draft.refresh_from_db()
    assert draft.body == "Rewritten." and not Revision.objects.exists()


def test_editor_edits_of_a_published_document_are_public_at_once(editor_client, published):
    change_document(editor_client, published, body="Enver 1 was real.")
    published.refresh_from_db()
    assert published.body == "Enver 1 was real." and not Revision.objects.exists()


# --- The lists of footnotes, correspondents, mentions and scans ------------------------------


@pytest.mark.parametrize("model", [Footnote, Mention, Correspondent])
def test_related_lists_cannot_change_a_published_documents_rows(archivist_client, published, model):
    row = model.objects.get(document=published)
    name = model._meta.model_name
    url = admin_url(f"{name}_change", row.pk)
    page = archivist_client.get(url)
    assert page.status_code == 200  # shown, read only
    assert archivist_client.post(url, {"text": "changed"}).status_code == 403
    assert archivist_client.post(
        admin_url(f"{name}_delete", row.pk), {"post": "yes"}
    ).status_code in (
        403,
        200,
    )
    assert model.objects.filter(pk=row.pk).exists()


def test_a_footnote_cannot_be_added_to_a_published_document_on_its_own(archivist_client, published):
    response = archivist_client.post(
        admin_url("footnote_add"),
        {"document": published.pk, "marker": "2", "order": "2", "kind": "editorial", "text": "x"},
    )
    assert response.status_code == 200
    assert "is published" in str(response.context["adminform"].form.errors)
    assert published.footnotes.count() == 1


def test_a_scan_of_a_published_document_cannot_be_changed_on_its_own(archivist_client, published):
    scan = make_ready_scan(published, page=1)
    response = archivist_client.post(
        admin_url("scan_change", scan.pk), {"document": published.pk, "page": "1", "caption": "x"}
    )
    assert response.status_code == 403
    scan.refresh_from_db()
    assert scan.caption == ""


# --- The importer and the API ----------------------------------------------------------------


def test_the_importer_creates_drafts_and_never_touches_a_published_document(db):
    collection = make_collection()
    first = import_page("seed.txt", SEED_PAGE.read_bytes(), collection)
    document = first.documents[0].document
    assert first.documents[0].outcome == Outcome.CREATED and document.status == Status.DRAFT
    document.status = Status.PUBLISHED
    document.body = "Edited by the editors."
    document.save()
    before = versioning.current_version()

    again = import_page("seed.txt", SEED_PAGE.read_bytes(), collection)

    assert [r.outcome for r in again.documents] == [Outcome.SKIPPED]
    document.refresh_from_db()
    assert document.body == "Edited by the editors." and document.status == Status.PUBLISHED
    assert versioning.current_version() == before


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
@pytest.mark.parametrize("path", ["/api/documents", "/api/documents/{identifier}"])
def test_the_api_refuses_every_write(client, published, method, path):
    url = path.format(identifier=published.identifier)
    response = getattr(client, method)(url, data="{}", content_type="application/json")
    assert response.status_code == 405
    published.refresh_from_db()
    assert published.status == Status.PUBLISHED and published.heading == "Letter to Frunze"


def test_resolving_an_importer_suggestion_on_a_published_document_makes_a_revision(
    archivist, editor, published
):
    from catalogue.models import AuthoritySuggestion

    suggestion = AuthoritySuggestion.objects.create(
        document=published, kind="person", role="recipient", name_as_printed="M. V. Frunze"
    )
    frunze = make_person("Mikhail Frunze")

    suggestion.link(frunze, archivist)  # the spelling becomes a variant of the person

    assert not published.correspondents.filter(person=frunze).exists()
    revision = Revision.objects.get(document=published)
    added = [row for row in revision.snapshot["correspondents"] if row["id"] is None]
    assert added == [
        {
            "id": None,
            "order": 1,
            "role": "recipient",
            "person": frunze.pk,
            "organisation": None,
            "office_as_stated": "",
            "name_as_printed": "M. V. Frunze",
        }  # fmt: skip
    ]
    from catalogue.revisions import publish_revision

    publish_revision(revision, editor)
    assert published.correspondents.filter(person=frunze, role="recipient").exists()


def test_deleting_a_person_cannot_take_mentions_from_a_published_document(
    archivist_client, published
):
    person = make_person("Enver Pasha")
    Mention.objects.create(document=published, person=person)
    page = archivist_client.get(admin_url("person_delete", person.pk))
    assert page.status_code == 403 or "permission to delete" in page.content.decode()
    archivist_client.post(admin_url("person_delete", person.pk), {"post": "yes"})
    assert published.mentions.filter(person=person).exists()


def test_a_revision_whose_images_cannot_be_stored_keeps_the_form_and_saves_nothing(
    archivist_client, published, settings, tmp_path
):
    blocker = tmp_path / "a-file-not-a-folder"
    blocker.write_text("the media folder cannot be created here")
    settings.MEDIA_ROOT = blocker / "media"
    url = admin_url("document_change", published.pk)
    data = post_data(
        archivist_client.get(url),
        body="Enver 1 is a myth, said the archivist.",
        scan_files=[upload("folio.jpg", jpeg(seed=9))],
    )
    response = archivist_client.post(url, data)
    assert response.status_code == 200
    form = response.context["adminform"].form
    assert "could not be stored" in " ".join(form.non_field_errors())
    assert form["body"].value() == "Enver 1 is a myth, said the archivist."
    assert not Revision.objects.exists() and not Scan.objects.exists()
