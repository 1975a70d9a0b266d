"""Scan admin: the inline and multi-file upload on the document page, and the scan list.

Every file passes catalogue.imaging.prepare_upload (format, size, pixel limit, full decode)
before anything is written to storage; a file seen before (same SHA-256) is refused with the
scan that holds it. Derivatives are made by a background task once the upload commits.
"""

import re

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.db import transaction
from django.db.models import F, Max
from django.utils.html import format_html

from catalogue import imaging
from catalogue.filestore import StorageFailure, files_kept_only_on_success, remember_written
from catalogue.imaging import ImageRejected, PreparedPage
from catalogue.models import Rights, Scan

from .base import CatalogueAdmin
from .revisions import PublishedDocumentGuardMixin

ACCEPT = ",".join([*imaging.MIME_TYPES.values(), *imaging.ACCEPTED_EXTENSIONS])
UPLOAD_HELP = (
    f"{imaging.ACCEPTED_DESCRIPTION}; a multi-page TIFF becomes several pages. "
    "Up to {mb} MB and {mp} megapixels per image, and {files} files at once."
)


def upload_help():
    return UPLOAD_HELP.format(
        mb=settings.SCAN_MAX_UPLOAD_BYTES // (1024 * 1024),
        mp=settings.SCAN_MAX_PIXELS // 1_000_000,
        files=settings.DATA_UPLOAD_MAX_NUMBER_FILES,
    )


def duplicate_message(filename, scan):
    return f"{filename} was uploaded before: it is page {scan.page} of {scan.document}."


def existing_duplicates(checksums):
    """Scans already holding any of these checksums, by checksum."""
    scans = Scan.objects.filter(checksum__in=checksums).select_related("document")
    return {scan.checksum: scan for scan in scans}


# -- one file: the inline row and the scan's own page -------------------------------------


class ScanFileInput(forms.ClearableFileInput):
    def __init__(self, attrs=None):
        super().__init__({"accept": ACCEPT, **(attrs or {})})


class ScanForm(forms.ModelForm):
    """One scan; its file is validated by Pillow and refused when it was uploaded before."""

    class Meta:
        model = Scan
        fields = ["page", "image", "caption", "rights"]
        field_classes = {"image": forms.FileField}  # imaging.prepare_upload does the checking
        widgets = {"image": ScanFileInput}

    def clean_image(self):
        image = self.cleaned_data.get("image")
        if not image or "image" not in self.changed_data:
            return image
        try:
            pages = imaging.prepare_upload(image)
        except ImageRejected as error:
            raise forms.ValidationError(str(error), code="invalid_scan") from error
        if len(pages) > 1:
            raise forms.ValidationError(
                "This TIFF has %(count)s pages: upload it with “Upload page images” on the "
                "document, which makes one scan per page.",
                params={"count": len(pages)},
                code="multi_page",
            )
        page = pages[0]
        duplicate = Scan.objects.filter(checksum=page.checksum).exclude(pk=self.instance.pk).first()
        if duplicate:
            raise forms.ValidationError(
                "This file was uploaded before: it is page %(page)s of %(document)s.",
                params={"page": duplicate.page, "document": duplicate.document},
                code="duplicate_scan",
            )
        describe_instance(self.instance, page)
        return image

    def save(self, commit=True):
        """Save (the inline's rows are saved here); a file that cannot be written is a
        StorageFailure, and a written one is remembered in case the rest of the save fails."""
        try:
            scan = super().save(commit)
        except OSError as error:
            raise StorageFailure.from_os_error(error) from error
        if commit and "image" in self.changed_data:
            remember_written(scan.image)
        return scan


def describe_instance(scan, page: PreparedPage):
    scan.checksum = page.checksum
    scan.original_filename = page.filename
    scan.image_format = page.image_format
    scan.orientation = page.orientation


def thumbnail_preview(scan):
    if not scan.image:
        return "—"
    if not scan.thumbnail:
        return "Thumbnail being made…"
    return format_html(
        '<img class="scan-admin-preview" src="{}" alt="{}">',
        scan.image_url("thumbnail"),
        scan.alt_text,
    )


class ScanInline(admin.TabularInline):
    model = Scan
    form = ScanForm
    extra = 0
    fields = ["preview", "page", "image", "caption", "rights", "original_filename", "pending"]
    readonly_fields = ["preview", "original_filename", "pending"]
    ordering = ["page"]
    verbose_name = "page image"
    verbose_name_plural = "page images (change the page numbers to reorder them)"

    @admin.display(description="Preview")
    def preview(self, scan):
        return thumbnail_preview(scan)


# -- many files at once, on the document form --------------------------------------------


class MultipleScanInput(ScanFileInput):
    allow_multiple_selected = True


