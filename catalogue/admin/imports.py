"""Import of transcriptions in the admin, and the authority suggestions it leaves.

- ImportWarningsAdminMixin, mixed into DocumentAdmin: the import page (upload -> preview ->
  confirm) under /admin/catalogue/document/import/, a readable list of import warnings on the
  change page with a message while any remain, a "has import warnings" list filter and column,
  and an action that marks warnings as resolved.
- AuthoritySuggestionAdmin: names the importer could not match; the archivist links each to an
  existing record or has a new one created (see AuthoritySuggestion).

Between preview and confirm the uploaded pages wait in the default storage under
imports/pending/<sha256>, keyed by their checksum; nothing reaches the database before confirm.
Pages of previews left unconfirmed expire after two days (clear_expired_pending).
"""

import datetime
import re

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Count, Q
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from catalogue.edits import locked_for_saving
from catalogue.importers.duplicates import TranscriptionOutcome
from catalogue.importers.persist import FileResult, Outcome, import_page
from catalogue.importers.text import PageError, check_size, read_limited
from catalogue.models import AuthoritySuggestion, Collection, SuggestionStatus
from catalogue.models.imports import model_for
from catalogue.text import name_key

from .base import CatalogueAdmin

PENDING_FOLDER = "imports/pending"
PENDING_LIFETIME = datetime.timedelta(days=2)  # a preview left longer than this has expired
NAME_SEPARATOR = "/"  # never part of an uploaded file's name
_CHECKSUM = re.compile(r"^[0-9a-f]{64}$")


# --- Import warnings on documents --------------------------------------------------------------


class HasImportWarningsFilter(admin.SimpleListFilter):
    title = "import warnings"
    parameter_name = "import_warnings"

    def lookups(self, request, model_admin):
        return [("yes", "Has import warnings"), ("no", "No import warnings")]

    WITHOUT = Q(import_warnings=[]) | Q(import_warnings__isnull=True)

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.exclude(self.WITHOUT)
        if self.value() == "no":
            return queryset.filter(self.WITHOUT)
        return queryset

    def get_facet_counts(self, pk_attname, filtered_qs):
        """Conditional counts in one pass. Django's default counts `pk IN (the filtered
        queryset)`, which PostgreSQL cannot hash once that set outgrows work_mem: at a million
        documents the admin list never came back."""
        return {
            "0__c": Count(pk_attname, filter=~self.WITHOUT),
            "1__c": Count(pk_attname, filter=self.WITHOUT),
        }


def warnings_list(document) -> str:
    if not document.import_warnings:
        return "—"
    return format_html(
        "<ul>{}</ul>", format_html_join("", "<li>{}</li>", ((w,) for w in document.import_warnings))
    )


class ImportWarningsAdminMixin:
    """For DocumentAdmin: import page, warnings display, filter, column and resolve action."""

    change_list_template = "admin/catalogue/import_change_list.html"

    # -- warnings
    @admin.display(description="import warnings to resolve")
    def import_warnings_list(self, document):
        return warnings_list(document)

    @admin.display(description="warnings")
    def import_warning_count(self, document):
        return len(document.import_warnings or []) or ""

    def get_readonly_fields(self, request, obj=None):
        return [*super().get_readonly_fields(request, obj), "import_warnings_list"]

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or not obj.import_warnings:
            return fieldsets
        return [(None, {"fields": ["import_warnings_list"]}), *fieldsets]

    def get_list_display(self, request):
        return [*super().get_list_display(request), "import_warning_count"]

    def get_list_filter(self, request):
        return [*super().get_list_filter(request), HasImportWarningsFilter]

    def get_actions(self, request):
        actions = super().get_actions(request)
        if self.has_change_permission(request):
            action = ImportWarningsAdminMixin.resolve_import_warnings
            actions["resolve_import_warnings"] = (
                action,
                "resolve_import_warnings",
                action.short_description,
            )
        return actions

    def resolve_import_warnings(self, request, queryset):
        changed = 0
        with transaction.atomic():
            for document in locked_for_saving(queryset.exclude(import_warnings=[])):
                document.import_warnings = []
                document.updated_by = request.user
                document.save()
                changed += 1
        self.message_user(request, f"Marked the import warnings of {changed} document(s) resolved.")

    resolve_import_warnings.short_description = "Mark import warnings as resolved"

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if request.method == "GET":
            document = self.get_object(request, object_id)
            if document is not None:
                self.warn_about_import(request, document)
        return super().change_view(request, object_id, form_url, extra_context)

    def warn_about_import(self, request, document):
        if document.import_warnings:
            messages.warning(
                request,
                f"This document has {len(document.import_warnings)} import warning(s) to "
                "resolve; clear “Import warnings” (or use the list action) once done.",
            )
        suggestions = document.authority_suggestions.filter(status=SuggestionStatus.OPEN)
        if count := suggestions.count():
            url = reverse("admin:catalogue_authoritysuggestion_changelist")
            messages.info(
                request,
                format_html(
                    '{} name(s) on this document await a decision: <a href="{}?q={}">'
                    "authority suggestions</a>.",
                    count,
                    url,
                    document.identifier,
                ),
            )

    # -- the import page
    def get_urls(self):
        view = self.admin_site.admin_view(ImportView(self).dispatch)
        return [path("import/", view, name="catalogue_document_import"), *super().get_urls()]


