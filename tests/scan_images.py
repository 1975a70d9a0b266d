"""Page images for the scan tests, made with Pillow (and a few hand-crafted bad files)."""

import io
import struct
import zlib
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageDraw

from catalogue import imaging
from catalogue.models import Scan


def page_image(size=(120, 160), seed=0, mode="RGB"):
    """A distinct little page: paper colour varies with `seed`, a dark block marks top left."""
    image = Image.new("RGB", size, (230 - seed % 50, 225, 200 + seed % 50))
    draw = ImageDraw.Draw(image)
    draw.rectangle([0, 0, size[0] // 4, size[1] // 4], fill=(20, 20, 20))
    draw.text((size[0] // 3, size[1] // 2), f"p{seed}", fill=(0, 0, 0))
    return image.convert(mode) if mode != "RGB" else image


def encode(image, image_format, **options):
    buffer = io.BytesIO()
    image.save(buffer, image_format, **options)
    return buffer.getvalue()


def jpeg(seed=0, size=(120, 160), orientation=None):
    options = {"quality": 90}
    if orientation:
        exif = Image.Exif()
        exif[0x0112] = orientation
        options["exif"] = exif
    return encode(page_image(size, seed), "JPEG", **options)


def png(seed=0, size=(120, 160)):
    return encode(page_image(size, seed), "PNG")


def webp(seed=0, size=(120, 160)):
    return encode(page_image(size, seed), "WEBP", quality=90)


def tiff(seed=0, pages=1, size=(120, 160)):
    frames = [page_image(size, seed + index) for index in range(pages)]
    return encode(frames[0], "TIFF", save_all=True, append_images=frames[1:])


def truncated_jpeg():
    noisy = Image.effect_noise((400, 400), 60).convert("RGB")
    data = encode(noisy, "JPEG", quality=95)
    return data[: len(data) // 2]


def png_header_claiming(width, height):
    """A tiny PNG whose header claims width × height pixels (never decodable at that size)."""

    def chunk(kind, payload):
        body = kind + payload
        return struct.pack(">I", len(payload)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00" * 64)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def upload(name, data):
    return SimpleUploadedFile(name, data)


def stored_files(root):
    """Every file under a storage root (the tests' MEDIA_ROOT)."""
    root = Path(root)
    return sorted(str(path.relative_to(root)) for path in root.rglob("*") if path.is_file())


def make_scan(document, page=1, data=None, name=None, **fields):
    """A saved scan whose original went through validation, as an upload's would."""
    data = data if data is not None else jpeg(seed=page + document.pk * 100)
    prepared = imaging.prepare_upload(upload(name or f"page-{page}.jpg", data))[0]
    return Scan.create_from_prepared(document, page, prepared, **fields)


def make_ready_scan(document, page=1, **kwargs):
    scan = make_scan(document, page, **kwargs)
    imaging.store_derivatives(scan)
    scan.refresh_from_db()
    return scan
