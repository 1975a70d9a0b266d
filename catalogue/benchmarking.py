"""Page benchmarks through Django's test client, with the SQL floor of each page (issue 7).

For every scenario (a URL chosen from the data, so a run means the same on any catalogue):

1. one warm-up request, not counted;
2. `repeat` timed requests, without any instrumentation: median and 95th percentile;
3. one instrumented request: the SQL queries it ran (CaptureQueriesContext) and the peak of
   Python memory allocated during it (tracemalloc);
4. the SQL floor: the captured SELECT statements executed again `repeat` times with a plain
   cursor, rows fetched: the median of their summed time is what the page could not go below
   without changing its queries. On PostgreSQL, EXPLAIN (ANALYZE) also gives the server's own
   planning and execution time, and, with `explain=True`, the plan of the slowest query;
5. the uncached floor: the same for the queries the page runs when nothing is cached, i.e.
   the database work that the cached page stands for;
6. with `answer_floor`, the SQL answer floor: the queries the same page runs with the facet
   index turned off (CATALOGUE_INDEX=0: every count, facet and search answered by PostgreSQL,
   through the partial and covering indexes written for them) and nothing cached, timed the same
   way. It is the fastest SQL the project has for what the page shows, the floor issue 12
   compares each page with ("within 2x of its floor"); a page served from the facet index can
   be far below it.

Before the pages (unless every request starts cold), the run times the warming task that
refills the caches of the most visited pages after a public change.

Timing and instrumentation are separate because tracemalloc slows Python down several times.
"""

import datetime
import json
import os
import platform
import statistics
import time
import tracemalloc
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field

import django
from django.contrib.auth import get_user_model
from django.core.cache import caches
from django.db import connections
from django.db.backends.signals import connection_created
from django.db.models import Count, Q
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import NoReverseMatch, reverse
from django.utils.http import urlencode

from catalogue import catalogue_index, warming
from catalogue.models import Correspondent, Document, Mention, Place, Status, Theme

# Targets of issue 12 (first-visit p95, milliseconds), by the size of the catalogue and the
# kind of page ("person" also stands for place and organisation pages); the admin: 2 s.
LARGE_CATALOGUE = 500_000
TARGETS = {
    "small": {"list": 150, "search": 150, "document": 150, "person": 150, "admin": 2000},
    "large": {"list": 500, "search": 500, "document": 50, "person": 100, "admin": 2000},
}
FLOOR_FACTOR = 2  # a page should take at most this many times its SQL floor
EXPORT_SIZE = 5000
# URL names issue 4 may give the bulk export of a filtered list, with the format argument.
EXPORT_URL_NAMES = [
    ("catalogue:document-list-export", {"extension": "bib"}),  # issue 4
    ("catalogue:document-list-export", {"format": "bib"}),
]


@dataclass
class Scenario:
    name: str
    kind: str  # list, search, document, person, export, admin
    url: str
    note: str = ""
    admin: bool = False


@dataclass
class Result:
    name: str
    kind: str
    url: str
    status: int
    repeat: int
    first_median_ms: float | None
    first_p95_ms: float | None
    first_ratio: float | None  # first-visit p95 / the SQL floor of a first visit
    median_ms: float
    p95_ms: float
    min_ms: float
    max_ms: float
    queries: int
    peak_memory_kb: float
    response_kb: float
    sql_floor_ms: float | None
    sql_server_ms: float | None
    floor_ratio: float | None
    uncached_floor_ms: float | None
    uncached_queries: int
    uncached_ratio: float | None
    answer_floor_ms: float | None
    answer_queries: int
    answer_ratio: float | None  # first-visit p95 (else repeat p95) / the SQL answer floor
    target_ms: float | None
    meets_target: bool | None
    within_floor_factor: bool | None
    note: str = ""
    slowest_queries: list = field(default_factory=list)


