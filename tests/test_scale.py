"""Issue 7: the synthetic catalogue generator, the benchmark command and the scale indexes.

No timing is asserted anywhere: the benchmark is checked for running end to end and for the
shape of what it reports.
"""

import hashlib
import json
from collections import Counter

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.db.models import Count

from catalogue import benchmarking
from catalogue.dates import parse_date_range
from catalogue.markers import mismatched_markers
from catalogue.models import (
    Correspondent,
    Document,
    Footnote,
    Mention,
    Person,
    PersonName,
    Place,
    PlaceName,
    Status,
    Theme,
)
from catalogue.search import SearchTerms, index_parts, matching, refresh_search_index
from catalogue.synthetic import GenerationError, Plan, flush, generate
from catalogue.synthetic.documents import THEME_WEIGHTS
from catalogue.synthetic.loader import catalogue_models
from tests.factories import make_collection

POSTGRES = connection.vendor == "postgresql"


@pytest.fixture
def themes(db):
    """The themes migration 0002 creates (a flushed test database may have lost them)."""
    for slug in THEME_WEIGHTS:
        Theme.objects.get_or_create(slug=slug, defaults={"name": slug.replace("-", " ").title()})


def small_plan(documents=120, **options):
    options = {"seed": 7, "persons": 60, "places": 40, "organisations": 20, **options}
    return Plan.for_size(documents, **options)


def catalogue_digest() -> str:
    """A fingerprint of every catalogue table's rows, in primary-key order (edit counters and
    history timestamps aside: how often a row was saved depends on the batch size, and when, on
    the clock, not on what it holds)."""
    digest = hashlib.sha256()
    for model in catalogue_models():
        fields = [
            f.attname
            for f in model._meta.concrete_fields
            if f.name not in ("search_vector", "edit_version", "history_date")
        ]
        for row in model.objects.order_by("pk").values_list(*fields):
            digest.update(repr(row).encode())
    if POSTGRES:
        vectors = Document.objects.order_by("pk").values_list("search_vector", flat=True)
        digest.update(repr([str(v) for v in vectors]).encode())
    return digest.hexdigest()


def regenerate(plan):
    call_command("generate_catalogue", plan.documents, flush=True, verbosity=0, **_options(plan))


def _options(plan):
    return {
        "seed": plan.seed,
        "persons": plan.persons,
        "places": plan.places,
        "organisations": plan.organisations,
        "batch": plan.batch,
        "jobs": plan.jobs,
    }


# --- Determinism ------------------------------------------------------------------------------


def test_same_seed_gives_the_same_catalogue_whatever_ids_were_taken_before(themes):
    generate(small_plan(30, block_size=30))
    first = catalogue_digest()
    flush("default")
    make_collection().delete()  # takes an id, as rolled-back tests or deleted records do
    generate(small_plan(30, block_size=30))
    assert catalogue_digest() == first


def test_same_seed_gives_the_same_catalogue_whatever_the_batch_size(themes):
    plan = small_plan(90, block_size=30, batch=30)
    generate(plan)
    first = catalogue_digest()
    call_command("generate_catalogue", 1, flush=True, verbosity=0, seed=99)  # something else
    assert catalogue_digest() != first
    flush("default")
    generate(small_plan(90, block_size=30, batch=90))
    assert catalogue_digest() == first


def test_another_seed_gives_another_catalogue(themes):
    generate(small_plan(40))
    first = catalogue_digest()
    regenerate(small_plan(40, seed=8))
    assert catalogue_digest() != first


@pytest.mark.skipif(not POSTGRES, reason="parallel writing processes are PostgreSQL only")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_parallel_processes_write_the_same_catalogue_as_one():
    plan = small_plan(90, block_size=15, batch=15)
    regenerate(plan)
    one_process = catalogue_digest()
    regenerate(small_plan(90, block_size=15, batch=15, jobs=3))
    assert catalogue_digest() == one_process
    assert Document.objects.count() == 90


# --- Shape ------------------------------------------------------------------------------------


@pytest.fixture
def generated(themes):
    generate(small_plan(300))


def test_documents_have_identifiers_from_their_primary_keys(generated):
    documents = Document.objects.order_by("pk")
    assert documents.count() == 300
    assert [d.identifier for d in documents] == [f"D{d.pk:06d}" for d in documents]


