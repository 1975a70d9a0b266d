"""The read-only JSON API at /api/ (django-ninja)."""

import json
import re
from html.parser import HTMLParser

import pytest
from django.contrib.staticfiles import finders
from django.test import RequestFactory
from openapi_spec_validator import validate

from catalogue.citations.csl import csl_item, for_citation
from catalogue.facets import compute_facets
from catalogue.filters import DocumentFilter
from catalogue.models import Document, Status


def get(client, path, status=200, **params):
    response = client.get(path, params)
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    return response.json()


def expected_ids(query):
    request = RequestFactory().get("/documents/", query)
    filterset = DocumentFilter(request.GET, queryset=Document.objects.published(), request=request)
    return [document.identifier for document in filterset.qs]


# --- Documents --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    [
        {},
        {"type": ["letter", "note"]},
        {"q": "people's"},
        {"q": "Ankara", "sort": "relevance"},
        {"author": "person:chicherin-georgy-vasilyevich"},
        {"date_from": "1938", "date_to": "1939", "sort": "-date"},
        {"theme": "turkey", "classification": "none"},
        {"place": "ankara"},
        {"sort": "title"},
    ],
)
def test_document_list_is_the_public_lists_filtering_and_order(client, seed, query):
    data = get(client, "/api/documents", **query, page_size=100)
    assert [row["identifier"] for row in data["results"]] == expected_ids(query)
    assert data["count"] == len(expected_ids(query))


def test_list_rows_name_authors_and_recipients(client, seed):
    data = get(client, "/api/documents", type="letter")
    (letter,) = data["results"]
    assert letter["identifier"] == "D000001"
    assert letter["url"] == "http://testserver/documents/D000001/"
    assert letter["api_url"] == "http://testserver/api/documents/D000001"
    assert letter["authors"][0]["slug"] == "chicherin-georgy-vasilyevich"
    assert letter["authors"][0]["office_as_stated"]
    assert letter["recipients"][0]["kind"] == "person"
    assert letter["date"] == {
        "as_written": "December 26, 1921",
        "edtf": "1921-12-26",
        "start": "1921-12-26",
        "end": "1921-12-26",
    }


def test_pagination(client, seed):
    first = get(client, "/api/documents", page_size=4)
    assert (first["count"], first["pages"], first["page"]) == (11, 3, 1)
    assert first["previous"] is None
    assert first["next"] == "http://testserver/api/documents?page_size=4&page=2"
    last = get(client, "/api/documents", page_size=4, page=3)
    assert len(last["results"]) == 3 and last["next"] is None
    seen = [row["identifier"] for n in (1, 2, 3) for row in get(
        client, "/api/documents", page_size=4, page=n)["results"]]  # fmt: skip
    assert seen == expected_ids({})


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"page": "abc"}, "page"),
        ({"page": "0"}, "page"),
        ({"page": "4"}, "past the end"),
        ({"page": str(10**15)}, "page"),
        ({"page": "99999"}, "past the end"),
        ({"page_size": "0"}, "page_size"),
        ({"page_size": "101"}, "page_size"),
        ({"type": "poem"}, "unknown value “poem”"),
        ({"author": "chicherin"}, "Author"),
        ({"date_from": "yesterday"}, "From date"),
        ({"sort": "random"}, "Sort"),
        ({"q": "!!!"}, "no word"),
        ({"q": "\x00"}, "no word"),
        ({"place": "\x00\x01"}, "Place mentioned"),
        ({"date_to": "1921-13-45"}, "To date"),
        ({"colour": "red"}, "Unknown parameter “colour”"),
        ({"sort": "relevance"}, "relevance needs a search"),
    ],
)
def test_bad_input_is_a_clear_400(client, seed, query, message):
    data = get(client, "/api/documents", status=400, **query)
    assert any(message in line for line in data["detail"]), data


def test_facets_are_the_public_lists(client, seed):
    query = {"type": "note"}
    data = get(client, "/api/documents/facets", **query)
    request = RequestFactory().get("/documents/", query)
    filterset = DocumentFilter(request.GET, queryset=Document.objects.published(), request=request)
    expected = compute_facets(filterset)
    assert [facet["name"] for facet in data] == [facet.name for facet in expected]
    for got, want in zip(data, expected, strict=True):
        assert [(v["value"], v["count"], v["selected"]) for v in got["values"]] == [
            (v.value, v.count, v.selected) for v in want.values
        ]
    types = next(facet for facet in data if facet["name"] == "type")
    assert {"value": "note", "label": "Note", "count": 4, "selected": True} in types["values"]
    assert get(client, "/api/documents/facets", status=400, expand="nope")["detail"]