# --- The import page ---------------------------------------------------------------------------


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data]
        files = [file for file in files if file]
        if not files:
            raise ValidationError("Choose one or more pages to import.", code="required")
        return files


def default_collection():
    collections = list(Collection.objects.all()[:2])
    return collections[0] if len(collections) == 1 else None


class UploadForm(forms.Form):
    collection = forms.ModelChoiceField(queryset=Collection.objects.all())
    pages = MultipleFileField(
        help_text="Plain-text or HTML pages as saved from the web; several at once."
    )


class ConfirmForm(forms.Form):
    collection = forms.ModelChoiceField(queryset=Collection.objects.all())
    checksums = forms.CharField()
    names = forms.CharField(required=False)

    def clean_checksums(self):
        checksums = self.cleaned_data["checksums"].split(",")
        if not all(_CHECKSUM.match(value) for value in checksums):
            raise ValidationError("The list of pages to import is damaged; upload them again.")
        return checksums

    def pages(self):
        names = self.cleaned_data.get("names", "").split(NAME_SEPARATOR)
        checksums = self.cleaned_data["checksums"]
        return [(checksum, names[i] if i < len(names) else checksum) for i, checksum in
                enumerate(checksums)]  # fmt: skip


def has_work(result: FileResult) -> bool:
    """Something to write on confirm: a new draft, or another transcription to offer."""
    offers = result.count(TranscriptionOutcome.WOULD_OFFER)
    return bool(result.count(Outcome.WOULD_CREATE) or offers)


def pending_name(checksum: str) -> str:
    return f"{PENDING_FOLDER}/{checksum}.page"


def keep_pending(checksum: str, data: bytes):
    name = pending_name(checksum)
    if not default_storage.exists(name):
        default_storage.save(name, ContentFile(data))


def read_pending(checksum: str) -> bytes | None:
    name = pending_name(checksum)
    if not default_storage.exists(name):
        return None
    with default_storage.open(name, "rb") as stream:
        return stream.read()


def drop_pending(checksum: str):
    if default_storage.exists(pending_name(checksum)):
        default_storage.delete(pending_name(checksum))


def clear_expired_pending(older_than: datetime.timedelta = PENDING_LIFETIME, dry_run=False):
    """Delete the pages of previews never confirmed nor cancelled, once older than
    `older_than`; return their names. Run at every preview and by `clear_pending_imports`."""
    if not default_storage.exists(PENDING_FOLDER):
        return []
    cutoff = timezone.now() - older_than
    expired = []
    for name in default_storage.listdir(PENDING_FOLDER)[1]:
        path = f"{PENDING_FOLDER}/{name}"
        try:
            if default_storage.get_modified_time(path) < cutoff:
                if not dry_run:
                    default_storage.delete(path)
                expired.append(path)
        except FileNotFoundError:  # confirmed or cleared meanwhile by another request
            continue
    return expired


def read_upload(upload) -> bytes:
    """The bytes of an uploaded page, refusing oversized files before reading them."""
    check_size(upload.size)
    upload.seek(0)
    return read_limited(upload)


