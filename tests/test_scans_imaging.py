"""Validation of uploads and derivatives (catalogue.imaging), the derivative task and command."""

import hashlib
import io

import pytest
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from PIL import Image

from catalogue import imaging
from catalogue.imaging import ImageRejected, prepare_upload
from catalogue.models import Scan
from tests.factories import make_document
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


@pytest.mark.parametrize(
    ("name", "data", "image_format"),
    [
        ("page.jpg", jpeg(), "JPEG"),
        ("page.png", png(), "PNG"),
        ("page.tif", tiff(), "TIFF"),
        ("page.webp", webp(), "WEBP"),
    ],
)
def test_accepted_formats_give_one_page_with_the_files_checksum(name, data, image_format):
    [page] = prepare_upload(upload(name, data))
    assert page.image_format == image_format
    assert (page.width, page.height) == (120, 160)
    assert page.checksum == hashlib.sha256(data).hexdigest()
    assert page.filename == name
    assert page.file.read() == data  # the original is kept byte for byte


def test_the_format_comes_from_the_content_not_the_name():
    [page] = prepare_upload(upload("page.jpg", png()))
    assert page.image_format == "PNG"


def test_a_multi_page_tiff_becomes_one_upright_tiff_per_page():
    pages = prepare_upload(upload("letter.tiff", tiff(seed=3, pages=3)))
    assert [page.filename for page in pages] == [
        "letter-p001.tif",
        "letter-p002.tif",
        "letter-p003.tif",
    ]
    assert len({page.checksum for page in pages}) == 3
    for index, page in enumerate(pages):
        data = page.file.read()
        assert hashlib.sha256(data).hexdigest() == page.checksum
        with Image.open(io.BytesIO(data)) as single:
            assert single.format == "TIFF"
            assert getattr(single, "n_frames", 1) == 1
            assert single.size == (120, 160)
            expected = page_image(seed=3 + index)
            assert single.convert("RGB").getpixel((60, 5)) == expected.getpixel((60, 5))


def test_splitting_is_deterministic_so_a_repeated_tiff_is_recognised():
    first = prepare_upload(upload("a.tif", tiff(pages=2)))
    again = prepare_upload(upload("b.tif", tiff(pages=2)))
    assert [p.checksum for p in first] == [p.checksum for p in again]


def bmp():
    return encode(page_image(), "BMP")


def gif():
    return encode(page_image(), "GIF")


BAD_FILES = [
    ("truncated.jpg", truncated_jpeg, "incomplete or damaged"),
    ("notes.jpg", lambda: b"These are my notes, not a picture.\n" * 20, "not an image"),
    (
        "bomb.png",
        lambda: png_header_claiming(100_000, 100_000),
        "100,000 × 100,000 pixels (10,000 megapixels); the limit is 80 megapixels",
    ),
    ("empty.jpg", lambda: b"", "The file is empty."),
    ("page.gif", gif, "GIF images are not accepted: upload JPEG, PNG, TIFF or WebP."),
    ("page.bmp", bmp, "BMP images are not accepted"),
]


@pytest.mark.parametrize(("name", "make", "message"), BAD_FILES)
def test_bad_files_are_refused_with_a_clear_message(name, make, message):
    with pytest.raises(ImageRejected) as refused:
        prepare_upload(upload(name, make()))
    assert message in str(refused.value)


def test_the_pixel_limit_is_read_from_the_header_before_decoding(settings):
    settings.SCAN_MAX_PIXELS = 100 * 100
    with pytest.raises(ImageRejected, match="120 × 160 pixels"):
        prepare_upload(upload("page.png", png()))
    # Below Pillow's own bomb guard too: our limit is the one that applies.
    with pytest.raises(ImageRejected, match="9,000 × 9,000"):
        prepare_upload(upload("big.png", png_header_claiming(9000, 9000)))


def test_files_over_the_byte_limit_are_refused(settings):
    data = jpeg()
    settings.SCAN_MAX_UPLOAD_BYTES = len(data) - 1
    with pytest.raises(ImageRejected, match="the limit is"):
        prepare_upload(upload("page.jpg", data))


