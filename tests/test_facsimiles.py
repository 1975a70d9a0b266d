"""Demo page images (issue 14, finding 9): generated facsimiles of a few seed documents."""

import io
import json

import lxml.html
import pytest
from django.core.management import call_command
from PIL import Image

from catalogue import facsimiles
from catalogue.management.commands.make_facsimiles import SEED_DOCUMENTS
from catalogue.models import Document, Rights, Scan
from tests.factories import make_document
from tests.scan_images import make_scan


@pytest.fixture
def full_seed(db, django_capture_on_commit_callbacks):
    """The seed collection as `make run` loads it, derivatives made."""
    with django_capture_on_commit_callbacks(execute=True):
        call_command("load_seed", verbosity=0)


def test_the_seed_collection_has_generated_page_images(full_seed):
    illustrated = set(Scan.objects.values_list("document__identifier", flat=True).distinct())
    assert illustrated == set(SEED_DOCUMENTS)
    for scan in Scan.objects.all():
        assert scan.rights == Rights.GENERATED
        assert "not a photograph of the original" in scan.caption
        assert "not a photograph of the original" in scan.get_rights_display()
        assert scan.derivatives_current
        assert scan.download_allowed


def test_the_viewer_and_the_manifest_are_there_after_loading_the_seed(client, full_seed):
    page = lxml.html.fromstring(client.get("/documents/D000001/").content)
    thumbs = page.xpath("//a[contains(@class, 'scan-thumb')]")
    assert len(thumbs) == Scan.objects.filter(document__identifier="D000001").count() >= 2
    assert "Generated facsimile" in page.text_content()
    manifest = json.loads(client.get("/documents/D000001/iiif/manifest.json").content)
    for canvas in manifest["items"]:
        assert "Generated facsimile" in canvas["summary"]["en"][0]
        statement = canvas["requiredStatement"]["value"]["en"][0]
        assert "not a photograph of the original" in statement
    assert manifest["rights"] == "http://creativecommons.org/publicdomain/zero/1.0/"
    assert client.get(manifest["rendering"][0]["id"]).status_code == 200


def test_loading_the_seed_again_adds_no_second_set(full_seed, django_capture_on_commit_callbacks):
    count = Scan.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("load_seed", verbosity=0)
    assert Scan.objects.count() == count


def test_facsimiles_are_deterministic_and_say_what_they_are(db):
    document = make_document(
        identifier="D000900",
        heading="Telegram of the peopleʹs commissar",
        body="Text of the telegram. " * 200,
        signature="Chicherin",
    )
    first = facsimiles.facsimile_pages(document)
    assert first == facsimiles.facsimile_pages(document)
    assert len(first) >= 2
    lines = facsimiles.typed_lines(document)
    assert lines[0] == "TELEGRAM OF THE PEOPLE'S COMMISSAR"  # as a typewriter has it
    assert Document.objects.get(pk=document.pk).heading == "Telegram of the peopleʹs commissar"
    with Image.open(io.BytesIO(first[0])) as image:
        banner = image.crop((0, 0, image.width, 200)).getcolors(100_000)
        red = sum(n for n, (r, g, b) in banner if r > 120 and g < 80 and b < 80)
        assert red > 500  # the "generated facsimile" banner is on the image itself


def test_documents_with_page_images_are_left_alone(db):
    document = make_document()
    make_scan(document, page=1)
    call_command("make_facsimiles", document.identifier, verbosity=0)
    assert document.scans.count() == 1
