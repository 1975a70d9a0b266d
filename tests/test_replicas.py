"""Read replicas (catalogue/routing.py) against a real PostgreSQL streaming replica.

`.ci/run` makes the replica with `.ci/pg-replica` (a second cluster on port 5433 from
`pg_basebackup`) and passes its server URL in TEST_REPLICA_URL, e.g.
`TEST_REPLICA_URL=postgres://postgres@127.0.0.1:5433`. Skipped on SQLite, without that variable,
or when the replica cannot be reached.

The test database Django creates on the primary is replicated to the standby like any other, so
each test points an extra alias at the same database name on the replica's port, commits its
data (transactional tests) and waits until the standby has replayed it. Replica lag is made real
by pausing the standby's WAL replay (`pg_wal_replay_pause()`), resumed after each test.
"""

import logging
import os
import socket
import time
from urllib.parse import urlparse

import psycopg
import pytest
from django.conf import settings as django_settings
from django.db import connections
from django.test.utils import CaptureQueriesContext

from catalogue import routing, versioning
from catalogue.models import Status
from tests.factories import make_document

REPLICA_URL = os.environ.get("TEST_REPLICA_URL", "")
ALIAS = "replica_test"
ON_POSTGRESQL = django_settings.DATABASES["default"]["ENGINE"].endswith("postgresql")


def replica_server(dbname="postgres"):
    """A direct connection to the standby (not through Django)."""
    url = urlparse(REPLICA_URL)
    return psycopg.connect(
        host=url.hostname,
        port=url.port or 5432,
        user=url.username or "postgres",
        password=url.password or None,
        dbname=dbname,
        autocommit=True,
        connect_timeout=3,
    )


def why_no_replica() -> str | None:
    """Why these tests cannot run here, or None."""
    if not ON_POSTGRESQL:
        return "read replicas need PostgreSQL (DATABASE_URL)"
    if not REPLICA_URL:
        return "no streaming replica: run .ci/pg-replica and set TEST_REPLICA_URL to its URL"
    try:
        with replica_server() as server:
            in_recovery = server.execute("SELECT pg_is_in_recovery()").fetchone()[0]
    except psycopg.Error as error:
        return f"the replica at {REPLICA_URL} cannot be reached: {error}"
    if not in_recovery:
        return f"{REPLICA_URL} is not a standby (pg_is_in_recovery() is false)"
    return None


NO_REPLICA = why_no_replica()
if NO_REPLICA is None:
    # Declared before Django sets up the test databases, as a mirror of the primary (so Django
    # neither creates nor flushes a database through it); the fixture points it at the standby.
    connections.settings[ALIAS] = {
        **connections.settings["default"],
        "TEST": {**connections.settings["default"].get("TEST", {}), "MIRROR": "default"},
    }

pytestmark = [
    pytest.mark.replicas,
    pytest.mark.skipif(NO_REPLICA is not None, reason=str(NO_REPLICA)),
    pytest.mark.django_db(
        transaction=True,
        serialized_rollback=True,
        databases=["default", ALIAS] if NO_REPLICA is None else ["default"],
    ),
]


@pytest.fixture
def replica(settings):
    """The test database as the standby has it, configured as the only read replica."""
    url = urlparse(REPLICA_URL)
    connection = connections[ALIAS]
    mirrored = connection.settings_dict  # the primary's own settings, once Django mirrored it
    primary = connections["default"].settings_dict
    connection.close()
    connection.settings_dict = {
        **primary,  # the test database's name
        "HOST": url.hostname,
        "PORT": url.port or 5432,
        "OPTIONS": {**primary.get("OPTIONS", {}), "connect_timeout": 2},
        "CONN_MAX_AGE": 0,
    }
    settings.DATABASE_REPLICAS = [ALIAS]
    routing.reset_health()
    yield connection
    routing.reset_health()
    connection.close()
    connection.settings_dict = mirrored


@pytest.fixture
def paused_replay(replica):
    """Call it to pause the standby's WAL replay; replay resumes after the test."""
    with replica_server() as server:

        def pause():
            server.execute("SELECT pg_wal_replay_pause()")
            wait_for(lambda: replay_state(server) == "paused", "the replay to pause")

        try:
            yield pause
        finally:
            server.execute("SELECT pg_wal_replay_resume()")


def replay_state(server):
    return server.execute("SELECT pg_get_wal_replay_pause_state()").fetchone()[0]


def wait_for(condition, what, timeout=20.0):
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"waited {timeout:g} s for {what}")
        time.sleep(0.05)


def wait_until_replicated():
    """Wait until the standby has replayed the primary's current catalogue version."""
    needed = versioning.current_version()
    wait_for(lambda: routing.replica_version(ALIAS) >= needed, f"catalogue version {needed}")
    connections[ALIAS].close()


def status_on_replica(document):
    with connections[ALIAS].cursor() as cursor:
        cursor.execute("SELECT status FROM catalogue_document WHERE id = %s", [document.pk])
        return cursor.fetchone()[0]


def catalogue_queries(captured):
    return [query["sql"] for query in captured if '"catalogue_document"' in query["sql"]]