class MultipleScanField(forms.FileField):
    widget = MultipleScanInput

    def clean(self, data, initial=None):
        """The submitted files; empty ones too, so each is refused by name with the others."""
        files = [file for file in (data if isinstance(data, (list, tuple)) else [data]) if file]
        for file in files:
            if not hasattr(file, "size"):
                raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return files


def natural_key(filename):
    """Order "page-2.jpg" before "page-10.jpg": digits compare as numbers, case is ignored."""
    return [
        (0, int(part), "") if part.isdigit() else (1, 0, part)
        for part in re.split(r"(\d+)", filename.casefold())
    ]


def prepare_batch(files):
    """Validate every file; return their pages in file-name order, or raise every problem."""
    errors, pages = [], []
    for uploaded in sorted(files, key=lambda f: natural_key(f.name or "")):
        try:
            pages.extend(imaging.prepare_upload(uploaded))
        except ImageRejected as error:
            errors.append(f"{imaging.base_name(uploaded.name)}: {error}")
    errors.extend(batch_duplicates(pages))
    if errors:
        raise forms.ValidationError(errors)
    return pages


def batch_duplicates(pages):
    """Messages for pages uploaded before, or twice within this batch."""
    errors, first_seen = [], {}
    earlier = existing_duplicates([page.checksum for page in pages])
    for page in pages:
        if page.checksum in earlier:
            errors.append(duplicate_message(page.filename, earlier[page.checksum]))
        elif page.checksum in first_seen:
            errors.append(
                f"{page.filename} is the same image as {first_seen[page.checksum]} in this upload."
            )
        else:
            first_seen[page.checksum] = page.filename
    return errors


class ScanUploadFormMixin:
    """Mixed into the document form by DocumentScanUploadMixin.get_form."""

    def clean_scan_files(self):
        files = self.cleaned_data.get("scan_files") or []
        return prepare_batch(files) if files else []


def with_scan_upload(form_class):
    """The document form with "Upload page images" fields added."""
    fields = {
        "scan_files": MultipleScanField(
            label="Upload page images",
            required=False,
            help_text="Choose one or many files; new pages follow the existing ones, in "
            f"file-name order. {upload_help()}",
        ),
        "scan_rights": forms.ChoiceField(
            label="Rights of the new images",
            choices=Rights.choices,
            initial=Rights.IN_COPYRIGHT,
            required=False,
            help_text="Each image's caption and rights can be changed below afterwards.",
        ),
    }
    return type(form_class.__name__, (ScanUploadFormMixin, form_class), fields)


UPLOAD_FIELDS = ("scan_files", "scan_rights")


def without_upload_fields(fieldsets):
    """Fieldsets with the upload fields taken out (they get a fieldset of their own)."""
    cleaned = []
    for name, options in fieldsets:
        fields = [field for field in options.get("fields", []) if field not in UPLOAD_FIELDS]
        cleaned.append((name, {**options, "fields": fields}))
    return cleaned


class StorageFailureAdminMixin:
    """A save whose files cannot be written shows the form again with every entry kept.

    The failed save is rolled back (the admin saves in one transaction) and the files it had
    written are deleted; the form is then validated again from the same POST, without the files
    (a browser cannot send them back), with the failure as the form's error, so that nothing is
    saved and Django shows the form with all the user's other input.
    """

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            with files_kept_only_on_success():
                return super().changeform_view(request, object_id, form_url, extra_context)
        except StorageFailure as failure:
            request.storage_failure = str(failure)
            request._files = type(request.FILES)()  # the files were not kept
            return super().changeform_view(request, object_id, form_url, extra_context)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        failure = getattr(request, "storage_failure", None)
        return with_storage_failure(form, failure) if failure else form


def with_storage_failure(form_class, message):
    """The form class, refusing every submission with `message` (a storage failure)."""

    class StorageFailureForm(form_class):
        def clean(self):
            super().clean()
            raise forms.ValidationError(message, code="storage_failure")

    StorageFailureForm.__name__ = form_class.__name__
    return StorageFailureForm