def test_exif_orientation_is_recorded_and_applied_to_derivatives():
    data = jpeg(size=(200, 100), orientation=6)  # stored landscape, meant to be seen portrait
    [page] = prepare_upload(upload("turned.jpg", data))
    assert page.orientation == 6
    assert (page.width, page.height) == (200, 100)
    display, thumbnail = imaging.make_derivatives(io.BytesIO(data))
    with Image.open(io.BytesIO(display.content)) as shown:
        assert shown.size == (100, 200) == (display.width, display.height)
        # Orientation 6 turns the image 90° clockwise: the dark top-left block goes top right.
        grey = shown.convert("L")
        assert grey.getpixel((90, 10)) < 80
        assert grey.getpixel((10, 10)) > 150
        assert grey.getpixel((10, 190)) > 150


def test_derivatives_fit_their_boxes_and_are_jpeg(monkeypatch):
    monkeypatch.setattr(imaging, "DISPLAY_SIZE", 600)
    data = png(size=(900, 600))
    display, thumbnail = imaging.make_derivatives(io.BytesIO(data))
    for derivative, longest in ((display, imaging.DISPLAY_SIZE), (thumbnail, 320)):
        with Image.open(io.BytesIO(derivative.content)) as image:
            assert image.format == "JPEG"
            assert max(image.size) == longest
            assert image.size == (derivative.width, derivative.height)


@pytest.mark.parametrize(
    "make",
    [
        lambda: encode(Image.new("RGBA", (50, 40), (0, 0, 0, 0)), "PNG"),
        lambda: encode(Image.new("I;16", (50, 40), 40000), "PNG"),
        lambda: encode(Image.new("CMYK", (50, 40), (0, 0, 0, 0)), "JPEG"),
        lambda: encode(Image.new("1", (50, 40), 1), "TIFF", compression="group4"),
        lambda: encode(page_image((50, 40)).convert("P"), "PNG"),
        lambda: encode(Image.new("LA", (50, 40), (0, 0)), "WEBP", lossless=True),
    ],
    ids=["transparent-rgba", "16-bit-grey", "cmyk", "bilevel", "palette", "grey-alpha"],
)
def test_derivatives_of_unusual_modes_are_viewable(make):
    data = make()
    prepare_upload(upload("page", data))
    display, _ = imaging.make_derivatives(io.BytesIO(data))
    with Image.open(io.BytesIO(display.content)) as image:
        assert image.mode in ("RGB", "L")
        assert image.size == (50, 40)
        assert image.convert("L").getpixel((25, 20)) > 120  # light paper, not black


def test_transparency_is_flattened_onto_white():
    data = encode(Image.new("RGBA", (50, 40), (0, 0, 0, 0)), "PNG")
    display, _ = imaging.make_derivatives(io.BytesIO(data))
    with Image.open(io.BytesIO(display.content)) as image:
        assert all(channel > 245 for channel in image.convert("RGB").getpixel((25, 20)))


def test_sixteen_bit_grey_keeps_its_tone():
    data = encode(Image.new("I;16", (50, 40), 32896), "PNG")  # mid-grey on 0–65535
    display, _ = imaging.make_derivatives(io.BytesIO(data))
    with Image.open(io.BytesIO(display.content)) as image:
        assert 120 <= image.convert("L").getpixel((25, 20)) <= 136


@pytest.mark.django_db
def test_store_derivatives_writes_through_storage_and_records_them(settings):
    scan = make_scan(make_document(), page=1, data=png(size=(900, 1200)))
    assert not scan.derivatives_ready
    assert imaging.store_derivatives(scan) is True
    scan.refresh_from_db()
    assert scan.derivatives_current
    assert scan.display.name.startswith(f"scans/display/{scan.checksum[:2]}/{scan.checksum}")
    assert scan.thumbnail.name.startswith("scans/thumbnails/")
    assert (scan.display_width, scan.display_height) == (900, 1200)
    assert max(scan.thumbnail_width, scan.thumbnail_height) == 320
    with default_storage.open(scan.thumbnail.name) as stored, Image.open(stored) as image:
        assert image.size == (scan.thumbnail_width, scan.thumbnail_height)


@pytest.mark.django_db
def test_derivatives_work_on_storage_without_local_paths(settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    }
    scan = make_ready_scan(make_document(), page=1)
    assert scan.derivatives_current
    assert default_storage.exists(scan.display.name)
    assert default_storage.exists(scan.image.name)
    assert stored_files(settings.MEDIA_ROOT) == []  # nothing touched the disk


