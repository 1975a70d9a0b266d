"""The document changelist's facet counts, result count, date hierarchy and search from the
catalogue index and the public search path (issue 12).

Django's admin counts each facet with an aggregate over every matching document, lists the
date hierarchy's years with a DISTINCT over them, and searches with ILIKE over the bodies:
69–81 s per request at 100,000 documents with a search term. Here:
- the search is the catalogue's full-text search (GIN index; catalogue.search), on every status;
- the published documents are counted from the catalogue index (numpy, exact at the catalogue
  version, which every change to a published document moves);
- the other documents (drafts, in review: a few percent, and edited without a public change)
  matching the search are read once per request, through the partial index of unpublished
  documents, into a small index of their own, and counted the same way (`ChangelistCounts`).
Filters the index cannot read fall back to Django's own queries.
"""

import datetime
import functools
from dataclasses import dataclass

import numpy as np
from django.contrib.admin.filters import (
    BooleanFieldListFilter,
    ChoicesFieldListFilter,
    RelatedFieldListFilter,
)
from django.contrib.admin.templatetags import admin_list
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
        empty = np.ones(index.size, dtype=bool)
        empty[index.links[column][0]] = False
        return empty
    return None


WARNINGS_PARAMETER = "import_warnings"  # catalogue.admin.imports.HasImportWarningsFilter


def _warnings_mask(index, value):
    has = index.with_values("has_warnings", [index.code_of("has_warnings", True)])
    return has if value == "yes" else ~has if value == "no" else None


def _hierarchy_days(changelist, params) -> tuple[int, int] | None:
    """The days (first, after the last, as ordinals) the date hierarchy's year, month and day
    keep, as Django's ChangeList.get_filters bounds them; None when no year is chosen."""
    field = changelist.date_hierarchy
    year = params.get(f"{field}__year") if field else None
    if not year:
        return None
    month, day = params.get(f"{field}__month"), params.get(f"{field}__day")
    first = datetime.date(int(year[-1]), int(month[-1]) if month else 1, int(day[-1]) if day else 1)
    if day:
        after = first + datetime.timedelta(days=1)
    elif month:
        after = (first + datetime.timedelta(days=32)).replace(day=1)
    else:
        after = first.replace(year=first.year + 1)
    return first.toordinal(), after.toordinal()


def _hierarchy_parameters(changelist, params) -> set:
    field = changelist.date_hierarchy
    if not field or f"{field}__year" not in params:
        return set()
    return {f"{field}__year", f"{field}__month", f"{field}__day"}


DATE_HIERARCHY = "(date hierarchy)"  # never a facet's own parameter


def parameter_masks(index, changelist) -> dict | None:
    """{parameter: the documents of `index` it keeps} for each of the changelist's filters,
    and the date hierarchy's year, month and day together; None when a filter is one the index
    cannot read."""
    masks = {}
    params = changelist.get_filters_params()
    hierarchy = _hierarchy_parameters(changelist, params)
    for parameter, values in params.items():
        if parameter in hierarchy:
            continue
        kept = _parameter_mask(index, parameter, values)
        if kept is None:
            return None
        masks[parameter] = kept
    days = _hierarchy_days(changelist, params)
    if days is not None:
        masks[DATE_HIERARCHY] = (index.day_start >= days[0]) & (index.day_start < days[1])
    return masks


def _parameter_mask(index, parameter, values) -> np.ndarray | None:
    values = values if isinstance(values, list) else [values]
    if parameter == WARNINGS_PARAMETER:
        return _warnings_mask(index, values[-1])
    found = _field_of(parameter)
    if found is None:
        return None
    field, lookup = found
    if lookup == "isnull":
        empty = _empty(index, FIELDS[field])
        if empty is None:
            return None
        return empty if values[-1] in ("1", "True", "true") else ~empty
    return _value_mask(index, field, values)


