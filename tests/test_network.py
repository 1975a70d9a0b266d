"""The correspondence network (issue 15, item 2): one aggregate query, exact counts, the list's
filters, never a draft."""

import datetime
import json
import re

from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext

from catalogue.filters import DocumentFilter
from catalogue.models import Correspondent, Document, Person, Status
from catalogue.network import build_network

CHICHERIN = "person:chicherin-georgy-vasilyevich"
ALI_FUAT = "person:cebesoy-ali-fuat"
FRUNZE = "person:frunze-mikhail-vasilyevich"
NKID = "organisation:nkid-ussr"


def page(client, **params):
    response = client.get("/network/", params)
    assert response.status_code == 200
    return response


def graph(response):
    html = response.content.decode()
    block = re.search(
        r'<script id="network-data" type="application/json">(.*?)</script>', html, re.S
    )
    return json.loads(block.group(1)) if block else {"nodes": [], "edges": []}


def edges(response):
    return {(e["source"], e["target"]): e["letters"] for e in graph(response)["edges"]}


def add_letter(sender, recipient, status=Status.PUBLISHED, edtf="1921-06-01"):
    """A letter from `sender` to `recipient` (Person slugs)."""
    collection = Document.objects.get(identifier="D000001").collection
    document = Document.objects.create(
        collection=collection, heading="Test letter", date_edtf=edtf, status=status
    )
    for role, slug in (("author", sender), ("recipient", recipient)):
        Correspondent.objects.create(
            document=document, role=role, person=Person.objects.get(slug=slug)
        )
    return document


def test_collection_network_has_exact_counts_and_no_draft(client, seed):
    found = edges(page(client))
    assert found[(CHICHERIN, ALI_FUAT)] == 2  # D000006, D000007
    assert found[(CHICHERIN, FRUNZE)] == 1
    assert found[("person:kotsiubynsky-yurii", ALI_FUAT)] == 1
    # the draft D000012 (Maisky to NKID) adds nothing
    assert ("person:maisky-ivan-mikhailovich", NKID) not in found
    assert sum(n for (source, target), n in found.items() if target == NKID) == 5
    # the diary has an author but no recipient: no edge
    assert "person:ivanova" not in json.dumps(graph(page(client)))


def test_a_draft_letter_never_counts(client, seed):
    add_letter("chicherin-georgy-vasilyevich", "cebesoy-ali-fuat", status=Status.DRAFT)
    add_letter("chicherin-georgy-vasilyevich", "cebesoy-ali-fuat", status=Status.REVIEW)
    assert edges(page(client))[(CHICHERIN, ALI_FUAT)] == 2
    assert edges(page(client, focus=CHICHERIN))[(CHICHERIN, ALI_FUAT)] == 2
    add_letter("chicherin-georgy-vasilyevich", "cebesoy-ali-fuat")
    assert edges(page(client))[(CHICHERIN, ALI_FUAT)] == 3  # a published one does


def test_chicherins_correspondents_1921_to_1923(client, seed):
    response = page(client, focus=CHICHERIN, date_from="1921", date_to="1923")
    assert edges(response) == {(CHICHERIN, ALI_FUAT): 2, (CHICHERIN, FRUNZE): 1}
    html = response.content.decode()
    assert "Correspondents of Georgy Vasilyevich Chicherin" in html
    # the accessible table: one row per edge, with dates and a link to the letters
    rows = re.findall(r'<tr data-edge="([^"]+)">(.*?)</tr>', html, re.S)
    assert [key for key, _ in rows] == [f"{CHICHERIN}>{ALI_FUAT}", f"{CHICHERIN}>{FRUNZE}"]
    assert '<time datetime="1921-05-13">13 May 1921</time>' in rows[0][1]
    assert '<time datetime="1921-05-18">18 May 1921</time>' in rows[0][1]
    # outside the period: nothing
    assert edges(page(client, focus=CHICHERIN, date_from="1930")) == {}


