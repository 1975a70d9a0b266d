"""Page images of a document."""

from django.db import models
from simple_history.models import HistoricalRecords

from .documents import Document


class Rights(models.TextChoices):
    IN_COPYRIGHT = "in_copyright", "In copyright: view only"
    NO_KNOWN_COPYRIGHT = "no_known_copyright", "No known copyright: download allowed"
    PUBLIC_DOMAIN = "public_domain", "Public domain: download allowed"
    CC_BY = "cc_by", "CC BY 4.0: download allowed with attribution"

    @classmethod
    def downloadable(cls):
        return {cls.NO_KNOWN_COPYRIGHT, cls.PUBLIC_DOMAIN, cls.CC_BY}


def scan_upload_to(instance, filename):
    return f"scans/originals/{instance.checksum[:2]}/{instance.checksum}-{filename}"


class Scan(models.Model):
    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="scans")
    page = models.PositiveIntegerField(help_text="Order of the page within the document.")
    image = models.ImageField(upload_to=scan_upload_to, width_field="width", height_field="height")
    width = models.PositiveIntegerField(editable=False, null=True)
    height = models.PositiveIntegerField(editable=False, null=True)
    checksum = models.CharField(
        "SHA-256", max_length=64, unique=True, editable=False, help_text="Of the original file."
    )
    caption = models.CharField(max_length=255, blank=True, help_text="Also the image's alt text.")
    rights = models.CharField(max_length=30, choices=Rights.choices, default=Rights.IN_COPYRIGHT)
    thumbnail = models.ImageField(upload_to="scans/thumbnails/", blank=True, editable=False)
    display = models.ImageField(upload_to="scans/display/", blank=True, editable=False)
    uploaded_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

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

    @property
    def download_allowed(self):
        return self.rights in Rights.downloadable()
