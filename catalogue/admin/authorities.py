"""Persons, organisations and places: variants inline, search by any variant, document counts."""

from django.contrib import admin

from catalogue.models import (
    Correspondent,
    Mention,
    Office,
    Organisation,
    OrganisationName,
    Person,
    PersonName,
    Place,
    PlaceName,
)

from .base import CatalogueAdmin, count_subquery
from .deletions import LinkedToPublishedDeletionMixin
from .edit_conflicts import EditVersionAdminMixin


class PersonNameInline(admin.TabularInline):
    model = PersonName
    extra = 1
    fields = ["name", "note"]


class OfficeInline(admin.TabularInline):
    model = Office
    extra = 1
    fields = ["title", "organisation", "start", "end"]
    autocomplete_fields = ["organisation"]


class DocumentCountsMixin:
    """Annotates the list with the number of documents written/received and mentioning."""

    correspondence_model = Correspondent
    link_field = None

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        annotations = {"mention_count": count_subquery(Mention, self.link_field)}
        if self.correspondence_model is not None:
            annotations["correspondence_count"] = count_subquery(
                self.correspondence_model, self.link_field
            )
        return queryset.annotate(**annotations)

    @admin.display(description="mentioned in", ordering="mention_count")
    def mention_count(self, obj):
        return obj.mention_count

    @admin.display(description="wrote or received", ordering="correspondence_count")
    def correspondence_count(self, obj):
        return obj.correspondence_count


@admin.register(Person)
class PersonAdmin(
    EditVersionAdminMixin, LinkedToPublishedDeletionMixin, DocumentCountsMixin, CatalogueAdmin
):
    link_field = "person"
    list_display = [
        "preferred_name",
        "sort_name",
        "birth",
        "death",
        "correspondence_count",
        "mention_count",
    ]
    search_fields = ["preferred_name", "sort_name", "variants__name"]
    prepopulated_fields = {"slug": ["preferred_name"]}
    inlines = [PersonNameInline, OfficeInline]
    view_on_site = True
    fieldsets = [
        (None, {"fields": ["preferred_name", "sort_name", "slug", "birth", "death", "biography"]}),
        ("Authority identifiers", {"fields": ["wikidata_id", "viaf_id"]}),
    ]


class OrganisationNameInline(admin.TabularInline):
    model = OrganisationName
    extra = 1
    fields = ["name", "note"]


@admin.register(Organisation)
class OrganisationAdmin(
    EditVersionAdminMixin, LinkedToPublishedDeletionMixin, DocumentCountsMixin, CatalogueAdmin
):
    link_field = "organisation"
    list_display = ["name", "abbreviation", "correspondence_count", "mention_count"]
    search_fields = ["name", "abbreviation", "variants__name"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [OrganisationNameInline]
    view_on_site = True


class PlaceNameInline(admin.TabularInline):
    model = PlaceName
    extra = 1
    fields = ["name", "note"]


@admin.register(Place)
class PlaceAdmin(
    EditVersionAdminMixin, LinkedToPublishedDeletionMixin, DocumentCountsMixin, CatalogueAdmin
):
    link_field = "place"
    correspondence_model = None
    list_display = ["name", "kind", "country", "latitude", "longitude", "mention_count"]
    list_filter = ["kind", "country"]
    search_fields = ["name", "variants__name", "country"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [PlaceNameInline]
    view_on_site = True
    fieldsets = [
        (None, {"fields": ["name", "slug", "kind", "country", "description"]}),
        ("Location", {"fields": ["latitude", "longitude"]}),
        ("Authority identifiers", {"fields": ["geonames_id", "wikidata_id"]}),
    ]


@admin.register(Office)
class OfficeAdmin(CatalogueAdmin):
    list_display = ["title", "person", "organisation", "start", "end"]
    search_fields = ["title", "person__preferred_name", "organisation__name"]
    autocomplete_fields = ["person", "organisation"]
    list_filter = ["organisation"]
