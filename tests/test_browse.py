"""The faceted document list: OR within a facet, AND across facets, counts over the other
filters, chips, sorting, pagination and a constant number of SQL queries."""

import itertools
from urllib.parse import parse_qs, urlsplit

import lxml.html
import pytest
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext

from catalogue import versioning
from catalogue.facets import DEFAULT_LIMIT, compute_facets
from catalogue.filters import DocumentFilter
from catalogue.models import (
    Classification,
    Correspondent,
    CorrespondentRole,
    Document,
    DocumentType,
    Language,
    Mention,
    Person,
    Place,
    Scan,
    Status,
    Theme,
)
from tests.factories import (
    make_collection,
    make_document,
    make_organisation,
    make_person,
    make_place,
)

pytestmark = pytest.mark.django_db

AUTHOR, RECIPIENT = CorrespondentRole.AUTHOR, CorrespondentRole.RECIPIENT


def link(document, role, agent):
    field = "person" if agent._meta.model_name == "person" else "organisation"
    Correspondent.objects.create(document=document, role=role, **{field: agent})


def mention(document, target):
    Mention.objects.create(document=document, **{target._meta.model_name: target})


@pytest.fixture
def corpus(db):
    """Four published documents and a draft that shares all their values."""
    collection = make_collection(title="Secret documents", slug="secret")
    other_collection = make_collection(title="Other", slug="other")
    chicherin = make_person("G. V. Chicherin", slug="chicherin", sort_name="Chicherin")
    frunze = make_person("M. V. Frunze", slug="frunze", sort_name="Frunze")
    nkid = make_organisation("NKID", slug="nkid")
    ankara, kars = make_place("Ankara", slug="ankara"), make_place("Kars", slug="kars")
    turkey, iran = Theme.objects.get(slug="turkey"), Theme.objects.get(slug="iran")

    d1 = make_document(
        collection,
        heading="Letter to Frunze",
        doc_type=DocumentType.LETTER,
        date_edtf="1921-12-26",
        classification=Classification.SECRET,
    )
    link(d1, AUTHOR, chicherin)
    link(d1, RECIPIENT, frunze)
    mention(d1, ankara)
    d1.themes.add(turkey)

    d2 = make_document(
        collection,
        heading="Telegram to NKID",
        doc_type=DocumentType.TELEGRAM,
        date_edtf="1921-05-13",
    )
    link(d2, AUTHOR, chicherin)
    link(d2, RECIPIENT, nkid)
    mention(d2, kars)
    d2.themes.add(turkey, iran)

    d3 = make_document(
        other_collection,
        heading="Note on Kars",
        doc_type=DocumentType.NOTE,
        date_edtf="1938-03-18",
        original_language=Language.TURKISH,
    )
    link(d3, AUTHOR, nkid)
    link(d3, RECIPIENT, frunze)
    mention(d3, ankara)
    mention(d3, kars)

    d4 = make_document(
        collection,
        heading="Another letter",
        doc_type=DocumentType.LETTER,
        date_edtf="1939-08-20/1939-08-26",
    )
    link(d4, AUTHOR, frunze)

    for status in (Status.DRAFT, Status.REVIEW):
        hidden = make_document(
            collection, heading="Hidden letter", doc_type=DocumentType.LETTER, status=status
        )
        link(hidden, AUTHOR, chicherin)
        link(hidden, RECIPIENT, frunze)
        mention(hidden, ankara)
        hidden.themes.add(turkey)
    return {"d1": d1, "d2": d2, "d3": d3, "d4": d4}


def filterset(query):
    return DocumentFilter(QueryDict(query), queryset=Document.objects.published())


def headings(query):
    return sorted(d.heading for d in filterset(query).qs)


def counts(query):
    """{facet name: {value: count}} as computed for the list page."""
    return {
        facet.name: {value.value: value.count for value in facet.values}
        for facet in compute_facets(filterset(query))
    }


