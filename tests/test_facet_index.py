"""The facet index (catalogue/catalogue_index.py): exact counts, fresh after every public change,
drafts never counted, and a constant number of queries per page (issue 12)."""

import itertools
import random

import numpy as np
import pytest
from django.core.cache import caches
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext

from catalogue import catalogue_index, versioning
from catalogue.filters import DocumentFilter
from catalogue.models import (
    Correspondent,
    CorrespondentRole,
    Document,
    DocumentType,
    Language,
    Mention,
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

TYPES = [DocumentType.LETTER, DocumentType.TELEGRAM, DocumentType.NOTE]
LANGUAGES = [Language.choices[0][0], Language.choices[1][0]]


@pytest.fixture
def corpus(db):
    """Forty documents with random facet values, six of them drafts or in review."""
    rng = random.Random(12)
    collections = [make_collection(), make_collection()]
    persons = [make_person(f"Person {i}", slug=f"p-{i}") for i in range(6)]
    places = [make_place(f"Place {i}", slug=f"pl-{i}") for i in range(4)]
    bodies = [make_organisation(f"Body {i}", slug=f"o-{i}") for i in range(3)]
    themes = list(Theme.objects.order_by("slug")[:4])
    documents = []
    for i in range(40):
        year = rng.choice([1919, 1921, 1925, 1932, 1940])
        status = Status.DRAFT if i % 7 == 3 else Status.PUBLISHED
        document = make_document(
            collection=rng.choice(collections),
            doc_type=rng.choice(TYPES),
            original_language=rng.choice(LANGUAGES),
            date_edtf=f"{year}-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}",
            place_of_origin=rng.choice([None, *places]),
            body=rng.choice(["Grain and treaty.", "Treaty of Kars.", "The grain harvest."]),
            status=status,
            import_warnings=["Date unclear."] if i % 5 == 0 else [],
        )
        document.themes.add(*rng.sample(themes, rng.randint(0, 2)))
        for person in rng.sample(persons, rng.randint(0, 3)):
            Mention.objects.create(document=document, person=person)
        for place in rng.sample(places, rng.randint(0, 2)):
            Mention.objects.create(document=document, place=place)
        if rng.random() < 0.4:
            Mention.objects.create(document=document, organisation=rng.choice(bodies))
        author = rng.choice([*persons, *bodies])
        field = "person" if author in persons else "organisation"
        Correspondent.objects.create(
            document=document, role=CorrespondentRole.AUTHOR, **{field: author}
        )
        Correspondent.objects.create(
            document=document, role=CorrespondentRole.RECIPIENT, person=rng.choice(persons)
        )
        documents.append(document)
    return {
        "documents": documents,
        "persons": persons,
        "places": places,
        "bodies": bodies,
        "themes": themes,
        "collections": collections,
    }


def filterset(query: str) -> DocumentFilter:
    return DocumentFilter(QueryDict(query), queryset=Document.objects.published())


def sql_count(query, name, value) -> int:
    """Independently of any facet code: the published documents matching `query` without its
    `name` filter, then with `name=value`, counted by the ORM filters in the database."""
    params = QueryDict(query, mutable=True)
    params.setlist(name, [value])
    return filterset(params.urlencode()).qs.count()


def random_query(rng, corpus) -> str:
    options = {
        "type": [str(t) for t in TYPES],
        "theme": [t.slug for t in corpus["themes"]],
        "person": [p.slug for p in corpus["persons"]],
        "place": [p.slug for p in corpus["places"]],
        "organisation": [b.slug for b in corpus["bodies"]],
        "author": [f"person:{p.slug}" for p in corpus["persons"]]
        + [f"organisation:{b.slug}" for b in corpus["bodies"]],
        "recipient": [f"person:{p.slug}" for p in corpus["persons"]],
        "decade": ["1910", "1920", "1930", "1940"],
        "year": ["1921", "1925"],
        "collection": [c.slug for c in corpus["collections"]],
        "origin": [p.slug for p in corpus["places"]],
        "language": LANGUAGES,
        "scans": ["no"],
        "q": ["grain", "treaty"],
        "date_from": ["1921", "1925-06"],
    }
    params = QueryDict(mutable=True)
    for name in rng.sample(sorted(options), rng.randint(0, 3)):
        many = 1 if name in ("q", "date_from") else rng.randint(1, 2)
        values = rng.sample(options[name], min(many, len(options[name])))
        params.setlist(name, values)
    return params.urlencode()


def test_counts_equal_independent_sql_counts_on_random_filters(corpus):
    rng = random.Random(7)
    for _ in range(25):
        query = random_query(rng, corpus)
        fs = filterset(query)
        indexed = catalogue_index.indexed_list(fs, expanded={n for n, _ in fs.facet_filters()})
        assert indexed is not None, query
        assert indexed.count == fs.qs.count(), query
        for facet in indexed.facets:
            for value in facet.values:
                expected = sql_count(query, facet.name, value.value)
                if facet.name in ("decade", "year", "scans") or not value.selected:
                    assert value.count == expected, (query, facet.name, value.value)
            nonzero = [v for v in facet.values if v.count]
            assert len(nonzero) == len({v.value for v in nonzero})


def test_the_index_lists_the_same_values_as_the_sql_facets(corpus):
    from catalogue.facets import compute_facets

    for query in ["", "type=letter", "theme=" + corpus["themes"][0].slug + "&decade=1920"]:
        fs = filterset(query)
        indexed = catalogue_index.indexed_list(fs)
        in_sql = compute_facets(filterset(query))
        for ours, theirs in zip(indexed.facets, in_sql, strict=True):
            assert ours.name == theirs.name
            assert sorted(v.count for v in ours.values) == sorted(v.count for v in theirs.values)
            assert ours.has_more == theirs.has_more


def test_drafts_are_never_counted(corpus):
    secret = make_person("Secret Person", slug="secret-person")
    draft = make_document(status=Status.DRAFT, doc_type=DocumentType.TELEGRAM)
    Mention.objects.create(document=draft, person=secret)
    fs = filterset("")
    indexed = catalogue_index.indexed_list(fs, expanded={"person"})
    persons = {v.value for f in indexed.facets if f.name == "person" for v in f.values}
    assert "secret-person" not in persons
    assert indexed.count == Document.objects.published().count()
    assert filterset("person=secret-person").qs.count() == 0
    only_secret = catalogue_index.indexed_list(filterset("person=secret-person"))
    assert only_secret.count == 0


def test_a_withdrawal_is_counted_at_once(corpus, client):
    fs = filterset("")
    before = catalogue_index.indexed_list(fs).count
    index = catalogue_index.current_index()
    document = next(d for d in corpus["documents"] if d.status == Status.PUBLISHED)
    document.status = Status.DRAFT  # withdrawn
    document.save()
    assert versioning.current_version() > index.version
    after = catalogue_index.indexed_list(filterset(""))
    assert after.count == before - 1
    assert after.index.version == versioning.current_version()  # caught up, not rebuilt
    assert document.pk not in set(after.index.ids[after.matching].tolist())
    response = client.get("/documents/")
    assert response.context["result_count"] == before - 1
    document.status = Status.PUBLISHED
    document.save()
    assert catalogue_index.indexed_list(filterset("")).count == before


def test_new_links_are_counted_after_a_catch_up(corpus):
    person = corpus["persons"][0]
    catalogue_index.indexed_list(filterset(""))
    document = make_document(doc_type=DocumentType.NOTE)
    Mention.objects.create(document=document, person=person)
    fs = filterset(f"person={person.slug}")
    assert catalogue_index.indexed_list(fs).count == fs.qs.count()


def test_an_index_that_cannot_catch_up_falls_back_to_sql(corpus, client, monkeypatch):
    catalogue_index.indexed_list(filterset(""))
    monkeypatch.setattr(catalogue_index, "caught_up", lambda index, using: None)
    monkeypatch.setattr(catalogue_index, "_rebuild", lambda using: None)
    document = next(d for d in corpus["documents"] if d.status == Status.PUBLISHED)
    document.status = Status.DRAFT
    document.save()
    assert catalogue_index.indexed_list(filterset("")) is None
    response = client.get("/documents/")
    assert response.context["result_count"] == Document.objects.published().count()


def test_a_pruned_log_rebuilds_the_index(corpus):
    first = catalogue_index.current_index()
    versioning.prune_log(versioning.current_version() + 10)
    make_document()
    rebuilt = catalogue_index.current_index()
    assert rebuilt is not first and rebuilt.version == versioning.current_version()
    assert rebuilt.published_count == Document.objects.published().count()


def test_the_index_survives_a_restart_on_disk(corpus, tmp_path, settings):
    settings.CATALOGUE_INDEX_DIR = str(tmp_path)
    built = catalogue_index.build()
    built.save(catalogue_index.index_path())
    catalogue_index.forget()
    loaded = catalogue_index.current_index()
    assert loaded.version == built.version
    assert np.array_equal(loaded.ids, built.ids)
    for name in catalogue_index.LINKS:
        assert np.array_equal(loaded.links[name][1], built.links[name][1])


def test_the_index_is_used_by_the_list_page(corpus, client):
    theme = corpus["themes"][0]
    client.get("/documents/")  # builds the index
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"/documents/?theme={theme.slug}&type=letter")
    assert response.status_code == 200
    sql = " ".join(q["sql"] for q in queries.captured_queries).upper()
    assert "GROUP BY" not in sql and "COUNT(" not in sql


