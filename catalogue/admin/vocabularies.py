from django.contrib import admin
from django.db.models import Count
from simple_history.admin import SimpleHistoryAdmin

from catalogue.models import Archive, Collection, Theme

from .base import RevertRightsMixin
from .deletions import LinkedToPublishedDeletionMixin
from .edit_conflicts import EditVersionAdminMixin


@admin.register(Theme)
class ThemeAdmin(LinkedToPublishedDeletionMixin, admin.ModelAdmin):
    list_display = ["name", "slug", "document_count"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(document_count=Count("documents"))

    @admin.display(description="documents", ordering="document_count")
    def document_count(self, theme):
        return theme.document_count


@admin.register(Archive)
class ArchiveAdmin(admin.ModelAdmin):
    list_display = ["abbreviation", "name", "place"]
    search_fields = ["abbreviation", "name", "name_original"]


@admin.register(Collection)
class CollectionAdmin(EditVersionAdminMixin, RevertRightsMixin, SimpleHistoryAdmin):
    list_display = ["title", "series_title", "archive", "document_count"]
    search_fields = ["title", "series_title"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["archive"]
    view_on_site = True
    fieldsets = [
        (None, {"fields": ["title", "slug", "description", "url", "archive"]}),
        (
            "Printed series",
            {
                "fields": [
                    "series_title",
                    "series_title_translated",
                    "series_volume",
                    "series_publisher",
                    "series_place",
                    "series_year",
                ]
            },
        ),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(document_count=Count("documents"))

    @admin.display(description="documents", ordering="document_count")
    def document_count(self, collection):
        return collection.document_count