def test_counts_without_filters_cover_published_documents_only(corpus):
    result = counts("")
    assert result["type"] == {"letter": 2, "telegram": 1, "note": 1}
    assert result["author"] == {"person:chicherin": 2, "organisation:nkid": 1, "person:frunze": 1}
    assert result["recipient"] == {"person:frunze": 2, "organisation:nkid": 1}
    assert result["place"] == {"ankara": 2, "kars": 2}
    assert result["theme"] == {"turkey": 2, "iran": 1}
    assert result["collection"] == {"secret": 3, "other": 1}
    assert result["classification"] == {"none": 3, "secret": 1}
    assert result["language"] == {"ru": 3, "tr": 1}
    assert result["year"] == {"1921": 2, "1938": 1, "1939": 1}
    assert result["decade"] == {"1920": 2, "1930": 2}
    assert result["scans"] == {"no": 4}


def test_several_values_of_one_facet_combine_with_or(corpus):
    assert headings("type=letter&type=note") == [
        "Another letter",
        "Letter to Frunze",
        "Note on Kars",
    ]
    assert headings("author=person:chicherin&author=organisation:nkid") == [
        "Letter to Frunze",
        "Note on Kars",
        "Telegram to NKID",
    ]


def test_different_facets_combine_with_and(corpus):
    assert headings("type=letter&place=ankara") == ["Letter to Frunze"]
    assert headings("type=letter&type=note&place=kars") == ["Note on Kars"]
    assert headings("recipient=person:frunze&theme=turkey") == ["Letter to Frunze"]


def test_selected_value_keeps_its_siblings_counts(corpus):
    result = counts("type=letter")
    # The type facet is counted without its own filter ...
    assert result["type"] == {"letter": 2, "telegram": 1, "note": 1}
    # ... every other facet over the two letters only.
    assert result["author"] == {"person:chicherin": 1, "person:frunze": 1}
    assert result["place"] == {"ankara": 1}


def test_counts_of_each_facet_use_all_the_other_filters(corpus):
    result = counts("type=letter&type=note&place=ankara")
    assert result["type"] == {"letter": 1, "note": 1}  # over place=ankara
    assert result["place"] == {"ankara": 2, "kars": 1}  # over letters and notes
    assert result["author"] == {"person:chicherin": 1, "organisation:nkid": 1}  # over both


def test_a_selected_value_without_results_stays_visible_and_checked(corpus):
    facets = {f.name: f for f in compute_facets(filterset("type=telegram&place=ankara"))}
    place_values = {v.value: (v.count, v.selected) for v in facets["place"].values}
    type_values = {v.value: (v.count, v.selected) for v in facets["type"].values}
    assert place_values["ankara"] == (0, True)  # no telegram mentions Ankara
    assert type_values["telegram"] == (0, True)


def test_year_decade_and_date_bounds(corpus):
    assert headings("decade=1920") == ["Letter to Frunze", "Telegram to NKID"]
    assert headings("decade=1930s&year=1938") == ["Note on Kars"]
    assert headings("date_from=1921-06&date_to=1938") == ["Letter to Frunze", "Note on Kars"]
    # A range document overlapping the bound is kept.
    assert headings("date_from=1939-08-25") == ["Another letter"]
    result = counts("decade=1920")
    assert result["year"] == {"1921": 2}
    assert result["decade"] == {"1920": 2, "1930": 2}


def test_collection_language_classification_and_theme(corpus):
    assert headings("collection=other") == ["Note on Kars"]
    assert headings("language=tr") == ["Note on Kars"]
    assert headings("classification=secret") == ["Letter to Frunze"]
    assert headings("theme=iran&theme=turkey") == ["Letter to Frunze", "Telegram to NKID"]


def test_has_scans(corpus):
    Scan.objects.bulk_create(
        [
            Scan(
                document=corpus["d3"],
                page=1,
                image="scans/a.png",
                width=10,
                height=10,
                checksum="a" * 64,
            )
        ]
    )
    assert headings("scans=yes") == ["Note on Kars"]
    assert len(headings("scans=no")) == 3
    assert len(headings("scans=yes&scans=no")) == 4
    assert counts("")["scans"] == {"yes": 1, "no": 3}
    assert counts("type=note")["scans"] == {"yes": 1}
    assert counts("scans=yes")["type"] == {"note": 1}
    assert counts("scans=yes")["scans"] == {"yes": 1, "no": 3}