def _bulk(size, tag):
    collection = make_collection()
    person = make_person(f"Bulk {tag}", slug=f"bulk-{tag}")
    types = itertools.cycle(TYPES)
    documents = Document.objects.bulk_create(
        Document(
            collection=collection,
            identifier=f"{tag}{i:06d}",
            heading=f"Grain report {i}",
            search_text="grain report",
            doc_type=next(types),
            status=Status.PUBLISHED,
            date_edtf="1925-01-01",
            date_start="1925-01-01",
            date_end="1925-01-01",
        )
        for i in range(size)
    )
    Mention.objects.bulk_create(Mention(document=d, person=person) for d in documents)
    versioning.record_change("document", None)  # bulk writes send no signals
    return person


@pytest.mark.parametrize("query", ["", "type=letter&person={person}", "q=grain&type=letter"])
def test_list_and_search_query_counts_do_not_grow_with_documents(
    db, client, query, django_assert_max_num_queries
):
    counts = []
    for size, tag in ((10, "S"), (300, "L")):
        person = _bulk(size, tag)
        if connection.vendor == "postgresql":
            Document.objects.filter(identifier__startswith=tag).update(
                search_vector=None
            )  # rebuilt below by the search module
            from catalogue import search

            search.refresh_search_index(Document.objects.filter(identifier__startswith=tag))
        client.get("/documents/")  # the index catches up (or rebuilds) once
        with (
            # Searches: 3 name look-ups and the matches, fetched with their own settings (on
            # PostgreSQL, inside the test's transaction: set, then restored).
            django_assert_max_num_queries(18),
            CaptureQueriesContext(connection) as queries,
        ):
            response = client.get("/documents/?" + query.format(person=person.slug))
        assert response.status_code == 200
        assert b"document-row" in response.content
        counts.append(len(queries))
    assert counts[0] == counts[1]


