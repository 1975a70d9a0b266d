"""The public document list's filters: one FilterSet for the page, its facet counts and exports.

    DocumentFilter(request.GET, queryset=Document.objects.published(), request=request).qs

is the filtered and ordered (ranked, when searching) queryset. URL parameters:

    q               full-text search (see catalogue.search)
    date_from       EDTF or ISO date: documents ending on or after it ("1921", "1921-12-26")
    date_to         EDTF or ISO date: documents starting on or before it
    year, decade    start year ("1921") or decade ("1920"), repeatable
    type, classification, language          vocabulary codes ("letter", "secret", "ru")
    author, recipient                       "person:<slug>" or "organisation:<slug>"
    person, organisation, place             slugs of those mentioned
    origin, theme, collection               slugs
    scans           "yes" or "no"
    sort            "date", "-date", "title" or "relevance" (the default when searching)

Repeating a facet parameter selects several values, combined with OR; different facets combine
with AND. Input is never an error: unknown values, malformed dates and repeated single-valued
parameters are ignored and explained in `notices`.
"""

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import F, Value
from django.db.models.functions import Coalesce, Lower, NullIf
from django.utils.functional import cached_property

from catalogue import search
from catalogue.dates import parse_date_range
from catalogue.facets import (
    AUTHORS,
    MAX_SELECTED,
    RECIPIENTS,
    AgentFacet,
    ChoiceFacet,
    ForeignKeyFacet,
    PeriodFacet,
    ScansFacet,
    organisation_mentioned_facet,
    person_mentioned_facet,
    place_mentioned_facet,
    theme_facet,
)
from catalogue.models import Classification, Collection, Document, DocumentType, Language, Place

MAX_VALUE_SHOWN = 40


def shown(value: str) -> str:
    """A user-supplied value as quoted back in a notice: short, on one line."""
    value = " ".join(str(value).split())
    return f"“{value[:MAX_VALUE_SHOWN]}…”" if len(value) > MAX_VALUE_SHOWN else f"“{value}”"


class NoticeField(forms.Field):
    """A lenient field: it never fails validation, it records what it ignored in `notices`."""

    widget = forms.SelectMultiple  # reads every value of a repeated parameter

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.notices = []

    @staticmethod
    def values(value):
        values = value if isinstance(value, list | tuple) else [value]
        return [v.strip() for v in values if isinstance(v, str) and v.strip()]


class ManyValuesField(NoticeField):
    """Several values of one facet: known ones become Choices, unknown ones are reported."""

    def __init__(self, *args, resolve, **kwargs):
        super().__init__(*args, **kwargs)
        self.resolve = resolve

    def clean(self, value):
        values = list(dict.fromkeys(self.values(value)))
        if len(values) > MAX_SELECTED:
            self.notices.append(
                f"{self.label}: only the first {MAX_SELECTED} of {len(values)} values are used."
            )
            values = values[:MAX_SELECTED]
        found = self.resolve(values) if values else {}
        unknown = [value for value in values if value not in found]
        if unknown:
            self.notices.append(
                f"{self.label}: ignored unknown {'values' if len(unknown) > 1 else 'value'} "
                + ", ".join(shown(value) for value in unknown[:5])
                + ("…" if len(unknown) > 5 else "")
                + "."
            )
        return [found[value] for value in values if value in found]


class OneValueField(NoticeField):
    """A single-valued parameter: when repeated, the last value counts; a bad value is ignored."""

    def __init__(self, *args, parse, **kwargs):
        super().__init__(*args, **kwargs)
        self.parse = parse

    def clean(self, value):
        values = self.values(value)
        if not values:
            return None
        if len(set(values)) > 1:
            self.notices.append(
                f"{self.label}: given {len(values)} times; used the last, {shown(values[-1])}."
            )
        try:
            return self.parse(values[-1])
        except ValidationError as error:
            self.notices.append(f"{self.label}: {shown(values[-1])} ignored. {error.messages[0]}")
            return None


class FacetFilter(django_filters.Filter):
    """A facet of `catalogue.facets` exposed as a repeatable URL parameter."""

    field_class = ManyValuesField

    def __init__(self, facet, **kwargs):
        self.facet = facet
        super().__init__(label=facet.label, resolve=facet.resolve, **kwargs)

    def filter(self, qs, value):
        return self.facet.filter(qs, [choice.key for choice in value]) if value else qs


def parse_search(raw):
    terms = search.SearchTerms.parse(raw)
    if not terms:
        raise ValidationError("It contains no word to search for.")
    return terms


class SearchFilter(django_filters.Filter):
    field_class = OneValueField

    def __init__(self, **kwargs):
        super().__init__(parse=parse_search, **kwargs)

    def filter(self, qs, value):
        return search.matching(qs, value) if value else qs


def parse_date(raw):
    if len(raw) > 64:
        raise ValidationError("A date is at most 64 characters long.")
    return parse_date_range(raw)


class DateBoundFilter(django_filters.Filter):
    """`date_from` keeps documents ending on or after its start; `date_to` those starting on or
    before its end; undated documents drop out once a bound is set."""

    field_class = OneValueField

    def __init__(self, bound, **kwargs):
        self.bound = bound
        super().__init__(parse=parse_date, **kwargs)

    def filter(self, qs, value):
        if value is None:
            return qs
        if self.bound == "from":
            return qs.filter(date_end__gte=value.start)
        return qs.filter(date_start__lte=value.end)