def get_capturing(client, path, **kwargs):
    """GET `path`; return the response and the document queries run on replica and primary."""
    with (
        CaptureQueriesContext(connections[ALIAS]) as on_replica,
        CaptureQueriesContext(connections["default"]) as on_primary,
    ):
        response = client.get(path, **kwargs)
    return response, catalogue_queries(on_replica), catalogue_queries(on_primary)


def move_replica_to_a_dead_port(replica):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    replica.close()
    replica.settings_dict["PORT"] = port  # nothing listens there once the probe is closed


PUBLIC_PAGES = [
    "/",
    "/documents/",
    "/documents/?q=angora&type=letter",
    "/documents/D000001/",
    "/documents/D000001/cite.bib",
    "/persons/",
    "/places/",
    "/api/documents/facets",
    "/oai/?verb=ListRecords&metadataPrefix=oai_dc",
    "/sitemap.xml",
]


def test_public_pages_read_from_a_replica_that_has_caught_up(client, replica, seed):
    wait_until_replicated()

    for path in PUBLIC_PAGES:
        with (
            CaptureQueriesContext(connections[ALIAS]) as on_replica,
            CaptureQueriesContext(connections["default"]) as on_primary,
        ):
            response = client.get(path)
        catalogue_on_primary = [
            query["sql"]
            for query in on_primary
            if "catalogue_" in query["sql"] and "catalogue_catalogueversion" not in query["sql"]
        ]
        assert response.status_code == 200, path
        assert on_replica, f"{path} read nothing from the replica"
        # Only the catalogue version comes from the primary. Raw SQL for a public page must use
        # connections[router.db_for_read(model)], not django.db.connection (the primary).
        assert not catalogue_on_primary, f"{path} read from the primary: {catalogue_on_primary}"
    assert "Chicherin" in client.get("/documents/D000001/").text


def test_a_withdrawn_document_is_never_shown_from_a_lagging_replica(client, replica, paused_replay):
    withdrawn = make_document(heading="Telegram withdrawn while the standby lags")
    make_document(heading="Letter that stays published")
    wait_until_replicated()
    assert client.get(f"/documents/{withdrawn.identifier}/").status_code == 200

    paused_replay()
    withdrawn.status = Status.DRAFT
    withdrawn.save()  # record_change: the primary's catalogue version moves on
    assert status_on_replica(withdrawn) == Status.PUBLISHED, "the replica should lag"

    page, page_on_replica, _ = get_capturing(client, f"/documents/{withdrawn.identifier}/")
    listing, listing_on_replica, _ = get_capturing(client, "/documents/")

    assert page.status_code == 404
    assert listing.status_code == 200
    assert "Letter that stays published" in listing.text
    assert "Telegram withdrawn while the standby lags" not in listing.text
    assert not page_on_replica and not listing_on_replica


def test_a_replica_behind_for_longer_than_the_maximum_lag_is_skipped_with_a_warning(
    client, replica, paused_replay, settings, caplog
):
    settings.DATABASE_REPLICA_MAX_LAG = 0.2
    document = make_document(heading="Letter during a long lag")
    wait_until_replicated()
    paused_replay()
    make_document(heading="Another letter")

    first = client.get(f"/documents/{document.identifier}/")  # behind: read from the primary
    time.sleep(0.3)
    with caplog.at_level(logging.WARNING, logger="catalogue.routing"):
        second = client.get(f"/documents/{document.identifier}/")

    assert first.status_code == second.status_code == 200
    assert "has been behind the primary's catalogue version" in caplog.text
    assert routing._health[ALIAS].skip_until > time.monotonic()


def test_a_replica_that_fails_or_is_down_gives_way_to_the_primary(client, replica, caplog):
    document = make_document(heading="Letter while the standby is down")
    wait_until_replicated()
    assert client.get("/documents/").status_code == 200  # the replica is known to be in sync
    move_replica_to_a_dead_port(replica)

    with caplog.at_level(logging.WARNING, logger="catalogue.routing"):
        failed_mid_request = client.get(f"/documents/{document.identifier}/")
        routing.reset_health()  # as if RETRY_AFTER_SECONDS had passed: the replica is asked
        with CaptureQueriesContext(connections["default"]) as on_primary:
            down = client.get(f"/documents/{document.identifier}/")

    assert failed_mid_request.status_code == down.status_code == 200
    assert "Letter while the standby is down" in failed_mid_request.text
    assert "Letter while the standby is down" in down.text
    assert f"Read replica {ALIAS} failed during a request" in caplog.text
    assert f"Read replica {ALIAS} cannot be reached" in caplog.text
    assert catalogue_queries(on_primary)


def test_writers_and_signed_in_staff_read_from_the_primary(client, replica, archivist):
    document = make_document(heading="Letter after a write")
    wait_until_replicated()
    path = f"/documents/{document.identifier}/"

    wrote = client.post("/documents/", {})  # any unsafe request may have written
    _, pinned_on_replica, pinned_on_primary = get_capturing(client, path)
    client.cookies.clear()
    client.force_login(archivist)
    staff, staff_on_replica, staff_on_primary = get_capturing(client, path)
    client.cookies.clear()
    _, anonymous_on_replica, _ = get_capturing(client, path)

    assert routing.PIN_COOKIE in wrote.cookies
    assert pinned_on_primary and not pinned_on_replica
    assert staff.status_code == 200
    assert staff_on_primary and not staff_on_replica
    assert anonymous_on_replica
