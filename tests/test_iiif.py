"""IIIF Presentation API 3.0 manifests: validated with the iiif-prezi3 models and by hand."""

import io
import json

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse
from iiif_prezi3 import Manifest
from PIL import Image

from catalogue.iiif import RIGHTS_URIS
from catalogue.models import Archive, Rights, Scan, Status
from tests.factories import make_collection, make_document
from tests.scan_images import jpeg, make_ready_scan, make_scan, png

BASE = "http://testserver"


@pytest.fixture
def document(db):
    archive = Archive.objects.create(
        name="Foreign Policy Archive of the Russian Federation", abbreviation="AVP RF"
    )
    return make_document(
        make_collection(title="Selected Secret Documents"),
        heading="Letter from the people's commissar for foreign affairs to M. V. Frunze",
        title="Chicherin to Frunze",
        date_written="December 26, 1921",
        date_edtf="1921-12-26",
        archival_reference="avp rf, f.059, op.1, p.322, d.2216, l.161-162",
        archive=archive,
        fond="059",
        opis="1",
        papka="322",
        delo="2216",
        folios="161–162",
    )


@pytest.fixture
def scans(document, monkeypatch):
    monkeypatch.setattr("catalogue.imaging.DISPLAY_SIZE", 400)  # small and quick
    return [
        make_ready_scan(document, page=1, caption="Folio 161", rights=Rights.PUBLIC_DOMAIN),
        make_ready_scan(
            document, page=2, data=jpeg(seed=2, size=(300, 200), orientation=6)
        ),  # landscape on disk, portrait to the reader
        make_ready_scan(document, page=3, data=png(seed=3, size=(650, 850))),
    ]


def get_manifest(client, document):
    response = client.get(reverse("catalogue:iiif-manifest", args=[document.identifier]))
    assert response.status_code == 200
    return response, json.loads(response.content)


def test_the_manifest_validates_against_the_prezi3_models(client, scans, document):
    _, data = get_manifest(client, document)
    manifest = Manifest(**data)
    assert manifest.type == "Manifest"
    assert len(manifest.items) == 3
    round_trip = json.loads(manifest.json())
    assert [canvas["id"] for canvas in round_trip["items"]] == [c["id"] for c in data["items"]]


def test_the_manifest_is_json_ld_with_the_presentation_3_context(client, scans, document):
    response, data = get_manifest(client, document)
    assert response["Content-Type"].startswith("application/ld+json")
    assert "presentation/3/context.json" in response["Content-Type"]
    assert response["Access-Control-Allow-Origin"] == "*"
    assert data["@context"] == "http://iiif.io/api/presentation/3/context.json"
    assert data["id"] == f"{BASE}/documents/{document.identifier}/iiif/manifest.json"
    assert data["label"] == {"en": ["Chicherin to Frunze"]}


def test_one_canvas_per_page_in_order_with_labels(client, scans, document):
    _, data = get_manifest(client, document)
    canvases = data["items"]
    assert [c["label"] for c in canvases] == [{"en": [f"Page {n}"]} for n in (1, 2, 3)]
    assert canvases[0]["summary"] == {"en": ["Folio 161"]}
    assert len({c["id"] for c in canvases}) == 3
    for canvas in canvases:
        assert canvas["type"] == "Canvas"
        [annotation_page] = canvas["items"]
        assert annotation_page["type"] == "AnnotationPage"
        [annotation] = annotation_page["items"]
        assert annotation["motivation"] == "painting"
        assert annotation["target"] == canvas["id"]


def test_each_canvas_paints_the_display_image_at_its_true_size(client, scans, document):
    _, data = get_manifest(client, document)
    assert data["items"][2]["items"][0]["items"][0]["body"]["height"] == 400  # scaled down
    for scan, canvas in zip(scans, data["items"], strict=True):
        body = canvas["items"][0]["items"][0]["body"]
        assert body["id"] == BASE + scan.image_url("display")
        assert (body["type"], body["format"]) == ("Image", "image/jpeg")
        with default_storage.open(scan.display.name) as stored, Image.open(stored) as image:
            assert image.format == "JPEG"
            assert (body["width"], body["height"]) == image.size
        # The canvas has the upright original's proportions, at full resolution.
        assert (canvas["width"], canvas["height"]) == scan.oriented_size
        assert abs(canvas["width"] / canvas["height"] - body["width"] / body["height"]) < 0.02


def test_exif_orientation_turns_the_canvas(client, scans, document):
    _, data = get_manifest(client, document)
    turned = data["items"][1]
    assert (scans[1].width, scans[1].height) == (300, 200)
    assert (turned["width"], turned["height"]) == (200, 300)


