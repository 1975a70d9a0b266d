"""The correspondence network counted by the facet index (catalogue/network_index.py, issues 12
and 15): the same rows, counts, dates and order as the SQL aggregate and as counts computed
independently here from the correspondents, drafts never counted, current after every public
change, SQL when the index cannot answer, and a page whose query count does not grow."""

import datetime
import itertools
import random
from collections import Counter

import numpy as np
import pytest
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext

from catalogue import catalogue_index, network_index, versioning
from catalogue.facets import AUTHORS, RECIPIENTS
from catalogue.filters import DocumentFilter
from catalogue.models import Correspondent, CorrespondentRole, Document, Status, Theme
from catalogue.network import build_network, edge_rows, indexed_edge_rows, network_rows
from tests.factories import make_collection, make_document, make_organisation, make_person

ROLES = list(CorrespondentRole)


@pytest.fixture
def letters(db):
    """Sixty documents with one to three correspondents in random roles (persons and bodies;
    some a sender and a recipient of the same letter), a fifth of them drafts, in review or
    withdrawn, some undated."""
    rng = random.Random(15)
    collections = [make_collection(), make_collection()]
    persons = [make_person(f"Writer {i}", slug=f"w-{i}") for i in range(5)]
    bodies = [make_organisation(f"Office {i}", slug=f"office-{i}") for i in range(2)]
    themes = list(Theme.objects.order_by("slug")[:3])
    statuses = [Status.DRAFT, Status.REVIEW]
    for i in range(60):
        year = rng.choice([1920, 1921, 1923, 1930])
        document = make_document(
            collection=rng.choice(collections),
            doc_type=rng.choice(["letter", "telegram", "note"]),
            date_edtf="" if i % 11 == 5 else f"{year}-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}",
            body=rng.choice(["Grain and treaty.", "Treaty of Kars.", "The grain harvest."]),
            status=statuses[i % 2] if i % 5 == 2 else Status.PUBLISHED,
        )
        document.themes.add(*rng.sample(themes, rng.randint(0, 2)))
        for _ in range(rng.randint(1, 4)):
            agent = rng.choice([*persons, *bodies])
            field = "person" if agent in persons else "organisation"
            Correspondent.objects.get_or_create(
                document=document, role=rng.choice(ROLES), **{field: agent}
            )
    return {"persons": persons, "bodies": bodies, "themes": themes, "collections": collections}


def filterset(query: str) -> DocumentFilter:
    return DocumentFilter(QueryDict(query), queryset=Document.objects.published())


def code(correspondent) -> int:
    if correspondent.person_id:
        return 2 * correspondent.person_id
    return 2 * correspondent.organisation_id + 1


def expected_rows(query: str, focus=None, limit=None) -> list[tuple]:
    """Independently of both paths: for every published document the list shows, each sender
    × each recipient, counted in Python; the first and last dates; most letters first, then by
    sender and recipient (2 × id for a person, 2 × id + 1 for a body)."""
    letters, first, last = Counter(), {}, {}
    focus_code = catalogue_index.agent_code(*focus) if focus else None
    for document in filterset(query).qs.prefetch_related("correspondents"):
        assert document.status == Status.PUBLISHED
        people = list(document.correspondents.all())
        senders = {code(c) for c in people if c.role in AUTHORS}
        recipients = {code(c) for c in people if c.role in RECIPIENTS}
        for pair in itertools.product(senders, recipients):
            if focus_code is not None and focus_code not in pair:
                continue
            letters[pair] += 1
            if document.date_start:
                first[pair] = min(first.get(pair, document.date_start), document.date_start)
            if document.date_end:
                last[pair] = max(last.get(pair, document.date_end), document.date_end)
    ordered = sorted(letters, key=lambda pair: (-letters[pair], pair))
    return [
        (
            *network_index.agent(s),
            *network_index.agent(r),
            letters[(s, r)],
            first.get((s, r)),
            last.get((s, r)),
        )
        for s, r in ordered[: None if limit is None else limit + 1]
    ]