SORTS = {
    "date": "Date, earliest first",
    "-date": "Date, latest first",
    "title": "Title",
    "relevance": "Relevance",
}


def parse_sort(raw):
    if raw not in SORTS:
        raise ValidationError("Sort by " + ", ".join(shown(key) for key in SORTS) + ".")
    return raw


class SortFilter(django_filters.Filter):
    """Read by DocumentFilter.qs; filters nothing."""

    field_class = OneValueField

    def __init__(self, **kwargs):
        super().__init__(parse=parse_sort, **kwargs)

    def filter(self, qs, value):
        return qs


CLASSIFICATIONS = [
    (Classification.NONE, "Not classified"),
    *[(code, label) for code, label in Classification.choices if code != Classification.NONE],
]


class DocumentFilter(django_filters.FilterSet):
    q = SearchFilter(label="Search")
    date_from = DateBoundFilter("from", label="From date")
    date_to = DateBoundFilter("to", label="To date")
    decade = FacetFilter(PeriodFacet("Decade", 10))
    year = FacetFilter(PeriodFacet("Year", 1))
    type = FacetFilter(ChoiceFacet("Type", "doc_type", DocumentType.choices))
    author = FacetFilter(AgentFacet("Author", AUTHORS))
    recipient = FacetFilter(AgentFacet("Recipient", RECIPIENTS))
    person = FacetFilter(person_mentioned_facet())
    place = FacetFilter(place_mentioned_facet())
    organisation = FacetFilter(organisation_mentioned_facet())
    origin = FacetFilter(ForeignKeyFacet("Written at", "place_of_origin", Place, "name"))
    theme = FacetFilter(theme_facet())
    classification = FacetFilter(ChoiceFacet("Classification", "classification", CLASSIFICATIONS))
    collection = FacetFilter(ForeignKeyFacet("Collection", "collection", Collection, "title"))
    scans = FacetFilter(ScansFacet("Scans"))
    language = FacetFilter(ChoiceFacet("Original language", "original_language", Language.choices))
    sort = SortFilter(label="Sort")

    class Meta:
        model = Document
        fields = []

    # --- what was asked -------------------------------------------------------------------

    @property
    def cleaned(self) -> dict:
        self.errors  # noqa: B018  (validates the form once; our fields never fail)
        return getattr(self.form, "cleaned_data", {}) if self.is_bound else {}

    def facet_filters(self):
        return [(name, f) for name, f in self.filters.items() if isinstance(f, FacetFilter)]

    def selected_choices(self, name):
        return self.cleaned.get(name) or []

    @property
    def search_terms(self):
        return self.cleaned.get("q")

    @property
    def sort_order(self) -> str:
        chosen = self.cleaned.get("sort")
        if chosen == "relevance" and not self.search_terms:
            return "date"
        return chosen or ("relevance" if self.search_terms else "date")

    @property
    def notices(self) -> list[str]:
        """What in the query string was ignored or adjusted, in words."""
        if not self.is_bound:
            return []
        self.errors  # noqa: B018
        notices = [notice for field in self.form.fields.values() for notice in field.notices]
        if self.cleaned.get("sort") == "relevance" and not self.search_terms:
            notices.append("Sort: relevance needs a search; sorted by date.")
        date_from, date_to = self.cleaned.get("date_from"), self.cleaned.get("date_to")
        if date_from and date_to and date_from.start > date_to.end:
            notices.append("The “from” date is after the “to” date, so nothing can match.")
        return notices

    def is_filtered(self) -> bool:
        return any(value for name, value in self.cleaned.items() if name != "sort")

    # --- querysets ------------------------------------------------------------------------

    def filter_queryset(self, queryset, exclude=()):
        for name, value in self.cleaned.items():
            if name not in exclude:
                queryset = self.filters[name].filter(queryset, value)
        return queryset

    def counts_every_published_document(self, name) -> bool:
        """Whether facet `name` is counted over every published document: the base queryset is
        the published documents and no other filter is selected (facets then count with an
        anti-join on unpublished documents, see catalogue.facets)."""
        others = any(value for key, value in self.cleaned.items() if key not in (name, "sort"))
        return not others and self._base_is_published

    @cached_property
    def _base_is_published(self) -> bool:
        def ids(queryset):
            return str(queryset.order_by().values("pk").query)

        return ids(self.queryset) == ids(Document.objects.published())

    def queryset_without(self, name):
        """The documents matching every selected filter except `name` (unordered), for counts."""
        return self.filter_queryset(self.queryset.all(), exclude={name}).order_by()

    @property
    def qs(self):
        if not hasattr(self, "_qs"):
            queryset = self.filter_queryset(self.queryset.all())
            self._qs = self.ordered(queryset.defer("search_text", "search_vector"))
        return self._qs

    def ordered(self, queryset):
        in_date_order = [F("date_start").asc(nulls_last=True), "date_end", "identifier"]
        if self.sort_order == "relevance":
            return search.ranked(queryset, self.search_terms).order_by(
                "-search_rank", *in_date_order
            )
        if self.sort_order == "-date":
            return queryset.order_by(
                F("date_start").desc(nulls_last=True), "-date_end", "-identifier"
            )
        if self.sort_order == "title":
            title = Lower(Coalesce(NullIf("title", Value("")), "heading"))
            return queryset.order_by(title, *in_date_order)
        return queryset.order_by(*in_date_order)