def test_sort_orders(corpus):
    def order(query):
        return [d.heading for d in filterset(query).qs]

    by_date = ["Telegram to NKID", "Letter to Frunze", "Note on Kars", "Another letter"]
    assert order("") == by_date
    assert order("sort=-date") == by_date[::-1]
    assert order("sort=title") == sorted(by_date)


def test_top_values_then_show_more(db, client):
    collection = make_collection()
    persons = [make_person(f"Person {i:02d}", slug=f"p{i:02d}") for i in range(DEFAULT_LIMIT + 3)]
    documents = [make_document(collection) for _ in persons]
    Mention.objects.bulk_create(  # person i is mentioned in i + 1 documents
        Mention(document=document, person=person)
        for i, person in enumerate(persons)
        for document in documents[: i + 1]
    )
    facets = {f.name: f for f in compute_facets(filterset(""))}
    shown = [v.value for v in facets["person"].values]
    assert facets["person"].has_more
    assert shown == [f"p{i:02d}" for i in reversed(range(3, DEFAULT_LIMIT + 3))]

    page = lxml.html.fromstring(client.get("/documents/").content)
    more = page.xpath('//fieldset[@id="person"]//a[contains(., "Show more")]/@href')
    assert len(more) == 1
    expanded = lxml.html.fromstring(client.get("/documents/" + more[0]).content)
    values = expanded.xpath('//fieldset[@id="person"]//input[@type="checkbox"]/@value')
    assert len(values) == DEFAULT_LIMIT + 3
    assert expanded.xpath('//fieldset[@id="person"]//a[contains(., "Show fewer")]')


def test_list_page_shows_count_chips_and_checked_boxes(corpus, client):
    response = client.get("/documents/?type=letter&type=note&place=ankara&sort=title")
    page = lxml.html.fromstring(response.content)
    assert "2 documents" in page.get_element_by_id("results-heading").text_content()
    titles = [a.text_content() for a in page.xpath('//ol[@class="document-list"]//h3/a')]
    assert titles == ["Letter to Frunze", "Note on Kars"]
    checked = page.xpath('//form[@id="filters"]//input[@checked]/@value')
    assert sorted(checked) == ["ankara", "letter", "note"]
    chips = {
        a.text_content().split("×")[0].strip(): a.get("href")
        for a in page.xpath('//a[@class="chip"]')
    }
    assert set(chips) == {"Type: Letter", "Type: Note", "Place mentioned: Ankara"}
    remaining = parse_qs(urlsplit(chips["Type: Note"]).query)
    assert remaining == {"type": ["letter"], "place": ["ankara"], "sort": ["title"]}
    assert page.xpath('//a[@class="clear-all"]/@href') == ["/documents/"]


def test_every_state_is_a_url_and_pagination_keeps_filters(db, client):
    collection = make_collection()
    Document.objects.bulk_create(
        Document(
            collection=collection,
            identifier=f"L{i:06d}",
            heading=f"Letter {i:02d}",
            doc_type=DocumentType.LETTER,
            status=Status.PUBLISHED,
        )
        for i in range(45)
    )
    make_document(collection, heading="A telegram", doc_type=DocumentType.TELEGRAM)
    page = lxml.html.fromstring(client.get("/documents/?type=letter&sort=title&page=2").content)
    titles = [a.text_content() for a in page.xpath('//ol[@class="document-list"]//h3/a')]
    assert titles == [f"Letter {i:02d}" for i in range(20, 40)]
    assert page.xpath('//ol[@class="document-list"]/@start') == ["21"]
    next_url = page.xpath('//nav[@class="pagination"]//a[@rel="next"]/@href')[0]
    assert parse_qs(urlsplit(next_url).query) == {
        "type": ["letter"],
        "sort": ["title"],
        "page": ["3"],
    }
    last = lxml.html.fromstring(client.get("/documents/" + next_url).content)
    assert len(last.xpath('//ol[@class="document-list"]/li')) == 5


