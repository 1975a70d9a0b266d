"""The read-replica router's configuration and rules that need no replica (any database).
Behaviour against a real streaming replica: tests/test_replicas.py."""

from types import SimpleNamespace

from django.test import RequestFactory

from archive.settings import replica_databases
from catalogue import routing
from catalogue.models import Document

PRIMARY = {"ENGINE": "django.db.backends.postgresql", "CONN_MAX_AGE": 60, "OPTIONS": {}}


def test_each_replica_url_becomes_an_alias_that_tests_mirror_to_the_primary():
    replicas = replica_databases(
        ["postgres://app@db-r1:5432/archive", "postgres://app@db-r2/archive?connect_timeout=5"],
        PRIMARY,
    )

    assert list(replicas) == ["replica1", "replica2"]
    assert replicas["replica1"]["HOST"] == "db-r1"
    assert replicas["replica1"]["OPTIONS"]["connect_timeout"] == 2  # a dead replica costs little
    assert str(replicas["replica2"]["OPTIONS"]["connect_timeout"]) == "5"  # the URL's own wins
    assert replicas["replica1"]["CONN_MAX_AGE"] == 60
    assert replicas["replica1"]["TEST"] == {"MIRROR": "default"}


def test_replicas_are_never_migrated_and_writes_go_to_the_primary(settings):
    settings.DATABASE_REPLICAS = ["replica1"]
    router = routing.ReplicaRouter()

    assert router.allow_migrate("replica1", "catalogue") is False
    assert router.allow_migrate("default", "catalogue") is None
    assert router.db_for_write(Document) == "default"
    assert router.db_for_read(Document) == "default"  # outside a request


def test_only_anonymous_safe_public_requests_may_read_from_a_replica(settings):
    settings.DATABASE_REPLICAS = ["replica1"]
    factory = RequestFactory()
    pinned = factory.get("/documents/")
    pinned.COOKIES[routing.PIN_COOKIE] = "1"
    signed_in = factory.get("/documents/")
    signed_in.COOKIES[settings.SESSION_COOKIE_NAME] = "abc"

    assert routing.may_read_from_replica(factory.get("/documents/"))
    assert not routing.may_read_from_replica(factory.post("/documents/"))
    assert not routing.may_read_from_replica(factory.get("/admin/catalogue/document/"))
    assert not routing.may_read_from_replica(pinned)
    assert not routing.may_read_from_replica(signed_in)
    settings.DATABASE_REPLICAS = []
    assert not routing.may_read_from_replica(factory.get("/documents/"))


def test_a_request_that_writes_reads_its_own_writes_from_the_primary(settings):
    settings.DATABASE_REPLICAS = ["replica1"]
    request_routing = routing.ReadRouting(may_use_replica=True, alias="replica1")
    token = routing._routing.set(request_routing)
    try:
        router = routing.ReplicaRouter()
        assert router.db_for_read(Document) == "replica1"
        router.db_for_write(Document)
        assert router.db_for_read(Document) == "default"
        other_app = SimpleNamespace(_meta=SimpleNamespace(app_label="auth"))
        assert router.db_for_read(other_app) == "default"
    finally:
        routing._routing.reset(token)
    assert request_routing.wrote
