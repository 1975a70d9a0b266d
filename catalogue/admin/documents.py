"""The document admin: inlines, publishing, footnote-marker checks."""

from django.contrib import admin, messages
from django.contrib.admin.views.main import ChangeList
from django.utils.html import format_html

from catalogue.markers import mismatched_markers
from catalogue.models import Correspondent, Document, DocumentRelation, Footnote, Mention, Status

from .base import CatalogueAdmin
from .edit_conflicts import EditVersionAdminMixin
from .facets import (
    IndexedCountPaginator,
    IndexedFacetsMixin,
    KnownCount,
    changelist_counts,
    full_text_search,
)
from .forms import (
    PUBLISH_PERMISSION,
    CorrespondentInlineFormSet,
    DocumentAdminForm,
    RelationInlineFormSet,
    UniqueTargetInlineFormSet,
)
from .imports import ImportWarningsAdminMixin
from .revisions import PublishedDocumentGuardMixin, RevisionAdminMixin
from .scans import DocumentScanUploadMixin, ScanInline


class CorrespondentInline(admin.TabularInline):
    model = Correspondent
    formset = CorrespondentInlineFormSet
    extra = 0
    fields = ["order", "role", "person", "organisation", "office_as_stated", "name_as_printed"]
    autocomplete_fields = ["person", "organisation"]


class MentionInline(admin.TabularInline):
    model = Mention
    formset = UniqueTargetInlineFormSet
    extra = 0
    fields = ["person", "organisation", "place", "name_as_printed"]
    autocomplete_fields = ["person", "organisation", "place"]


class FootnoteInline(admin.StackedInline):
    model = Footnote
    extra = 0
    fields = [("marker", "order", "kind"), "text", ("persons", "places")]
    autocomplete_fields = ["persons", "places"]


class RelationInline(admin.TabularInline):
    """Relations stated from this document: "this document replies to …"."""

    model = DocumentRelation
    formset = RelationInlineFormSet
    fk_name = "source"
    extra = 0
    fields = ["kind", "target", "note", "suggested"]
    autocomplete_fields = ["target"]
    verbose_name = "relation to another document"
    verbose_name_plural = "Relations to other documents (stated from this document)"


class InverseRelationInline(admin.TabularInline):
    """Relations stated from other documents, read from this side ("is replied to by …"):
    shown, never entered twice; edit them on the other document."""

    model = DocumentRelation
    fk_name = "target"
    extra = 0
    can_delete = False
    fields = ["inverse", "other_document", "note", "suggested"]
    readonly_fields = fields
    verbose_name = "relation from another document"
    verbose_name_plural = "Relations from other documents (edit them there)"

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description="this document")
    def inverse(self, relation):
        return relation.inverse_label

    @admin.display(description="document")
    def other_document(self, relation):
        return format_html(
            '<a href="{}">{}</a> {}',
            relation.source.get_admin_url(),
            relation.source.identifier,
            relation.source.display_title[:90],
        )

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("source")


class IndexedDocumentChangeList(IndexedFacetsMixin, ChangeList):
    """Facet and result counts from the catalogue index where it can (catalogue.admin.facets)."""

    def get_results(self, request):
        """Django's, with the full count (shown next to a filtered result count) from the index
        instead of a COUNT over every document."""
        request._document_changelist = self
        root = self.root_queryset
        counts = changelist_counts(self) if self.model_admin.show_full_result_count else None
        full = counts.full_count() if counts is not None else None
        if full is not None:
            self.root_queryset = KnownCount(full)
        try:
            super().get_results(request)
        finally:
            self.root_queryset = root


