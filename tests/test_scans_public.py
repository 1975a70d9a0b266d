"""The public side of scans: the viewer include, downloads that rights allow, static assets."""

import json

import lxml.html
import pytest
from django.contrib.staticfiles import finders
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from catalogue.models import Document, Rights, Status
from tests.factories import make_document
from tests.scan_images import jpeg, make_ready_scan, make_scan, png


def render_viewer(document):
    document = Document.objects.prefetch_related("scans").get(pk=document.pk)
    with CaptureQueriesContext(connection) as queries:
        html = render_to_string("catalogue/includes/scan_viewer.html", {"document": document})
    assert len(queries) == 0, "the include must use the view's prefetched scans"
    return lxml.html.fragment_fromstring(html, create_parent="div")


def by_class(tree, tag, name):
    return tree.xpath(f".//{tag}[contains(concat(' ', normalize-space(@class), ' '), ' {name} ')]")


@pytest.fixture
def document(db):
    return make_document(heading="Letter to Frunze", identifier="D000777")


@pytest.fixture
def scans(document):
    return [
        make_ready_scan(document, page=1, caption="Folio 161, recto", rights=Rights.PUBLIC_DOMAIN),
        make_ready_scan(document, page=2, rights=Rights.IN_COPYRIGHT),
    ]


def test_thumbnails_link_to_the_display_images_without_javascript(document, scans):
    tree = render_viewer(document)
    links = by_class(tree, "a", "scan-thumb")
    assert [link.get("href") for link in links] == [scan.image_url("display") for scan in scans]
    images = [link.find("img") for link in links]
    assert [img.get("src") for img in images] == [scan.image_url("thumbnail") for scan in scans]
    assert [img.get("alt") for img in images] == ["Folio 161, recto", "Page 2"]
    assert images[0].get("width") == str(scans[0].thumbnail_width)


def test_the_viewer_brings_its_own_script_and_styles(document, scans):
    tree = render_viewer(document)
    assert [s.get("src") for s in tree.xpath(".//script")] == ["/static/catalogue/viewer.js"]
    styles = tree.xpath(".//link[@rel='stylesheet']/@href")
    assert styles == ["/static/catalogue/viewer.css"]  # no CDN
    assert finders.find("catalogue/viewer.js")
    assert finders.find("catalogue/viewer.css")
    link = tree.xpath(".//*[@data-scan-viewer]//a")[0]
    assert link.get("data-display") == scans[0].image_url("display")
    assert link.get("data-alt") == "Folio 161, recto"


def test_the_iiif_manifest_is_linked(document, scans):
    tree = render_viewer(document)
    [link] = by_class(tree, "a", "iiif-link")
    assert link.get("href") == reverse("catalogue:iiif-manifest", args=["D000777"])
    assert "IIIF manifest" in link.text_content()


def test_download_links_only_where_rights_allow(document, scans):
    tree = render_viewer(document)
    items = by_class(tree, "li", "scan-strip-item")
    first_links = [a.get("href") for a in by_class(items[0], "a", "scan-download")]
    assert first_links == [reverse("catalogue:scan-download", args=["D000777", 1])]
    assert by_class(items[1], "a", "scan-download") == []
    assert "In copyright: view only" in items[1].text_content()


def test_scans_still_being_processed_are_announced_not_shown(document):
    make_scan(document, page=1)
    tree = render_viewer(document)
    assert by_class(tree, "a", "scan-thumb") == []
    assert "1 page image is being prepared." in tree.text_content()
    assert tree.xpath(".//script") == []


def test_nothing_is_rendered_for_a_document_without_scans(document):
    assert render_viewer(document).text_content().strip() == ""


def test_the_original_downloads_when_rights_allow(client, document):
    data = png(seed=8)
    scan = make_scan(document, page=1, data=data, name="folio 161.png", rights=Rights.CC_BY)
    response = client.get(reverse("catalogue:scan-download", args=[document.identifier, 1]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == data
    assert response["Content-Type"] == "image/png"
    assert 'attachment; filename="folio 161.png"' in response["Content-Disposition"]
    assert scan.download_allowed


@pytest.mark.parametrize(
    ("status", "rights", "page"),
    [
        (Status.PUBLISHED, Rights.IN_COPYRIGHT, 1),
        (Status.DRAFT, Rights.PUBLIC_DOMAIN, 1),
        (Status.REVIEW, Rights.PUBLIC_DOMAIN, 1),
        (Status.PUBLISHED, Rights.PUBLIC_DOMAIN, 2),
    ],
    ids=["in-copyright", "draft", "in-review", "no-such-page"],
)
def test_no_download_otherwise(client, db, status, rights, page):
    document = make_document(status=status)
    make_scan(document, page=1, data=jpeg(seed=5), rights=rights)
    response = client.get(reverse("catalogue:scan-download", args=[document.identifier, page]))
    assert response.status_code == 404


def test_a_missing_original_is_a_404_not_a_500(client, document):
    scan = make_scan(document, page=1, rights=Rights.PUBLIC_DOMAIN)
    scan.image.storage.delete(scan.image.name)
    response = client.get(reverse("catalogue:scan-download", args=[document.identifier, 1]))
    assert response.status_code == 404


def document_page_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return response, len(queries)


def test_the_seed_letters_page_shows_its_scans_with_a_constant_query_count(client, seed):
    document = Document.objects.get(identifier="D000001")
    make_ready_scan(document, page=1, caption="First page of the letter")
    make_ready_scan(document, page=2)
    response, two_pages = document_page_queries(client, "/documents/D000001/")
    tree = lxml.html.fromstring(response.content)
    thumbs = by_class(tree, "a", "scan-thumb")
    assert [a.xpath("string(img/@alt)") for a in thumbs] == ["First page of the letter", "Page 2"]
    [manifest] = by_class(tree, "a", "iiif-link")
    assert manifest.get("href") == "/documents/D000001/iiif/manifest.json"
    assert client.get(manifest.get("href")).status_code == 200
    for page in (3, 4, 5):
        make_ready_scan(document, page=page)
    _, five_pages = document_page_queries(client, "/documents/D000001/")
    assert five_pages == two_pages


def test_the_seed_letters_manifest_carries_its_metadata(client, seed):
    document = Document.objects.get(identifier="D000001")
    make_ready_scan(document, page=1)
    data = json.loads(client.get("/documents/D000001/iiif/manifest.json").content)
    assert data["label"] == {"en": ["Letter from G. V. Chicherin to M. V. Frunze"]}
    metadata = {row["label"]["en"][0]: row["value"]["en"][0] for row in data["metadata"]}
    assert metadata["Date"] == "December 26, 1921"
    assert metadata["Identifier"] == "D000001"
