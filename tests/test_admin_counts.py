"""The document changelist's counts at scale (catalogue.admin.facets, issue 12): every facet
count, the result count and the date hierarchy equal counts computed independently by ORM
filters in SQL, with drafts edited after the index was built, published documents and a
search term; the drafts are read once per request, so the number of queries does not grow with
the documents. SQLite and PostgreSQL."""

import re

import pytest
from django.contrib import admin
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext

from catalogue import catalogue_index, search, versioning
from catalogue.admin.imports import HasImportWarningsFilter
from catalogue.models import Document, DocumentType, Status
from tests.factories import make_collection, make_document
from tests.test_facet_index import corpus  # noqa: F401  (the fixture)

# ruff: noqa: F811

POSTGRES = connection.vendor == "postgresql"
CHANGELIST = "/admin/catalogue/document/"
COUNT = re.compile(r"\((\d+)\)$")
NOT_FILTERS = {"_facets", "q", "o", "p"}


def _searched(documents, q):
    """The admin search box's matches, computed here: the catalogue's full-text search or the
    identifier on PostgreSQL, Django's own search elsewhere (not the code under test)."""
    if POSTGRES:
        return search.matching(documents, search.SearchTerms.parse(q)) | documents.filter(
            identifier=q.strip()
        )
    model_admin = admin.site._registry[Document]
    found, _ = admin.ModelAdmin.get_search_results(model_admin, None, documents, q)
    return found


def independent_count(params: QueryDict) -> int:
    """The documents a changelist query string selects, by ORM filters in SQL."""
    documents = Document.objects.all()
    for name, value in params.items():
        if name in NOT_FILTERS:
            continue
        if name == "import_warnings":
            without = HasImportWarningsFilter.WITHOUT
            documents = documents.exclude(without) if value == "yes" else documents.filter(without)
        elif name.endswith("__isnull"):
            documents = documents.filter(**{name: value in ("1", "True", "true")})
        else:
            documents = documents.filter(**{name: value})
    if params.get("q"):
        documents = _searched(documents, params["q"])
    return documents.distinct().count()


def _changelist(client, query):
    response = client.get(f"{CHANGELIST}?_facets=1&{query}")
    assert response.status_code == 200
    return response


def _shown_counts(response):
    """[(query string of a facet choice, the count shown)] of every facet of the page."""
    changelist = response.context["cl"]
    shown = []
    for spec in changelist.filter_specs:
        for choice in spec.choices(changelist):
            found = COUNT.search(str(choice["display"]))
            if found:
                shown.append((choice["query_string"].lstrip("?"), int(found.group(1))))
    return shown


def _date_hierarchy(response) -> str:
    found = re.search(r'<nav class="toplinks">.*?</nav>', response.content.decode(), re.S)
    return found.group(0) if found else ""


QUERIES = [
    "",
    "q=grain",
    "q=treaty&doc_type__exact=letter",
    "status__exact=draft",
    "status__exact=draft&q=grain",
    "themes__id__exact={theme}&q=treaty",
    "date_start__year=1921",
    "date_start__year=1925&q=grain",
    "date_start__year=1932&date_start__month={month}",
    "import_warnings=yes&q=grain",
    "is_extract__exact=0&original_language__exact=ru",
    "q={identifier}",
]


@pytest.fixture
def drafts_after_the_index(corpus):  # noqa: F811
    """The index is built, then drafts are made and edited: no public change, so only a live
    read of the drafts can count them."""
    version = versioning.current_version()
    assert catalogue_index.current_index() is not None
    late = make_document(
        collection=corpus["collections"][0],
        status=Status.DRAFT,
        doc_type=DocumentType.TELEGRAM,
        date_edtf="1905-05-05",
        body="The grain of a late draft.",
        import_warnings=["Unclear."],
    )
    Document.themes.through.objects.create(document=late, theme=corpus["themes"][0])
    Document.objects.filter(pk=corpus["documents"][3].pk).update(  # a draft, now in review
        status=Status.REVIEW,
        date_edtf="1932-04-02",
        date_start="1932-04-02",
        date_end="1932-04-02",
    )
    assert versioning.current_version() == version
    assert catalogue_index.current_index().version == version
    return {**corpus, "late": late}


def _format(query, corpus):
    return query.format(
        theme=corpus["themes"][0].pk,
        month=Document.objects.filter(date_start__year=1932).first().date_start.month,
        identifier=corpus["documents"][5].identifier,
    )