class ImportView:
    """Upload -> preview (dry run, nothing written) -> confirm (drafts written)."""

    upload_template = "admin/catalogue/import_upload.html"
    preview_template = "admin/catalogue/import_preview.html"

    def __init__(self, model_admin):
        self.model_admin = model_admin

    def dispatch(self, request):
        if not self.model_admin.has_add_permission(request):
            raise PermissionDenied
        if request.method == "POST" and "confirm" in request.POST:
            return self.confirm(request)
        if request.method == "POST" and "cancel" in request.POST:
            return self.cancel(request)
        if request.method == "POST":
            return self.preview(request)
        return self.render_upload(request, UploadForm(initial={"collection": default_collection()}))

    def context(self, request, **extra):
        opts = self.model_admin.model._meta
        return {
            **self.model_admin.admin_site.each_context(request),
            "opts": opts,
            "title": "Import transcriptions",
            "has_view_permission": self.model_admin.has_view_permission(request),
            **extra,
        }

    def render_upload(self, request, form):
        return TemplateResponse(request, self.upload_template, self.context(request, form=form))

    def preview(self, request):
        form = UploadForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.render_upload(request, form)
        collection = form.cleaned_data["collection"]
        clear_expired_pending()
        results = [self.preview_upload(upload, collection) for upload in form.cleaned_data["pages"]]
        importable = [r for r in results if not r.error and has_work(r)]
        confirm = ConfirmForm(
            initial={
                "collection": collection,
                "checksums": ",".join(r.checksum for r in importable),
                "names": NAME_SEPARATOR.join(r.name for r in importable),
            }
        )
        context = self.context(
            request,
            title="Import transcriptions: preview",
            results=results,
            confirm_form=confirm,
            collection=collection,
            can_confirm=bool(importable),
        )
        return TemplateResponse(request, self.preview_template, context)

    def preview_upload(self, upload, collection) -> FileResult:
        name = upload.name
        try:
            data = read_upload(upload)
        except PageError as error:
            return FileResult(name=name, error=str(error))
        result = import_page(name, data, collection, dry_run=True)
        if not result.error and has_work(result):
            keep_pending(result.checksum, data)
        return result

    def confirm(self, request):
        form = ConfirmForm(request.POST)
        if not form.is_valid():
            messages.error(request, "The import could not be confirmed; upload the pages again.")
            return HttpResponseRedirect(reverse("admin:catalogue_document_import"))
        collection = form.cleaned_data["collection"]
        created = skipped = failed = offered = 0
        for checksum, name in form.pages():
            data = read_pending(checksum)
            if data is None:
                messages.error(request, f"{name}: the uploaded page has expired; upload it again.")
                continue
            result = import_page(name, data, collection, user=request.user)
            drop_pending(checksum)
            if result.error:
                messages.error(request, f"{name}: {result.error}")
            created += result.count(Outcome.CREATED)
            skipped += result.count(Outcome.SKIPPED)
            failed += result.count(Outcome.FAILED)
            offered += result.count(TranscriptionOutcome.OFFERED)
            for item in result.documents:
                if item.outcome == Outcome.FAILED:
                    messages.error(request, f"{name}: {item.parsed.heading[:80]}: {item.error}")
        messages.success(
            request,
            f"Imported {created} draft document(s); {skipped} already imported; {failed} failed."
            + (
                f" {offered} offered as other transcriptions of catalogued documents."
                if offered
                else ""
            ),  # fmt: skip
        )
        changelist = reverse("admin:catalogue_document_changelist")
        return HttpResponseRedirect(f"{changelist}?status__exact=draft")

    def cancel(self, request):
        form = ConfirmForm(request.POST)
        if form.is_valid():
            for checksum, _ in form.pages():
                drop_pending(checksum)
        messages.info(request, "Import cancelled; nothing was written.")
        return HttpResponseRedirect(reverse("admin:catalogue_document_import"))


# --- Authority suggestions ---------------------------------------------------------------------


class SuggestionForm(forms.ModelForm):
    create_new_record = forms.BooleanField(
        required=False,
        help_text="Create a new person, organisation or place under this name instead.",
    )

    class Meta:
        model = AuthoritySuggestion
        fields = ["person", "organisation", "place", "office_as_stated"]

    def clean(self):
        cleaned = super().clean()
        suggestion = self.instance
        chosen = {kind: cleaned.get(kind) for kind in ("person", "organisation", "place")}
        wrong = [kind for kind, record in chosen.items() if record and kind != suggestion.kind]
        if wrong:
            raise ValidationError(
                f"This name is a {suggestion.get_kind_display().lower()}; "
                f"do not choose a {wrong[0]}."
            )
        if chosen.get(suggestion.kind) and cleaned.get("create_new_record"):
            raise ValidationError("Either choose an existing record or create a new one.")
        return cleaned


