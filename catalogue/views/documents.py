"""Public pages about documents: home, the faceted list, the reading page, collections."""

import re
from dataclasses import dataclass

from django.core.paginator import Paginator
from django.db.models import Count, Exists, F, Max, Min, OuterRef, Prefetch, Q
from django.http import Http404, HttpResponsePermanentRedirect
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.safestring import mark_safe
from django.views.generic import DetailView, TemplateView

from catalogue import caching, catalogue_index, excerpts, ranking, suggestions
from catalogue.citations import streaming
from catalogue.citations.formats import FORMATS
from catalogue.facets import compute_facets, year_counts
from catalogue.filters import SORTS, DocumentFilter, shown
from catalogue.markers import marker_spans
from catalogue.models import (
    Collection,
    Correspondent,
    CorrespondentRole,
    Document,
    Mention,
    Scan,
    Status,
    public_relation_prefetches,
    public_relations,
)

PER_PAGE = 20
LATEST = 8
VIEW_PARAMETERS = {"page", "more"}  # read by the view, not by DocumentFilter
AUTHOR_ROLES = {CorrespondentRole.AUTHOR, CorrespondentRole.SIGNATORY}


def published_documents():
    return Document.objects.published().defer("search_text", "search_vector")


def with_correspondents(documents):
    """Prefetch authors and recipients with their persons or bodies (one query per page)."""
    return documents.prefetch_related(
        Prefetch(
            "correspondents",
            queryset=Correspondent.objects.select_related("person", "organisation").order_by(
                "order", "pk"
            ),
        )
    )


def list_rows(documents):
    """What a list of documents shows: no body, correspondents prefetched, scans flagged."""
    return with_correspondents(
        documents.select_related("place_of_origin")
        .defer("body", "distribution", "editorial_note", "import_warnings")
        .annotate(has_scans=Exists(Scan.objects.approved().filter(document_id=OuterRef("pk"))))
    )


def split_correspondents(document):
    """(authors and signatories, recipients) from the prefetched correspondents."""
    correspondents = list(document.correspondents.all())
    return (
        [c for c in correspondents if c.role in AUTHOR_ROLES],
        [c for c in correspondents if c.role not in AUTHOR_ROLES],
    )


def evaluated_rows(documents):
    """The documents of a list_rows() queryset, with `authors` and `recipients` set."""
    documents = list(documents)
    for document in documents:
        document.authors, document.recipients = split_correspondents(document)
    return documents


def years_with_counts(documents):
    """(year, count) pairs; cached per catalogue version and the queryset's SQL."""
    sql = str(documents.query)
    return caching.remember("overview:years", [sql], lambda: sorted(year_counts(documents).items()))


# --- Query strings ----------------------------------------------------------------------------


def query_string(params, **changes):
    """`params` (a QueryDict) re-encoded with `changes` (name=list of values, or None to drop)."""
    params = params.copy()
    params.pop("page", None)
    for name, values in changes.items():
        if values is None:
            params.pop(name, None)
        else:
            params.setlist(name, values)
    encoded = params.urlencode()
    return f"?{encoded}" if encoded else "?"


def without_value(params, name, value):
    return query_string(params, **{name: [v for v in params.getlist(name) if v != value]})


@dataclass
class Chip:
    label: str
    remove_url: str


def active_filter_chips(filterset, params):
    chips = []
    terms = filterset.search_terms
    if terms:
        chips.append(Chip(f"Search: {terms.raw}", query_string(params, q=None, sort=None)))
    for name in ("date_from", "date_to"):
        if filterset.cleaned.get(name):
            label = filterset.filters[name].label
            chips.append(
                Chip(f"{label}: {params.getlist(name)[-1]}", query_string(params, **{name: None}))
            )
    for name, facet_filter in filterset.facet_filters():
        for choice in filterset.selected_choices(name):
            chips.append(
                Chip(
                    f"{facet_filter.label}: {choice.label}",
                    without_value(params, name, choice.value),
                )
            )
    return chips


def unknown_parameter_notices(params, filterset):
    known = set(filterset.filters) | VIEW_PARAMETERS
    unknown = [name for name in params if name not in known]
    if not unknown:
        return []
    return ["Ignored unknown parameters: " + ", ".join(shown(name) for name in unknown[:5]) + "."]


# --- Pagination -------------------------------------------------------------------------------