def as_dates(rows):
    """SQLite gives MIN and MAX of dates as text."""

    def day(value):
        return datetime.date.fromisoformat(value) if isinstance(value, str) else value

    return [(*row[:5], day(row[5]), day(row[6])) for row in rows]


def in_sql(query, focus=None, limit=1000):
    fs = filterset(query)
    return as_dates(edge_rows(fs.qs.order_by(), not fs.is_filtered(), focus, limit))


def queries(letters):
    persons, bodies = letters["persons"], letters["bodies"]
    theme = letters["themes"][0].slug
    collection = letters["collections"][0].slug
    return [
        "",
        "date_from=1921&date_to=1923",
        f"theme={theme}",
        "type=letter&type=note",
        f"collection={collection}&date_to=1925",
        f"author=person:{persons[0].slug}",
        f"recipient=organisation:{bodies[0].slug}&date_from=1921",
        "q=grain",
        "date_from=1950",
    ]


def test_index_and_sql_equal_independent_counts(letters):
    agents = [("person", p.pk) for p in letters["persons"]]
    agents += [("organisation", b.pk) for b in letters["bodies"]]
    for query in queries(letters):
        for focus in [None, *agents]:
            expected = expected_rows(query, focus)
            indexed = indexed_edge_rows(filterset(query), focus, limit=1000)
            assert indexed == expected, (query, focus)
            assert in_sql(query, focus) == expected, (query, focus)
    assert expected_rows("")[0][4] > 1  # the corpus has edges of several letters …
    assert any(row[0] == row[2] or row[1] == row[3] for row in expected_rows(""))  # … to self
    assert any(row[5] is None for row in expected_rows(""))  # … and undated ones


def test_top_n_and_ties_are_the_same_on_both_paths(letters):
    counts = [row[4] for row in expected_rows("")]
    assert len(counts) != len(set(counts))  # ties to break
    for limit in (1, 2, 3, 5, 8, 13):
        for query in ("", "date_from=1921"):
            expected = expected_rows(query, limit=limit)
            assert indexed_edge_rows(filterset(query), limit=limit) == expected
            assert in_sql(query, limit=limit) == expected


def test_no_draft_in_any_edge(letters):
    hidden = make_person("Hidden Writer", slug="hidden-writer")
    for status in (Status.DRAFT, Status.REVIEW):
        document = make_document(status=status)
        for role in ("author", "recipient"):
            Correspondent.objects.create(document=document, role=role, person=hidden)
    rows = indexed_edge_rows(filterset(""), limit=1000)
    assert hidden.pk not in {row[0] for row in rows} | {row[2] for row in rows}
    assert indexed_edge_rows(filterset(""), ("person", hidden.pk)) == []
    assert in_sql("", ("person", hidden.pk)) == []


def test_a_public_change_is_applied_at_catch_up(letters, monkeypatch):
    index = catalogue_index.current_index()
    assert index.network is not None  # built with the index
    monkeypatch.setattr(network_index, "build", lambda *a: pytest.fail("rebuilt, not updated"))
    writer, office = letters["persons"][0], letters["bodies"][1]
    new = make_document(date_edtf="1899-01-02")
    Correspondent.objects.create(document=new, role="signatory", person=writer)
    Correspondent.objects.create(document=new, role="copy_recipient", organisation=office)
    withdrawn = (
        Document.objects.published().filter(correspondents__isnull=False).exclude(pk=new.pk)
    ).first()
    withdrawn.status = Status.DRAFT  # withdrawn
    withdrawn.save()
    rows = indexed_edge_rows(filterset(""), limit=1000)
    assert catalogue_index.current_index().version == versioning.current_version()
    assert rows == expected_rows("")
    mine = [r for r in rows if r[0] == writer.pk and r[3] == office.pk]
    assert mine[0][5] == datetime.date(1899, 1, 2)
    published = Document.objects.filter(pk=withdrawn.pk)
    published.update(status=Status.PUBLISHED)
    versioning.record_change("document", [withdrawn.pk])
    assert indexed_edge_rows(filterset(""), limit=1000) == expected_rows("")