@admin.register(AuthoritySuggestion)
class AuthoritySuggestionAdmin(CatalogueAdmin):
    form = SuggestionForm
    list_display = ["name_as_printed", "kind", "role", "confidence", "document_link", "status",
                    "resolved_to"]  # fmt: skip
    list_filter = ["status", "kind", "role"]
    list_select_related = ["document", "person", "organisation", "place"]
    search_fields = ["name_as_printed", "office_as_stated", "document__identifier"]
    autocomplete_fields = ["person", "organisation", "place"]
    readonly_fields = ["document_link", "kind", "role", "name_as_printed", "status",
                       "possible_matches", "resolved_at", "resolved_by", "confidence", "reason",
                       "suggested_name", "geonames_id"]  # fmt: skip
    actions = ["create_records", "reject"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("document")

    def get_fields(self, request, obj=None):
        fields = ["document_link", "kind", "role", "name_as_printed", "office_as_stated"]
        if obj is not None and obj.confidence is not None:  # found by pattern or gazetteer
            fields += ["suggested_name", "geonames_id", "confidence", "reason"]
        if obj is not None and obj.is_open:
            return [*fields, "possible_matches", obj.kind, "create_new_record"]
        return [*fields, "status", obj.kind if obj else "person", "resolved_at", "resolved_by"]

    def has_add_permission(self, request):
        return False  # suggestions come from the importer

    @admin.display(description="document", ordering="document__identifier")
    def document_link(self, suggestion):
        document = suggestion.document
        return format_html('<a href="{}">{}</a>', document.get_admin_url(), document.identifier)

    @admin.display(description="resolved to")
    def resolved_to(self, suggestion):
        return suggestion.target or "—"

    @admin.display(description="records with this surname")
    def possible_matches(self, suggestion):
        surname = suggestion.name_as_printed.split()[-1] if suggestion.name_as_printed else ""
        model = model_for(suggestion.kind)
        key = name_key(surname)
        if len(key) < 3:
            return "—"
        records = model.objects.filter(Q(name_key__endswith=key) | Q(variants__key__endswith=key))
        records = list(records.distinct()[:10])
        if not records:
            return "none"
        return format_html_join(", ", "{}", ((str(record),) for record in records))

    def save_model(self, request, obj, form, change):
        record = form.cleaned_data.get(obj.kind)
        create = form.cleaned_data.get("create_new_record")
        obj.office_as_stated = form.cleaned_data.get("office_as_stated", obj.office_as_stated)
        if not obj.is_open:
            super().save_model(request, obj, form, change)
            return
        setattr(obj, obj.kind, None)  # set by link()/create_record() together with the document
        super().save_model(request, obj, form, change)
        try:
            if record:
                obj.link(record, request.user)
                messages.success(request, f"Linked “{obj.name_as_printed}” to {record}.")
            elif create:
                made = obj.create_record(request.user)
                messages.success(request, f"“{obj.name_as_printed}” is now recorded as {made}.")
            else:
                messages.info(
                    request,
                    f"Nothing was decided for “{obj.name_as_printed}”: choose a record or "
                    "tick “create new record”.",
                )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))

    @admin.action(description="Create new records for the selected names", permissions=["change"])
    def create_records(self, request, queryset):
        done = 0
        for suggestion in queryset.filter(status=SuggestionStatus.OPEN):
            suggestion.refresh_from_db()
            if not suggestion.is_open:  # resolved together with an earlier one
                continue
            try:
                suggestion.create_record(request.user)
                done += 1
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
        self.message_user(request, f"Resolved {done} suggestion(s).")

    @admin.action(description="Reject the selected suggestions", permissions=["change"])
    def reject(self, request, queryset):
        for suggestion in queryset.filter(status=SuggestionStatus.OPEN):
            suggestion.reject(request.user)
        self.message_user(request, "Rejected the selected suggestions.")
