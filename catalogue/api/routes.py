"""The API's endpoints. Thin: filtering, facets and search are catalogue.filters and
catalogue.facets, exactly as the public list uses them."""

import re

from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q
from ninja import Query, Router, Schema
from pydantic import Field

from catalogue.facets import compute_facets
from catalogue.filters import DocumentFilter, shown
from catalogue.models import Collection, Office, Organisation, Person, Place, Status
from catalogue.urls.converters import DocumentIdentifierConverter
from catalogue.views.documents import list_rows, published_documents

from . import schemas, serialise
from .errors import BadRequest, NotFound

MAX_PAGE_SIZE = 100
IDENTIFIER = re.compile(DocumentIdentifierConverter.regex)
SLUG = re.compile(r"[-a-zA-Z0-9_]{1,255}")
PAGING = {"page", "page_size"}

router = Router()


class Paging(Schema):
    page: int = Field(1, ge=1, le=10**9, description="Pages are numbered from 1.")
    page_size: int = Field(20, ge=1, le=MAX_PAGE_SIZE, description="At most 100.")


class DocumentQuery(Schema):
    """The public list's parameters (see /documents/): several values of one parameter are
    combined with OR, different parameters with AND."""

    q: str | None = Field(None, description="Full-text search, as on the site.")
    date_from: str | None = Field(None, description="EDTF or ISO date, e.g. 1921 or 1921-12-26.")
    date_to: str | None = None
    year: list[str] = Field([], description="Start year, e.g. 1921.")
    decade: list[str] = Field([], description="e.g. 1920.")
    type: list[str] = Field([], description="letter, telegram, note, …")
    author: list[str] = Field([], description="person:<slug> or organisation:<slug>")
    recipient: list[str] = Field([], description="person:<slug> or organisation:<slug>")
    person: list[str] = Field([], description="Slug of a person mentioned.")
    organisation: list[str] = Field([], description="Slug of an organisation mentioned.")
    place: list[str] = Field([], description="Slug of a place mentioned.")
    origin: list[str] = Field([], description="Slug of the place of origin.")
    theme: list[str] = []
    classification: list[str] = Field([], description="none, secret, top_secret")
    collection: list[str] = []
    scans: list[str] = Field([], description="yes or no")
    language: list[str] = Field([], description="Original language code, e.g. ru.")
    sort: str | None = Field(None, description="date, -date, title or relevance")


def filterset_for(request, extra=()) -> DocumentFilter:
    """The public list's FilterSet over published documents; anything it would ignore and
    explain on the page is an error here."""
    params = request.GET
    filterset = DocumentFilter(params, queryset=published_documents(), request=request)
    known = set(filterset.filters) | PAGING | set(extra)
    unknown = [name for name in params if name not in known]
    problems = [f"Unknown parameter {shown(name)}." for name in unknown[:5]]
    problems += filterset.notices
    if problems:
        raise BadRequest(*problems)
    return filterset


def page_of(request, queryset, paging: Paging):
    paginator = Paginator(queryset, paging.page_size, allow_empty_first_page=True)
    if paging.page > paginator.num_pages:
        raise BadRequest(
            f"Page {paging.page} is past the end; the last page is {paginator.num_pages}."
        )
    page = paginator.page(paging.page)

    def neighbour(number):
        params = request.GET.copy()
        params["page"] = str(number)
        return request.build_absolute_uri(f"{request.path}?{params.urlencode()}")

    return page, {
        "count": paginator.count,
        "page": page.number,
        "pages": paginator.num_pages,
        "page_size": paging.page_size,
        "next": neighbour(page.number + 1) if page.has_next() else None,
        "previous": neighbour(page.number - 1) if page.has_previous() else None,
    }


# --- Documents --------------------------------------------------------------------------------


@router.get(
    "/documents",
    response={200: schemas.DocumentPage, 400: schemas.Problem},
    url_name="document-list",
    tags=["documents"],
)
def list_documents(request, filters: Query[DocumentQuery], paging: Query[Paging]):
    """Published documents, filtered, searched and sorted as the public list."""
    filterset = filterset_for(request)
    queryset = list_rows(filterset.qs).select_related("collection")
    page, meta = page_of(request, queryset, paging)
    return {**meta, "results": [serialise.document_summary(request, d) for d in page]}


class FacetQuery(DocumentQuery):
    expand: list[str] = Field([], description="Facets to give up to 100 values instead of 8.")


@router.get(
    "/documents/facets",
    response={200: list[schemas.Facet], 400: schemas.Problem},
    url_name="document-facets",
    tags=["documents"],
)
def document_facets(request, filters: Query[FacetQuery]):
    """The public list's facet counts for these filters, each facet counted over the results
    of the other filters. `expand` names facets to give up to 100 values instead of 8."""
    filterset = filterset_for(request, extra={"expand"})
    expand = filters.expand
    unknown = [name for name in expand if name not in filterset.filters]
    if unknown:
        raise BadRequest(f"Unknown facet {shown(unknown[0])} in expand.")
    return [
        {
            "name": facet.name,
            "label": facet.label,
            "has_more": facet.has_more,
            "values": [
                {"value": v.value, "label": v.label, "count": v.count, "selected": v.selected}
                for v in facet.values
            ],
        }
        for facet in compute_facets(filterset, expanded=set(expand))
    ]


