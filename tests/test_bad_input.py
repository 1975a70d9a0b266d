"""Bad input never yields a 500: what cannot be used is ignored and explained on the page."""

from urllib.parse import urlencode

import lxml.html
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from catalogue.filters import DocumentFilter
from tests.factories import make_collection, make_document, make_person

pytestmark = pytest.mark.django_db


@pytest.fixture
def documents(db):
    collection = make_collection(slug="main")
    make_person("G. V. Chicherin", slug="chicherin")
    for n in range(3):
        make_document(collection, heading=f"Letter {n}", body="Kars and Erzurum")


def notices(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    tree = lxml.html.fromstring(response.content)
    return response, [
        " ".join(li.text_content().split()) for li in tree.xpath('//div[@class="notices"]//li')
    ]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("type=letter&type=poem", "Type: ignored unknown value “poem”."),
        ("author=person:nobody", "Author: ignored unknown value “person:nobody”."),
        ("author=chicherin", "Author: ignored unknown value “chicherin”."),
        ("place=%00%01", "Place mentioned: ignored unknown value"),
        ("year=0000&decade=1925", "Year: ignored unknown value “0000”."),
        ("decade=1925", "Decade: ignored unknown value “1925”."),
        (
            "date_from=26.12.1921",
            "From date: “26.12.1921” ignored. “26.12.1921” is not a valid EDTF",
        ),
        ("date_to=1921-13-45", "To date: “1921-13-45” ignored."),
        ("date_from=1939&date_to=1921", "The “from” date is after the “to” date"),
        ("sort=random", "Sort: “random” ignored."),
        ("sort=relevance", "Sort: relevance needs a search; sorted by date."),
        ("q=%21%21%21", "Search: “!!!” ignored. It contains no word to search for."),
        ("q=Kars&q=Erzurum", "Search: given 2 times; used the last, “Erzurum”."),
        ("page=abc", "Page “abc” is not a page number; showing the first page."),
        ("page=0", "Pages are numbered from 1; showing the first page."),
        ("page=-3", "Page “-3” is not a page number; showing the first page."),
        ("page=99", "Page 99 is past the end; showing the last page (1)."),
        ("page=%C2%B2", "Page “²” is not a page number"),
        ("page=1&page=2", "Page: given 2 times; used the last."),
        ("utm_source=mail", "Ignored unknown parameters: “utm_source”."),
    ],
)
def test_each_kind_of_bad_input_is_explained(documents, client, query, expected):
    response, shown = notices(client, f"/documents/?{query}")
    assert any(notice.startswith(expected) for notice in shown), shown


def test_valid_values_beside_unknown_ones_still_filter(documents, client):
    response, shown = notices(client, "/documents/?type=letter&type=poem&type=telegram")
    assert response.context["result_count"] == 3
    selected = [c.value for c in response.context["filterset"].selected_choices("type")]
    assert selected == ["letter", "telegram"]


def test_a_very_long_query_is_shortened(documents, client):
    response, shown = notices(client, "/documents/?" + urlencode({"q": "Kars " * 2000}))
    assert response.context["terms"].truncated
    assert len(response.context["search_query"]) <= 200
    assert response.context["result_count"] == 3


def test_too_many_values_of_one_facet(documents, client):
    query = urlencode([("type", f"t{n}") for n in range(40)])
    response, shown = notices(client, f"/documents/?{query}")
    assert any("only the first 30 of 40 values are used" in notice for notice in shown)


def test_good_input_gives_no_notice(documents, client):
    response, shown = notices(client, "/documents/?type=letter&year=1921&q=Kars&sort=title")
    assert shown == []


@pytest.mark.parametrize(
    "url",
    [
        "/documents/%00/",
        "/documents/D999999/",
        "/documents/D000001%27%3B--/",
        "/persons/nobody/",
        "/places/nowhere/",
        "/organisations/none/",
        "/collections/none/",
    ],
)
def test_unknown_addresses_answer_404(documents, client, url):
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("query", ["page=abc", "page=999", "sort=bogus", "sort=name&sort=count"])
def test_indexes_take_bad_input(documents, client, query):
    for url in ("/persons/", "/places/"):
        assert client.get(f"{url}?{query}").status_code == 200


PARAMETERS = [*DocumentFilter.base_filters, "page", "more", "unknown"]
TRICKY_VALUES = [
    "",
    " ",
    "\x00",
    "person:",
    "person:chicherin",
    "organisation:x",
    "1921",
    "1920s",
    "-1",
    "99999999999999999999",
    "1921-12-26/1921-12-01",
    "1921-12-26?",
    "192X",
    "' OR 1=1 --",
    "<script>alert(1)</script>",
    "peopleʹs",
    "Franklin‐Bouillon",
    "relevance",
    "letter",
]
values = st.one_of(st.sampled_from(TRICKY_VALUES), st.text(max_size=40))
query_strings = st.lists(st.tuples(st.sampled_from(PARAMETERS), values), max_size=8)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(pairs=query_strings)
def test_any_query_string_gives_a_page_not_an_error(documents, client, pairs):
    response = client.get("/documents/?" + urlencode(pairs))
    assert response.status_code == 200
    tree = lxml.html.fromstring(response.content)
    assert tree.xpath("//h1/text()") == ["Documents"]


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(pairs=st.lists(st.tuples(st.sampled_from(["page", "sort", "x"]), values), max_size=4))
def test_any_query_string_on_the_indexes(documents, client, pairs):
    for url in ("/persons/", "/places/"):
        assert client.get(f"{url}?{urlencode(pairs)}").status_code == 200