def test_mentions_correspondents_footnotes_and_drafts_in_range(generated):
    mentions = Counter(Mention.objects.values_list("document_id", flat=True))
    correspondents = Counter(Correspondent.objects.values_list("document_id", flat=True))
    pks = list(Document.objects.values_list("pk", flat=True))
    assert {mentions[pk] for pk in pks} <= set(range(3, 9))
    assert {correspondents[pk] for pk in pks} <= {1, 2, 3}
    with_notes = Document.objects.filter(footnotes__isnull=False).distinct().count()
    assert 0.2 < with_notes / 300 < 0.47  # about a third
    unpublished = Document.objects.exclude(status=Status.PUBLISHED).count()
    assert 0 < unpublished / 300 < 0.1  # a few percent
    assert Document.objects.filter(status=Status.DRAFT).exists()


def test_every_theme_link_and_footnote_person_is_consistent(generated):
    assert Document.objects.annotate(n=Count("themes")).filter(n=0).count() == 0
    assert Document.objects.annotate(n=Count("themes")).filter(n__gt=3).count() == 0
    biographies = Footnote.objects.filter(kind="biographical")
    assert biographies.exists()
    for note in biographies.prefetch_related("persons"):
        (person,) = note.persons.all()
        assert person.preferred_name in note.text
        assert Mention.objects.filter(document=note.document_id, person=person).exists()


def test_dates_are_within_the_period_and_as_derive_dates_makes_them(generated):
    precisions = Counter()
    for document in Document.objects.all():
        if not document.date_edtf:
            assert document.date_start is None and document.date_precision == ""
            continue
        derived = parse_date_range(document.date_edtf)
        assert (document.date_start, document.date_end) == (derived.start, derived.end)
        assert document.date_precision == derived.precision
        assert document.date_uncertain == derived.uncertain
        assert document.date_approximate == derived.approximate
        assert 1919 <= document.date_start.year <= document.date_end.year <= 1941
        assert document.date_written
        precisions[document.date_precision] += 1
    assert {"day", "month", "year", "range"} <= set(precisions)
    assert precisions["day"] > sum(precisions.values()) / 2


def test_bodies_have_200_to_2000_words_quirks_and_matching_footnote_markers(generated):
    quirks = 0
    for document in Document.objects.prefetch_related("footnotes"):
        assert 200 <= len(document.body.split()) <= 2000
        quirks += "\u02b9" in document.body
        markers = [note.marker for note in document.footnotes.all()]
        assert mismatched_markers(document.body, markers) == ([], [])
    assert quirks > 100


def test_authorities_have_variants_and_the_popular_are_named_most(generated):
    assert Person.objects.count() == 60 and Place.objects.count() == 40
    assert PersonName.objects.values("person").distinct().count() == 60
    assert PlaceName.objects.exists()
    assert Place.objects.get(name="Ankara").variants.filter(name="Angora").exists()
    counts = Counter(Mention.objects.exclude(person=None).values_list("person_id", flat=True))
    assert counts[1] > counts[60]  # Zipf: the first person is far more often mentioned


def test_search_index_is_exactly_what_catalogue_search_computes(generated):
    documents = Document.objects.order_by("pk")[:60]
    if POSTGRES:
        stored = {d.pk: str(d.search_vector) for d in documents}
        refresh_search_index(Document.objects.filter(pk__in=stored))
        fresh = {d.pk: str(d.search_vector) for d in Document.objects.filter(pk__in=stored)}
        assert stored == fresh
        assert all(stored.values())
    else:
        from catalogue.search import _with_index_relations

        for document in _with_index_relations(Document.objects.filter(pk__lte=60)):
            expected = " ".join(text for text in index_parts(document).values() if text)
            assert document.search_text == expected


def test_generated_documents_are_found_by_their_places_old_names(generated, client):
    published = Document.objects.published()
    found = matching(published, SearchTerms.parse("Angora")).values_list("pk", flat=True)
    mentioning = published.filter(mentions__place__name="Ankara").values_list("pk", flat=True)
    assert set(mentioning) and set(mentioning) <= set(found)
    document = published.order_by("pk").first()
    assert client.get(f"/documents/{document.identifier}/").status_code == 200


# --- Refusals ---------------------------------------------------------------------------------


def test_generating_into_a_non_empty_catalogue_is_refused(generated):
    with pytest.raises(GenerationError, match="not empty"):
        generate(small_plan(10))
    with pytest.raises(CommandError, match="not empty"):
        call_command("generate_catalogue", 10, verbosity=0)


def test_generate_catalogue_rejects_a_size_of_zero(db):
    with pytest.raises(CommandError):
        call_command("generate_catalogue", "0", verbosity=0)


def test_benchmark_refuses_an_empty_catalogue(db):
    with pytest.raises(CommandError, match="empty"):
        call_command("benchmark", repeat=1, verbosity=0)


# --- Benchmark --------------------------------------------------------------------------------


