"""Uploading, validating and reordering scans in the document admin, as an archivist would."""

import pytest
from django.contrib.auth.models import Permission, User
from django.contrib.messages import get_messages
from django.urls import reverse

from catalogue.models import Rights, Scan, Status
from tests.admin_forms import post_data
from tests.factories import make_collection, make_document
from tests.scan_images import (
    encode,
    jpeg,
    make_ready_scan,
    make_scan,
    page_image,
    png,
    png_header_claiming,
    stored_files,
    tiff,
    truncated_jpeg,
    upload,
    webp,
)


def change_url(document):
    return reverse("admin:catalogue_document_change", args=[document.pk])


def submit(client, document, **fields):
    url = change_url(document)
    return client.post(url, post_data(client.get(url), **fields))


def upload_errors(response):
    assert response.status_code == 200, "the form should have been shown again"
    return response.context["adminform"].form.errors.get("scan_files", [])


@pytest.fixture
def document(db):
    return make_document(heading="Letter to Frunze", status=Status.DRAFT)


def test_the_document_form_offers_a_multi_file_upload(archivist_client, document):
    response = archivist_client.get(change_url(document))
    form = response.context["adminform"].form
    assert "scan_files" in form.fields
    html = response.content.decode()
    assert 'name="scan_files"' in html
    assert "multiple" in str(form["scan_files"])
    assert 'enctype="multipart/form-data"' in html


def test_upload_many_files_ordered_by_file_name(
    archivist_client, document, django_capture_on_commit_callbacks
):
    files = [
        upload("page-10.jpg", jpeg(seed=10)),
        upload("page-2.png", png(seed=2)),
        upload("Page-1.webp", webp(seed=1)),
    ]
    with django_capture_on_commit_callbacks(execute=True):
        response = submit(
            archivist_client, document, scan_files=files, scan_rights=Rights.PUBLIC_DOMAIN
        )
    assert response.status_code == 302
    scans = list(document.scans.order_by("page"))
    assert [(s.page, s.original_filename) for s in scans] == [
        (1, "Page-1.webp"),
        (2, "page-2.png"),
        (3, "page-10.jpg"),
    ]
    assert [s.image_format for s in scans] == ["WEBP", "PNG", "JPEG"]
    assert all(s.rights == Rights.PUBLIC_DOMAIN for s in scans)
    assert all(s.derivatives_current for s in scans)
    assert all((s.width, s.height) == (120, 160) for s in scans)
    messages = [str(m) for m in get_messages(response.wsgi_request)]
    assert any("Uploaded 3 page image(s) as pages 1–3" in m for m in messages)