def _bulk_corpus(size):
    """`size` published documents with correspondents, mentions and themes, in few queries."""
    collection = make_collection()
    persons = [make_person(f"Person {i}", slug=f"bulk-person-{i}") for i in range(5)]
    places = [make_place(f"Place {i}", slug=f"bulk-place-{i}") for i in range(5)]
    types = itertools.cycle([DocumentType.LETTER, DocumentType.TELEGRAM, DocumentType.NOTE])
    documents = Document.objects.bulk_create(
        [
            Document(
                collection=collection,
                identifier=f"B{i:06d}",
                heading=f"Bulk document {i}",
                doc_type=next(types),
                status=Status.PUBLISHED,
                date_edtf=f"19{21 + i % 20}-01-0{1 + i % 9}",
                date_start=f"19{21 + i % 20}-01-0{1 + i % 9}",
                date_end=f"19{21 + i % 20}-01-0{1 + i % 9}",
            )
            for i in range(size)
        ]
    )
    Correspondent.objects.bulk_create(
        Correspondent(document=d, role=role, person=persons[(i + shift) % 5])
        for i, d in enumerate(documents)
        for role, shift in ((AUTHOR, 0), (RECIPIENT, 1))
    )
    Mention.objects.bulk_create(
        Mention(document=d, place=places[(i + shift) % 5])
        for i, d in enumerate(documents)
        for shift in (0, 2)
    )
    theme = Theme.objects.get(slug="turkey")
    Document.themes.through.objects.bulk_create(
        Document.themes.through(document=d, theme=theme) for d in documents
    )
    # bulk_create sends no signals: record the change, as catalogue.versioning asks
    versioning.record_change("document", [d.pk for d in documents])


THREE_FACETS = "type=letter&type=note&author=person:bulk-person-0&place=bulk-place-2"
MAX_LIST_QUERIES = 19  # count, page, correspondents, 14 facets, 2 value look-ups


@pytest.mark.parametrize("query", ["", THREE_FACETS], ids=["no filter", "three facets"])
def test_list_page_query_count_does_not_grow_with_documents(
    db, client, query, django_assert_max_num_queries
):
    executed = []
    for size in (10, 200):
        Document.objects.all().delete()
        Person.objects.all().delete()
        Place.objects.all().delete()
        _bulk_corpus(size)
        with (
            django_assert_max_num_queries(MAX_LIST_QUERIES),
            CaptureQueriesContext(connection) as queries,
        ):
            response = client.get(f"/documents/?{query}")
        assert response.status_code == 200
        assert b"document-row" in response.content  # the page did show documents
        executed.append(len(queries))
    assert executed[0] == executed[1]


# Link facets against a count in Python -------------------------------------------------------


@pytest.fixture
def tangled(db):
    """Documents with many ties, drafts, and an author who also signs the same letter."""
    import random

    rng = random.Random(7)
    collection = make_collection()
    persons = [make_person(f"Person {name}", slug=f"tp-{name}") for name in "QWERTYUIOPAS"]
    bodies = [make_organisation(f"Body {name}", slug=f"tb-{name}") for name in "XYZ"]
    places = [make_place(f"Town {name}", slug=f"tt-{name}") for name in "KLMNOPQRST"]
    types = [DocumentType.LETTER, DocumentType.NOTE, DocumentType.TELEGRAM]
    for index in range(40):
        status = Status.DRAFT if index % 9 == 0 else Status.PUBLISHED
        document = make_document(
            collection,
            status=status,
            doc_type=rng.choice(types),
            date_edtf=rng.choice(["1921", "1921-12-26", "1925-03", "1929-11-07", "1934", "1940"]),
            place_of_origin=rng.choice([None, *places[:4]]),
            classification=rng.choice([Classification.NONE, Classification.SECRET]),
        )
        for person in rng.sample(persons, rng.randint(1, 4)):
            Mention.objects.create(document=document, person=person)
        for place in rng.sample(places, rng.randint(0, 3)):
            Mention.objects.create(document=document, place=place)
        agents = rng.sample(persons + bodies, 3)
        author = agents[0]
        kind = "person" if isinstance(author, Person) else "organisation"
        Correspondent.objects.create(document=document, role=AUTHOR, **{kind: author})
        if index % 4 == 0:  # signs the letter they wrote: counted once
            Correspondent.objects.create(
                document=document, role=CorrespondentRole.SIGNATORY, **{kind: author}
            )
        for recipient in agents[1:]:
            kind = "person" if isinstance(recipient, Person) else "organisation"
            Correspondent.objects.create(document=document, role=RECIPIENT, **{kind: recipient})


