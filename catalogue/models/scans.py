"""Page images of a document."""

from django.db import models, transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.urls import reverse
from simple_history.models import HistoricalRecords

from catalogue.imaging import DERIVATIVES_VERSION, MIME_TYPES, save_original

from .documents import Document


class Rights(models.TextChoices):
    IN_COPYRIGHT = "in_copyright", "In copyright: view only"
    NO_KNOWN_COPYRIGHT = "no_known_copyright", "No known copyright: download allowed"
    PUBLIC_DOMAIN = "public_domain", "Public domain: download allowed"
    CC_BY = "cc_by", "CC BY 4.0: download allowed with attribution"
    GENERATED = (
        "generated",
        "Generated facsimile typeset from the transcription, not a photograph of the original: "
        "free to reuse (CC0)",
    )

    @classmethod
    def downloadable(cls):
        return {cls.NO_KNOWN_COPYRIGHT, cls.PUBLIC_DOMAIN, cls.CC_BY, cls.GENERATED}


IMAGE_URL_NAMES = {
    "display": "catalogue:scan-display",
    "thumbnail": "catalogue:scan-thumbnail",
    "original": "catalogue:scan-download",
}


def scan_upload_to(instance, filename):
    return f"scans/originals/{instance.checksum[:2]}/{instance.checksum}-{filename}"


def may_view_all_scans(user) -> bool:
    """Staff who may view scans see every page image, published or not."""
    return user.is_active and user.is_staff and user.has_perm("catalogue.view_scan")


class ScanQuerySet(models.QuerySet):
    def public(self):
        """Page images the public may see: those of published documents, except pages still
        pending (added by someone who may not publish, until an editor publishes the revision).

        Every public view of an image, derivative or original starts here.
        """
        return self.approved().filter(document__in=Document.objects.published())

    def approved(self):
        """Scans that are not pending: what a published document shows of its own scans."""
        return self.filter(pending=False)

    def visible_to(self, user):
        """Everything for staff who may view scans; otherwise what the public may see."""
        return self if may_view_all_scans(user) else self.public()

    def ready(self):
        """Scans whose display image and thumbnail exist (they may be stale)."""
        return self.exclude(display="").exclude(thumbnail="")

    def needing_derivatives(self):
        """Scans without derivatives, or whose derivatives were made from another file or recipe."""
        return self.filter(
            models.Q(display="")
            | models.Q(thumbnail="")
            | ~models.Q(derivatives_source=models.F("checksum"))
            | ~models.Q(derivatives_version=DERIVATIVES_VERSION)
        )


