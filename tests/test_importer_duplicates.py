"""The same document from the other site (issue 13, item 5): offered, never created twice.

The pairs are real: the note to Ali Fuad of 13 and 18 May 1921 and Natsarenus' note of 20 August
1921 (no. 863-a) as transcribed on marxistleninists.org and on neodemocracy.blogspot.com.
"""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from catalogue.importers.duplicates import (
    TranscriptionOutcome,
    heading_similarity,
    reference_key,
)
from catalogue.importers.persist import Outcome, import_page
from catalogue.models import Document, OtherTranscription, TranscriptionStatus
from tests.factories import make_collection

PAGES = Path(__file__).parent / "data" / "pages"
ML_NOTES = "004-1921-05-13-notes-ali-fuad.txt"  # 13 and 18 May 1921, marxistleninists.org
ND_MAY_13 = "329-1921-05-13-note-ali-fuad-neodemocracy.txt"
ND_MAY_18 = "330-1921-05-18-note-ali-fuad-neodemocracy.txt"
ML_863A = "309-1921-08-20-note-yusuf-kemal.txt"
ND_863A = "322-1921-08-20-note-yusuf-kemal-neodemocracy.txt"
ND_863B = "323-1921-08-20-note-863b-neodemocracy.txt"


@pytest.fixture
def collection(db):
    return make_collection(slug="selected-documents")


def run(name, collection, data=None, **options):
    data = (PAGES / name).read_bytes() if data is None else data
    return import_page(name, data, collection, **options)


def test_reference_numbers_meet_across_the_sites_typography():
    assert reference_key("no. 863\u2010a") == reference_key("No. 863-a") == "863a"
    assert reference_key("No. 11/930") == reference_key("no. 11 / 930") == "11/930"
    assert reference_key("No. 863-a") != reference_key("No. 863-b")


def test_headings_of_the_two_sites_are_alike():
    ml = (
        "Note of the peopleʹs commissar for foreign affairs of the RSFSR to the ambassador "
        "of Turkey to the RSFSR Ali Fuad."
    )
    nd = (
        "Note of the People's Commissar for Foreign Affairs of the RSFSR to the Ambassador "
        "of Turkey to the RSFSR Ali Fuad."
    )
    assert heading_similarity(ml, nd) == 1.0
    assert heading_similarity(ml, "Telegram of the plenipotentiary in Afghanistan") < 0.5


def test_the_other_sites_transcription_is_offered_not_created(collection):
    created = run(ML_NOTES, collection)
    assert [item.outcome for item in created.documents] == [Outcome.CREATED] * 2
    may_13, may_18 = (item.document for item in created.documents)

    for name, original in [(ND_MAY_13, may_13), (ND_MAY_18, may_18)]:
        [item] = run(name, collection).documents
        assert item.outcome == TranscriptionOutcome.OFFERED
        assert item.document == original
    assert Document.objects.count() == 2
    offers = OtherTranscription.objects.order_by("document__date_edtf")
    assert [offer.document for offer in offers] == [may_13, may_18]
    assert offers[0].source_url.startswith("https://neodemocracy.blogspot.com/")
    assert "reference number" in offers[0].match_reason
    assert offers[0].status == TranscriptionStatus.OPEN


def test_either_site_may_come_first(collection):
    [first] = run(ND_863A, collection).documents
    assert first.outcome == Outcome.CREATED
    [second] = run(ML_863A, collection).documents  # "no. 863‐a", other wording
    assert second.outcome == TranscriptionOutcome.OFFERED
    assert second.document == first.document
    assert Document.objects.count() == 1


def test_an_offer_is_made_once(collection):
    run(ML_NOTES, collection)
    run(ND_MAY_13, collection)
    [again] = run(ND_MAY_13, collection).documents
    assert again.outcome == TranscriptionOutcome.ALREADY_OFFERED
    assert OtherTranscription.objects.count() == 1
    assert Document.objects.count() == 2