def test_derivatives_are_left_to_the_task_queue(
    archivist_client, document, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        submit(
            archivist_client,
            document,
            scan_files=[upload("a.jpg", jpeg(1)), upload("b.jpg", jpeg(2))],
        )
    assert document.scans.count() == 2
    assert not any(scan.derivatives_ready for scan in document.scans.all())
    assert len(callbacks) == 2  # one task per scan, enqueued once the upload commits


def test_new_pages_follow_the_existing_ones(archivist_client, document):
    make_scan(document, page=1)
    make_scan(document, page=7)
    submit(
        archivist_client, document, scan_files=[upload("b.jpg", jpeg(2)), upload("a.jpg", jpeg(1))]
    )
    assert list(document.scans.values_list("page", "original_filename")) == [
        (1, "page-1.jpg"),
        (7, "page-7.jpg"),
        (8, "a.jpg"),
        (9, "b.jpg"),
    ]


def test_a_multi_page_tiff_becomes_several_pages(archivist_client, document):
    submit(archivist_client, document, scan_files=[upload("letter.tif", tiff(seed=5, pages=3))])
    assert list(document.scans.values_list("page", "original_filename", "image_format")) == [
        (1, "letter-p001.tif", "TIFF"),
        (2, "letter-p002.tif", "TIFF"),
        (3, "letter-p003.tif", "TIFF"),
    ]


def test_bad_files_are_refused_each_with_its_reason_and_nothing_is_stored(
    archivist_client, document, settings
):
    files = [
        upload("good.jpg", jpeg()),
        upload("truncated.jpg", truncated_jpeg()),
        upload("notes.jpg", b"not an image at all\n" * 10),
        upload("bomb.png", png_header_claiming(100_000, 100_000)),
        upload("empty.jpg", b""),
        upload("drawing.gif", encode(page_image(), "GIF")),
    ]
    response = submit(archivist_client, document, scan_files=files)
    errors = upload_errors(response)
    assert len(errors) == 5
    assert any(e.startswith("truncated.jpg: The image data is incomplete") for e in errors)
    assert any(e.startswith("notes.jpg: The file is not an image") for e in errors)
    assert any(e.startswith("bomb.png: The image is 100,000 × 100,000 pixels") for e in errors)
    assert "empty.jpg: The file is empty." in errors
    assert any(e.startswith("drawing.gif: GIF images are not accepted") for e in errors)
    assert "bomb.png: The image is 100,000" in response.content.decode()
    assert Scan.objects.count() == 0
    assert stored_files(settings.MEDIA_ROOT) == []


def test_a_file_over_the_size_limit_is_refused(archivist_client, document, settings):
    data = png()
    settings.SCAN_MAX_UPLOAD_BYTES = len(data) - 1
    errors = upload_errors(submit(archivist_client, document, scan_files=[upload("a.png", data)]))
    assert errors and errors[0].startswith("a.png: The file is")
    assert stored_files(settings.MEDIA_ROOT) == []


def test_a_duplicate_is_refused_naming_the_existing_scan(archivist_client, document, settings):
    other = make_document(heading="Note to Ali Fuad")
    existing = make_scan(other, page=4, data=jpeg(seed=42))
    before = stored_files(settings.MEDIA_ROOT)
    response = submit(
        archivist_client,
        document,
        scan_files=[upload("again.jpg", jpeg(seed=42)), upload("new.jpg", jpeg(seed=1))],
    )
    assert upload_errors(response) == [
        f"again.jpg was uploaded before: it is page 4 of {existing.document}."
    ]
    assert document.scans.count() == 0
    assert stored_files(settings.MEDIA_ROOT) == before


def test_the_same_file_twice_in_one_batch_is_refused(archivist_client, document, settings):
    response = submit(
        archivist_client,
        document,
        scan_files=[upload("a.jpg", jpeg(seed=3)), upload("copy of a.jpg", jpeg(seed=3))],
    )
    assert upload_errors(response) == ["copy of a.jpg is the same image as a.jpg in this upload."]
    assert stored_files(settings.MEDIA_ROOT) == []


def inline_page_fields(document, pages):
    """Inline POST fields setting each scan (in page order) to the given page number."""
    assert document.scans.count() == len(pages)
    return {f"scans-{index}-page": page for index, page in enumerate(pages)}


def test_pages_can_be_swapped_in_the_inline(archivist_client, document):
    first, second, third = (make_scan(document, page=n) for n in (1, 2, 3))
    fields = inline_page_fields(document, [2, 1, 3])
    fields["scans-2-DELETE"] = "on"
    response = submit(archivist_client, document, **fields)
    assert response.status_code == 302
    assert list(document.scans.values_list("pk", "page")) == [(second.pk, 1), (first.pk, 2)]
    assert not Scan.objects.filter(pk=third.pk).exists()


def test_two_scans_with_one_page_number_are_refused(archivist_client, document):
    make_scan(document, page=1)
    make_scan(document, page=2)
    response = submit(archivist_client, document, **inline_page_fields(document, [2, 2]))
    assert response.status_code == 200
    formset = scan_formset(response)
    assert "Please correct the duplicate data for page" in str(formset.non_form_errors())
    assert list(document.scans.values_list("page", flat=True)) == [1, 2]


def test_caption_and_rights_are_edited_per_scan(archivist_client, document):
    make_scan(document, page=1)
    submit(
        archivist_client,
        document,
        **{"scans-0-caption": "First folio, recto", "scans-0-rights": Rights.CC_BY},
    )
    scan = document.scans.get()
    assert (scan.caption, scan.rights) == ("First folio, recto", Rights.CC_BY)


def scan_formset(response):
    for inline in response.context["inline_admin_formsets"]:
        if inline.formset.model is Scan:
            return inline.formset
    raise AssertionError("no scan inline")


def scan_inline_errors(response):
    return [str(e) for form in scan_formset(response).forms for e in form.errors.get("image", [])]


def new_inline_scan(document, data, name="inline.jpg", page=1):
    count = document.scans.count()
    return {
        "scans-TOTAL_FORMS": count + 1,
        f"scans-{count}-page": page,
        f"scans-{count}-image": upload(name, data),
        f"scans-{count}-caption": "",
        f"scans-{count}-rights": Rights.IN_COPYRIGHT,
    }


def test_a_single_inline_upload_is_validated_too(archivist_client, document, settings):
    response = submit(archivist_client, document, **new_inline_scan(document, truncated_jpeg()))
    assert scan_inline_errors(response)[0].startswith("The image data is incomplete")
    response = submit(archivist_client, document, **new_inline_scan(document, tiff(pages=2)))
    assert "This TIFF has 2 pages" in scan_inline_errors(response)[0]
    assert stored_files(settings.MEDIA_ROOT) == []


def test_a_single_inline_upload_refuses_a_duplicate(archivist_client, document):
    existing = make_scan(make_document(heading="Another letter"), page=3, data=png(seed=9))
    response = submit(archivist_client, document, **new_inline_scan(document, png(seed=9)))
    assert scan_inline_errors(response) == [
        f"This file was uploaded before: it is page 3 of {existing.document}."
    ]


def test_a_single_inline_upload_is_stored(archivist_client, document):
    response = submit(archivist_client, document, **new_inline_scan(document, jpeg(orientation=6)))
    assert response.status_code == 302
    scan = document.scans.get()
    assert (scan.original_filename, scan.orientation, scan.image_format) == (
        "inline.jpg",
        6,
        "JPEG",
    )


def test_a_new_document_can_be_added_with_its_scans(archivist_client, db):
    collection = make_collection()
    url = reverse("admin:catalogue_document_add")
    data = post_data(archivist_client.get(url), collection=collection.pk, heading="A new note")
    data["status"] = Status.DRAFT
    data.pop("themes", None)
    data["scan_files"] = [upload("2.jpg", jpeg(2)), upload("1.jpg", jpeg(1))]
    response = archivist_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    scans = Scan.objects.filter(document__heading="A new note").order_by("page")
    assert [s.original_filename for s in scans] == ["1.jpg", "2.jpg"]


def test_the_editor_can_upload_too(editor_client, document):
    response = submit(editor_client, document, scan_files=[upload("a.jpg", jpeg())])
    assert response.status_code == 302
    assert document.scans.count() == 1


def test_no_upload_field_without_permission_to_add_scans(client, document):
    user = User.objects.create_user("reader", is_staff=True)
    user.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_document", "change_document"])
    )
    client.force_login(user)
    response = client.get(change_url(document))
    assert "scan_files" not in response.context["adminform"].form.fields