class DocumentScanUploadMixin(StorageFailureAdminMixin):
    """Mixed into DocumentAdmin: upload many scans at once, and reorder them safely."""

    def can_upload_scans(self, request, obj=None):
        if not request.user.has_perm("catalogue.add_scan"):
            return False
        return self.has_change_permission(request, obj) if obj else True

    def get_form(self, request, obj=None, change=False, **kwargs):
        if self.can_upload_scans(request, obj):
            kwargs["form"] = with_scan_upload(kwargs.get("form", self.form))
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fieldsets(self, request, obj=None):
        fieldsets = without_upload_fields(super().get_fieldsets(request, obj))
        if self.can_upload_scans(request, obj):
            fieldsets.append(("Page images", {"fields": list(UPLOAD_FIELDS)}))
        return fieldsets

    def save_formset(self, request, form, formset, change):
        if formset.model is Scan:
            make_room_for_page_changes(formset)
        super().save_formset(request, form, formset, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        pages = form.cleaned_data.get("scan_files") or []
        if pages:
            rights = form.cleaned_data.get("scan_rights") or Rights.IN_COPYRIGHT
            store_uploaded_pages(request, form.instance, pages, rights)


def make_room_for_page_changes(formset):
    """Move renumbered and deleted scans out of the way, so pages can swap numbers.

    The formset has checked that the new numbers are unique among the document's scans; the
    database checks (document, page) row by row, so a swap would otherwise collide midway.
    """
    moving = [
        form.instance.pk
        for form in formset.initial_forms
        if form.instance.pk and ("page" in form.changed_data or formset._should_delete_form(form))
    ]
    if not moving:
        return
    document = formset.instance
    offset = (Scan.objects.filter(document=document).aggregate(Max("page"))["page__max"] or 0) + 1
    Scan.objects.filter(pk__in=moving).update(page=F("page") + offset)


def store_uploaded_pages(request, document, pages, rights):
    """Save validated pages as scans after the document's existing ones."""
    first = (document.scans.aggregate(Max("page"))["page__max"] or 0) + 1
    earlier = existing_duplicates([page.checksum for page in pages])  # e.g. added in the inline
    stored, skipped = [], []
    try:
        with transaction.atomic():
            for page in pages:
                if page.checksum in earlier:
                    skipped.append(duplicate_message(page.filename, earlier[page.checksum]))
                    continue
                stored.append(store_page(document, first + len(stored), page, rights))
    except Exception:
        for scan in stored:
            scan.image.storage.delete(scan.image.name)
        raise
    report_upload(request, stored, skipped)


def store_page(document, number, page, rights):
    try:
        scan = Scan.create_from_prepared(document, number, page, rights=rights)
    except OSError as error:
        raise StorageFailure.from_os_error(error) from error
    remember_written(scan.image)  # deleted again if the rest of the save fails
    return scan


def report_upload(request, stored, skipped):
    for message in skipped:
        messages.warning(request, f"Not uploaded: {message}")
    if not stored:
        return
    numbers = (
        f"page {stored[0].page}"
        if len(stored) == 1
        else (f"pages {stored[0].page}–{stored[-1].page}")
    )
    messages.success(
        request,
        f"Uploaded {len(stored)} page image(s) as {numbers}: "
        + ", ".join(scan.original_filename for scan in stored)
        + ". Thumbnails and display images are made in the background.",
    )


# -- the scan list ----------------------------------------------------------------------


class ScanAdminForm(ScanForm):
    class Meta(ScanForm.Meta):
        fields = ["document", *ScanForm.Meta.fields]


@admin.register(Scan)
class ScanAdmin(PublishedDocumentGuardMixin, StorageFailureAdminMixin, CatalogueAdmin):
    form = ScanAdminForm
    fields = ["document", "page", "image", "caption", "rights", "preview", "details"]
    readonly_fields = ["preview", "details"]
    autocomplete_fields = ["document"]
    list_display = ["preview", "document", "page", "caption", "rights", "derivatives"]
    list_display_links = ["preview", "page"]
    list_filter = ["rights", "image_format"]
    list_select_related = ["document"]
    search_fields = ["caption", "original_filename", "checksum", "document__identifier"]
    actions = ["regenerate"]

    @admin.display(description="Preview")
    def preview(self, scan):
        return thumbnail_preview(scan)

    @admin.display(description="File")
    def details(self, scan):
        if not scan.pk:
            return "—"
        width, height = scan.oriented_size
        return (
            f"{scan.original_filename} · {scan.image_format} · {width} × {height} px · "
            f"SHA-256 {scan.checksum}"
        )

    @admin.display(description="Derivatives current", boolean=True)
    def derivatives(self, scan):
        return scan.derivatives_current

    def save_model(self, request, obj, form, change):
        try:
            super().save_model(request, obj, form, change)
        except OSError as error:
            raise StorageFailure.from_os_error(error) from error
        if "image" in form.changed_data:
            remember_written(obj.image)

    @admin.action(description="Remake thumbnails and display images")
    def regenerate(self, request, queryset):
        from catalogue.tasks import enqueue_derivatives

        scan_ids = list(queryset.values_list("pk", flat=True))
        Scan.objects.filter(pk__in=scan_ids).update(derivatives_version=0)
        for scan_id in scan_ids:
            enqueue_derivatives(scan_id)
        self.message_user(request, f"Queued {len(scan_ids)} scan(s) for new derivatives.")