def combined(base, masks, leave_out=()) -> np.ndarray:
    """`base` and every mask of `masks` (parameter_masks) but those of `leave_out`."""
    mask = base.copy()
    for parameter, kept in masks.items():
        if parameter not in leave_out:
            mask &= kept
    return mask


def _searched(index, changelist) -> np.ndarray | None:
    """The published documents matching the changelist's search (all without one), as the
    admin's search box finds them: the full-text search or the identifier; None when the
    search is Django's own (SQLite), whose matches are not the catalogue's."""
    if not changelist.query:
        return index.published
    terms = parsed(changelist.query)
    if not terms or not _full_text(changelist.queryset):
        return None
    using = changelist.queryset.db
    mask = catalogue_index.search_mask(index, terms, using)
    identifier = changelist.root_queryset.filter(identifier=changelist.query.strip())
    mask |= index.mask_of(list(identifier.values_list("pk", flat=True)))
    return mask & index.published


def _counts(index, spec, mask, published=False) -> dict | None:
    """The spec's facet keys ({"3__c": n}) counted over `mask` (published documents of the
    catalogue index when `published`: every-document totals are kept)."""
    if getattr(spec, "parameter_name", None) == WARNINGS_PARAMETER:
        return {
            "0__c": int((mask & _warnings_mask(index, "yes")).sum()),
            "1__c": int((mask & _warnings_mask(index, "no")).sum()),
        }
    field = spec.field.name
    column = FIELDS.get(field)
    if column is None:
        return None
    counts = index.published_counts(column, mask) if published else index.counts(column, mask)

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


class ChangelistCounts:
    """The counts of one changelist request. Published documents: the catalogue index (exact
    at the catalogue version, which every change to a published document moves). The others
    (drafts, in review: 4 % of the catalogue) may have been edited since the index was built,
    so they are read live, once per request: the unpublished documents matching the search, in
    one query through the partial index of unpublished documents (and one for their themes),
    into a small index of their own (`catalogue_index.index_of_rows`). Every facet, the result
    count and the date hierarchy are then counted over both in numpy: no query per facet."""

    def __init__(self, changelist, index, searched):
        self.changelist, self.index, self.searched = changelist, index, searched
        self.root = changelist.root_queryset  # every document the admin lists
        self._masks = {}

    @cached_property
    def drafts(self) -> "catalogue_index.CatalogueIndex":
        queryset = self.root.exclude(status=Status.PUBLISHED)
        if self.changelist.query:
            queryset = full_text_search(queryset, self.changelist.query)[0]
        return catalogue_index.index_of_rows(*catalogue_index.rows_for_index(queryset))

    @cached_property
    def _parameter_masks(self) -> tuple[dict, dict] | None:
        published = parameter_masks(self.index, self.changelist)
        drafts = None if published is None else parameter_masks(self.drafts, self.changelist)
        return None if drafts is None else (published, drafts)

    def masks(self, leave_out=()) -> tuple[np.ndarray, np.ndarray] | None:
        """(published, unpublished) documents kept by the filters but `leave_out`; None when
        the index cannot read one of them."""
        if self._parameter_masks is None:
            return None
        key = frozenset(leave_out)
        if key not in self._masks:
            published, drafts = self._parameter_masks
            every = np.ones(self.drafts.size, dtype=bool)
            self._masks[key] = (
                combined(self.searched, published, key),
                combined(every, drafts, key),
            )
        return self._masks[key]

    def facet(self, spec) -> dict | None:
        """spec.get_facet_queryset(changelist)'s answer; None: ask Django."""
        masks = self.masks(set(spec.expected_parameters()))
        if masks is None:
            return None
        published = _counts(self.index, spec, masks[0], published=True)
        if published is None:
            return None
        drafts = _counts(self.drafts, spec, masks[1])
        return {key: n + drafts.get(key, 0) for key, n in published.items()}

    def result_count(self) -> int | None:
        masks = self.masks()
        return None if masks is None else int(masks[0].sum()) + int(masks[1].sum())

    def full_count(self) -> int | None:
        """Every document of the changelist, filters and search aside: the published ones from
        the index, the others counted through the partial index of unpublished documents (or
        already read, without a search). None when the admin's queryset is itself filtered."""
        if self.root.query.has_filters():
            return None
        if self.changelist.query:
            unpublished = self.root.exclude(status=Status.PUBLISHED).count()
        else:
            unpublished = self.drafts.size
        return self.index.published_count + unpublished

    def days(self) -> "Days | None":
        """The start days and years of the result (the date hierarchy's choices)."""
        masks = self.masks()
        if masks is None:
            return None
        parts = ((self.index, masks[0]), (self.drafts, masks[1]))
        return Days(
            np.concatenate([index.day_start[mask] for index, mask in parts]),
            np.concatenate([index.year[mask] for index, mask in parts]),
        )


