"""Public pages of persons, organisations and places, and the indexes of persons and places.

Every count and list starts from published documents only.
"""

from dataclasses import dataclass

from django.db.models import Count, Exists, F, IntegerField, OuterRef, Prefetch, Q, Subquery
from django.db.models.functions import Coalesce
from django.http import QueryDict
from django.urls import reverse
from django.views.generic import DetailView, TemplateView

from catalogue import caching, catalogue_index
from catalogue.facets import AUTHORS, RECIPIENTS
from catalogue.filters import shown
from catalogue.models import (
    Correspondent,
    Document,
    Mention,
    Office,
    Organisation,
    Person,
    Place,
    Status,
    on_published_documents,
)

from .documents import (
    evaluated_rows,
    list_rows,
    paginate,
    pagination_links,
    published_documents,
    query_string,
)

SHOWN_PER_GROUP = 10
INDEX_PER_PAGE = 100


@dataclass
class DocumentGroup:
    """Documents in one relation to an authority, with their count and the filtered list URL."""

    key: str
    title: str
    count: int
    documents: list
    list_url: str


def document_group(key, title, documents, list_url, links=None):
    """Count and first documents, cached per catalogue version (see catalogue.caching).

    Given `links` (the Mention or Correspondent rows the documents come from), the count is
    taken from them with an anti-join on unpublished documents, which at a million documents
    counts a person named in 150,000 of them in 15 ms instead of 165 (migration 0007).
    """
    documents = documents.order_by(F("date_start").asc(nulls_last=True), "identifier")

    def compute():
        found = catalogue_index.first_of_group(list_url, SHOWN_PER_GROUP)
        if found is not None:  # the count and the candidates of the first rows from the index
            count, candidates = found
            return count, evaluated_rows(
                list_rows(documents.filter(pk__in=candidates))[:SHOWN_PER_GROUP]
            )
        if links is None:
            count = documents.count()
        else:
            count = on_published_documents(links).aggregate(n=Count("document_id", distinct=True))[
                "n"
            ]
        return count, evaluated_rows(list_rows(documents)[:SHOWN_PER_GROUP])

    count, rows = caching.remember("authority:document-group", [str(documents.query)], compute)
    return DocumentGroup(key=key, title=title, count=count, documents=rows, list_url=list_url)


def linked_group(key, title, model, list_url, **lookup):
    """The group of published documents with a row in `model` (Mention or Correspondent)
    matching `lookup`."""
    links = model.objects.filter(**lookup)
    documents = published_documents().filter(pk__in=links.values("document_id"))
    return document_group(key, title, documents, list_url, links=links)


def documents_url(parameter, value):
    """The document list filtered by one value, e.g. /documents/?author=person%3Achicherin."""
    params = QueryDict(mutable=True)
    params[parameter] = value
    return reverse("catalogue:document-list") + query_string(params)


class AgentDetailView(DetailView):
    """Shared by persons and organisations: documents written, received and mentioning them."""

    agent_field = ""  # "person" or "organisation"
    mention_parameter = ""  # the DocumentFilter parameter of documents mentioning them

    def agent_value(self):
        return f"{self.agent_field}:{self.object.slug}"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        agent = {self.agent_field: self.object}
        context["groups"] = [
            linked_group(
                "written",
                "Written or signed",
                Correspondent,
                documents_url("author", self.agent_value()),
                role__in=AUTHORS,
                **agent,
            ),
            linked_group(
                "received",
                "Received",
                Correspondent,
                documents_url("recipient", self.agent_value()),
                role__in=RECIPIENTS,
                **agent,
            ),
            linked_group(
                "mentioned",
                "Mentioning",
                Mention,
                documents_url(self.mention_parameter, self.object.slug),
                **agent,
            ),
        ]
        return context


class PersonDetailView(AgentDetailView):
    model = Person
    template_name = "catalogue/person_detail.html"
    context_object_name = "person"
    agent_field = "person"
    mention_parameter = "person"

    def get_queryset(self):
        return Person.objects.prefetch_related(
            "variants",
            Prefetch("offices", queryset=Office.objects.select_related("organisation")),
        )


class OrganisationDetailView(AgentDetailView):
    model = Organisation
    template_name = "catalogue/organisation_detail.html"
    context_object_name = "organisation"
    agent_field = "organisation"
    mention_parameter = "organisation"

    def get_queryset(self):
        return Organisation.objects.prefetch_related(
            "variants", Prefetch("offices", queryset=Office.objects.select_related("person"))
        )