def _admin_facets(client, query):
    response = client.get("/admin/catalogue/document/?_facets=1&" + query)
    assert response.status_code == 200
    changelist = response.context["cl"]
    shown = {
        spec.title: [choice["display"] for choice in spec.choices(changelist)]
        for spec in changelist.filter_specs
    }
    return changelist.result_count, shown


@pytest.mark.parametrize(
    "query",
    [
        "",
        "doc_type__exact=letter",
        "status__exact=draft",
        "q=grain",
        "q=grain&doc_type__exact=note",
        "import_warnings=yes",
        "import_warnings=no&status__exact=published",
    ],
)
def test_admin_facets_from_the_index_equal_djangos_counts(
    corpus, archivist_client, settings, query
):
    theme = corpus["themes"][0]
    query = query or f"themes__id__exact={theme.pk}"
    indexed = _admin_facets(archivist_client, query)
    settings.CATALOGUE_INDEX = False
    in_sql = _admin_facets(archivist_client, query)
    for title in indexed[1]:
        assert indexed[1][title] == in_sql[1][title], title
    assert indexed == in_sql
    assert any("(" in display for shown in indexed[1].values() for display in shown)


def test_admin_facets_count_drafts_edited_after_the_index_was_built(corpus, archivist_client):
    _admin_facets(archivist_client, "")
    make_document(status=Status.DRAFT, doc_type=DocumentType.TELEGRAM)  # no public change
    count, shown = _admin_facets(archivist_client, "status__exact=draft")
    assert count == Document.objects.exclude(status=Status.PUBLISHED).count()