def expected_values(facet_name, documents, selected, limit):
    """(value, count) in the facet's order, and has_more, counted in Python."""
    ids = set(documents.values_list("pk", flat=True))
    counted, labels = {}, {}
    if facet_name in ("person", "place"):
        for mention in Mention.objects.filter(document_id__in=ids).select_related(facet_name):
            target = getattr(mention, facet_name)
            if target is not None:
                counted.setdefault(target.slug, set()).add(mention.document_id)
                labels[target.slug] = (
                    target.preferred_name if facet_name == "person" else target.name
                )
    else:
        roles = (
            [AUTHOR, CorrespondentRole.SIGNATORY]
            if facet_name == "author"
            else [RECIPIENT, CorrespondentRole.COPY_RECIPIENT]
        )
        links = Correspondent.objects.filter(document_id__in=ids, role__in=roles)
        for link in links.select_related("person", "organisation"):
            agent = link.person or link.organisation
            value = f"{'person' if link.person else 'organisation'}:{agent.slug}"
            counted.setdefault(value, set()).add(link.document_id)
            labels[value] = agent.sort_name if link.person else agent.name
    ranked = sorted(counted, key=lambda value: (-len(counted[value]), labels[value]))
    others = [value for value in ranked if value not in selected]
    shown = [value for value in ranked if value in selected] + others[:limit]
    pairs = [(value, len(counted[value])) for value in shown]
    pairs += [(value, 0) for value in selected if value not in counted]  # shown, with 0
    return pairs, len(others) > limit


@pytest.mark.parametrize(
    "query",
    [
        "",
        "type=letter",
        "person=tp-Q",
        "author=person:tp-W&type=note&type=telegram",
        "recipient=organisation:tb-X&place=tt-K",
        "person=tp-A&person=tp-S&place=tt-T",
    ],
)
def test_link_facets_count_as_python_does(tangled, query):
    current = filterset(query)
    for facet in compute_facets(current):
        if facet.name not in ("person", "place", "author", "recipient"):
            continue
        selected = {choice.value for choice in current.selected_choices(facet.name)}
        expected, has_more = expected_values(
            facet.name, current.queryset_without(facet.name), selected, DEFAULT_LIMIT
        )
        shown = [(value.value, value.count) for value in facet.values]
        # The same values (ties at the cut broken by name in both) with the same counts.
        assert sorted(shown) == sorted(expected), facet.name
        assert [count for _, count in shown] == sorted((c for _, c in shown), reverse=True)
        assert facet.has_more == has_more, facet.name


@pytest.mark.parametrize(
    "query",
    ["", "type=letter", "person=tp-Q&year=1921", "decade=1920&origin=tt-K", "type=note&year=1934"],
)
def test_column_facets_counted_together_equal_one_by_one(tangled, query):
    """PostgreSQL counts the document-column facets in one GROUPING SETS query."""
    from catalogue.facets import column_counts

    current = filterset(query)
    grouped = column_counts(current)
    if connection.vendor != "postgresql":
        assert grouped == {}
        return
    assert {"type", "classification", "language", "collection"} <= set(grouped) | {
        name for name, _ in current.facet_filters() if current.selected_choices(name)
    }
    for name, facet_filter in current.facet_filters():
        if name not in grouped:
            continue
        facet, selected = facet_filter.facet, current.selected_choices(name)
        together = facet.from_groups(grouped[name], selected, DEFAULT_LIMIT)
        one_by_one = facet.counts(current.queryset_without(name), selected, DEFAULT_LIMIT)
        assert together == one_by_one, name
