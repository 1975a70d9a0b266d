"""Other transcriptions the importer found of catalogued documents (issue 13, item 5)."""

from django.contrib import admin
from django.utils.html import format_html

from catalogue.models import OtherTranscription, TranscriptionStatus


@admin.register(OtherTranscription)
class OtherTranscriptionAdmin(admin.ModelAdmin):
    """Accept a page's text as another transcription of a document, or reject it."""

    show_facets = admin.ShowFacets.ALWAYS
    list_display = ["heading_start", "document_link", "match_reason", "source_url", "status"]
    list_filter = ["status"]
    list_select_related = ["document"]
    search_fields = ["heading", "source_url", "document__identifier"]
    readonly_fields = ["document_link", "source_url", "heading", "date_written",
                       "reference_number", "body", "match_reason", "similarity", "status",
                       "created_at", "created_by"]  # fmt: skip
    fields = readonly_fields
    actions = ["accept", "reject"]

    def has_add_permission(self, request):
        return False  # offered by the importer

    @admin.display(description="heading")
    def heading_start(self, transcription):
        return transcription.heading[:100]

    @admin.display(description="document", ordering="document__identifier")
    def document_link(self, transcription):
        document = transcription.document
        return format_html('<a href="{}">{}</a>', document.get_admin_url(), document.identifier)

    @admin.action(description="Accept as other transcriptions", permissions=["change"])
    def accept(self, request, queryset):
        done = queryset.update(status=TranscriptionStatus.ACCEPTED)
        self.message_user(request, f"Accepted {done} transcription(s).")

    @admin.action(description="Reject (not the same document)", permissions=["change"])
    def reject(self, request, queryset):
        done = queryset.update(status=TranscriptionStatus.REJECTED)
        self.message_user(request, f"Rejected {done} transcription(s).")