def test_sql_when_the_index_cannot_catch_up(letters, monkeypatch):
    catalogue_index.current_index()
    monkeypatch.setattr(catalogue_index, "caught_up", lambda index, using: None)
    monkeypatch.setattr(catalogue_index, "_rebuild", lambda using: None)
    document = Document.objects.published().filter(correspondents__isnull=False).first()
    document.status = Status.DRAFT
    document.save()
    assert indexed_edge_rows(filterset("")) is None
    assert network_rows(filterset(""), limit=1000) == in_sql("") == expected_rows("")


def test_the_pairs_are_saved_with_the_index(letters, tmp_path, settings):
    settings.CATALOGUE_INDEX_DIR = str(tmp_path)
    built = catalogue_index.build()
    built.save(catalogue_index.index_path())
    catalogue_index.forget()
    loaded = catalogue_index.current_index()
    for name in network_index.ARRAYS:
        assert np.array_equal(getattr(loaded.network, name), getattr(built.network, name))
    loaded.network = None  # a file of an older build: the pairs are joined when first used
    assert indexed_edge_rows(filterset(""), limit=1000) == expected_rows("")


def test_join_pairs_every_sender_with_every_recipient():
    authors = (np.array([3, 0, 3, 7]), np.array([10, 11, 12, 13]))
    recipients = (np.array([3, 5, 3, 0]), np.array([20, 21, 22, 23]))
    positions, senders, to = network_index.join(authors, recipients, size=8)
    found = sorted(zip(positions.tolist(), senders.tolist(), to.tolist(), strict=True))
    assert found == [(0, 11, 23), (3, 10, 20), (3, 10, 22), (3, 12, 20), (3, 12, 22)]


def test_new_edges_are_numbered_after_the_known_ones():
    empty = np.zeros(0, dtype=np.int64)
    keys, order, numbers = network_index._numbered(empty, empty, np.array([9, 4, 9]))
    assert keys.tolist() == [4, 9] and numbers.tolist() == [1, 0, 1]
    keys, order, numbers = network_index._numbered(keys, order, np.array([7, 4, 1, 7]))
    assert keys.tolist() == [4, 9, 1, 7]  # the known edges keep their numbers
    assert keys[order].tolist() == [1, 4, 7, 9]
    assert numbers.tolist() == [3, 0, 2, 3]


def page_queries(client):
    """The queries of a first visit (caches empty) once the index is current."""
    from django.core.cache import cache

    catalogue_index.current_index()  # built or caught up, as by an earlier request
    cache.clear()
    with CaptureQueriesContext(connection) as captured:
        assert client.get("/network/", {"date_from": "1921"}).status_code == 200
    return [q["sql"] for q in captured.captured_queries]


@pytest.mark.parametrize("indexed", [True, False])
def test_page_query_count_does_not_grow_with_documents(letters, client, settings, indexed):
    settings.CATALOGUE_INDEX = indexed
    before = page_queries(client)
    writer, office = letters["persons"][1], letters["bodies"][0]
    collection = make_collection()
    documents = Document.objects.bulk_create(
        Document(
            collection=collection,
            identifier=f"B{i:05d}",
            heading=f"Bulk letter {i}",
            status=Status.PUBLISHED,
            date_edtf="1925-01-01",
            date_start="1925-01-01",
            date_end="1925-01-01",
        )
        for i in range(300)
    )
    Correspondent.objects.bulk_create(
        Correspondent(document=d, role=role, **agent)
        for d in documents
        for role, agent in (("author", {"person": writer}), ("recipient", {"organisation": office}))
    )
    versioning.record_change("document", None)  # bulk writes send no signals
    after = page_queries(client)
    assert len(after) == len(before)
    grouped = [sql for sql in after if "GROUP BY" in sql.upper()]
    assert bool(grouped) != indexed  # the index path counts without SQL
    network = build_network(filterset("date_from=1921"))
    top = expected_rows("date_from=1921")[0]
    assert top[:4] == (writer.pk, None, None, office.pk) and top[4] >= 300
    assert network.edges[0].letters == top[4]