def test_metadata_names_title_date_and_archival_reference(client, scans, document):
    _, data = get_manifest(client, document)
    metadata = {row["label"]["en"][0]: row["value"]["en"][0] for row in data["metadata"]}
    assert metadata["Title"] == "Chicherin to Frunze"
    assert metadata["Date"] == "December 26, 1921"
    assert metadata["Archival reference"] == "AVP RF, f. 059, op. 1, p. 322, d. 2216, l. 161–162"
    assert metadata["Collection"] == "Selected Secret Documents"
    assert metadata["Permanent URL"] == f"{BASE}/documents/{document.identifier}/"
    assert data["navDate"] == "1921-12-26T00:00:00Z"
    assert data["homepage"][0]["id"] == f"{BASE}/documents/{document.identifier}/"


def test_rights_and_required_statement(client, scans, document):
    _, data = get_manifest(client, document)
    assert "Foreign Policy Archive" in data["requiredStatement"]["value"]["en"][0]
    assert "rights" not in data  # the pages differ
    assert [c["rights"] for c in data["items"]] == [
        "http://creativecommons.org/publicdomain/mark/1.0/",
        "http://rightsstatements.org/vocab/InC/1.0/",
        "http://rightsstatements.org/vocab/InC/1.0/",
    ]
    Scan.objects.update(rights=Rights.CC_BY)
    _, data = get_manifest(client, document)
    assert data["rights"] == "http://creativecommons.org/licenses/by/4.0/"


def test_only_downloadable_originals_are_offered_as_renderings(client, scans, document):
    _, data = get_manifest(client, document)
    first, second, _ = data["items"]
    [rendering] = first["rendering"]
    url = reverse("catalogue:scan-download", args=[document.identifier, 1])
    assert rendering["id"] == BASE + url
    assert rendering["format"] == "image/jpeg"
    assert "rendering" not in second
    assert client.get(url).status_code == 200


def test_every_rights_choice_has_a_uri():
    assert set(RIGHTS_URIS) == set(Rights)


@pytest.mark.parametrize("status", [Status.DRAFT, Status.REVIEW])
def test_unpublished_documents_have_no_manifest(client, db, status):
    document = make_document(status=status)
    make_ready_scan(document, page=1)
    url = reverse("catalogue:iiif-manifest", args=[document.identifier])
    assert client.get(url).status_code == 404


def test_no_manifest_without_ready_scans(client, document):
    url = reverse("catalogue:iiif-manifest", args=[document.identifier])
    assert client.get(url).status_code == 404
    make_scan(document, page=1)  # derivatives not made yet
    assert client.get(url).status_code == 404


def test_unknown_document_is_a_404(client, db):
    assert client.get(reverse("catalogue:iiif-manifest", args=["D999999"])).status_code == 404


def test_manifest_query_count_does_not_grow_with_pages(
    client, document, django_assert_max_num_queries
):
    for page in range(1, 7):
        make_ready_scan(document, page=page)
    with django_assert_max_num_queries(3):
        get_manifest(client, document)


def pdf_page_count(data):
    import pikepdf  # installed with img2pdf

    with pikepdf.open(io.BytesIO(data)) as pdf:
        return len(pdf.pages)


def test_the_whole_document_is_offered_for_download_at_manifest_level(client, scans, document):
    Scan.objects.update(rights=Rights.PUBLIC_DOMAIN)
    _, data = get_manifest(client, document)
    [rendering] = data["rendering"]
    assert rendering["id"] == f"{BASE}/documents/{document.identifier}/pages.pdf"
    assert (rendering["type"], rendering["format"]) == ("Text", "application/pdf")
    assert "whole document" in rendering["label"]["en"][0]
    Manifest(**data)  # still valid
    response = client.get(rendering["id"])
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Access-Control-Allow-Origin"] == "*"
    assert pdf_page_count(response.content) == 3


def test_no_whole_document_download_when_a_page_is_in_copyright(client, scans, document):
    _, data = get_manifest(client, document)
    assert "rendering" not in data
    url = reverse("catalogue:scan-pdf", args=[document.identifier])
    assert client.get(url).status_code == 404


def test_no_whole_document_download_of_a_draft(client, scans, document):
    Scan.objects.update(rights=Rights.PUBLIC_DOMAIN)
    document.status = Status.REVIEW
    document.save()
    url = reverse("catalogue:scan-pdf", args=[document.identifier])
    assert client.get(url).status_code == 404