@pytest.mark.parametrize("query", QUERIES)
def test_admin_counts_equal_independent_sql_counts(drafts_after_the_index, archivist_client, query):
    query = _format(query, drafts_after_the_index)
    response = _changelist(archivist_client, query)
    shown = _shown_counts(response)
    assert len(shown) > 20
    for query_string, count in shown:
        assert count == independent_count(QueryDict(query_string)), query_string
    changelist = response.context["cl"]
    assert changelist.result_count == independent_count(QueryDict(query))
    assert changelist.full_result_count == Document.objects.count()


def test_admin_full_count_needs_no_count_of_every_document(
    drafts_after_the_index, archivist_client
):
    with CaptureQueriesContext(connection) as queries:
        changelist = _changelist(archivist_client, "doc_type__exact=letter").context["cl"]
    assert changelist.full_result_count == Document.objects.count()
    every = 'SELECT COUNT(*) AS "__count" FROM "catalogue_document"'
    assert not [q["sql"] for q in queries.captured_queries if q["sql"].strip() == every]


@pytest.mark.parametrize("query", QUERIES)
def test_admin_date_hierarchy_equals_djangos_own(
    drafts_after_the_index, archivist_client, settings, query
):
    query = _format(query, drafts_after_the_index)
    indexed = _date_hierarchy(_changelist(archivist_client, query))
    settings.CATALOGUE_INDEX = False
    in_sql = _date_hierarchy(_changelist(archivist_client, query))
    assert indexed == in_sql
    if not query:
        assert "date_start__year=1905" in indexed  # the late draft's year
        assert indexed.count("date_start__year=") == 6


@pytest.mark.parametrize("query", ["doc_type__exact=telegram", "q=grain&doc_type__exact=telegram"])
def test_admin_date_hierarchy_asks_no_distinct_dates(
    drafts_after_the_index, archivist_client, query
):
    if "q=" in query and not POSTGRES:
        pytest.skip("on SQLite the admin's search is Django's own, counted by Django")
    with CaptureQueriesContext(connection) as queries:
        page = _date_hierarchy(_changelist(archivist_client, query))
    assert "date_start__year=1905" in page
    sql = " ".join(q["sql"].upper() for q in queries.captured_queries)
    assert "DATE_TRUNC" not in sql  # DISTINCT DATE_TRUNC (PostgreSQL), DJANGO_DATE_TRUNC
    assert "MIN(" not in sql and "MAX(" not in sql


def _bulk(size, tag):
    """`size` documents with the word "grain", every fourth a draft, in two new collections."""
    collections = [make_collection(), make_collection()]
    documents = Document.objects.bulk_create(
        Document(
            collection=collections[i % 2],
            identifier=f"{tag}{i:06d}",
            heading=f"Grain report {i}",
            body="grain report",
            search_text="grain report",
            doc_type=DocumentType.LETTER,
            status=Status.DRAFT if i % 4 == 0 else Status.PUBLISHED,
            date_edtf=f"19{20 + i % 10}-01-01",
            date_start=f"19{20 + i % 10}-01-01",
            date_end=f"19{20 + i % 10}-01-01",
        )
        for i in range(size)
    )
    if POSTGRES:
        search.refresh_search_index(Document.objects.filter(identifier__startswith=tag))
    versioning.record_change("document", None)  # bulk writes send no signals
    return documents


@pytest.mark.parametrize("query", ["", "q=grain", "q=grain&doc_type__exact=letter"])
def test_admin_changelist_queries_do_not_grow_with_documents(db, archivist_client, query):
    counts = []
    for size, tag in ((12, "S"), (400, "L")):
        _bulk(size, tag)
        _changelist(archivist_client, "")  # the index catches up (or rebuilds) once
        with CaptureQueriesContext(connection) as queries:
            response = _changelist(archivist_client, query)
        assert response.context["cl"].result_count == independent_count(QueryDict(query))
        counts.append(len(queries))
        unpublished = 'NOT ("catalogue_document"."status" = \'published\')'
        every_unpublished = (
            f'SELECT COUNT(*) AS "__count" FROM "catalogue_document" WHERE {unpublished}'
        )
        reads = [
            q["sql"]
            for q in queries.captured_queries
            if unpublished in q["sql"] and q["sql"] != every_unpublished  # the full count
        ]
        assert len(reads) <= (1 if POSTGRES else 2), reads  # the drafts (and their themes)
    assert counts[0] == counts[1]