class CachedCountPaginator(Paginator):
    """Counts the results once per catalogue version, list and filters (catalogue.caching).

    `namespace` names the list ("document-list:count"), `parts` every parameter its count
    depends on: two lists never share a count.
    """

    def __init__(self, object_list, per_page, namespace, parts, counter=None, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.namespace, self.parts = namespace, parts
        self.counter = counter or Paginator.count.func.__get__(self)

    @cached_property
    def count(self):
        return caching.remember(self.namespace, self.parts, self.counter)


def paginate(queryset, params, namespace, count_parts, per_page=PER_PAGE, counter=None):
    """(page, notices). Bad page numbers fall back to the first or last page, with a notice.

    The count is cached under `namespace` and `count_parts` (see CachedCountPaginator) and
    computed by `counter` (default: COUNT in SQL); the page query is the second.
    """
    paginator = CachedCountPaginator(
        queryset, per_page, namespace, count_parts, counter=counter, allow_empty_first_page=True
    )
    notices = []
    values = [v for v in params.getlist("page") if v.strip()]
    number = 1
    if values:
        if len(set(values)) > 1:
            notices.append(f"Page: given {len(values)} times; used the last.")
        raw = values[-1].strip()
        if re.fullmatch(r"[0-9]{1,11}", raw):
            number = int(raw)
        else:
            notices.append(f"Page {shown(raw)} is not a page number; showing the first page.")
    if number < 1:
        notices.append("Pages are numbered from 1; showing the first page.")
        number = 1
    elif number > paginator.num_pages:
        notices.append(
            f"Page {number} is past the end; showing the last page ({paginator.num_pages})."
        )
        number = paginator.num_pages
    return paginator.page(number), notices


def page_numbers(page):
    """The first, last and nearby page numbers, with None where numbers are skipped."""
    last = page.paginator.num_pages
    nearby = range(max(1, page.number - 2), min(last, page.number + 2) + 1)
    numbers, previous = [], 0
    for number in sorted({1, last, *nearby}):
        if number - previous > 1:
            numbers.append(None)
        numbers.append(number)
        previous = number
    return numbers


def page_url(params, number):
    base = query_string(params)
    return f"{base}&page={number}" if base != "?" else f"?page={number}"


def pagination_links(page, params):
    """Template context for pagination links that keep the filters."""
    return {
        "previous_url": page_url(params, page.number - 1) if page.has_previous() else "",
        "next_url": page_url(params, page.number + 1) if page.has_next() else "",
        "numbered_pages": [
            (number, page_url(params, number) if number else "") for number in page_numbers(page)
        ],
    }


# --- Views ------------------------------------------------------------------------------------


class DocumentListView(TemplateView):
    """/documents/: search, facets with counts, active filters, sort and pagination."""

    template_name = "catalogue/document_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        params = self.request.GET
        filterset = DocumentFilter(params, queryset=published_documents(), request=self.request)
        expanded = {name for name in params.getlist("more") if name in filterset.filters}
        counts = ListCounts(filterset, expanded)
        page, page_notices = paginate(
            counts.rows(list_rows),
            params,
            namespace="document-list:count",
            count_parts=caching.query_parts(params, ignore=("page", "sort", "more")),
            counter=counts.count,
        )
        terms = filterset.search_terms
        context.update(
            filterset=filterset,
            terms=terms,
            search_query=terms.raw if terms else "",
            page_obj=page,
            result_count=page.paginator.count,
            results_html=results_html(page, params, terms),
            facets=caching.remember(
                "document-list:facets",
                [caching.query_parts(params, ignore=("page", "sort", "more")), sorted(expanded)],
                counts.facets,
            ),
            chips=active_filter_chips(filterset, params),
            exports=export_links(params),
            list_network_url=reverse("catalogue:network")
            + query_string(params, more=None, sort=None),
            export_limit=streaming.export_max(),
            suggestion=search_suggestion(params, terms)
            if terms and not page.paginator.count
            else None,
            notices=[
                *filterset.notices,
                *page_notices,
                *unknown_parameter_notices(params, filterset),
            ],
            sort=filterset.sort_order,
            default_sort="relevance" if terms else "date",
            sorts=[(key, label) for key, label in SORTS.items() if key != "relevance" or terms],
            date_from=(params.getlist("date_from") or [""])[-1][:64],
            date_to=(params.getlist("date_to") or [""])[-1][:64],
            expanded=sorted(expanded),
            params=params,
            filters_query=query_string(params, more=None).rstrip("?"),
            previous_url=page_url(params, page.number - 1) if page.has_previous() else "",
            next_url=page_url(params, page.number + 1) if page.has_next() else "",
            numbered_pages=[
                (number, page_url(params, number) if number else "")
                for number in page_numbers(page)
            ],
        )
        context["facets_html"] = facets_html(context["facets"], params, expanded)
        return context


class ListCounts:
    """The result count, facets and rows of the list: counted by the catalogue index when it
    is current (catalogue.catalogue_index), otherwise in SQL; each computed only when the cache
    does not have it."""

    def __init__(self, filterset, expanded):
        self.filterset, self.expanded = filterset, expanded

    @cached_property
    def indexed(self):
        return catalogue_index.indexed_list(self.filterset, self.expanded)

    def count(self):
        if self.indexed is not None:
            return self.indexed.count
        return self.filterset.qs.count()

    def facets(self):
        if self.indexed is not None:
            return self.indexed.facets
        return compute_facets(self.filterset, expanded=self.expanded)

    def rows(self, shape):
        """The ordered results, shaped by `shape` (list_rows): relevance ranks only a bounded
        set of candidates when the index knows the matches (catalogue.ranking)."""
        if self.filterset.sort_order == "relevance":
            return ranking.BoundedRanking(self.filterset, shape, lambda: self.indexed)
        return shape(self.filterset.qs)


@dataclass
class ExportLink:
    label: str
    extension: str
    url: str


def export_links(params):
    """The list's own query (filters, search, sort; not the page) in every export format."""
    query = query_string(params, more=None)
    return [
        ExportLink(
            export_format.label,
            extension,
            reverse("catalogue:document-list-export", args=[extension]) + query.rstrip("?"),
        )
        for extension, export_format in FORMATS.items()
    ] + [
        ExportLink(
            "CMIF",
            "cmif.xml",
            reverse("catalogue:document-list-cmif") + query.rstrip("?"),
        )
    ]


@dataclass
class SuggestionLink:
    query: str
    url: str


def search_suggestion(params, terms):
    """“Did you mean …?” for a search that found nothing: its misspelled name words corrected
    (catalogue.suggestions), offered only if the corrected search, with the same filters, finds
    published documents."""
    suggestion = suggestions.did_you_mean(terms.raw)
    if suggestion is None:
        return None
    corrected = params.copy()
    corrected.setlist("q", [suggestion.query])
    found = DocumentFilter(corrected, queryset=published_documents()).qs.exists()
    return (
        SuggestionLink(suggestion.query, query_string(params, q=[suggestion.query]))
        if found
        else None
    )


def results_html(page, params, terms):
    """The rendered rows of one page of results, with their search snippets: loading and
    rendering them is most of a cached list page's time, and they change only with the
    catalogue, the query, the sort and the page."""

    def render():
        documents = evaluated_rows(page.object_list)
        explained = excerpts.explain(documents, terms) if terms else {}
        for document in documents:
            document.search_hit = explained.get(document.pk)
        return render_to_string(
            "catalogue/results.html", {"documents": documents, "page_obj": page}
        )

    parts = [caching.query_parts(params, ignore=("page", "more")), page.number]
    return mark_safe(caching.remember("document-list:results-html", parts, render))


def facets_html(facets, params, expanded):
    """The rendered facets: a hundred values with their links are most of the list page's
    rendering time, and they change only with the catalogue and the query (not the page)."""

    def render():
        for facet in facets:
            facet.more_url = query_string(params, more=[*expanded, facet.name]) + f"#{facet.name}"
            facet.fewer_url = query_string(params, more=sorted(expanded - {facet.name}))
        return render_to_string("catalogue/facets.html", {"facets": facets})

    parts = caching.query_parts(params, ignore=("page",))
    return mark_safe(caching.remember("document-list:facets-html", parts, render))


class DocumentDetailView(DetailView):
    """The reading page. /documents/<identifier>/<slug>/ redirects to the permanent URL."""

    template_name = "catalogue/document_detail.html"
    context_object_name = "document"

    def get(self, request, *args, **kwargs):
        if "slug" in kwargs:
            document = get_object_or_404(published_documents(), identifier=kwargs["identifier"])
            return HttpResponsePermanentRedirect(document.get_absolute_url())
        return super().get(request, *args, **kwargs)

    def get_object(self, queryset=None):
        documents = with_correspondents(
            published_documents().select_related("collection", "archive", "place_of_origin")
        ).prefetch_related(
            "themes",
            Prefetch("scans", queryset=Scan.objects.approved().order_by("page")),
            "footnotes",
            Prefetch(
                "mentions",
                queryset=Mention.objects.select_related("person", "organisation", "place"),
            ),
            *public_relation_prefetches(),
        )
        try:
            return documents.get(identifier=self.kwargs["identifier"])
        except Document.DoesNotExist as missing:
            raise Http404("No published document has this identifier.") from missing

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        document = self.object
        authors, recipients = split_correspondents(document)
        mentions = list(document.mentions.all())
        footnotes = list(document.footnotes.all())
        context.update(
            authors=authors,
            recipients=recipients,
            persons_mentioned=sorted(
                (m for m in mentions if m.person_id), key=lambda m: m.person.sort_name
            ),
            organisations_mentioned=sorted(
                (m for m in mentions if m.organisation_id), key=lambda m: m.organisation.name
            ),
            places_mentioned=sorted(
                (m for m in mentions if m.place_id), key=lambda m: m.place.name
            ),
            footnotes=footnotes,
            footnote_entries=[
                (index, note, bool(marker_spans(note.marker, document.body)))
                for index, note in enumerate(footnotes, start=1)
            ],
            related=public_relations(document),
            previous_document=neighbour(document, before=True),
            next_document=neighbour(document, before=False),
        )
        return context


def neighbour(document, before):
    """The published document just before or after this one in date order (undated last).

    Each query is bounded on `date_start`, so it walks the (status, date_start) index from
    this document's date instead of from one end of the catalogue.
    """
    documents = published_documents().only("identifier", "heading", "title", "date_edtf", "slug")
    start, end, identifier = document.date_start, document.date_end, document.identifier
    undated = documents.filter(date_start__isnull=True)
    if start is None:
        if before:
            return (
                undated.filter(identifier__lt=identifier).order_by("-identifier").first()
                or documents.filter(date_start__isnull=False)
                .order_by("-date_start", "-date_end", "-identifier")
                .first()
            )
        return undated.filter(identifier__gt=identifier).order_by("identifier").first()
    if before:
        earlier = (
            Q(date_start__lt=start)
            | Q(date_start=start, date_end__lt=end)
            | Q(date_start=start, date_end=end, identifier__lt=identifier)
        )
        return (
            documents.filter(earlier, date_start__lte=start)
            .order_by("-date_start", "-date_end", "-identifier")
            .first()
        )
    later = (
        Q(date_start__gt=start)
        | Q(date_start=start, date_end__gt=end)
        | Q(date_start=start, date_end=end, identifier__gt=identifier)
    )
    return (
        documents.filter(later, date_start__gte=start)
        .order_by("date_start", "date_end", "identifier")
        .first()
        or undated.order_by("identifier").first()
    )


class HomeView(TemplateView):
    template_name = "catalogue/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            collections=Collection.objects.annotate(
                published_count=Count("documents", filter=Q(documents__status=Status.PUBLISHED))
            ).order_by("title"),
            **overview(published_documents()),
        )
        return context


def overview(documents):
    """Counts, period, latest additions and years of a set of documents, for the home and
    collection pages; the aggregates are cached per catalogue version."""
    counts = caching.remember(
        "overview:counts",
        [str(documents.query)],
        lambda: documents.order_by().aggregate(
            documents=Count("pk"), first=Min("date_start"), last=Max("date_end")
        ),
    )
    latest = documents.order_by(F("published_at").desc(nulls_last=True), "-pk")
    return {
        "document_count": counts["documents"],
        "first_year": counts["first"].year if counts["first"] else None,
        "last_year": counts["last"].year if counts["last"] else None,
        "latest": evaluated_rows(list_rows(latest)[:LATEST]),
        "years": years_with_counts(documents),
    }


class CollectionDetailView(DetailView):
    model = Collection
    template_name = "catalogue/collection_detail.html"
    context_object_name = "collection"

    def get_queryset(self):
        return Collection.objects.select_related("archive")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(overview(published_documents().filter(collection=self.object)))
        return context
