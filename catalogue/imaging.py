"""Page images with Pillow: validation of uploads, and the derivatives shown to the public.

Uploads are checked before anything reaches storage: size in bytes, an accepted format read from
the file's header (never its name), the pixel count read from the header before any decoding, and
then a full decode so that truncated or corrupt files are refused. A multi-page TIFF is split into
one lossless single-page TIFF per page.

Originals are kept byte for byte as uploaded (their checksum is the file's), so their EXIF
orientation is recorded rather than applied; derivatives are turned upright. Pages split from a
multi-page TIFF are re-encoded anyway, so they are stored upright.

Derivatives (a display image and a thumbnail, both JPEG) are written through the scan's field
storage, never a local path, so the media can live in object storage.
"""

from __future__ import annotations

import hashlib
import io
import logging
import math
import os
import tempfile
import warnings
from dataclasses import dataclass

from django.conf import settings
from django.core.files import File
from django.core.files.base import ContentFile
from PIL import ExifTags, Image, ImageCms, ImageOps, UnidentifiedImageError

logger = logging.getLogger(__name__)

MIME_TYPES = {"JPEG": "image/jpeg", "PNG": "image/png", "TIFF": "image/tiff", "WEBP": "image/webp"}
ACCEPTED_FORMATS = tuple(MIME_TYPES)
ACCEPTED_EXTENSIONS = (".jpg", ".jpeg", ".png", ".tif", ".tiff", ".webp")
ACCEPTED_DESCRIPTION = "JPEG, PNG, TIFF or WebP"
MAX_PAGES_PER_FILE = 500

DISPLAY_SIZE = 2400  # longest side of the display image, in pixels
THUMBNAIL_SIZE = 320  # longest side of the thumbnail
DISPLAY_QUALITY = 85
THUMBNAIL_QUALITY = 80
# Raise when the recipe above changes: `regenerate_derivatives` then remakes every derivative.
DERIVATIVES_VERSION = 1

CHUNK_SIZE = 1024 * 1024
SPOOL_SIZE = 16 * 1024 * 1024


class ImageRejected(ValueError):
    """An upload that is not an acceptable page image; the message is for the archivist."""


@dataclass
class PreparedPage:
    """One page ready to be stored: its content, checksum and what Pillow found."""

    filename: str
    file: File
    checksum: str
    image_format: str
    width: int
    height: int
    orientation: int = 1


@dataclass
class Derivative:
    content: bytes
    width: int
    height: int


# -- validation ---------------------------------------------------------------------------


def prepare_upload(uploaded) -> list[PreparedPage]:
    """Check an uploaded file and return its pages; raise ImageRejected with a clear reason."""
    check_byte_size(uploaded.size)
    uploaded.seek(0)
    try:
        with open_accepted(uploaded) as image:
            frames = frame_count(image)
            check_frame_sizes(image, frames)
            if frames > 1:
                return split_pages(image, frames, uploaded.name)
            page = single_page(image, uploaded)  # before decoding: JPEG draft mode shrinks size
            decode_fully(image)
            return [page]
    finally:
        uploaded.seek(0)


def check_byte_size(size: int) -> None:
    if not size:
        raise ImageRejected("The file is empty.")
    limit = settings.SCAN_MAX_UPLOAD_BYTES
    if size > limit:
        raise ImageRejected(
            f"The file is {megabytes(size)}; the limit is {megabytes(limit)} per file."
        )