@router.get(
    "/documents/{identifier}",
    response={200: schemas.DocumentDetail, 404: schemas.Problem},
    url_name="document-detail",
    tags=["documents"],
)
def get_document(request, identifier: str):
    """A published document with its text, notes, mentions and CSL-JSON. Drafts and
    documents in review answer 404, as on the site."""
    documents = serialise.detail_queryset(published_documents())
    document = None
    if IDENTIFIER.fullmatch(identifier):
        document = documents.filter(identifier=identifier).first()
    if document is None:
        raise NotFound(f"No published document has the identifier {shown(identifier)}.")
    return serialise.document_detail(request, document)


# --- Authorities and collections --------------------------------------------------------------


def authority_list(request, paging, kind, queryset):
    page, meta = page_of(request, queryset, paging)
    return {**meta, "results": [serialise.authority_summary(request, kind, r) for r in page]}


@router.get("/persons", response={200: schemas.AuthorityPage, 400: schemas.Problem},
            url_name="person-list", tags=["authorities"])  # fmt: skip
def list_persons(request, paging: Query[Paging]):
    return authority_list(request, paging, "person", Person.objects.order_by("sort_name", "pk"))


@router.get("/persons/{slug}", response={200: schemas.PersonDetail, 404: schemas.Problem},
            url_name="person-detail", tags=["authorities"])  # fmt: skip
def get_person(request, slug: str):
    person = _get(Person.objects.prefetch_related("variants", _offices()), slug)
    return {
        **_agent(request, "person", person),
        "sort_name": person.sort_name,
        "birth": person.birth,
        "death": person.death,
        "biography": person.biography,
    }


def _agent(request, kind, agent) -> dict:
    """What persons and organisations have alike: names, identifiers, offices, documents."""
    return {
        **serialise.authority_summary(request, kind, agent),
        "variants": [v.name for v in agent.variants.all()],
        "wikidata_id": agent.wikidata_id,
        "viaf_id": agent.viaf_id,
        "offices": serialise.offices(agent.offices.all()),
        "documents": serialise.documents_links(
            request,
            written=("author", f"{kind}:{agent.slug}"),
            received=("recipient", f"{kind}:{agent.slug}"),
            mentioning=(kind, agent.slug),
        ),
    }


@router.get("/organisations", response={200: schemas.AuthorityPage, 400: schemas.Problem},
            url_name="organisation-list", tags=["authorities"])  # fmt: skip
def list_organisations(request, paging: Query[Paging]):
    organisations = Organisation.objects.order_by("name", "pk")
    return authority_list(request, paging, "organisation", organisations)


@router.get("/organisations/{slug}",
            response={200: schemas.OrganisationDetail, 404: schemas.Problem},
            url_name="organisation-detail", tags=["authorities"])  # fmt: skip
def get_organisation(request, slug: str):
    body = _get(Organisation.objects.prefetch_related("variants", _offices()), slug)
    return {
        **_agent(request, "organisation", body),
        "abbreviation": body.abbreviation,
        "description": body.description,
    }


@router.get("/places", response={200: schemas.AuthorityPage, 400: schemas.Problem},
            url_name="place-list", tags=["authorities"])  # fmt: skip
def list_places(request, paging: Query[Paging]):
    return authority_list(request, paging, "place", Place.objects.order_by("name", "pk"))


@router.get("/places/{slug}", response={200: schemas.PlaceDetail, 404: schemas.Problem},
            url_name="place-detail", tags=["authorities"])  # fmt: skip
def get_place(request, slug: str):
    place = _get(Place.objects.prefetch_related("variants"), slug)
    return {
        **serialise.authority_summary(request, "place", place),
        "variants": [v.name for v in place.variants.all()],
        "kind": place.kind,
        "country": place.country,
        "latitude": float(place.latitude) if place.latitude is not None else None,
        "longitude": float(place.longitude) if place.longitude is not None else None,
        "description": place.description,
        "geonames_id": place.geonames_id,
        "wikidata_id": place.wikidata_id,
        "documents": serialise.documents_links(
            request, written_at=("origin", place.slug), mentioning=("place", place.slug)
        ),
    }


def _collections():
    published = Count("documents", filter=Q(documents__status=Status.PUBLISHED))
    return Collection.objects.select_related("archive").annotate(published=published)


@router.get("/collections", response={200: schemas.AuthorityPage, 400: schemas.Problem},
            url_name="collection-list", tags=["collections"])  # fmt: skip
def list_collections(request, paging: Query[Paging]):
    collections = Collection.objects.order_by("title", "pk")
    return authority_list(request, paging, "collection", collections)


@router.get("/collections/{slug}", response={200: schemas.CollectionDetail, 404: schemas.Problem},
            url_name="collection-detail", tags=["collections"])  # fmt: skip
def get_collection(request, slug: str):
    collection = _get(_collections(), slug)
    return {
        **serialise.authority_summary(request, "collection", collection),
        "description": collection.description,
        "series_title": collection.series_title,
        "series_title_translated": collection.series_title_translated,
        "series_publisher": collection.series_publisher,
        "series_place": collection.series_place,
        "series_year": collection.series_year,
        "archive": collection.archive.abbreviation if collection.archive else "",
        "published_documents": collection.published,
        "documents": serialise.documents_links(request, all=("collection", collection.slug))["all"],
    }


def _offices():
    return Prefetch("offices", queryset=Office.objects.select_related("person", "organisation"))


def _get(queryset, slug):
    found = queryset.filter(slug=slug).first() if SLUG.fullmatch(slug) else None
    if found is None:
        raise NotFound(f"Nothing has the slug {shown(slug)}.")
    return found