def changelist_counts(changelist) -> ChangelistCounts | None:
    """The changelist's ChangelistCounts (one per request), or None: count in SQL."""
    if "_indexed_counts" not in changelist.__dict__:
        index = catalogue_index.current_index(changelist.queryset.db)
        searched = _searched(index, changelist) if index is not None else None
        found = None if searched is None else ChangelistCounts(changelist, index, searched)
        changelist.__dict__["_indexed_counts"] = found
    return changelist.__dict__["_indexed_counts"]


class KnownCount:
    """Stands for a queryset whose count is known (ChangeList.get_results asks only that)."""

    def __init__(self, count):
        self._count = count

    def count(self):
        return self._count


def indexed_facet_queryset(spec, changelist):
    """spec.get_facet_queryset(changelist), from the index and the request's drafts."""
    counts = changelist_counts(changelist)
    found = counts.facet(spec) if counts is not None else None
    if found is None:
        return type(spec).get_facet_queryset(spec, changelist)
    return found


@dataclass
class Days:
    """The start days (ordinals; undated: NO_DAY_START) and years (undated: 0) of a result,
    answering the two questions Django's date hierarchy asks its queryset."""

    days: np.ndarray
    years: np.ndarray

    def aggregate(self, first, last):
        dated = self.days[self.days != catalogue_index.NO_DAY_START]
        if not len(dated):
            return {"first": None, "last": None}
        return {
            "first": datetime.date.fromordinal(int(dated.min())),
            "last": datetime.date.fromordinal(int(dated.max())),
        }

    def dates(self, field_name, kind):
        """Like QuerySet.dates(field_name, kind): the distinct years, months or days."""
        if kind == "year":
            return [
                datetime.date(int(y), 1, 1) for y in np.flatnonzero(np.bincount(self.years)) if y
            ]
        dated = self.days[self.days != catalogue_index.NO_DAY_START]
        found = [datetime.date.fromordinal(int(d)) for d in np.unique(dated)]
        if kind == "month":
            found = sorted({d.replace(day=1) for d in found})
        return found


class _WithDays:
    """A changelist whose queryset answers the date hierarchy's questions from `Days`."""

    def __init__(self, changelist, days):
        self._changelist, self.queryset = changelist, days

    def __getattr__(self, name):
        return getattr(self._changelist, name)


def date_hierarchy(changelist) -> dict:
    """Django's date hierarchy (admin_list.date_hierarchy) with the years, months or days of
    the result counted from the index and the request's drafts instead of `SELECT DISTINCT
    DATE_TRUNC(...)` and MIN/MAX over every matching document (2.3 s each at a million
    documents under a common-word search); Django's own where the index cannot answer."""
    counts = changelist_counts(changelist) if changelist.date_hierarchy else None
    days = counts.days() if counts is not None else None
    if days is None:
        return admin_list.date_hierarchy(changelist)
    return admin_list.date_hierarchy(_WithDays(changelist, days))


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
        counts = changelist_counts(changelist) if changelist is not None else None
        found = counts.result_count() if counts is not None else None
        return super().count if found is None else found


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
