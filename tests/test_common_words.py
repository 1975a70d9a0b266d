"""Bitmaps of the common words (catalogue/common_words.py): a search for words most documents
contain is answered from the facet index, exactly as PostgreSQL's GIN index answers it, and
stays exact after every change (issue 12: the first search for a common word)."""

import random

import numpy as np
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from catalogue import catalogue_index
from catalogue.models import Document, Status
from catalogue.search import SearchTerms
from tests.factories import make_collection, make_document

POSTGRES = connection.vendor == "postgresql"
pytestmark = pytest.mark.skipif(not POSTGRES, reason="common words are PostgreSQL only")

WORDS = [
    "treaty", "grain", "people's", "frontier", "Soviet-Turkish", "government", "governing",
    "Kars", "Angora", "the", "and", "of", "railway", "concession", "Chicherin", "telegram",
]  # fmt: skip
QUERIES = [
    "treaty", "grain frontier", "people's", "Soviet-Turkish", "govern", "the", "the and",
    "treaty OR", "railway concession treaty", "Kars Angora", "chicherin", "absentword",
    "treaty absentword", "TREATY", "governments", "",
]  # fmt: skip


@pytest.fixture
def every_word_common(settings):
    settings.COMMON_WORDS_FROM = 1
    settings.COMMON_WORDS_SHARE = 0.0  # every word of the sample gets a bitmap


@pytest.fixture
def corpus(db):
    rng = random.Random(4)
    collection = make_collection()
    documents = []
    for i in range(40):
        body = " ".join(rng.choices(WORDS, k=rng.randint(2, 9)))
        status = Status.DRAFT if i % 6 == 1 else Status.PUBLISHED
        documents.append(make_document(collection=collection, body=body, status=status))
    return documents


def gin_mask(index, query) -> np.ndarray:
    """What the GIN index answers (the path used before the bitmaps)."""
    terms = SearchTerms.parse(query)
    ids = catalogue_index._matching_ids(terms, "default")
    return index.mask_of(ids)


def bitmap_mask(index, query) -> np.ndarray | None:
    return catalogue_index._common_words_mask(index, SearchTerms.parse(query), "default")


def assert_same_as_gin(index):
    answered = []
    for query in QUERIES:
        if not SearchTerms.parse(query):
            continue
        from_bitmaps = bitmap_mask(index, query)
        if from_bitmaps is not None:
            answered.append(query)
            assert np.array_equal(from_bitmaps, gin_mask(index, query)), query
        searched = catalogue_index.search_mask(index, SearchTerms.parse(query), "default")
        assert np.array_equal(searched, gin_mask(index, query)), query
    assert {"treaty", "people's", "grain frontier", "Kars Angora"} <= set(answered)


def test_every_common_word_query_equals_the_gin_index(every_word_common, corpus):
    index = catalogue_index.build()
    assert index.common is not None and "treati" in index.common.lexemes
    assert_same_as_gin(index)


def test_a_common_word_search_fetches_no_ids(every_word_common, corpus):
    index = catalogue_index.build()
    with CaptureQueriesContext(connection) as queries:
        mask = catalogue_index.search_mask(index, SearchTerms.parse("treaty"), "default")
    assert mask.sum() > 0
    assert not [q for q in queries if "@@" in q["sql"]], "the GIN index was asked"


def test_drafts_never_match(every_word_common, corpus):
    index = catalogue_index.build()
    drafts = Document.objects.exclude(status=Status.PUBLISHED).values_list("pk", flat=True)
    mask = bitmap_mask(index, "treaty")
    assert not mask[index.positions(list(drafts))].any()


def test_bitmaps_follow_edits_publications_and_deletions(every_word_common, corpus):
    catalogue_index.install(catalogue_index.build())
    first, second, draft = corpus[0], corpus[2], corpus[1]
    first.body = "absentword only"
    first.save()
    draft.status = Status.PUBLISHED
    draft.body = "railway concession absentword"
    draft.save()
    second.delete()
    make_document(collection=first.collection, body="Angora grain absentword")
    index = catalogue_index.current_index()
    assert index is not None and index.common is not None
    assert "absentword" not in index.common.lexemes  # chosen at the build
    for query in ("railway", "grain", "treaty", "concession Kars", "the"):
        assert np.array_equal(bitmap_mask(index, query), gin_mask(index, query)), query


def test_rare_words_are_left_to_the_gin_index(settings, corpus):
    settings.COMMON_WORDS_FROM = 1
    settings.COMMON_WORDS_SHARE = 0.99  # only the headings' words are in every document
    index = catalogue_index.build()
    assert index.common is not None and "treati" not in index.common.lexemes
    assert bitmap_mask(index, "treaty") is None
    mask = catalogue_index.search_mask(index, SearchTerms.parse("treaty"), "default")
    assert np.array_equal(mask, gin_mask(index, "treaty"))


def test_small_catalogues_keep_no_bitmaps(corpus, settings):
    settings.COMMON_WORDS_FROM = 1000
    assert catalogue_index.build().common is None


def test_bitmaps_survive_a_restart_on_disk(every_word_common, corpus, tmp_path):
    index = catalogue_index.build()
    index.save(tmp_path / "index.npz")
    loaded = catalogue_index.CatalogueIndex.load(tmp_path / "index.npz")
    assert loaded.common.lexemes == index.common.lexemes
    assert_same_as_gin(loaded)


def _setting(name):
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting(%s)", [name])
        return cursor.fetchone()[0]


def test_a_search_fetch_goes_through_the_gin_index_with_an_exact_bitmap(corpus):
    """A common word not covered by a bitmap: no sequential scan (which detoasts every vector)
    and enough memory for an exact bitmap (a lossy one re-checks every row)."""
    before = (_setting("work_mem"), _setting("enable_seqscan"))
    with catalogue_index._exact_gin_fetch("default"), connection.cursor() as cursor:
        cursor.execute(
            "EXPLAIN SELECT id FROM catalogue_document "
            "WHERE search_vector @@ plainto_tsquery('english', 'treaty')"
        )
        plan = "\n".join(row[0] for row in cursor.fetchall())
        assert _setting("work_mem") == catalogue_index.SEARCH_WORK_MEM
    assert "Seq Scan" not in plan and "document_search_vector_gin" in plan
    assert (_setting("work_mem"), _setting("enable_seqscan")) == before  # restored after


def test_matching_ids_equal_a_plain_query(corpus):
    terms = SearchTerms.parse("treaty")
    found = catalogue_index._matching_ids(terms, "default")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id FROM catalogue_document WHERE status = 'published' "
            "AND search_vector @@ plainto_tsquery('english', 'treaty') ORDER BY id"
        )
        expected = [row[0] for row in cursor.fetchall()]
    assert found.tolist() == expected and expected


def test_only_the_most_frequent_words_up_to_the_maximum_get_bitmaps(settings, corpus):
    settings.COMMON_WORDS_FROM = 1
    settings.COMMON_WORDS_SHARE = 0.0
    settings.COMMON_WORDS_MAX = 3
    index = catalogue_index.build()
    assert len(index.common.lexemes) == 3
    for query in QUERIES:  # the words left out are still found, through the GIN index
        if SearchTerms.parse(query):
            searched = catalogue_index.search_mask(index, SearchTerms.parse(query), "default")
            assert np.array_equal(searched, gin_mask(index, query)), query
