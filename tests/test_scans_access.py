"""Files follow the document's rights (issue 11, finding 5; issue 14, finding 10).

Page images, derivatives and originals are served only through permission-checked views, in
every mode: the public gets those of published documents, staff who may view scans get all, and
MEDIA_ROOT (pending imports included) is never served as a folder, not even with DEBUG.
"""

import importlib
import json

import lxml.html
import pytest
from django.contrib.auth.models import Permission, User
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import clear_url_caches, reverse

from catalogue.models import Document, Rights, Scan, Status
from tests.factories import make_document, make_staff_user
from tests.scan_images import make_ready_scan


@pytest.fixture
def debug_urls(settings):
    """The project's URLs as `make run` (DEBUG=1) loads them."""
    import archive.urls

    settings.DEBUG = True
    clear_url_caches()
    importlib.reload(archive.urls)
    yield
    settings.DEBUG = False
    importlib.reload(archive.urls)
    clear_url_caches()


@pytest.fixture
def published(db):
    return make_document(heading="Letter to Frunze", status=Status.PUBLISHED)


@pytest.fixture
def draft(db):
    return make_document(heading="A draft telegram", status=Status.DRAFT)


def media_url(field_file):
    return "/media/" + field_file.name


def image_urls_on_page(client, document):
    """The image URLs the document page gives a reader (thumbnails and display images)."""
    tree = lxml.html.fromstring(client.get(document.get_absolute_url()).content)
    return tree.xpath("//a[contains(@class, 'scan-thumb')]/@href") + tree.xpath(
        "//a[contains(@class, 'scan-thumb')]/img/@src"
    )


def unpublish(document, editor):
    """What the Editor's "Unpublish" action does."""
    document.status = Status.REVIEW
    document.updated_by = editor
    document.save()


# -- nothing under MEDIA_ROOT is served as a folder -------------------------------------------


@pytest.mark.parametrize("kind", ["image", "display", "thumbnail"])
def test_draft_files_are_not_served_from_the_media_folder_in_debug(client, draft, debug_urls, kind):
    scan = make_ready_scan(draft, page=1, rights=Rights.PUBLIC_DOMAIN)
    assert client.get(media_url(getattr(scan, kind))).status_code == 404


def test_pending_import_texts_are_not_served_in_debug(client, db, debug_urls):
    name = default_storage.save("imports/pending/" + "a" * 64, ContentFile(b"secret draft text"))
    assert client.get(f"/media/{name}").status_code == 404


def test_no_media_url_is_served_in_debug_even_when_published(client, published, debug_urls):
    scan = make_ready_scan(published, page=1, rights=Rights.PUBLIC_DOMAIN)
    assert client.get(media_url(scan.display)).status_code == 404
    assert client.get(scan.image_url("display")).status_code == 200


# -- the public gets the images of published documents only ------------------------------------


@pytest.mark.parametrize("kind", ["display", "thumbnail", "original"])
def test_published_images_are_served_with_cors(client, published, kind):
    scan = make_ready_scan(published, page=1, rights=Rights.PUBLIC_DOMAIN)
    response = client.get(scan.image_url(kind))
    assert response.status_code == 200
    field_file = {"display": scan.display, "thumbnail": scan.thumbnail, "original": scan.image}
    with default_storage.open(field_file[kind].name, "rb") as stored:
        assert b"".join(response.streaming_content) == stored.read()
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.parametrize("status", [Status.DRAFT, Status.REVIEW])
@pytest.mark.parametrize("kind", ["display", "thumbnail", "original"])
def test_unpublished_images_are_404_for_the_public(client, db, status, kind):
    document = make_document(status=status)
    scan = make_ready_scan(document, page=1, rights=Rights.PUBLIC_DOMAIN)
    assert client.get(scan.image_url(kind)).status_code == 404


def test_a_withdrawn_documents_image_urls_answer_404_at_once(client, published, editor, debug_urls):
    make_ready_scan(published, page=1, rights=Rights.PUBLIC_DOMAIN)
    urls = image_urls_on_page(client, published)
    assert len(urls) == 2
    etags = {}
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        etags[url] = response.get("ETag")
    unpublish(published, editor)
    for url in urls:
        assert client.get(url).status_code == 404, url
        if etags[url]:  # a browser revalidating its copy is refused too, never told 304
            assert client.get(url, HTTP_IF_NONE_MATCH=etags[url]).status_code == 404


