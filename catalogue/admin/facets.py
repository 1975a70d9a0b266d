"""The document changelist's facet counts and search from the public search path (issue 12).

Django's admin counts each facet with an aggregate over every matching document, and searches
with ILIKE over the bodies: 69–81 s per request at 100,000 documents with a search term. Here:
- the search is the catalogue's full-text search (GIN index; catalogue.search), on every status;
- each facet count is the published documents' count from the catalogue index (numpy, exact at
  the catalogue version, which every change to a published document moves) plus the other
  documents' count in SQL, which reads only the few drafts and documents in review through the
  partial index of unpublished documents. Filters the index cannot read fall back to Django.
"""

import functools

from django.contrib.admin.filters import (
    BooleanFieldListFilter,
    ChoicesFieldListFilter,
    RelatedFieldListFilter,
)
from django.contrib.admin.utils import lookup_spawns_duplicates
from django.core.paginator import Paginator
from django.db import connections
from django.utils.functional import cached_property

from catalogue import catalogue_index, search, versioning
from catalogue.models import Status

# Admin filter field: index column.
FIELDS = {
    "status": "status",
    "doc_type": "doc_type",
    "classification": "classification",
    "priority": "priority",
    "date_precision": "date_precision",
    "original_language": "original_language",
    "is_extract": "is_extract",
    "collection": "collection",
    "themes": "theme",
}


def _field_of(parameter: str) -> tuple[str, str] | None:
    """("doc_type", "exact") for "doc_type__exact"; None for a lookup the index cannot read."""
    field, _, lookup = parameter.partition("__")
    if field not in FIELDS:
        return None
    if lookup in ("exact", "id__exact", "isnull", "id__isnull"):
        return field, "isnull" if lookup.endswith("isnull") else "exact"
    return None


def _value_mask(index, field, values):
    column = FIELDS[field]
    if column == "is_extract":
        keys = [index.code_of(column, value in ("1", "true", "True")) for value in values]
        return index.with_values(column, keys)
    if column in index.codes:
        return index.with_values(column, [index.code_of(column, value) for value in values])
    return index.with_values(column, [int(value) for value in values if value.isdigit()])


def _empty(index, column):
    """Documents without a value in `column` (a collection, a theme); None if not indexed."""
    if column == "collection":
        return index.collection < 0
    if column in index.links:
        return ~index.mask_of(index.ids[index.links[column][0]])
    return None


WARNINGS_PARAMETER = "import_warnings"  # catalogue.admin.imports.HasImportWarningsFilter


def _warnings_mask(index, value):
    has = index.with_values("has_warnings", [index.code_of("has_warnings", True)])
    return has if value == "yes" else ~has if value == "no" else None


def published_mask(index, changelist, leave_out=()):
    """Published documents matching the changelist's filters and search, except the parameters
    `leave_out`; None when a filter is one the index cannot read."""
    mask = index.published.copy()
    for parameter, values in changelist.get_filters_params().items():
        if parameter in leave_out:
            continue
        values = values if isinstance(values, list) else [values]
        if parameter == WARNINGS_PARAMETER:
            warnings = _warnings_mask(index, values[-1])
            if warnings is None:
                return None
            mask &= warnings
            continue
        found = _field_of(parameter)
        if found is None:
            return None
        field, lookup = found
        if lookup == "isnull":
            empty = _empty(index, FIELDS[field])
            if empty is None:
                return None
            mask &= empty if values[-1] in ("1", "True", "true") else ~empty
        else:
            mask &= _value_mask(index, field, values)
    terms = parsed(changelist.query) if changelist.query else None
    if changelist.query and (not terms or not _full_text(changelist.queryset)):
        return None  # Django's own search (SQLite): its matches are not the catalogue's
    if terms:
        mask &= catalogue_index.search_mask(index, terms, changelist.queryset.db)
    return mask