def test_authority_pages_count_from_the_index_and_drop_a_withdrawn_document(corpus, client):
    person = corpus["persons"][0]
    mentioning = Document.objects.published().filter(mentions__person=person)
    expected = mentioning.count()
    response = client.get(person.get_absolute_url())
    groups = {group.key: group for group in response.context["groups"]}
    assert groups["mentioned"].count == expected
    first = list(mentioning.order_by("date_start", "identifier")[:10])
    assert [d.pk for d in groups["mentioned"].documents] == [d.pk for d in first]
    withdrawn = first[0]
    withdrawn.status = Status.DRAFT
    withdrawn.save()
    response = client.get(person.get_absolute_url())
    groups = {group.key: group for group in response.context["groups"]}
    assert groups["mentioned"].count == expected - 1
    assert withdrawn.pk not in [d.pk for d in groups["mentioned"].documents]
    assert catalogue_index.current_index().version == versioning.current_version()


def test_bounded_ranking_lists_every_match_once(corpus, client, monkeypatch):
    from catalogue import ranking

    monkeypatch.setattr(ranking, "RANK_CANDIDATES", 3)
    matching = filterset("q=grain").qs.count()
    assert matching > 3 + 20  # candidates ranked, the others in date order, over two pages
    shown = []
    for page in (1, 2):
        response = client.get(f"/documents/?q=grain&page={page}")
        shown += [d.pk for d in response.context["page_obj"].object_list]
    assert len(shown) == len(set(shown)) == matching
    assert set(shown) == set(filterset("q=grain").qs.values_list("pk", flat=True))


def test_admin_filter_on_one_theme_needs_no_distinct(corpus, archivist_client):
    theme = corpus["themes"][0]
    with CaptureQueriesContext(connection) as queries:
        count, _ = _admin_facets(archivist_client, f"themes__id__exact={theme.pk}")
    assert count == Document.objects.filter(themes=theme).count()
    distinct_rows = 'DISTINCT "catalogue_document"."id"'
    assert not any(distinct_rows in q["sql"] for q in queries.captured_queries)


def test_forget_searches_empties_the_remembered_matches(corpus, client):
    assert client.get("/documents/?q=grain").status_code == 200
    index = catalogue_index.current_index()
    assert index.searches  # remembered for the next visitor
    catalogue_index.forget_searches()
    assert not catalogue_index.current_index().searches
    for cache in caches.all():
        cache.clear()
    assert client.get("/documents/?q=grain").status_code == 200  # and found again
    assert catalogue_index.current_index().searches
