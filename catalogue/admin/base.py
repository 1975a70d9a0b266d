"""Pieces shared by the catalogue's model admins."""

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db.models import Count, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from simple_history.admin import SimpleHistoryAdmin


class RevertRightsMixin:
    """A history revert is a save: it needs the change right on the record as it is now, or
    the add right when the record was deleted and the revert brings it back. (The library
    asks only for the view right, and checks it on the old copy.)"""

    def may_revert(self, request, object_id) -> bool:
        current = self.get_object(request, unquote(str(object_id)))
        if current is None:
            return self.has_add_permission(request)
        return self.has_change_permission(request, current)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method == "POST" and not self.may_revert(request, object_id):
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)

    def revert_disabled(self, request, obj=None):
        """No "Revert" button for someone the revert would refuse."""
        refused = obj is not None and not self.may_revert(request, obj.pk)
        return refused or super().revert_disabled(request, obj)


class CatalogueAdmin(RevertRightsMixin, SimpleHistoryAdmin):
    """Model admin with history (view and revert) and list facets with counts."""

    show_facets = admin.ShowFacets.ALWAYS
    list_per_page = 50


def count_subquery(model, link_field, distinct_field="document"):
    """Count rows of `model` pointing at the outer row through `link_field`, as a subquery.

    Subqueries keep several counts on one list from multiplying each other through joins.
    """
    counted = (
        model.objects.filter(**{link_field: OuterRef("pk")})
        .order_by()
        .values(link_field)
        .annotate(total=Count(distinct_field, distinct=True))
        .values("total")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))