def test_each_edge_links_to_exactly_its_letters(client, seed):
    for edge in graph(page(client, type="note"))["edges"]:
        listed = client.get(edge["letters_url"])
        assert listed.status_code == 200
        assert listed.context["result_count"] == edge["letters"], edge
        assert "type=note" in edge["letters_url"]


def test_filters_are_the_document_lists(client, seed):
    assert edges(page(client, type="note")) == {
        (CHICHERIN, ALI_FUAT): 2,
        ("person:mdivani-budu", "person:muhtar-ahmet"): 1,
        ("person:kotsiubynsky-yurii", ALI_FUAT): 1,
    }
    assert (CHICHERIN, FRUNZE) in edges(page(client, theme="caucasus"))
    assert (CHICHERIN, ALI_FUAT) not in edges(page(client, theme="afghanistan"))


def test_top_n_edges_most_letters_first(client, seed):
    response = page(client, limit="1")
    assert edges(response) == {(CHICHERIN, ALI_FUAT): 2}
    assert response.context["network"].truncated
    assert not page(client).context["network"].truncated


def test_query_count_does_not_grow_with_the_data(client, seed):
    def count():
        from django.core.cache import cache

        cache.clear()
        with CaptureQueriesContext(connection) as captured:
            page(client)
        return len(captured.captured_queries)

    before = count()
    for _ in range(5):
        add_letter("astakhov-georgy-aleksandrovich", "frunze-mikhail-vasilyevich")
        add_letter("vinogradov-sergei-aleksandrovich", "mikhailov")
    assert count() == before


def test_one_aggregate_query_for_the_edges(seed, settings, django_assert_num_queries):
    settings.CATALOGUE_INDEX = False  # counted in SQL
    with django_assert_num_queries(3):  # edges, persons, bodies
        network = build_network(DocumentFilter(QueryDict(), queryset=Document.objects.published()))
    assert network.edges[0].first == datetime.date(1921, 5, 13)
    assert network.edges[0].last == datetime.date(1921, 5, 18)


def test_bad_input_is_explained(client, seed):
    html = page(client, limit="abc", focus="person:nobody").content.decode()
    assert "Number of pairs" in html and "is not known" in html
    assert edges(page(client, limit="0")) == edges(page(client))


def test_page_is_csp_clean_and_links_from_the_person_and_list(client, seed):
    response = page(client, focus=CHICHERIN)
    html = response.content.decode()
    scripts = re.findall(r"<script([^>]*)>", html)
    for attributes in scripts:
        assert "src=" in attributes or 'type="application/json"' in attributes, attributes
    assert "/static/vendor/cytoscape/cytoscape.min.js" in html
    assert "style=" not in html
    person = client.get("/persons/chicherin-georgy-vasilyevich/").content.decode()
    assert f'href="/network/?focus={CHICHERIN}"' in person
    listing = client.get("/documents/", {"type": "note"}).content.decode()
    assert 'href="/network/?type=note"' in listing


def test_empty_selection(client, seed):
    html = page(client, date_from="1999").content.decode()
    assert "No published document in this selection" in html
    assert "network-data" not in html


def test_empty_form_fields_are_left_out_of_the_letters_links(client, seed):
    response = page(client, focus=CHICHERIN, theme="", date_from="1921", limit="50")
    urls = [edge["letters_url"] for edge in graph(response)["edges"]]
    assert urls and all("theme" not in url and "limit" not in url for url in urls)
    assert all("date_from=1921" in url and "focus" not in url for url in urls)


def test_robots_keep_crawlers_out_of_filter_combinations(client):
    text = client.get("/robots.txt").content.decode()
    assert "Disallow: /network/?" in text.splitlines()


def test_the_collection_network_is_warmed_after_a_public_change(seed):
    from catalogue import warming

    assert "/network/" in warming.paths_to_warm()
    warmed = {w.path: w for w in warming.warm(["/network/"])}
    assert warmed["/network/"].error == ""