def megabytes(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MB"


def open_accepted(file) -> Image.Image:
    """Open (read the header of) an image in an accepted format."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            return Image.open(file, formats=ACCEPTED_FORMATS)
    except Image.DecompressionBombError as error:
        file.seek(0)
        size = claimed_size(file)
        if size:
            check_pixels(*size)
        raise pixel_limit_error() from error
    except UnidentifiedImageError as error:
        file.seek(0)
        other_format = identify_any_format(file)
        if other_format:
            raise ImageRejected(
                f"{other_format} images are not accepted: upload {ACCEPTED_DESCRIPTION}."
            ) from error
        raise ImageRejected(
            f"The file is not an image (or it is too damaged to read): upload "
            f"{ACCEPTED_DESCRIPTION}."
        ) from error
    except Exception as error:  # Pillow raises many kinds on hostile headers
        raise ImageRejected(f"The image header cannot be read: {error}.") from error


def claimed_size(file) -> tuple[int, int] | None:
    """The size an accepted image's header claims, read without Pillow's bomb check."""
    Image.init()
    try:
        prefix = file.read(16)
        for image_format in ACCEPTED_FORMATS:
            factory, accept = Image.OPEN[image_format]
            file.seek(0)
            if accept is None or accept(prefix) is True:
                with factory(file, "") as header:  # reads the header only
                    return header.size
    except Exception:
        return None
    finally:
        file.seek(0)
    return None


def identify_any_format(file) -> str | None:
    """The format of an image Pillow can read but we do not accept (GIF, BMP …), if any."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(file) as image:
                return image.format
    except Exception:
        return None
    finally:
        file.seek(0)


def frame_count(image: Image.Image) -> int:
    frames = getattr(image, "n_frames", 1)
    if frames > MAX_PAGES_PER_FILE:
        raise ImageRejected(
            f"The file has {frames} pages; the limit is {MAX_PAGES_PER_FILE} pages per file."
        )
    return frames


def check_frame_sizes(image: Image.Image, frames: int) -> None:
    """Refuse before decoding when any page's header claims more pixels than allowed."""
    for index in range(frames):
        if frames > 1:
            seek_frame(image, index)
        check_pixels(*image.size)
    if frames > 1:
        seek_frame(image, 0)


def check_pixels(width: int, height: int) -> None:
    limit = settings.SCAN_MAX_PIXELS
    if width <= 0 or height <= 0:
        raise ImageRejected(f"The image header claims an impossible size, {width} × {height}.")
    if width * height > limit:
        raise ImageRejected(
            f"The image is {width:,} × {height:,} pixels ({width * height / 1e6:,.0f} megapixels); "
            f"the limit is {limit / 1e6:,.0f} megapixels."
        )


def pixel_limit_error() -> ImageRejected:
    limit = settings.SCAN_MAX_PIXELS
    return ImageRejected(
        f"The image header claims far more pixels than the limit of {limit / 1e6:,.0f} megapixels."
    )


def seek_frame(image: Image.Image, index: int) -> None:
    try:
        image.seek(index)
    except Exception as error:
        raise ImageRejected(f"Page {index + 1} of the file cannot be read: {error}.") from error


def decode_fully(image: Image.Image) -> None:
    """Decode every pixel (JPEGs at reduced scale) so truncated or corrupt data is caught."""
    if image.format == "JPEG":
        image.draft(None, (1, 1))  # libjpeg still reads the whole stream, at 1/8 scale
    try:
        image.load()
    except Image.DecompressionBombError as error:
        raise pixel_limit_error() from error
    except Exception as error:
        raise ImageRejected(
            f"The image data is incomplete or damaged and cannot be decoded ({error})."
        ) from error


def exif_orientation(image: Image.Image) -> int:
    try:
        orientation = image.getexif().get(ExifTags.Base.Orientation, 1)
    except Exception:
        return 1
    return orientation if orientation in range(1, 9) else 1


def single_page(image: Image.Image, uploaded) -> PreparedPage:
    width, height = image.size
    return PreparedPage(
        filename=base_name(uploaded.name),
        file=uploaded,
        checksum=file_checksum(uploaded),
        image_format=image.format,
        width=width,
        height=height,
        orientation=exif_orientation(image),
    )


def split_pages(image: Image.Image, frames: int, name: str) -> list[PreparedPage]:
    """One lossless single-page TIFF per page of a multi-page TIFF, turned upright."""
    stem = os.path.splitext(base_name(name))[0]
    pages = []
    for index in range(frames):
        seek_frame(image, index)
        decode_fully(image)
        page = upright(image, tiff_orientation(image))
        spooled = tempfile.SpooledTemporaryFile(max_size=SPOOL_SIZE)  # noqa: SIM115 (kept open)
        save_kwargs = {"compression": "tiff_lzw"}
        if image.info.get("dpi"):
            save_kwargs["dpi"] = image.info["dpi"]
        if image.info.get("icc_profile"):
            save_kwargs["icc_profile"] = image.info["icc_profile"]
        page.save(spooled, "TIFF", **save_kwargs)
        filename = f"{stem}-p{index + 1:03d}.tif"
        content = File(spooled, name=filename)
        pages.append(
            PreparedPage(
                filename=filename,
                file=content,
                checksum=file_checksum(content),
                image_format="TIFF",
                width=page.width,
                height=page.height,
            )
        )
    return pages


TRANSPOSITIONS = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}