def percentile(samples, fraction) -> float:
    """Nearest-rank percentile: the smallest sample with at least `fraction` of them below."""
    ordered = sorted(samples)
    rank = max(1, -(-len(ordered) * fraction // 1))  # ceil without floats drifting
    return ordered[int(rank) - 1]


# --- Choosing what to request -----------------------------------------------------------


@dataclass
class Choices:
    """Facet values and pages taken from the data: the most common of each kind."""

    theme: str | None = None
    theme_id: int | None = None
    doc_type: str | None = None
    person: str | None = None
    place: str | None = None
    decade: str | None = None
    classification: str | None = None
    search_term: str | None = None
    common_word: str | None = None  # in more than half of the documents
    rare_word: str | None = None  # in a few dozen documents per 100,000
    organisation: str | None = None
    document: str | None = None
    export_person: str | None = None
    export_count: int = 0
    correspondent: str | None = None  # the most active writer or recipient (issue 15)

    def as_dict(self):
        return asdict(self)


def _most_common(queryset, field_name):
    row = queryset.values(field_name).annotate(n=Count("pk")).order_by("-n", field_name).first()
    return row[field_name] if row else None


def choose(using="default") -> Choices:
    published = Document.objects.using(using).published()
    choices = Choices()
    theme_rows = (
        Document.themes.through.objects.using(using)
        .filter(document__status=Status.PUBLISHED)
        .values("theme__slug")
        .annotate(n=Count("pk"))
        .order_by("-n", "theme__slug")
    )
    choices.theme = theme_rows[0]["theme__slug"] if theme_rows else None
    if choices.theme:
        choices.theme_id = Theme.objects.using(using).get(slug=choices.theme).pk
    choices.doc_type = _most_common(published.order_by(), "doc_type")
    choices.classification = _most_common(
        published.exclude(classification="none"), "classification"
    )
    persons = _ranked_links(Mention.objects.using(using), "person")
    choices.person = persons[0][0] if persons else None
    places = _ranked_links(Mention.objects.using(using), "place")
    choices.place = places[0][0] if places else None
    # A place of middling frequency as the search term: selective, like a real query.
    if places:
        slug, _ = places[min(len(places) - 1, 10)]
        choices.search_term = Place.objects.using(using).get(slug=slug).name
    bodies = _ranked_links(Mention.objects.using(using), "organisation")
    choices.organisation = bodies[0][0] if bodies else None
    choices.common_word, choices.rare_word = search_words(using, choices.search_term)
    year = _most_common(published.filter(date_start__isnull=False).order_by(), "date_start__year")
    choices.decade = str(year - year % 10) if year else None
    middle = published.order_by("pk").values_list("identifier", flat=True)
    count = published.count()
    choices.document = middle[count // 2] if count else None
    choices.export_person, choices.export_count = _closest(persons, EXPORT_SIZE)
    correspondents = _ranked_links(Correspondent.objects.using(using), "person")
    choices.correspondent = correspondents[0][0] if correspondents else None
    return choices


def search_words(using, fallback) -> tuple[str | None, str | None]:
    """On PostgreSQL, from the search index of a 1% sample of the documents (ts_stat): the
    word in the most documents, and a word in exactly one sampled document (the alphabetically
    first of at least seven letters, so that the choice is deterministic). Elsewhere: `fallback`."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        return fallback, fallback
    sample = "SELECT search_vector FROM catalogue_document TABLESAMPLE SYSTEM (1) REPEATABLE (12)"
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT word FROM ts_stat(%s) WHERE word ~ '^[a-z]+$' ORDER BY ndoc DESC, word LIMIT 1",
            [sample],
        )
        common = cursor.fetchone()
        cursor.execute(
            "SELECT word FROM ts_stat(%s) WHERE word ~ '^[a-z]{7,}$' AND ndoc = 1 "
            "ORDER BY word LIMIT 1",
            [sample],
        )
        rare = cursor.fetchone()
    return (common[0] if common else fallback), (rare[0] if rare else fallback)


def _ranked_links(links, target):
    """(slug, published documents) of the authorities of one kind, most linked first."""
    rows = (
        links.filter(**{f"{target}__isnull": False}, document__status=Status.PUBLISHED)
        .values(f"{target}__slug")
        .annotate(n=Count("document_id"))
        .order_by("-n", f"{target}__slug")
    )
    return [(row[f"{target}__slug"], row["n"]) for row in rows]


def _closest(ranked, size):
    """The (slug, count) with the count nearest to `size` without exceeding it (exports are
    capped), or the smallest if every count exceeds it."""
    if not ranked:
        return None, 0
    fitting = [pair for pair in ranked if pair[1] <= size] or [min(ranked, key=lambda p: p[1])]
    return min(fitting, key=lambda pair: (size - pair[1], pair[0]))


def most_mentioned_person(using="default"):
    persons = _ranked_links(Mention.objects.using(using), "person")
    return persons[0][0] if persons else None


def _list_url(**params) -> str:
    pairs = [(key, value) for key, value in params.items() if value is not None]
    return reverse("catalogue:document-list") + ("?" + urlencode(pairs) if pairs else "")


def export_url(params) -> tuple[str | None, str]:
    """The bulk citation export URL of issue 4 for a filtered list, or None and why."""
    for name, kwargs in EXPORT_URL_NAMES:
        try:
            return reverse(name, kwargs=kwargs) + "?" + urlencode(params), name
        except NoReverseMatch:
            continue
    return None, "no bulk export URL (" + ", ".join(sorted({n for n, _ in EXPORT_URL_NAMES})) + ")"


def scenarios(choices: Choices) -> tuple[list[Scenario], list[dict]]:
    """The pages to measure, and the ones skipped with the reason."""
    c = choices
    one = {"theme": c.theme}
    three = {**one, "type": c.doc_type, "person": c.person}
    five = {**three, "place": c.place, "decade": c.decade}
    found = [
        Scenario("list", "list", _list_url()),
        Scenario("list_1_facet", "list", _list_url(**one), "theme"),
        Scenario("list_3_facets", "list", _list_url(**three), "theme, type, person"),
        Scenario("list_5_facets", "list", _list_url(**five), "theme, type, person, place, decade"),
        Scenario("search", "search", _list_url(q=c.search_term), f"q={c.search_term}"),
        Scenario(
            "search_2_facets",
            "search",
            _list_url(q=c.search_term, theme=c.theme, type=c.doc_type),
            f"q={c.search_term}, theme, type",
        ),
        Scenario(
            "search_common", "search", _list_url(q=c.common_word), f"q={c.common_word}, common"
        ),
        Scenario(
            "search_common_facets",
            "search",
            _list_url(q=c.common_word, theme=c.theme, type=c.doc_type),
            f"q={c.common_word}, theme, type",
        ),
        Scenario("search_rare", "search", _list_url(q=c.rare_word), f"q={c.rare_word}, rare"),
        Scenario(
            "search_rare_facets",
            "search",
            _list_url(q=c.rare_word, theme=c.theme, type=c.doc_type),
            f"q={c.rare_word}, theme, type",
        ),
    ]
    skipped = []
    if c.document:
        url = reverse("catalogue:document-detail", kwargs={"identifier": c.document})
        found.append(Scenario("document", "document", url, c.document))
    if c.person:
        url = reverse("catalogue:person-detail", kwargs={"slug": c.person})
        found.append(Scenario("person", "person", url, f"{c.person}, most mentioned"))
    # The correspondence network (issue 15), held to the list's targets.
    network = reverse("catalogue:network")
    found.append(Scenario("network", "list", network, "whole collection, top 50 pairs"))
    if c.correspondent:
        found.append(
            Scenario(
                "network_person",
                "list",
                f"{network}?{urlencode({'focus': f'person:{c.correspondent}'})}",
                f"{c.correspondent}, most active correspondent",
            )
        )
    if c.place:
        url = reverse("catalogue:place-detail", kwargs={"slug": c.place})
        found.append(Scenario("place", "person", url, f"{c.place}, most mentioned"))
    if c.organisation:
        url = reverse("catalogue:organisation-detail", kwargs={"slug": c.organisation})
        found.append(Scenario("organisation", "person", url, f"{c.organisation}, most mentioned"))
    url, why = export_url({"person": c.export_person}) if c.export_person else (None, "no data")
    if url:
        found.append(
            Scenario("export", "export", url, f"{why}: {c.export_count} documents (BibTeX)")
        )
    else:
        skipped.append({"name": "export", "reason": why})
    changelist = reverse("admin:catalogue_document_changelist")
    found += [
        Scenario("admin_changelist", "admin", changelist + "?_facets=1", "facets", admin=True),
        Scenario(
            "admin_changelist_filtered",
            "admin",
            changelist
            + "?"
            + urlencode({"_facets": 1, "doc_type__exact": c.doc_type or ""})
            + (f"&themes__id__exact={c.theme_id}" if c.theme_id else ""),
            "facets, type and theme",
            admin=True,
        ),
        Scenario(
            "admin_changelist_search",
            "admin",
            changelist + "?" + urlencode({"_facets": 1, "q": c.common_word or ""}),
            f"facets, q={c.common_word}",
            admin=True,
        ),
        Scenario("admin_changelist_plain", "admin", changelist, "without facets", admin=True),
    ]
    return found, skipped


# --- Measuring ----------------------------------------------------------------------------


def _timed(client, url, clear_cache) -> tuple[float, object]:
    if clear_cache:
        for cache in caches.all():
            cache.clear()
        # A first visit also finds no search remembered by the facet index: the first search
        # for a word on a server, not the first after a publish.
        catalogue_index.forget_searches()
    started = time.perf_counter()
    response = client.get(url)
    body = _content(response)
    elapsed = time.perf_counter() - started
    response.measured_size = len(body)
    return elapsed * 1000, response


def _content(response) -> bytes:
    """The whole body; a streamed response is read to its end (part of the page's time)."""
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


def _error(response) -> str:
    """What went wrong in a failed request, in one line."""
    exc_info = getattr(response, "exc_info", None)
    if exc_info:
        return f"{exc_info[0].__name__}: {str(exc_info[1])[:300]}"
    return f"HTTP {response.status_code}"


def _instrumented(client, url, connection, clear_cache):
    if clear_cache:
        for cache in caches.all():
            cache.clear()
    tracemalloc.start()
    tracemalloc.reset_peak()
    try:
        with CaptureQueriesContext(connection) as captured:
            _content(client.get(url))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return [q["sql"] for q in captured.captured_queries], peak


def _is_read(sql: str) -> bool:
    return sql.lstrip().upper().startswith(("SELECT", "WITH"))


def sql_floor(connection, statements, repeat) -> tuple[float | None, list[float]]:
    """Median over `repeat` runs of the summed client-side time of the SELECT statements."""
    reads = [sql for sql in statements if _is_read(sql)]
    if not reads:
        return None, []
    totals, per_query = [], [[] for _ in reads]
    with connection.cursor() as cursor:
        for _ in range(repeat):
            total = 0.0
            for index, sql in enumerate(reads):
                started = time.perf_counter()
                cursor.execute(sql)
                cursor.fetchall()
                elapsed = (time.perf_counter() - started) * 1000
                per_query[index].append(elapsed)
                total += elapsed
            totals.append(total)
    return statistics.median(totals), [statistics.median(times) for times in per_query]


def server_time(connection, statements, explain_slowest=None) -> tuple[float | None, str]:
    """PostgreSQL's planning + execution time of the statements (EXPLAIN ANALYZE, no timing
    of each node), and the text plan of the statement `explain_slowest` if given."""
    if connection.vendor != "postgresql":
        return None, ""
    total, plan = 0.0, ""
    with connection.cursor() as cursor:
        for sql in (s for s in statements if _is_read(s)):
            cursor.execute("EXPLAIN (ANALYZE, TIMING OFF, FORMAT JSON) " + sql)
            result = cursor.fetchone()[0]
            result = json.loads(result) if isinstance(result, str) else result
            total += result[0]["Planning Time"] + result[0]["Execution Time"]
        if explain_slowest:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + explain_slowest)
            plan = "\n".join(row[0] for row in cursor.fetchall())
    return total, plan


def sql_answer_floor(client, url, connection, repeat=3) -> tuple[list[str], float | None]:
    """The queries `url` runs with the facet index off and nothing cached, and their SQL floor:
    the fastest SQL the project has for what the page shows."""
    with override_settings(CATALOGUE_INDEX=False):
        statements, _ = _instrumented(client, url, connection, clear_cache=True)
    floor, _ = sql_floor(connection, statements, repeat)
    for cache in caches.all():
        cache.clear()  # the SQL answer's cached fragments must not serve the next page
    return statements, floor


@dataclass
class Run:
    """Settings of one benchmark run."""

    repeat: int = 20
    pages: tuple = ()  # names of the scenarios to run; all when empty
    statement_timeout: int = 120  # seconds a query may run (PostgreSQL); 0 for no limit
    clear_cache: bool = False
    explain: bool = False
    answer_floor: bool = False
    using: str = "default"
    read_only: bool = False  # write nothing to the database (a shared benchmark catalogue)
    progress: Callable[[str], None] = lambda message: None


def measure(client, scenario: Scenario, run: Run, target: float | None) -> Result:
    connection = connections[run.using]
    elapsed, response = _timed(client, scenario.url, run.clear_cache)  # warm-up
    samples, first = [elapsed], []
    if response.status_code == 200:  # a page that fails (a timeout) is not asked again
        samples = []
        for _ in range(run.repeat):  # first visits: every cache emptied before each
            elapsed, response = _timed(client, scenario.url, clear_cache=True)
            first.append(elapsed)
        for _ in range(run.repeat):
            elapsed, response = _timed(client, scenario.url, run.clear_cache)
            samples.append(elapsed)
    note = scenario.note
    if response.status_code != 200:
        note = f"{note}; failed: {_error(response)}".lstrip("; ")
    statements, peak, floor, per_query, server, plan, slowest = [], 0, None, [], None, "", []
    uncached, uncached_floor = [], None
    if response.status_code == 200:
        floor_repeat = max(3, min(run.repeat, 10))
        if not run.clear_cache:
            # The database work the page stands for: its queries when nothing is cached.
            uncached, _ = _instrumented(client, scenario.url, connection, clear_cache=True)
            uncached_floor, _ = sql_floor(connection, uncached, floor_repeat)
            client.get(scenario.url)  # the caches as the timed requests had them
        statements, peak = _instrumented(client, scenario.url, connection, run.clear_cache)
        floor, per_query = sql_floor(connection, statements, floor_repeat)
        if run.clear_cache:
            uncached, uncached_floor = statements, floor
        reads = [sql for sql in statements if _is_read(sql)]
        slowest = sorted(zip(per_query, reads, strict=True), reverse=True)[:3]
        server, plan = server_time(
            connection, statements, slowest[0][1] if run.explain and slowest else None
        )
    answer, answer_floor = [], None
    if run.answer_floor and response.status_code == 200:
        answer, answer_floor = sql_answer_floor(client, scenario.url, connection)
    p95 = percentile(samples, 0.95)
    first_p95 = percentile(first, 0.95) if first else None
    answer_ratio = (first_p95 or p95) / answer_floor if answer_floor else None
    ratio = p95 / floor if floor else None
    first_ratio = first_p95 / uncached_floor if first_p95 and uncached_floor else None
    uncached_ratio = p95 / uncached_floor if uncached_floor else None
    return Result(
        name=scenario.name,
        kind=scenario.kind,
        url=scenario.url,
        status=response.status_code,
        repeat=len(samples),
        first_median_ms=round(statistics.median(first), 2) if first else None,
        first_p95_ms=round(first_p95, 2) if first_p95 else None,
        first_ratio=round(first_ratio, 2) if first_ratio else None,
        median_ms=round(statistics.median(samples), 2),
        p95_ms=round(p95, 2),
        min_ms=round(min(samples), 2),
        max_ms=round(max(samples), 2),
        queries=len(statements),
        peak_memory_kb=round(peak / 1024, 1),
        response_kb=round(response.measured_size / 1024, 1),
        sql_floor_ms=round(floor, 2) if floor is not None else None,
        sql_server_ms=round(server, 2) if server is not None else None,
        floor_ratio=round(ratio, 2) if ratio else None,
        uncached_floor_ms=round(uncached_floor, 2) if uncached_floor is not None else None,
        uncached_queries=len(uncached),
        uncached_ratio=round(uncached_ratio, 2) if uncached_ratio else None,
        answer_floor_ms=round(answer_floor, 2) if answer_floor is not None else None,
        answer_queries=len(answer),
        answer_ratio=round(answer_ratio, 3) if answer_ratio else None,
        target_ms=target,
        meets_target=((first_p95 or p95) <= target) if target else None,
        within_floor_factor=(ratio <= FLOOR_FACTOR) if ratio else None,
        note=note,
        slowest_queries=[{"ms": round(ms, 2), "sql": sql[:2000]} for ms, sql in slowest]
        + ([{"plan_of_slowest": plan}] if plan else []),
    )


# --- The run ------------------------------------------------------------------------------


def machine() -> dict:
    memory = None
    try:
        with open("/proc/meminfo") as meminfo:
            memory = round(int(meminfo.readline().split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    return {
        "cpus": os.cpu_count(),
        "memory_gb": memory,
        "platform": platform.platform(),
        "python": platform.python_version(),
        "django": django.get_version(),
        "load_average": list(os.getloadavg()) if hasattr(os, "getloadavg") else None,
    }


def database(using="default") -> dict:
    connection = connections[using]
    info = {"vendor": connection.vendor, "name": str(connection.settings_dict["NAME"])}
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT version(), current_setting('shared_buffers')")
            info["version"], info["shared_buffers"] = cursor.fetchone()
            cursor.execute("SELECT pg_size_pretty(pg_database_size(current_database()))")
            info["size"] = cursor.fetchone()[0]
    counts = Document.objects.using(using).aggregate(
        documents=Count("pk"), published=Count("pk", filter=Q(status=Status.PUBLISHED))
    )
    info.update(counts)
    info["mentions"] = Mention.objects.using(using).count()
    info["correspondents"] = Correspondent.objects.using(using).count()
    return info


def target_for(kind: str, documents: int) -> float | None:
    size = "large" if documents >= LARGE_CATALOGUE else "small"
    return TARGETS[size].get(kind)


def _superuser(using):
    user_model = get_user_model()
    name = f"benchmark-{os.getpid()}-{time.time_ns()}"
    return user_model.objects.db_manager(using).create_superuser(name, password=None)


@contextmanager
def statement_timeout(connection, seconds):
    """On PostgreSQL, cancel any query of the run that takes longer than `seconds`: a page
    that cannot finish is reported as failed instead of holding the run for hours."""
    if connection.vendor != "postgresql" or not seconds:
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute(f"SET statement_timeout = '{int(seconds)}s'")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET statement_timeout")


def _time_warming() -> list[dict]:
    """How long the warming task (catalogue.warming) takes to refill the caches of the most
    visited pages after a public change: until it ends, their first visitor computes."""
    for cache in caches.all():
        cache.clear()
    return [
        {"path": w.path, "ms": round(w.milliseconds, 1), "error": w.error} for w in warming.warm()
    ]


def _build_index(using, read_only=False) -> dict:
    """Build the facet index the pages count with (catalogue.catalogue_index), as an app
    server does at start, timed; and the delay from a public change to the index catching up.
    Read-only: no change is recorded; the catch-up's own work (one document's rows read again
    and applied to the index, the network's pairs included) is timed instead."""
    from catalogue import catalogue_index, network_index, versioning

    index = catalogue_index.build(using)
    catalogue_index.install(index, using)
    started = time.perf_counter()
    network_index.build(index.links, index.size)
    network_ms = round((time.perf_counter() - started) * 1000, 1)
    document = Document.objects.using(using).published().order_by("pk").first()
    caught_up_ms = applied_ms = None
    if document is not None and read_only:
        started = time.perf_counter()
        rows = catalogue_index._read_rows(using, [document.pk])
        catalogue_index._apply(index, [document.pk], rows)
        applied_ms = round((time.perf_counter() - started) * 1000, 1)
    elif document is not None:
        versioning.record_change("document", [document.pk], using=using)  # as an edit does
        started = time.perf_counter()
        current = catalogue_index.current_index(using)
        caught_up_ms = round((time.perf_counter() - started) * 1000, 1) if current else None
    return {
        "documents": index.size,
        "build_seconds": round(index.built_seconds, 1),
        "network_pairs": len(index.network.positions),
        "network_edges": len(index.network.keys),
        "network_build_ms": network_ms,
        "catch_up_ms": caught_up_ms,
        "apply_one_document_ms": applied_ms,
    }


@contextmanager
def read_only_connections(using, read_only):
    """PostgreSQL: the run's sessions read-only (each new connection, as a request opens one,
    and the current one), so that a write fails instead of changing a shared catalogue."""
    connection = connections[using]
    if not read_only or connection.vendor != "postgresql":
        yield
        return

    def read_only_session(sender, connection, **kwargs):
        if connection.alias == using:
            with connection.cursor() as cursor:
                cursor.execute("SET SESSION default_transaction_read_only = on")

    connection_created.connect(read_only_session)
    if connection.connection is not None:
        read_only_session(None, connection)
    try:
        yield
    finally:
        connection_created.disconnect(read_only_session)
        if connection.connection is not None and connection.is_usable():
            with connection.cursor() as cursor:
                cursor.execute("SET SESSION default_transaction_read_only = off")


def run_benchmark(run: Run) -> dict:
    """Measure every scenario; return the report (also what is written as JSON)."""
    started = datetime.datetime.now(datetime.UTC)
    info = database(run.using)
    choices = choose(run.using)
    found, skipped = scenarios(choices)
    if run.pages:
        unknown = set(run.pages) - {s.name for s in found} - {s["name"] for s in skipped}
        if unknown:
            raise ValueError("Unknown pages: " + ", ".join(sorted(unknown)))
        found = [scenario for scenario in found if scenario.name in run.pages]
        skipped = [skip for skip in skipped if skip["name"] in run.pages]
    if run.read_only and any(scenario.admin for scenario in found):
        raise ValueError("The admin pages need a user: leave them out of a read-only run.")
    with read_only_connections(run.using, run.read_only):
        index = _build_index(run.using, run.read_only)
        warming = [] if run.clear_cache else _time_warming()
        results = _measure_all(run, found, info)
    return {
        "started": started.isoformat(timespec="seconds"),
        "seconds": round((datetime.datetime.now(datetime.UTC) - started).total_seconds(), 1),
        "machine": machine(),
        "database": info,
        "settings": {
            "repeat": run.repeat,
            "pages": list(run.pages),
            "statement_timeout": run.statement_timeout,
            "clear_cache": run.clear_cache,
            "read_only": run.read_only,
            "floor_factor": FLOOR_FACTOR,
            "answer_floor": run.answer_floor,
        },
        "choices": choices.as_dict(),
        "catalogue_index": index,
        "warming": warming,
        "results": [asdict(result) for result in results],
        "skipped": skipped,
    }


def _measure_all(run, found, info) -> list:
    public, admin = Client(raise_request_exception=False), Client(raise_request_exception=False)
    user = _superuser(run.using) if any(scenario.admin for scenario in found) else None
    if user is not None:
        admin.force_login(user)
    results = []
    try:
        with statement_timeout(connections[run.using], run.statement_timeout):
            for scenario in found:
                run.progress(f"  {scenario.name}: {scenario.url}")
                target = target_for(scenario.kind, info["published"])
                results.append(measure(admin if scenario.admin else public, scenario, run, target))
    finally:
        if user is not None:
            admin.logout()
            user.delete()
    return results


COLUMNS = [
    ("name", "page", "{}"),
    ("first_median_ms", "first p50 ms", "{:.1f}"),
    ("first_p95_ms", "first p95 ms", "{:.1f}"),
    ("median_ms", "repeat p50 ms", "{:.1f}"),
    ("p95_ms", "repeat p95 ms", "{:.1f}"),
    ("target_ms", "target", "{:.0f}"),
    ("meets_target", "met (first)", None),
    ("first_ratio", "first p95/floor", "{:.1f}"),
    ("queries", "queries", "{}"),
    ("sql_floor_ms", "SQL floor ms", "{:.1f}"),
    ("floor_ratio", "p95/floor", "{:.1f}"),
    ("within_floor_factor", f"≤{FLOOR_FACTOR}×", None),
    ("uncached_floor_ms", "uncached floor ms", "{:.1f}"),
    ("uncached_ratio", "p95/uncached", "{:.2f}"),
    ("answer_floor_ms", "SQL answer ms", "{:.1f}"),
    ("answer_ratio", "p95/answer", "{:.2f}"),
    ("peak_memory_kb", "peak KiB", "{:,.0f}"),
    ("status", "status", "{}"),
]


def _cell(value, fmt) -> str:
    if value is None:
        return "–"
    if fmt is None:
        return "yes" if value else "NO"
    return fmt.format(value)


def table(report: dict) -> str:
    """The results as a plain-text table (also valid Markdown)."""
    header = [title for _, title, _ in COLUMNS]
    rows = [[_cell(r[key], fmt) for key, _, fmt in COLUMNS] for r in report["results"]]
    widths = [max(len(c) for c in column) for column in zip(header, *rows, strict=True)]
    lines = [
        "| " + " | ".join(c.ljust(w) for c, w in zip(header, widths, strict=True)) + " |",
        "|" + "|".join("-" * (w + 2) for w in widths) + "|",
    ]
    lines += [
        "| " + " | ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) + " |"
        for row in rows
    ]
    lines += [f"{r['name']}: {r['note']}" for r in report["results"] if r["status"] != 200]
    lines += [f"skipped {s['name']}: {s['reason']}" for s in report["skipped"]]
    return "\n".join(lines)
