"""Scan admin: the inline on the document page and the scan list (issue 6 extends this)."""

import hashlib

from django import forms
from django.contrib import admin
from django.utils.html import format_html

from catalogue.models import Scan


def file_checksum(uploaded) -> str:
    digest = hashlib.sha256()
    for chunk in uploaded.chunks():
        digest.update(chunk)
    uploaded.seek(0)
    return digest.hexdigest()


class ScanForm(forms.ModelForm):
    class Meta:
        model = Scan
        fields = ["page", "image", "caption", "rights"]

    def clean_image(self):
        image = self.cleaned_data.get("image")
        if image and "image" in self.changed_data:
            checksum = file_checksum(image)
            duplicate = Scan.objects.filter(checksum=checksum).exclude(pk=self.instance.pk).first()
            if duplicate:
                raise forms.ValidationError(
                    "This file was uploaded before: it is page %(page)s of %(document)s.",
                    params={"page": duplicate.page, "document": duplicate.document},
                    code="duplicate_scan",
                )
            self.instance.checksum = checksum
        return image


def thumbnail_preview(scan):
    if not scan.image:
        return "—"
    source = scan.thumbnail or scan.image
    return format_html('<img src="{}" alt="{}" style="max-height:80px">', source.url, scan)


class ScanInline(admin.TabularInline):
    model = Scan
    form = ScanForm
    extra = 0
    fields = ["preview", "page", "image", "caption", "rights"]
    readonly_fields = ["preview"]

    @admin.display(description="Preview")
    def preview(self, scan):
        return thumbnail_preview(scan)


class DocumentScanUploadMixin:
    """Mixed into DocumentAdmin: lets an archivist upload many scans at once (issue 6)."""