@pytest.mark.django_db
def test_new_scans_get_derivatives_from_the_task_after_commit(
    django_capture_on_commit_callbacks,
):
    document = make_document()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        scan = make_scan(document, page=1)
    assert len(queued_work(callbacks)) == 1
    scan.refresh_from_db()
    assert scan.derivatives_current


def queued_work(callbacks):
    """The on-commit callbacks (the catalogue version is recorded in the transaction itself)."""
    return list(callbacks)


@pytest.mark.django_db
def test_editing_a_caption_does_not_queue_work(django_capture_on_commit_callbacks):
    scan = make_ready_scan(make_document(), page=1)
    with django_capture_on_commit_callbacks() as callbacks:
        scan.caption = "First page"
        scan.save()
    assert queued_work(callbacks) == []


@pytest.mark.django_db
def test_deleting_a_scan_removes_its_files(settings, django_capture_on_commit_callbacks):
    scan = make_ready_scan(make_document(), page=1)
    assert len(stored_files(settings.MEDIA_ROOT)) == 3
    with django_capture_on_commit_callbacks(execute=True):
        scan.delete()
    assert stored_files(settings.MEDIA_ROOT) == []


# -- regenerate_derivatives ----------------------------------------------------------------


@pytest.fixture
def three_scans(db):
    document = make_document()
    missing = make_scan(document, page=1)
    current = make_ready_scan(document, page=2)
    stale = make_ready_scan(document, page=3)
    Scan.objects.filter(pk=stale.pk).update(derivatives_version=0)
    return missing, current, stale


def run_regenerate(*args):
    out = io.StringIO()
    call_command("regenerate_derivatives", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_regenerate_makes_missing_and_stale_derivatives_only(three_scans):
    missing, current, stale = three_scans
    current_files = (current.display.name, current.thumbnail.name)
    output = run_regenerate()
    assert "2 scan(s) remade; 0 failed." in output
    for scan in three_scans:
        scan.refresh_from_db()
        assert scan.derivatives_current
    assert (current.display.name, current.thumbnail.name) == current_files
    assert Scan.objects.needing_derivatives().count() == 0


def test_regenerate_after_a_new_original_removes_the_old_derivatives(three_scans, settings):
    _, current, _ = three_scans
    old_display = current.display.name
    Scan.objects.filter(pk=current.pk).update(checksum="f" * 64)  # as if replaced
    run_regenerate()
    current.refresh_from_db()
    assert current.derivatives_source == "f" * 64
    assert current.display.name != old_display
    assert not default_storage.exists(old_display)


def test_regenerate_dry_run_changes_nothing(three_scans):
    output = run_regenerate("--dry-run")
    assert "2 scan(s) would be remade" in output
    assert Scan.objects.needing_derivatives().count() == 2


def test_regenerate_verify_remakes_derivatives_missing_from_storage(three_scans):
    _, current, _ = three_scans
    default_storage.delete(current.display.name)
    assert "2 scan(s) remade" in run_regenerate()  # the recorded file is not checked
    assert "1 scan(s) remade" in run_regenerate("--verify")
    assert default_storage.exists(current.display.name)


def test_regenerate_reports_failures_and_goes_on(three_scans):
    missing, _, stale = three_scans
    default_storage.delete(missing.image.name)
    with pytest.raises(CommandError, match="1 scan"):
        run_regenerate()
    stale.refresh_from_db()
    assert stale.derivatives_current


def test_tiff_pages_are_stored_upright_by_their_orientation_tag():
    frames = [page_image((80, 40), seed=n) for n in (1, 2)]
    data = encode(frames[0], "TIFF", save_all=True, append_images=frames[1:], tiffinfo={274: 6})
    pages = prepare_upload(upload("turned.tif", data))
    assert [(page.width, page.height, page.orientation) for page in pages] == [(40, 80, 1)] * 2
    with Image.open(pages[1].file) as stored:
        grey = stored.convert("L")
        assert grey.getpixel((35, 5)) < 80  # the dark top-left block, turned to the top right
        assert grey.getpixel((5, 5)) > 150


@pytest.mark.django_db
def test_long_file_names_are_shortened_to_fit_the_database():
    name = "a very long scanner file name " * 10 + ".jpeg"
    [page] = prepare_upload(upload(name, jpeg()))
    assert len(page.filename) == imaging.MAX_NAME_LENGTH
    assert page.filename.endswith(".jpeg")
    scan = make_ready_scan(make_document(), page=1, name=name)
    assert scan.original_filename == page.filename
    assert len(scan.image.name) <= 255