def tiff_orientation(image: Image.Image) -> int:
    """The current TIFF page's orientation tag (getexif() reads only the first page's)."""
    orientation = getattr(image, "tag_v2", {}).get(ExifTags.Base.Orientation, 1)
    return orientation if orientation in TRANSPOSITIONS else 1


def upright(image: Image.Image, orientation: int) -> Image.Image:
    method = TRANSPOSITIONS.get(orientation)
    return image.transpose(method) if method is not None else image.copy()


MAX_NAME_LENGTH = 120  # stored under a 84-character checksum prefix, within 255


def base_name(name: str | None) -> str:
    """The file name without folders, shortened (keeping its extension) to fit storage."""
    name = os.path.basename((name or "").replace("\\", "/")) or "scan"
    stem, extension = os.path.splitext(name)
    if len(name) > MAX_NAME_LENGTH:
        name = stem[: MAX_NAME_LENGTH - len(extension[:10])] + extension[:10]
    return name


def file_checksum(file) -> str:
    """SHA-256 of a file's content, read in chunks; the file is rewound afterwards."""
    digest = hashlib.sha256()
    file.seek(0)
    if hasattr(file, "chunks"):
        for chunk in file.chunks(CHUNK_SIZE):
            digest.update(chunk)
    else:
        while chunk := file.read(CHUNK_SIZE):
            digest.update(chunk)
    file.seek(0)
    return digest.hexdigest()


def save_original(field_file, page: PreparedPage) -> None:
    """Store a prepared page as a scan's original (the model is saved by the caller).

    Django then reads the stored file's dimensions in small chunks; Pillow warns about a TIFF
    whose directory is not in the first chunk, harmlessly, so that warning is silenced here.
    """
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "Corrupt EXIF data", UserWarning)
        field_file.save(page.filename, page.file, save=False)


# -- derivatives ---------------------------------------------------------------------------