def _published_counts(index, spec, mask) -> dict | None:
    """The spec's facet keys ({"3__c": n}) counted over published `mask`."""
    if getattr(spec, "parameter_name", None) == WARNINGS_PARAMETER:
        return {
            "0__c": int((mask & _warnings_mask(index, "yes")).sum()),
            "1__c": int((mask & _warnings_mask(index, "no")).sum()),
        }
    field = spec.field.name
    column = FIELDS.get(field)
    if column is None:
        return None
    counts = index.counts(column, mask)

    def count(code):
        return int(counts[code]) if 0 <= code < len(counts) else 0

    if isinstance(spec, BooleanFieldListFilter):
        return {
            "true__c": count(index.code_of(column, True)),
            "false__c": count(index.code_of(column, False)),
            "null__c": 0,
        }
    if isinstance(spec, ChoicesFieldListFilter):
        return {
            f"{i}__c": count(index.code_of(column, value)) if value is not None else 0
            for i, (value, _) in enumerate(spec.field.flatchoices)
        }
    if isinstance(spec, RelatedFieldListFilter):
        found = {f"{pk}__c": count(int(pk)) for pk, _ in spec.lookup_choices}
        if spec.include_empty_choice:
            found["__c"] = int((mask & _empty(index, column)).sum())
        return found
    return None


def indexed_facet_queryset(spec, changelist):
    """spec.get_facet_queryset(changelist) with the published part from the index."""
    index = catalogue_index.current_index(changelist.queryset.db)
    mask = None
    if index is not None:
        mask = published_mask(index, changelist, leave_out=set(spec.expected_parameters()))
    published = _published_counts(index, spec, mask) if mask is not None else None
    if published is None:
        return type(spec).get_facet_queryset(spec, changelist)
    others = changelist.get_queryset(
        spec.request, exclude_parameters=spec.expected_parameters()
    ).exclude(status=Status.PUBLISHED)
    unpublished = others.aggregate(**spec.get_facet_counts(changelist.pk_attname, others))
    return {key: published.get(key, 0) + (n or 0) for key, n in unpublished.items()}


# A filter on one theme joins at most one theme row per document (unique document and theme).
SINGLE_ROW_LOOKUPS = {"themes__id__exact"}


class IndexedFacetsMixin:
    """For a ChangeList: facet counts through `indexed_facet_queryset`; no SELECT DISTINCT over
    every column for a filter on one theme (it cannot repeat a document; 1 s per query at a
    million documents)."""

    def get_filters(self, request):
        specs, has_filters, remaining, may_have_duplicates, active = super().get_filters(request)
        for spec in specs:
            indexed = hasattr(spec, "field") or (
                getattr(spec, "parameter_name", None) == WARNINGS_PARAMETER
            )
            if hasattr(spec, "get_facet_queryset") and indexed:
                spec.get_facet_queryset = lambda changelist, spec=spec: indexed_facet_queryset(
                    spec, changelist
                )
        if may_have_duplicates and self._filters_join_one_row():
            may_have_duplicates = False
        return specs, has_filters, remaining, may_have_duplicates, active

    def _filters_join_one_row(self) -> bool:
        params = self.get_filters_params()
        spawning = [p for p in params if lookup_spawns_duplicates(self.lookup_opts, p)]
        return all(
            name in SINGLE_ROW_LOOKUPS
            and len(values := params[name] if isinstance(params[name], list) else [params[name]])
            == 1
            and str(values[0]).isdigit()
            for name in spawning
        )


class IndexedCountPaginator(Paginator):
    """The changelist's result count: published documents from the index, others in SQL."""

    def __init__(self, object_list, per_page, changelist_request=None, admin=None, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.changelist_request, self.admin = changelist_request, admin

    @cached_property
    def count(self):
        changelist = getattr(self.changelist_request, "_document_changelist", None)
        index = catalogue_index.current_index(self.object_list.db) if changelist else None
        mask = published_mask(index, changelist) if index is not None else None
        if mask is None:
            return super().count
        return int(mask.sum()) + self.object_list.exclude(status=Status.PUBLISHED).count()


@functools.lru_cache(maxsize=64)
def _parsed(search_term, version):
    return search.SearchTerms.parse(search_term)


def parsed(search_term) -> "search.SearchTerms":
    """The search terms with their name variants, looked up once per catalogue version (every
    facet of the changelist searches again)."""
    return _parsed(search_term, versioning.current_version())


def _full_text(queryset) -> bool:
    return connections[queryset.db].vendor == "postgresql"


def full_text_search(queryset, search_term):
    """(queryset, may_have_duplicates) for the admin's search box on PostgreSQL: the public
    full-text search over every status, or an identifier; None elsewhere."""
    if not _full_text(queryset) or not search_term.strip():
        return None
    terms = parsed(search_term)
    if not terms:
        return None
    by_identifier = queryset.filter(identifier=search_term.strip())
    return search.matching(queryset, terms) | by_identifier, False
