"""Faults lose nothing (issue 11, E; findings 4, 6 and 7).

- The database cannot be reached: a 503 page with Retry-After, no traceback (checked in a fresh
  process whose connection points at a closed port).
- The media folder cannot be written during a scan upload: the form comes back with a clear
  error and everything else the archivist entered; nothing is half-written anywhere.
- The cache server cannot be reached: pages are served, never a 500 (through the real settings,
  which build the cache from CACHE_URL, and the real middleware).
"""

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.files.storage import FileSystemStorage
from django.test import Client
from django.urls import reverse

from archive.settings import cache_settings
from catalogue.models import Document, Footnote, Scan, Status
from tests.admin_forms import post_data
from tests.factories import make_document
from tests.scan_images import jpeg, make_scan, png, stored_files, upload

ROOT = Path(__file__).resolve().parent.parent


def closed_port() -> int:
    """A port on the loopback that nothing listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# -- database unreachable -----------------------------------------------------------------------

REQUESTS_WITHOUT_A_DATABASE = """
import json, django
django.setup()
from django.test import Client
client = Client(raise_request_exception=False)
client.cookies["sessionid"] = "a-session-the-database-would-hold"
results = []
for method, path in [("get", "/"), ("get", "/documents/?q=Frunze"), ("get", "/documents/D000001/"),
                     ("get", "/persons/"), ("get", "/documents/D000001/pages/1/display.jpg"),
                     ("get", "/admin/"), ("get", "/admin/login/"),
                     ("post", "/admin/login/")]:
    response = getattr(client, method)(path)
    results.append({"path": path, "status": response.status_code,
                    "retry_after": response.get("Retry-After"),
                    "body": response.content.decode("utf-8", "replace")})