def make_derivatives(source) -> tuple[Derivative, Derivative]:
    """The display image and thumbnail (JPEG, upright, sRGB) of an original file object."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        with Image.open(source, formats=ACCEPTED_FORMATS) as original:
            check_pixels(*original.size)
            original.draft("RGB", draft_size(original.size, DISPLAY_SIZE))  # JPEG: decode less
            original.load()
            if exif_orientation(original) != 1:
                ImageOps.exif_transpose(original, in_place=True)
    image = web_ready(original)
    image.thumbnail((DISPLAY_SIZE, DISPLAY_SIZE), Image.Resampling.LANCZOS, reducing_gap=3.0)
    display = encode_jpeg(image, DISPLAY_QUALITY)
    image.thumbnail((THUMBNAIL_SIZE, THUMBNAIL_SIZE), Image.Resampling.LANCZOS, reducing_gap=3.0)
    thumbnail = encode_jpeg(image, THUMBNAIL_QUALITY)
    return display, thumbnail


def draft_size(size: tuple[int, int], longest: int) -> tuple[int, int]:
    """The smallest size whose longest side still reaches `longest` (for JPEG draft mode)."""
    scale = min(longest / max(size), 1)
    return math.ceil(size[0] * scale), math.ceil(size[1] * scale)


def web_ready(image: Image.Image) -> Image.Image:
    """An RGB or greyscale image in sRGB, transparency flattened onto white."""
    image = to_srgb(image)
    if image.mode in ("RGB", "L"):
        return image
    if image.mode == "1":
        return image.convert("L")
    if image.mode.startswith("I") or image.mode == "F":
        return sixteen_bit_to_grey(image)
    if image.mode in ("RGBA", "LA", "PA", "La", "RGBa") or "transparency" in image.info:
        rgba = image.convert("RGBA")
        background = Image.new("RGB", rgba.size, "white")
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    return image.convert("RGB")


def to_srgb(image: Image.Image) -> Image.Image:
    """Convert colour images with an embedded ICC profile (e.g. CMYK, Adobe RGB) to sRGB."""
    profile = image.info.get("icc_profile")
    if not profile or image.mode not in ("RGB", "CMYK"):
        return image
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(profile))
        converted = ImageCms.profileToProfile(
            image, source, ImageCms.createProfile("sRGB"), outputMode="RGB"
        )
    except (ImageCms.PyCMSError, OSError, ValueError):
        logger.info("Ignored an unusable ICC profile")
        return image
    converted.info.pop("icc_profile", None)
    return converted


def sixteen_bit_to_grey(image: Image.Image) -> Image.Image:
    if image.mode == "F":
        low, high = image.getextrema()
        scale = 255 / (high - low) if high > low else 1
        return image.point(lambda value: (value - low) * scale).convert("L")
    wide = image.convert("I")
    high = wide.getextrema()[1]
    scale = 1 / 257 if high > 255 else 1
    return wide.point(lambda value: value * scale).convert("L")


def encode_jpeg(image: Image.Image, quality: int) -> Derivative:
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=quality, optimize=True, progressive=True)
    return Derivative(buffer.getvalue(), image.width, image.height)


def derivative_name(checksum: str, kind: str) -> str:
    """Stable, unguessable names: the checksum of the original and the recipe's version."""
    return f"{checksum[:2]}/{checksum}-{kind}-v{DERIVATIVES_VERSION}.jpg"


def store_derivatives(scan) -> bool:
    """Make a scan's derivatives and store them through its fields' storage.

    Returns False (and leaves nothing behind) when the scan's original changed meanwhile.
    """
    checksum = scan.checksum
    with scan.image.open("rb") as source:
        display, thumbnail = make_derivatives(source)
    old_names = {scan.display.name, scan.thumbnail.name} - {""}
    display_name = save_replacing(scan.display, derivative_name(checksum, "display"), display)
    thumbnail_name = save_replacing(
        scan.thumbnail, derivative_name(checksum, "thumbnail"), thumbnail
    )
    updated = (
        type(scan)
        .objects.filter(pk=scan.pk, checksum=checksum)
        .update(
            display=display_name,
            thumbnail=thumbnail_name,
            display_width=display.width,
            display_height=display.height,
            thumbnail_width=thumbnail.width,
            thumbnail_height=thumbnail.height,
            derivatives_source=checksum,
            derivatives_version=DERIVATIVES_VERSION,
        )
    )
    new_names = {display_name, thumbnail_name}
    if not updated:
        old_names, new_names = new_names, set()
    for name in old_names - new_names:
        scan.display.storage.delete(name)
    return bool(updated)


def save_replacing(field_file, name: str, derivative: Derivative) -> str:
    """Save under `name` (relative to the field's upload_to), replacing any file of that name."""
    full_name = field_file.field.generate_filename(field_file.instance, name)
    storage = field_file.storage
    if storage.exists(full_name):
        storage.delete(full_name)
    return storage.save(full_name, ContentFile(derivative.content))