def test_the_dry_run_reports_the_offer_and_writes_nothing(collection):
    run(ML_NOTES, collection)
    [item] = run(ND_MAY_13, collection, dry_run=True).documents
    assert item.outcome == TranscriptionOutcome.WOULD_OFFER
    assert not OtherTranscription.objects.exists()


def test_another_reference_number_on_the_same_day_is_another_document(collection):
    run(ND_863A, collection)
    [item] = run(ND_863B, collection).documents  # no. 863-b, also of 20 August 1921
    assert item.outcome == Outcome.CREATED
    assert Document.objects.count() == 2
    assert not OtherTranscription.objects.exists()


def page(url, heading, body):
    return f"URL: {url}\n\n{heading}\n\nMarch 3, 1938\n\n{body}\n\nPlenipotentiary\n".encode()


HEADING = "Telegram of the plenipotentiary representative of the USSR in Turkey to the NKID"


def test_same_day_same_heading_but_another_text_is_another_document(collection):
    first = "The minister received me today and spoke about the trade agreement with Germany."
    other = "Yesterday the president left for Istanbul; the press is silent about the visit."
    run("a", collection, page("https://example.org/a", HEADING, first))
    [item] = run("b", collection, page("https://example.org/b", HEADING, other)).documents
    assert item.outcome == Outcome.CREATED
    assert Document.objects.count() == 2


def test_same_day_same_heading_and_the_same_text_reworded_is_offered(collection):
    run("a", collection, page("https://example.org/a", HEADING,
        "The minister received me today and spoke at length about the trade agreement with "
        "Germany, which he considers harmful for Turkey."))  # fmt: skip
    reworded = page("https://example.net/b", HEADING.replace("NKID", "NKID of the USSR"),
        "Today the minister received me and spoke at length about the trade agreement with "
        "Germany, which he believes harmful to Turkey.")  # fmt: skip
    [item] = run("b", collection, reworded).documents
    assert item.outcome == TranscriptionOutcome.OFFERED
    assert "heading" in OtherTranscription.objects.get().match_reason


def test_a_rejected_offer_lets_the_page_be_imported_as_its_own_document(collection):
    run(ML_NOTES, collection)
    run(ND_MAY_13, collection)
    OtherTranscription.objects.update(status=TranscriptionStatus.REJECTED)
    [item] = run(ND_MAY_13, collection).documents
    assert item.outcome == Outcome.CREATED
    assert Document.objects.count() == 3


IMPORT_URL = reverse("admin:catalogue_document_import")


def upload(name):
    return SimpleUploadedFile(name, (PAGES / name).read_bytes(), content_type="text/plain")


def test_the_admin_preview_offers_and_confirm_records_the_transcription(
    archivist_client, collection
):
    run(ML_NOTES, collection)
    response = archivist_client.post(
        IMPORT_URL, {"collection": collection.pk, "pages": [upload(ND_MAY_13)]}
    )
    assert response.status_code == 200
    assert TranscriptionOutcome.WOULD_OFFER in response.content.decode()
    assert response.context["can_confirm"]
    assert not OtherTranscription.objects.exists()
    confirm = response.context["confirm_form"].initial
    response = archivist_client.post(
        IMPORT_URL,
        {
            "confirm": "1",
            "collection": collection.pk,
            "checksums": confirm["checksums"],
            "names": confirm["names"],
        },  # fmt: skip
        follow=True,
    )
    assert response.status_code == 200
    assert OtherTranscription.objects.count() == 1
    assert Document.objects.count() == 2
    assert "offered as other transcriptions" in response.content.decode()


def test_the_archivist_accepts_an_offered_transcription(archivist_client, collection):
    run(ML_NOTES, collection)
    run(ND_MAY_13, collection)
    offer = OtherTranscription.objects.get()
    changelist = reverse("admin:catalogue_othertranscription_changelist")
    assert archivist_client.get(changelist).status_code == 200
    response = archivist_client.post(
        changelist, {"action": "accept", "_selected_action": [offer.pk]}, follow=True
    )
    assert response.status_code == 200
    offer.refresh_from_db()
    assert offer.status == TranscriptionStatus.ACCEPTED
