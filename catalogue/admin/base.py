"""Pieces shared by the catalogue's model admins."""

from django.contrib import admin
from django.db.models import Count, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from simple_history.admin import SimpleHistoryAdmin


class CatalogueAdmin(SimpleHistoryAdmin):
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