class Scan(models.Model):
    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="scans")
    page = models.PositiveIntegerField(help_text="Order of the page within the document.")
    image = models.ImageField(
        upload_to=scan_upload_to, width_field="width", height_field="height", max_length=255
    )
    width = models.PositiveIntegerField(editable=False, null=True)
    height = models.PositiveIntegerField(editable=False, null=True)
    checksum = models.CharField(
        "SHA-256", max_length=64, unique=True, editable=False, help_text="Of the original file."
    )
    caption = models.CharField(max_length=255, blank=True, help_text="Also the image's alt text.")
    rights = models.CharField(max_length=30, choices=Rights.choices, default=Rights.IN_COPYRIGHT)
    thumbnail = models.ImageField(
        upload_to="scans/thumbnails/", blank=True, editable=False, max_length=255
    )
    display = models.ImageField(
        upload_to="scans/display/", blank=True, editable=False, max_length=255
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)
    pending = models.BooleanField(
        default=False,
        editable=False,
        help_text="Added to a published document by someone who may not publish: hidden from "
        "the public until an editor publishes the revision that holds it.",
    )

    original_filename = models.CharField(
        max_length=255, blank=True, editable=False, help_text="The file name as uploaded."
    )
    image_format = models.CharField(
        max_length=10, blank=True, editable=False, help_text="Pillow's name: JPEG, PNG, TIFF, WEBP."
    )
    orientation = models.PositiveSmallIntegerField(
        default=1,
        editable=False,
        help_text="EXIF orientation of the original (1 = upright); derivatives are turned by it.",
    )
    display_width = models.PositiveIntegerField(null=True, editable=False)
    display_height = models.PositiveIntegerField(null=True, editable=False)
    thumbnail_width = models.PositiveIntegerField(null=True, editable=False)
    thumbnail_height = models.PositiveIntegerField(null=True, editable=False)
    derivatives_source = models.CharField(
        max_length=64,
        blank=True,
        editable=False,
        help_text="Checksum of the original the derivatives were made from.",
    )
    derivatives_version = models.PositiveSmallIntegerField(
        default=0, editable=False, help_text="Version of the recipe that made the derivatives."
    )
    history = HistoricalRecords(
        excluded_fields=[
            "thumbnail",
            "display",
            "display_width",
            "display_height",
            "thumbnail_width",
            "thumbnail_height",
            "derivatives_source",
            "derivatives_version",
        ]
    )

    objects = ScanQuerySet.as_manager()

    class Meta:
        ordering = ["document", "page"]
        constraints = [
            models.UniqueConstraint(
                fields=["document", "page"],
                name="unique_scan_page",
                violation_error_message="This document already has a scan with this page number.",
            ),
        ]

    def __str__(self):
        return self.caption or f"Page {self.page}"

    @classmethod
    def from_db(cls, db, field_names, values):
        scan = super().from_db(db, field_names, values)
        if "image" in scan.__dict__:  # not deferred: remember it, to delete it once replaced
            scan._stored_image_name = scan.image.name
        return scan

    def image_url(self, kind, identifier=None):
        """The permission-checked URL of the "display" image, "thumbnail" or "original".

        Pass the document's identifier when it is at hand, to spare a query.
        """
        identifier = identifier or self.document.identifier
        return reverse(IMAGE_URL_NAMES[kind], args=[identifier, self.page])

    @classmethod
    def create_from_prepared(cls, document, page, prepared, **fields):
        """A scan of a page that passed imaging.prepare_upload, its original stored."""
        scan = cls(
            document=document,
            page=page,
            checksum=prepared.checksum,
            original_filename=prepared.filename,
            image_format=prepared.image_format,
            orientation=prepared.orientation,
            **fields,
        )
        save_original(scan.image, prepared)
        try:
            scan.save()
        except Exception:
            scan.image.storage.delete(scan.image.name)
            raise
        return scan

    @property
    def generated(self):
        """A facsimile typeset from the transcription (catalogue.facsimiles), not a photograph."""
        return self.rights == Rights.GENERATED

    @property
    def download_allowed(self):
        return self.rights in Rights.downloadable()

    @property
    def alt_text(self):
        return self.caption or f"Page {self.page}"

    @property
    def derivatives_ready(self):
        return bool(self.display and self.thumbnail)

    @property
    def derivatives_current(self):
        return (
            self.derivatives_ready
            and self.derivatives_source == self.checksum
            and self.derivatives_version == DERIVATIVES_VERSION
        )

    @property
    def oriented_size(self):
        """Width and height of the original as it is meant to be seen (EXIF orientation applied)."""
        if self.orientation in (5, 6, 7, 8):
            return self.height, self.width
        return self.width, self.height

    @property
    def mime_type(self):
        return MIME_TYPES.get(self.image_format, "application/octet-stream")

    @property
    def download_filename(self):
        return self.original_filename or self.image.name.rsplit("/", 1)[-1]


@receiver(post_save, sender=Scan)
def queue_derivatives(sender, instance, raw=False, **kwargs):
    """After the transaction commits, make the derivatives of a new or replaced original."""
    if raw:
        return
    delete_replaced_original(instance)
    if instance.derivatives_current:
        return
    from catalogue.tasks import enqueue_derivatives

    enqueue_derivatives(instance.pk)


def delete_replaced_original(scan):
    old_name = getattr(scan, "_stored_image_name", None)
    if not old_name or old_name == scan.image.name:
        return
    storage = scan.image.storage
    transaction.on_commit(lambda: storage.delete(old_name))
    scan._stored_image_name = scan.image.name


@receiver(post_delete, sender=Scan)
def delete_scan_files(sender, instance, **kwargs):
    """A deleted scan takes its original and derivatives with it, once the deletion commits."""
    files = [f for f in (instance.image, instance.display, instance.thumbnail) if f]
    names = [(f.storage, f.name) for f in files]

    def delete_files():
        for storage, name in names:
            storage.delete(name)

    transaction.on_commit(delete_files)