class PlaceDetailView(DetailView):
    model = Place
    template_name = "catalogue/place_detail.html"
    context_object_name = "place"

    def get_queryset(self):
        return Place.objects.prefetch_related("variants")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        place = self.object
        context["groups"] = [
            document_group(
                "written",
                "Written at",
                published_documents().filter(place_of_origin=place),
                documents_url("origin", place.slug),
            ),
            linked_group(
                "mentioned", "Mentioning", Mention, documents_url("place", place.slug), place=place
            ),
        ]
        return context


# --- Indexes ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class LinkCount:
    """How many published documents link to an authority through one column, e.g. the
    `person` of Mention. Shown as the attribute `name` on each authority of an index."""

    name: str
    model: type
    field: str

    def rows(self):
        if self.model is Document:
            return Document.objects.filter(status=Status.PUBLISHED)
        return self.model.objects.filter(document__status=Status.PUBLISHED)

    @property
    def document_column(self):
        return "pk" if self.model is Document else "document_id"

    def exists(self):
        return Exists(self.rows().filter(**{self.field: OuterRef("pk")}))

    def subquery(self):
        per_authority = (
            self.rows()
            .filter(**{self.field: OuterRef("pk")})
            .order_by()
            .values(self.field)
            .annotate(n=Count(self.document_column, distinct=True))
            .values("n")
        )
        return Coalesce(Subquery(per_authority, output_field=IntegerField()), 0)

    def for_ids(self, ids) -> dict:
        """{authority id: count} for a page of authorities, in one GROUP BY query."""
        rows = (
            self.rows()
            .filter(**{f"{self.field}__in": ids})
            .order_by()
            .values_list(self.field)
            .annotate(n=Count(self.document_column, distinct=True))
        )
        return dict(rows)


class AuthorityIndexView(TemplateView):
    """A paginated index of the authorities that appear in published documents, with counts.

    Sorted by name, only the page's authorities are counted (one GROUP BY per kind of link);
    sorted by count, every authority must be counted, with correlated subqueries.
    """

    model = None
    sorts = {"name": "Name", "count": "Number of documents"}
    name_ordering = ()
    link_counts = ()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        params = self.request.GET
        sort = (params.getlist("sort") or ["name"])[-1]
        notices = []
        if sort not in self.sorts:
            notices.append(f"Sort: {shown(sort)} ignored; sorted by name.")
            sort = "name"
        appears = Q()
        for link in self.link_counts:
            appears |= Q(link.exists())
        authorities = self.model.objects.filter(appears)
        if sort == "count":
            authorities = authorities.annotate(
                **{link.name: link.subquery() for link in self.link_counts}
            )
            total = sum(
                (F(link.name) for link in self.link_counts[1:]), F(self.link_counts[0].name)
            )
            authorities = authorities.order_by(total.desc(), *self.name_ordering)
        else:
            authorities = authorities.order_by(*self.name_ordering)
        # The count depends only on the kind of authority, never on the sort or the page.
        page, page_notices = paginate(
            authorities,
            params,
            namespace=f"{self.model._meta.model_name}-index:count",
            count_parts=[],
            per_page=INDEX_PER_PAGE,
        )
        rows = list(page.object_list)
        if sort != "count":
            ids = [row.pk for row in rows]
            for link in self.link_counts:
                counts = link.for_ids(ids)
                for row in rows:
                    setattr(row, link.name, counts.get(row.pk, 0))
        context.update(
            page_obj=page,
            authorities=rows,
            total=page.paginator.count,
            sort=sort,
            sorts=self.sorts,
            notices=notices + page_notices,
            **pagination_links(page, params),
        )
        return context


class PersonListView(AuthorityIndexView):
    model = Person
    template_name = "catalogue/person_list.html"
    name_ordering = ("sort_name", "pk")
    link_counts = (
        LinkCount("correspondence_count", Correspondent, "person"),
        LinkCount("mention_count", Mention, "person"),
    )


class PlaceListView(AuthorityIndexView):
    model = Place
    template_name = "catalogue/place_list.html"
    name_ordering = ("name", "pk")
    link_counts = (
        LinkCount("origin_count", Document, "place_of_origin"),
        LinkCount("mention_count", Mention, "place"),
    )