def test_the_scan_list_shows_thumbnails_and_can_queue_regeneration(
    archivist_client, document, django_capture_on_commit_callbacks
):
    scan = make_ready_scan(document, page=1, caption="Folio 161")
    url = reverse("admin:catalogue_scan_changelist")
    response = archivist_client.get(url)
    assert response.status_code == 200
    assert scan.thumbnail.url in response.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = archivist_client.post(
            url, {"action": "regenerate", "_selected_action": [scan.pk]}
        )
    assert response.status_code == 302
    scan.refresh_from_db()
    assert scan.derivatives_current


def test_replacing_an_original_in_the_inline_removes_the_old_files(
    archivist_client, document, settings, django_capture_on_commit_callbacks
):
    old = make_ready_scan(document, page=1, data=jpeg(seed=1))
    old_files = {old.image.name, old.display.name, old.thumbnail.name}
    with django_capture_on_commit_callbacks(execute=True):
        response = submit(
            archivist_client, document, **{"scans-0-image": upload("new.png", png(9))}
        )
    assert response.status_code == 302
    scan = document.scans.get()
    assert (scan.pk, scan.original_filename, scan.image_format) == (old.pk, "new.png", "PNG")
    assert scan.derivatives_current
    remaining = set(stored_files(settings.MEDIA_ROOT))
    assert remaining == {scan.image.name, scan.display.name, scan.thumbnail.name}
    assert not remaining & old_files
