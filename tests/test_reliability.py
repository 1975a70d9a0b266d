"""Proof under load (issue 11, G; finding 3): gunicorn with 3 workers and the default cache.

An Editor publishes and unpublishes documents in a loop while bounded clients read lists,
facets, search, person pages, exports, document pages and image URLs. No response may show a
document that was not public at some moment between the request's start and its end, and no
response may be a 5xx. PostgreSQL only (SQLite's test database lives in the test process).

`make soak SOAK_SECONDS=600` runs `test_soak` for longer and prints its figures.
"""

import os
import random
import time

import pytest
from django.contrib import admin
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.management import call_command
from django.db import connection
from django.test import RequestFactory

from catalogue.models import Document, Mention, Rights, Status, Theme
from tests import reliability_harness as harness
from tests.factories import make_document, make_person, make_staff_user
from tests.scan_images import make_ready_scan

POSTGRES = connection.vendor == "postgresql"
RUN_SECONDS = float(os.environ.get("RELIABILITY_SECONDS", "30"))
CLIENTS = 4
MAX_REQUESTS_PER_CLIENT = 20_000

pytestmark = [
    pytest.mark.reliability,
    pytest.mark.skipif(not POSTGRES, reason="gunicorn against the test database: PostgreSQL only"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def editor(db):
    return make_staff_user("reliability-editor", "Editor")


@pytest.fixture
def probes(db):
    """The seed collection and three probe documents, the first two published."""
    call_command("load_seed", "--without-facsimiles", verbosity=0)
    person = make_person("Reliability Probe Person", slug=harness.PROBE_PERSON)
    probes = []
    for number in range(3):
        theme = Theme.objects.create(
            name=f"Reliability probe {number}", slug=harness.PROBE_THEME.format(number)
        )
        document = make_document(
            heading=f"Telegram on the probe question {number}",
            body=f"The {harness.PROBE_WORD} affair, part {number}.",
            date_edtf=f"1930-0{number + 1}-15",
            status=Status.PUBLISHED if number < 2 else Status.REVIEW,
        )
        document.themes.add(theme)
        Mention.objects.create(document=document, person=person)
        scan = make_ready_scan(document, page=1, rights=Rights.PUBLIC_DOMAIN)
        paths = [scan.image_url(kind) for kind in ("display", "thumbnail", "original")]
        probes.append(harness.Probe(document.identifier, theme.slug, paths))
    return probes


def editor_sets_status(editor, identifier, publish):
    """What an Editor's "Publish" or "Unpublish" list action does, through the admin itself."""
    model_admin = admin.site._registry[Document]
    # "post": the Editor confirmed the withdrawal on the page that says what the public loses
    request = RequestFactory().post("/admin/catalogue/document/", {"post": "yes"})
    request.user = editor
    request._messages = CookieStorage(request)
    queryset = Document.objects.filter(identifier=identifier)
    action = model_admin.publish if publish else model_admin.unpublish
    action(request, queryset)


def publish_and_unpublish(editor, probes, timeline, until, seed=5):
    """Flip the probes' publication one at a time until `until`; return how many changes."""
    rng = random.Random(seed)
    public = {probe.identifier: timeline.initial[probe.identifier] for probe in probes}
    changes = 0
    while time.monotonic() < until and changes < 100_000:
        identifier = rng.choice(probes).identifier
        started = time.monotonic()
        editor_sets_status(editor, identifier, not public[identifier])
        public[identifier] = not public[identifier]
        timeline.record(identifier, public[identifier], started, time.monotonic())
        changes += 1
        time.sleep(rng.uniform(0.05, 0.4))
    return changes


def run_under_load(server, editor, probes, seconds, clients=CLIENTS):
    initially = dict(
        Document.objects.filter(identifier__in=[p.identifier for p in probes]).values_list(
            "identifier", "status"
        )
    )
    timeline = harness.Timeline({key: s == Status.PUBLISHED for key, s in initially.items()})
    until = time.monotonic() + seconds
    results, threads = harness.read_in_threads(
        server.base, probes, clients, until, MAX_REQUESTS_PER_CLIENT
    )
    changes = publish_and_unpublish(editor, probes, timeline, until)
    for thread in threads:
        thread.join(timeout=harness.REQUEST_TIMEOUT + 5)
    assert not any(thread.is_alive() for thread in threads)
    return results, timeline, changes


def assert_reliable(results, timeline):
    assert not results.errors, dict(results.errors)
    assert harness.server_errors(results) == []
    found = harness.violations(results, timeline)
    assert not found, harness.summary(found, len(results.outcomes))
    # Not vacuous: probes were both shown and refused while the Editor worked.
    assert any(outcome.shown for outcome in results.outcomes)
    assert any(outcome.status == 404 for outcome in results.outcomes)


def test_no_response_shows_a_withdrawn_document_and_none_is_a_5xx(static_root, editor, probes):
    with harness.gunicorn(static_root, workers=3) as server:
        results, timeline, changes = run_under_load(server, editor, probes, RUN_SECONDS)
    assert changes >= 5  # low bars: a busy CI machine serves slowly, and that is no fault
    assert len(results.outcomes) >= 30
    assert_reliable(results, timeline)


def test_pages_are_served_while_the_cache_server_is_down(static_root, editor, probes):
    closed = f"redis://127.0.0.1:{harness.free_port()}/7"
    with harness.gunicorn(static_root, workers=2, CACHE_URL=closed) as server:
        results, timeline, _ = run_under_load(server, editor, probes, min(RUN_SECONDS, 8), 2)
    assert_reliable(results, timeline)


@pytest.mark.skipif(not os.environ.get("SOAK_SECONDS"), reason="run by `make soak`")
def test_soak(static_root, editor, probes, capsys):
    seconds = float(os.environ["SOAK_SECONDS"])
    clients = int(os.environ.get("SOAK_CLIENTS", CLIENTS))
    with harness.gunicorn(static_root, workers=3) as server:
        warm_until = time.monotonic() + 5
        warm, threads = harness.read_in_threads(server.base, probes, clients, warm_until, 10_000)
        for thread in threads:
            thread.join()
        before = harness.process_figures(server.worker_pids())
        started = time.monotonic()
        results, timeline, changes = run_under_load(server, editor, probes, seconds, clients)
        elapsed = time.monotonic() - started
        after = harness.process_figures(server.worker_pids())
    with capsys.disabled():
        print("\n== soak: gunicorn, 3 workers, default cache, PostgreSQL")
        print(harness.report(results, elapsed, before, after, changes))
        print(f"violations         {len(harness.violations(results, timeline))}")
    assert_reliable(results, timeline)