def test_document_detail_with_csl_json(client, seed):
    data = get(client, "/api/documents/D000001")
    document = for_citation(Document.objects.all()).get(identifier="D000001")
    assert data["csl"] == json.loads(
        json.dumps(csl_item(document, url="http://testserver/documents/D000001/"))
    )
    assert data["body"] == document.body
    assert data["source_note"] == {
        "as_printed": "Print. By architect.",
        "gloss": "printed from the archive copy",
    }
    assert data["footnotes"][0]["marker"] == "1"
    assert "ankara" in [p["slug"] for p in data["places_mentioned"]]
    assert data["archival_reference"]["archive"] == "AVP RF"
    assert data["citation_downloads"]["bib"] == "http://testserver/documents/D000001/cite.bib"
    printed = get(client, "/api/documents/D000010")["printed_source"]
    assert printed == {
        "series": "Dokumenty vneshnei politiki SSSR",
        "volume": "4",
        "page": "270",
        "number": "",
        "year": "1960",
    }
    archival = get(client, "/api/documents/D000005")["archival_reference"]
    assert archival["cited_as"] == "f. 059, op. 1, p. 322, d. 2216, l. 161–162"


def test_document_detail_query_count_is_constant(client, seed, django_assert_max_num_queries):
    with django_assert_max_num_queries(12):
        get(client, "/api/documents/D000001")


def test_drafts_and_documents_in_review_never_appear(client, seed):
    review = Document.objects.get(identifier="D000002")
    review.status = Status.REVIEW
    review.save()
    for identifier in ("D000012", "D000002"):  # a draft, a document in review
        assert get(client, f"/api/documents/{identifier}", status=404)["detail"]
    listed = [row["identifier"] for row in get(client, "/api/documents", page_size=100)["results"]]
    assert "D000012" not in listed and "D000002" not in listed
    facets = get(client, "/api/documents/facets")
    year_total = sum(v["count"] for f in facets if f["name"] == "year" for v in f["values"])
    assert year_total == Document.objects.published().count() == 10


@pytest.mark.parametrize("identifier", ["X" * 500, "D000001%00", "%E2%80%94", "%0A"])
def test_unknown_identifier_is_404_not_500(client, db, identifier):
    assert get(client, "/api/documents/" + identifier, status=404)["detail"]
    assert get(client, "/api/persons/" + identifier, status=404)["detail"]


# --- Authorities and collections --------------------------------------------------------------


def test_persons_places_organisations_collections(client, seed):
    persons = get(client, "/api/persons", page_size=100)
    assert persons["count"] == 27
    chicherin = get(client, "/api/persons/chicherin-georgy-vasilyevich")
    assert "Tchitcherine" in chicherin["variants"] or chicherin["variants"]
    assert chicherin["offices"]
    written = client.get(chicherin["documents"]["written"].removeprefix("http://testserver"))
    assert {row["identifier"] for row in written.json()["results"]} >= {"D000001"}
    ankara = get(client, "/api/places/ankara")
    assert "Angora" in ankara["variants"] and ankara["latitude"]
    assert get(client, "/api/organisations")["count"] == 9
    collection = get(client, "/api/collections/soviet-foreign-policy-1919-1941")
    assert collection["published_documents"] == 11
    assert get(client, "/api/collections")["results"][0]["slug"] == collection["slug"]
    for path in ("persons", "places", "organisations", "collections"):
        assert get(client, f"/api/{path}/no-such-slug", status=404)["detail"]


# --- Schema, documentation, read-only ---------------------------------------------------------


def test_openapi_schema_validates(client, db):
    schema = get(client, "/api/openapi.json")
    validate(schema)
    paths = schema["paths"]
    assert "/api/documents" in paths and "/api/documents/{identifier}" in paths
    parameters = {p["name"] for p in paths["/api/documents"]["get"]["parameters"]}
    assert {"q", "type", "author", "date_from", "page", "page_size"} <= parameters


def test_no_write_endpoints(client, db):
    schema = get(client, "/api/openapi.json")
    methods = {method for operations in schema["paths"].values() for method in operations}
    assert methods == {"get"}
    for method in ("post", "put", "patch", "delete"):
        response = getattr(client, method)("/api/documents")
        assert response.status_code == 405


class DocsPage(HTMLParser):
    def __init__(self):
        super().__init__()
        self.urls, self.scripts, self.data_blocks = [], [], []
        self._script = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.urls += [attrs[name] for name in ("src", "href") if attrs.get(name)]
        if tag == "script":
            self._script = attrs
        assert not any(name.startswith("on") for name in attrs), attrs
        assert "style" not in attrs

    def handle_endtag(self, tag):
        if tag == "script":
            self._script = None

    def handle_data(self, data):
        if self._script is not None and data.strip():
            if self._script.get("type") == "application/json":
                self.data_blocks.append(data)
            else:
                self.scripts.append(data)


def test_documentation_page_loads_nothing_from_outside_and_has_no_inline_script(client, db):
    response = client.get("/api/docs")
    assert response.status_code == 200
    page = DocsPage()
    page.feed(response.content.decode())
    assert page.urls and all(url.startswith("/") for url in page.urls), page.urls
    assert page.scripts == []  # only script files and a JSON data block: fine under CSP
    (settings_block,) = page.data_blocks
    swagger = json.loads(settings_block)
    assert swagger["url"] == "/api/openapi.json"
    assert swagger["validatorUrl"] is None  # or Swagger UI fetches a badge from outside
    for url in page.urls:
        assert finders.find(url.removeprefix("/static/")), url


def test_swagger_bundle_is_not_configured_to_fetch_from_a_cdn():
    with open(finders.find("ninja/swagger-ui-init.js"), encoding="utf-8") as bundle:
        assert not re.search(r"https?://", bundle.read())