def test_the_manifests_image_urls_are_served_with_cors(client, published):
    make_ready_scan(published, page=1, rights=Rights.PUBLIC_DOMAIN)
    make_ready_scan(published, page=2, rights=Rights.IN_COPYRIGHT)
    url = reverse("catalogue:iiif-manifest", args=[published.identifier])
    manifest = json.loads(client.get(url).content)
    image_urls = [manifest["thumbnail"][0]["id"]]
    for canvas in manifest["items"]:
        image_urls.append(canvas["items"][0]["items"][0]["body"]["id"])
        image_urls.append(canvas["thumbnail"][0]["id"])
        image_urls.extend(rendering["id"] for rendering in canvas.get("rendering", []))
    assert len(image_urls) == 6
    for image_url in image_urls:
        response = client.get(image_url)
        assert response.status_code == 200, image_url
        assert response["Access-Control-Allow-Origin"] == "*", image_url


def test_revalidation_with_the_etag_is_a_304(client, published):
    scan = make_ready_scan(published, page=1)
    first = client.get(scan.image_url("display"))
    again = client.get(scan.image_url("display"), HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    assert again["Access-Control-Allow-Origin"] == "*"


def test_in_copyright_originals_are_not_downloadable_by_the_public(client, published):
    scan = make_ready_scan(published, page=1, rights=Rights.IN_COPYRIGHT)
    assert client.get(scan.image_url("display")).status_code == 200
    assert client.get(scan.image_url("original")).status_code == 404


# -- staff -------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["display", "thumbnail", "original"])
def test_staff_who_may_view_scans_see_drafts_without_cors(client, draft, kind):
    scan = make_ready_scan(draft, page=1, rights=Rights.IN_COPYRIGHT)
    client.force_login(make_staff_user("archivist", "Archivist"))
    response = client.get(scan.image_url(kind))
    assert response.status_code == 200
    assert "Access-Control-Allow-Origin" not in response
    assert "private" in response["Cache-Control"]


def test_staff_without_the_view_permission_do_not(client, draft):
    scan = make_ready_scan(draft, page=1)
    user = User.objects.create_user("visitor", password="pw", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_document"))
    client.force_login(user)
    assert client.get(scan.image_url("display")).status_code == 404


def test_the_admin_preview_uses_the_checked_url(client, draft):
    scan = make_ready_scan(draft, page=1)
    client.force_login(make_staff_user("archivist", "Archivist"))
    html = client.get(reverse("admin:catalogue_scan_changelist")).content.decode()
    assert scan.image_url("thumbnail") in html
    assert "/media/" not in html


# -- handing the transfer to the web server -----------------------------------------------------


def test_nginx_gets_an_internal_redirect(client, published, settings):
    settings.MEDIA_SERVER = "nginx"
    settings.MEDIA_INTERNAL_URL = "/protected-media/"
    scan = make_ready_scan(published, page=1, rights=Rights.CC_BY)
    response = client.get(scan.image_url("display"))
    assert response.status_code == 200
    assert response["X-Accel-Redirect"] == "/protected-media/" + scan.display.name
    assert response.content == b""
    assert response["Content-Type"] == "image/jpeg"
    assert response["Access-Control-Allow-Origin"] == "*"
    original = client.get(scan.image_url("original"))
    assert original["X-Accel-Redirect"] == "/protected-media/" + scan.image.name
    assert original["Content-Disposition"].startswith("attachment;")


def test_nginx_gets_nothing_for_a_draft(client, draft, settings):
    settings.MEDIA_SERVER = "nginx"
    scan = make_ready_scan(draft, page=1)
    response = client.get(scan.image_url("display"))
    assert response.status_code == 404
    assert "X-Accel-Redirect" not in response


def test_apache_gets_the_files_path(client, published, settings):
    settings.MEDIA_SERVER = "apache"
    scan = make_ready_scan(published, page=1)
    response = client.get(scan.image_url("thumbnail"))
    assert response["X-Sendfile"] == scan.thumbnail.path
    assert response.content == b""


def test_a_missing_file_is_a_404(client, published):
    scan = make_ready_scan(published, page=1)
    default_storage.delete(scan.display.name)
    assert client.get(scan.image_url("display")).status_code == 404


# -- public() ------------------------------------------------------------------------------------


def test_public_scans_are_those_of_published_documents(published, draft):
    shown = make_ready_scan(published, page=1)
    make_ready_scan(draft, page=1)
    assert list(Scan.objects.public()) == [shown]
    Document.objects.filter(pk=published.pk).update(status=Status.REVIEW)
    assert list(Scan.objects.public()) == []