def test_percentile_is_nearest_rank():
    samples = list(range(1, 21))  # 1 .. 20
    assert benchmarking.percentile(samples, 0.95) == 19
    assert benchmarking.percentile(samples, 0.5) == 10
    assert benchmarking.percentile([5.0], 0.95) == 5.0


def test_benchmark_runs_end_to_end_and_writes_json(themes, tmp_path, capsys):
    call_command(
        "generate_catalogue", 50, seed=3, persons=30, places=20, organisations=10, verbosity=0
    )
    out = tmp_path / "bench.json"
    call_command("benchmark", repeat=2, json_path=str(out), verbosity=1)
    printed = capsys.readouterr().out
    report = json.loads(out.read_text())
    assert {"machine", "database", "settings", "choices", "results", "skipped"} <= set(report)
    assert report["database"]["documents"] == 50
    names = [result["name"] for result in report["results"]]
    expected = {
        "list",
        "list_1_facet",
        "list_3_facets",
        "list_5_facets",
        "search",
        "search_2_facets",
        "document",
        "person",
        "admin_changelist",
        "admin_changelist_plain",
    }
    assert expected <= set(names)
    assert "export" in names or [s["name"] for s in report["skipped"]] == ["export"]
    for result in report["results"]:
        assert result["status"] == 200, result
        assert result["repeat"] == 2
        assert 0 < result["median_ms"] <= result["p95_ms"] <= result["max_ms"]
        assert result["peak_memory_kb"] > 0
        assert result["uncached_queries"] >= result["queries"]
        assert result["uncached_queries"] > 0 and result["uncached_floor_ms"] is not None
        assert (result["sql_floor_ms"] is None) == (result["queries"] == 0)
        assert (result["sql_server_ms"] is not None) == POSTGRES
        assert result["name"] in printed
    by_name = {result["name"]: result for result in report["results"]}
    cached_list = by_name["list"]
    assert cached_list["queries"] < cached_list["uncached_queries"]
    assert [w["path"] for w in report["warming"]][:2] == ["/", "/documents/"]
    assert all(w["ms"] > 0 and not w["error"] for w in report["warming"])
    assert "person=" in by_name["list_3_facets"]["url"]
    assert "q=" in by_name["search_2_facets"]["url"]
    assert by_name["person"]["url"].endswith(f"/{report['choices']['person']}/")
    assert not get_user_model().objects.filter(username__startswith="benchmark-").exists()


# --- Indexes ----------------------------------------------------------------------------------


def index_names(table):
    with connection.cursor() as cursor:
        return {
            name
            for name, info in connection.introspection.get_constraints(cursor, table).items()
            if info["index"]
        }


def test_scale_indexes_exist(db):
    assert {"mention_person_document", "mention_place_document", "mention_org_document"} <= (
        index_names("catalogue_mention")
    )
    assert {"correspondent_person_role", "correspondent_org_role"} <= index_names(
        "catalogue_correspondent"
    )
    assert "document_themes_theme_doc" in index_names("catalogue_document_themes")
    assert ("document_published_facets" in index_names("catalogue_document")) == POSTGRES


def test_benchmark_cold_cache_pages_are_their_own_uncached_floor(themes, tmp_path):
    call_command(
        "generate_catalogue", 30, seed=4, persons=20, places=10, organisations=5, verbosity=0
    )
    out = tmp_path / "cold.json"
    call_command(
        "benchmark",
        repeat=2,
        json_path=str(out),
        pages="list,document",
        cold_cache=True,
        verbosity=0,
    )
    report = json.loads(out.read_text())
    assert report["warming"] == []
    for result in report["results"]:
        assert result["queries"] == result["uncached_queries"] > 0
        assert result["sql_floor_ms"] == result["uncached_floor_ms"]


def test_benchmark_answer_floor_times_the_pages_sql_with_the_facet_index_off(themes, tmp_path):
    call_command(
        "generate_catalogue", 30, seed=5, persons=20, places=10, organisations=5, verbosity=0
    )
    out = tmp_path / "answer.json"
    call_command(
        "benchmark",
        repeat=2,
        json_path=str(out),
        pages="list_1_facet,document",
        cold_cache=True,
        answer_floor=True,
        verbosity=0,
    )
    report = json.loads(out.read_text())
    assert report["settings"]["answer_floor"] is True
    by_name = {result["name"]: result for result in report["results"]}
    facets = by_name["list_1_facet"]
    # With the index off, the facets are counted in SQL: more queries than the indexed page.
    assert facets["answer_queries"] > facets["queries"]
    assert facets["answer_floor_ms"] > 0 and facets["answer_ratio"] > 0
    # The document page does not use the index: the same queries either way.
    assert by_name["document"]["answer_queries"] == by_name["document"]["queries"]
