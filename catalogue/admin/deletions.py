"""Deleting a person, organisation, place or theme linked to published documents.

Such a deletion changes what the public sees without touching a document: the record's
mentions go with it (cascade), a place of origin is emptied, a footnote loses its person or
place, a document its theme. So it is an editor's decision, taken on a confirmation page that
lists the published documents affected. Someone who may not publish can still delete a record
linked to no published document (none, or drafts and documents in review only).

Edits of these records themselves are not reviewed: a corrected name or date is saved at once
(versioned, with history) — see docs/revisions.md.
"""

from django.contrib.admin.actions import delete_selected
from django.db.models import Q
from django.template.response import TemplateResponse

from catalogue.models import Document, Organisation, Person, Place, Theme

from .revisions import may_publish

# How a published document links each kind of record (lookups from Document).
DOCUMENT_LINKS = {
    Person: ("correspondents__person", "mentions__person", "footnotes__persons"),
    Organisation: ("correspondents__organisation", "mentions__organisation"),
    Place: ("place_of_origin", "mentions__place", "footnotes__places"),
    Theme: ("themes",),
}
LISTED = 200  # published documents named on a confirmation page; the rest are counted


def affected_published_documents(model, pks):
    """The published documents that link any of the records `pks` of `model`."""
    published = Document.objects.published()
    linked = Q()
    for lookup in DOCUMENT_LINKS[model]:
        linked |= Q(pk__in=published.filter(**{f"{lookup}__in": pks}).values("pk"))
    return published.filter(linked).order_by("identifier")


class LinkedToPublishedDeletionMixin:
    """For the admins of persons, organisations, places and themes: see the module."""

    delete_confirmation_template = "admin/catalogue/authority_delete_confirmation.html"
    delete_selected_confirmation_template = (
        "admin/catalogue/authority_delete_selected_confirmation.html"
    )

    def links_published(self, obj) -> bool:
        return affected_published_documents(self.model, [obj.pk]).exists()

    def has_delete_permission(self, request, obj=None):
        if obj is not None and not may_publish(request) and self.links_published(obj):
            return False
        return super().has_delete_permission(request, obj)

    def get_deleted_objects(self, objs, request):
        """Also what the public loses; for someone who may not publish, a refusal when any
        selected record is linked to a published document ("Delete selected")."""
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        affected = affected_published_documents(self.model, [obj.pk for obj in objs])
        request.affected_published_documents = affected
        if not may_publish(request) and affected.exists():
            name = self.model._meta.verbose_name_plural
            perms_needed = {*perms_needed, f"{name} linked to published documents (editors)"}
        return deleted, counts, perms_needed, protected

    def render_delete_form(self, request, context):
        context.update(affected_context(request))
        return super().render_delete_form(request, context)

    def get_actions(self, request):
        actions = super().get_actions(request)
        if "delete_selected" in actions:
            _, name, description = actions["delete_selected"]
            actions["delete_selected"] = (delete_selected_listing_published, name, description)
        return actions


def affected_context(request) -> dict:
    affected = getattr(request, "affected_published_documents", None)
    if affected is None:
        return {}
    listed = list(affected[: LISTED + 1])
    return {
        "affected_published_documents": listed[:LISTED],
        "affected_more": len(listed) > LISTED,
    }


def delete_selected_listing_published(modeladmin, request, queryset):
    """Django's "delete selected", whose confirmation page lists the published documents."""
    response = delete_selected(modeladmin, request, queryset)
    if isinstance(response, TemplateResponse):
        response.context_data.update(affected_context(request))
    return response