print(json.dumps(results))
"""


@pytest.mark.parametrize(
    "database_url",
    [
        pytest.param(f"postgres://postgres@127.0.0.1:{closed_port()}/archive", id="postgresql"),
        pytest.param("sqlite:////nonexistent-folder/for/the/database.sqlite3", id="sqlite"),
    ],
)
def test_an_unreachable_database_gives_a_503_page_without_traceback(database_url, static_root):
    env = {key: value for key, value in os.environ.items() if key not in {"DEBUG", "CACHE_URL"}}
    env.update(
        DJANGO_SETTINGS_MODULE="archive.settings",
        DATABASE_URL=database_url,
        SECRET_KEY="fault-test-" + "k" * 50,
        ALLOWED_HOSTS="testserver",
        SECURE_COOKIES="0",
        STATIC_ROOT=str(static_root),
        DATABASE_RETRY_AFTER="45",
        LOG_LEVEL="CRITICAL",
    )
    result = subprocess.run(
        [sys.executable, "-c", REQUESTS_WITHOUT_A_DATABASE],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    for response in json.loads(result.stdout.strip().splitlines()[-1]):
        assert response["status"] == 503, response["path"]
        assert response["retry_after"] == "45", response["path"]
        assert "The catalogue is temporarily unavailable" in response["body"], response["path"]
        assert "/static/catalogue/site." in response["body"]  # the site's own page
        assert "Traceback" not in response["body"]
        assert "OperationalError" not in response["body"]


def test_other_server_errors_stay_500s(client, db, monkeypatch):
    def broken(*args, **kwargs):
        raise ValueError("a bug, not an outage")

    monkeypatch.setattr("catalogue.views.documents.DocumentListView.get", broken)
    client.raise_request_exception = False
    response = client.get("/documents/")
    assert response.status_code == 500
    assert "Retry-After" not in response


# -- media not writable during a scan upload -------------------------------------------------


@pytest.fixture
def document(db):
    return make_document(heading="Letter to Frunze", body="Dear comrade.", status=Status.DRAFT)


@pytest.fixture
def unwritable_media(settings, tmp_path):
    """MEDIA_ROOT inside a file: nothing can be written there, whoever runs the tests."""
    blocker = tmp_path / "a-file-not-a-folder"
    blocker.write_text("the media folder cannot be created here")
    settings.MEDIA_ROOT = blocker / "media"
    return settings.MEDIA_ROOT


def change_url(document):
    return reverse("admin:catalogue_document_change", args=[document.pk])


EDITS = {
    "heading": "Letter from G. V. Chicherin to M. V. Frunze",
    "body": "Dear comrade, Enver* is in Batum.",
    "footnotes-TOTAL_FORMS": "1",
    "footnotes-0-marker": "*",
    "footnotes-0-order": "1",
    "footnotes-0-kind": "biographical",
    "footnotes-0-text": "Enver Pasha (1881-1922), Ottoman minister of war.",
}


def submit_with_images(client, document, files):
    url = change_url(document)
    return client.post(url, post_data(client.get(url), **EDITS, scan_files=files))


def assert_form_kept_everything(response):
    assert response.status_code == 200, "the form should be shown again"
    form = response.context["adminform"].form
    errors = " ".join(form.non_field_errors())
    assert "could not be stored" in errors
    assert "Choose the image files again" in errors
    assert form["heading"].value() == EDITS["heading"]
    assert form["body"].value() == EDITS["body"]
    footnotes = next(
        inline.formset
        for inline in response.context["inline_admin_formsets"]
        if inline.formset.prefix == "footnotes"
    )
    assert footnotes.forms[0]["text"].value() == EDITS["footnotes-0-text"]
    assert "could not be stored" in response.content.decode()


def assert_nothing_saved(document):
    document.refresh_from_db()
    assert document.heading == "Letter to Frunze"
    assert document.body == "Dear comrade."
    assert not Footnote.objects.filter(document=document).exists()
    assert not Scan.objects.filter(document=document).exists()


def test_an_unwritable_media_folder_keeps_the_form_and_saves_nothing(
    archivist_client, document, unwritable_media
):
    response = submit_with_images(
        archivist_client, document, [upload("p1.jpg", jpeg(1)), upload("p2.png", png(2))]
    )
    assert_form_kept_everything(response)
    assert_nothing_saved(document)
    assert not Path(unwritable_media).exists()


def test_once_writable_the_same_form_saves_everything(
    archivist_client, document, unwritable_media, settings, tmp_path
):
    response = submit_with_images(archivist_client, document, [upload("p1.jpg", jpeg(1))])
    settings.MEDIA_ROOT = tmp_path / "media-repaired"
    again = archivist_client.post(
        change_url(document), post_data(response, scan_files=[upload("p1.jpg", jpeg(1))])
    )
    assert again.status_code == 302
    document.refresh_from_db()
    assert document.heading == EDITS["heading"]
    assert document.footnotes.get().text == EDITS["footnotes-0-text"]
    assert document.scans.count() == 1


def test_a_write_failing_midway_leaves_no_file_and_no_row(
    archivist_client, document, monkeypatch, settings
):
    original_save = FileSystemStorage._save
    calls = []

    def disk_full_at_the_third_file(self, name, content):
        calls.append(name)
        if len(calls) == 3:
            raise OSError(28, "No space left on device")
        return original_save(self, name, content)

    monkeypatch.setattr(FileSystemStorage, "_save", disk_full_at_the_third_file)
    files = [upload(f"p{n}.jpg", jpeg(n)) for n in range(1, 5)]
    response = submit_with_images(archivist_client, document, files)
    assert_form_kept_everything(response)
    errors = response.context["adminform"].form.non_field_errors()
    assert "No space left on device" in " ".join(errors)
    assert_nothing_saved(document)
    assert len(calls) == 3
    assert stored_files(settings.MEDIA_ROOT) == []


def test_an_inline_image_that_cannot_be_written_keeps_the_form(
    archivist_client, document, unwritable_media
):
    url = change_url(document)
    data = post_data(archivist_client.get(url), **{"heading": EDITS["heading"]})
    data.update(
        {
            "scans-TOTAL_FORMS": "1",
            "scans-0-page": "1",
            "scans-0-image": upload("inline.jpg", jpeg(7)),
            "scans-0-rights": "public_domain",
            "scans-0-caption": "Folio 161",
        }
    )
    response = archivist_client.post(url, data)
    assert response.status_code == 200
    form = response.context["adminform"].form
    assert "could not be stored" in " ".join(form.non_field_errors())
    assert form["heading"].value() == EDITS["heading"]
    scans = next(
        inline.formset
        for inline in response.context["inline_admin_formsets"]
        if inline.formset.prefix == "scans"
    )
    assert scans.forms[0]["caption"].value() == "Folio 161"
    assert_nothing_saved(document)


def test_replacing_a_scans_file_when_media_is_read_only(archivist_client, document, monkeypatch):
    scan = make_scan(document, page=1, data=jpeg(3))

    def read_only(self, name, content):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(FileSystemStorage, "_save", read_only)
    url = reverse("admin:catalogue_scan_change", args=[scan.pk])
    data = post_data(
        archivist_client.get(url), caption="New caption", image=upload("new.jpg", jpeg(4))
    )
    response = archivist_client.post(url, data)
    assert response.status_code == 200
    form = response.context["adminform"].form
    assert "could not be stored" in " ".join(form.non_field_errors())
    assert form["caption"].value() == "New caption"
    assert "Permission denied" in " ".join(form.non_field_errors())
    scan.refresh_from_db()
    assert scan.caption == ""
    assert scan.image.storage.exists(scan.image.name)  # the original is untouched


# -- cache server unreachable -------------------------------------------------------------------


@pytest.fixture
def cache_down(settings):
    """The cache CACHE_URL would give when it names a closed port."""
    settings.CACHES = cache_settings(f"redis://127.0.0.1:{closed_port()}/7")
    assert settings.CACHES["default"]["BACKEND"].endswith("RedisCache")


CACHED_PAGES = [
    "/",
    "/documents/",
    "/documents/?type=letter&year=1921",
    "/documents/?q=Frunze",
    "/documents/D000001/",
    "/persons/",
    "/persons/chicherin-georgy-vasilyevich/",
    "/places/",
    "/documents/export.ris",
]


@pytest.mark.parametrize("path", CACHED_PAGES)
def test_pages_are_served_while_the_cache_server_is_down(seed, cache_down, path):
    client = Client(raise_request_exception=False)
    response = client.get(path)
    assert response.status_code == 200, path


def test_a_withdrawal_shows_at_once_while_the_cache_server_is_down(seed, cache_down, editor):
    client = Client(raise_request_exception=False)
    document = Document.objects.get(identifier="D000001")
    assert b"/documents/D000001/" in client.get("/documents/?q=Frunze").content
    document.status = Status.REVIEW
    document.updated_by = editor
    document.save()
    response = client.get("/documents/?q=Frunze")
    assert response.status_code == 200
    assert b"/documents/D000001/" not in response.content