@admin.register(Document)
class DocumentAdmin(
    EditVersionAdminMixin,
    RevisionAdminMixin,
    ImportWarningsAdminMixin,
    DocumentScanUploadMixin,
    CatalogueAdmin,
):
    form = DocumentAdminForm
    # Nine facet counts scan the whole table (1.7 s at a million documents): on request only.
    show_facets = admin.ShowFacets.ALLOW
    inlines = [
        CorrespondentInline,
        MentionInline,
        FootnoteInline,
        RelationInline,
        InverseRelationInline,
        ScanInline,
    ]
    list_display = [
        "identifier",
        "short_heading",
        "doc_type",
        "date_written",
        "date_start",
        "classification",
        "status",
        "updated_at",
    ]
    list_display_links = ["identifier", "short_heading"]
    list_filter = [
        "status",
        "doc_type",
        "classification",
        "priority",
        "collection",
        "themes",
        "date_precision",
        "is_extract",
        "original_language",
    ]
    list_select_related = ["collection"]
    search_fields = [
        "identifier",
        "heading",
        "title",
        "body",
        "archival_reference",
        "reference_number",
        "source_note",
        "footnotes__text",
    ]
    date_hierarchy = "date_start"
    autocomplete_fields = ["place_of_origin", "archive", "collection"]
    filter_horizontal = ["themes"]
    prepopulated_fields = {"slug": ["title"]}
    readonly_fields = [
        "identifier",
        "date_start",
        "date_end",
        "date_precision",
        "date_uncertain",
        "date_approximate",
        "published_at",
        "created_at",
        "created_by",
        "updated_at",
        "updated_by",
    ]
    actions = ["publish", "unpublish"]
    save_on_top = True
    fieldsets = [
        (None, {"fields": ["collection", "identifier", "heading", "title", "slug", "status"]}),
        ("Type", {"fields": [("doc_type", "is_extract")]}),
        (
            "Date and place",
            {
                "fields": [
                    ("date_written", "date_edtf"),
                    ("date_start", "date_end", "date_precision"),
                    ("date_uncertain", "date_approximate"),
                    ("place_of_origin", "place_of_origin_as_written"),
                ]
            },
        ),
        (
            "Markings",
            {
                "fields": [
                    "addressee_line",
                    "reference_number",
                    ("classification", "priority"),
                    "marking_as_printed",
                    "distribution",
                ]
            },
        ),
        ("Text", {"fields": ["body", ("signature", "signature_supplied")]}),
        (
            "Source",
            {
                "fields": [
                    "source_note",
                    "archival_reference",
                    ("archive", "fond", "opis", "papka", "delo", "folios"),
                    ("printed_volume", "printed_page", "printed_number", "printed_year"),
                    "source_url",
                ]
            },
        ),
        (
            "Language and subject",
            {"fields": [("original_language", "translation_language"), "translator", "themes"]},
        ),
        (
            "Editorial",
            {
                "fields": [
                    "editorial_note",
                    "import_warnings",
                    ("created_at", "created_by"),
                    ("updated_at", "updated_by"),
                    "published_at",
                ]
            },
        ),
    ]

    @admin.display(description="heading", ordering="heading")
    def get_changelist(self, request, **kwargs):
        return IndexedDocumentChangeList

    def get_paginator(self, request, queryset, per_page, orphans=0, allow_empty_first_page=True):
        return IndexedCountPaginator(
            queryset,
            per_page,
            changelist_request=request,
            orphans=orphans,
            allow_empty_first_page=allow_empty_first_page,
        )

    def get_search_results(self, request, queryset, search_term):
        """The public full-text search (GIN) on PostgreSQL instead of ILIKE over the bodies."""
        found = full_text_search(queryset, search_term)
        if found is None:
            return super().get_search_results(request, queryset, search_term)
        return found

    def short_heading(self, document):
        text = document.display_title
        return text if len(text) <= 90 else f"{text[:88]}…"

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        form.can_publish = self.has_publish_permission(request)
        return form

    def has_publish_permission(self, request):
        return request.user.has_perm(PUBLISH_PERMISSION)

    def get_view_on_site_url(self, obj=None):
        if obj is None or obj.status != Status.PUBLISHED:
            return None
        return super().get_view_on_site_url(obj)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        self.warn_about_footnote_markers(request, form.instance)

    def warn_about_footnote_markers(self, request, document):
        markers = self.footnote_markers(request, document)  # a revision's, when it is one
        without_note, without_marker = mismatched_markers(document.body, markers)
        if without_note:
            messages.warning(
                request,
                "Footnote markers in the body have no footnote: " + ", ".join(without_note),
            )
        if without_marker:
            messages.warning(
                request,
                "Footnotes whose marker is not in the body: " + ", ".join(without_marker),
            )


class DocumentRelatedAdmin(PublishedDocumentGuardMixin, CatalogueAdmin):
    """Footnotes, correspondents and mentions also have lists of their own, with history."""

    list_select_related = ["document"]

    @admin.display(description="document", ordering="document__identifier")
    def document_link(self, obj):
        return format_html(
            '<a href="{}">{}</a>', obj.document.get_admin_url(), obj.document.identifier
        )


@admin.register(Footnote)
class FootnoteAdmin(DocumentRelatedAdmin):
    list_display = ["document_link", "marker", "kind", "excerpt"]
    list_filter = ["kind"]
    search_fields = ["text", "document__identifier", "document__heading"]
    autocomplete_fields = ["document", "persons", "places"]

    @admin.display(description="text")
    def excerpt(self, footnote):
        return footnote.text[:100]


@admin.register(Correspondent)
class CorrespondentAdmin(DocumentRelatedAdmin):
    list_display = ["document_link", "role", "person", "organisation", "office_as_stated"]
    list_filter = ["role"]
    list_select_related = ["document", "person", "organisation"]
    search_fields = ["person__preferred_name", "organisation__name", "office_as_stated"]
    autocomplete_fields = ["document", "person", "organisation"]


@admin.register(Mention)
class MentionAdmin(DocumentRelatedAdmin):
    list_display = ["document_link", "person", "organisation", "place", "name_as_printed"]
    list_select_related = ["document", "person", "organisation", "place"]
    search_fields = [
        "person__preferred_name",
        "place__name",
        "organisation__name",
        "name_as_printed",
    ]
    autocomplete_fields = ["document", "person", "organisation", "place"]
