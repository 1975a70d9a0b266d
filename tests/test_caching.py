"""Cached counts on the public pages are never stale: any public change moves the catalogue
version kept in the database, and every cache key carries it."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from catalogue import caching, versioning
from catalogue.models import Document, Mention, Status, Theme
from catalogue.search import refresh_search_index
from tests.factories import make_collection, make_document, make_place


def facet_count(response, facet_name, value):
    for facet in response.context["facets"]:
        if facet.name == facet_name:
            for facet_value in facet.values:
                if facet_value.value == value:
                    return facet_value.count
    return 0


@pytest.fixture
def two_documents(db):
    collection = make_collection()
    turkey = Theme.objects.get(slug="turkey")
    documents = [make_document(collection) for _ in range(2)]
    for document in documents:
        document.themes.add(turkey)
    return documents


def test_second_request_uses_cached_counts(client, two_documents):
    with CaptureQueriesContext(connection) as first:
        client.get("/documents/")
    with CaptureQueriesContext(connection) as second:
        response = client.get("/documents/")
    assert len(second) < len(first)
    assert response.context["result_count"] == 2
    assert facet_count(response, "theme", "turkey") == 2


def test_same_filters_in_another_order_share_the_cache(client, two_documents):
    client.get("/documents/?theme=turkey&type=letter")
    with CaptureQueriesContext(connection) as reordered:
        client.get("/documents/?type=letter&theme=turkey")
    with CaptureQueriesContext(connection) as other:
        client.get("/documents/?type=letter")
    assert len(reordered) < len(other)


def test_unpublishing_invalidates_counts(client, two_documents):
    assert client.get("/documents/").context["result_count"] == 2
    two_documents[0].status = Status.DRAFT
    two_documents[0].save()
    response = client.get("/documents/")
    assert response.context["result_count"] == 1
    assert facet_count(response, "theme", "turkey") == 1


def test_a_new_mention_invalidates_counts(client, two_documents):
    ankara = make_place("Ankara", slug="ankara")
    assert facet_count(client.get("/documents/"), "place", "ankara") == 0
    Mention.objects.create(document=two_documents[0], place=ankara)
    assert facet_count(client.get("/documents/"), "place", "ankara") == 1


def test_theme_removed_invalidates_counts(client, two_documents):
    client.get("/documents/")
    two_documents[1].themes.clear()
    assert facet_count(client.get("/documents/"), "theme", "turkey") == 1


def test_bulk_search_rebuild_invalidates(client, two_documents):
    version = versioning.current_version()
    refresh_search_index(Document.objects.all())
    assert versioning.current_version() > version


def test_clearing_the_cache_keeps_the_version(db):
    version = versioning.current_version()
    cache.clear()
    assert versioning.current_version() == version


def test_a_cleared_cache_never_brings_back_counts_of_an_old_version(client, two_documents):
    client.get("/documents/")  # cached under the current version
    two_documents[0].status = Status.DRAFT
    two_documents[0].save()
    cache.clear()  # evicted, restarted: the version lives in the database
    assert client.get("/documents/").context["result_count"] == 1


def test_person_page_counts_follow_publication(client, two_documents):
    from tests.factories import make_person

    person = make_person("Enver Pasha", slug="enver-pasha")
    for document in two_documents:
        Mention.objects.create(document=document, person=person)
    url = person.get_absolute_url()
    first, second = (f'href="{d.get_absolute_url()}"' for d in two_documents)
    page = client.get(url).content.decode()
    assert first in page and second in page
    two_documents[1].status = Status.DRAFT
    two_documents[1].save()
    page = client.get(url).content.decode()
    assert first in page and second not in page


def test_the_version_moves_in_the_transaction_of_the_change(db):
    from django.db import transaction

    version = versioning.current_version()
    document = make_document()
    assert versioning.current_version() > version
    version = versioning.current_version()
    try:
        with transaction.atomic():
            document.status = Status.DRAFT
            document.save()
            assert versioning.current_version() > version
            raise RuntimeError("roll back")
    except RuntimeError:
        pass
    assert versioning.current_version() == version  # rolled back with the change


def test_nothing_is_cached_while_a_public_change_is_uncommitted(client, two_documents):
    from django.db import transaction

    computed = []
    with transaction.atomic():
        two_documents[0].heading = "Edited, not yet committed"
        two_documents[0].save()
        assert caching.remember("test", ["x"], lambda: computed.append(1) or 1) == 1
        assert caching.remember("test", ["x"], lambda: computed.append(1) or 1) == 1
    assert computed == [1, 1]
    assert caching.remember("test", ["x"], lambda: computed.append(1) or 1) == 1
    assert caching.remember("test", ["x"], lambda: computed.append(1) or 1) == 1
    assert computed == [1, 1, 1]


def test_the_log_says_which_documents_changed(two_documents):
    version = versioning.current_version()
    two_documents[0].status = Status.DRAFT
    two_documents[0].save()
    two_documents[1].footnotes.create(marker="1", text="A note.")
    changes = versioning.changes_since(version)
    assert changes.version == versioning.current_version()
    assert changes.documents == {two_documents[0].pk, two_documents[1].pk}
    assert versioning.changes_since(changes.version).by_model == {}


def test_a_bulk_change_asks_for_a_rebuild(two_documents):
    version = versioning.current_version()
    versioning.record_change("document")
    assert versioning.changes_since(version).documents is None


def test_a_pruned_log_asks_for_a_rebuild(two_documents):
    version = versioning.current_version()
    versioning.record_change("document", [two_documents[0].pk])
    versioning.prune_log(versioning.current_version() + 1)
    assert versioning.changes_since(version) is None


def test_the_version_is_read_once_per_request(client, two_documents):
    from catalogue.models import CatalogueVersion

    client.get("/documents/")
    with CaptureQueriesContext(connection) as cached:
        client.get("/documents/")
    table = CatalogueVersion._meta.db_table
    assert sum(table in query["sql"] for query in cached.captured_queries) == 1


# Only changes the public can see invalidate the counts ----------------------------------------


@pytest.fixture
def draft(two_documents):
    document = make_document(two_documents[0].collection, status=Status.DRAFT)
    return document


def assert_version_kept(action):
    version = versioning.current_version()
    action()
    assert versioning.current_version() == version


def assert_version_bumped(action):
    version = versioning.current_version()
    action()
    assert versioning.current_version() > version


def test_drafting_keeps_the_cached_counts(draft):
    from tests.factories import make_person

    person = make_person("Djemal Pasha", slug="djemal-pasha")
    turkey = Theme.objects.get(slug="turkey")

    def edit_the_draft():
        make_document(draft.collection, status=Status.DRAFT)
        draft.heading = "Record of a conversation, revised"
        draft.status = Status.REVIEW
        draft.save()
        mention = Mention.objects.create(document=draft, person=person)
        draft.themes.add(turkey)
        draft.footnotes.create(marker="1", text="A note on the draft.")
        mention.delete()
        draft.themes.clear()

    assert_version_kept(edit_the_draft)


def test_deleting_a_draft_keeps_the_cached_counts(draft):
    assert_version_kept(draft.delete)


def test_publishing_a_draft_bumps(draft):
    draft.status = Status.PUBLISHED
    assert_version_bumped(draft.save)


def test_unpublishing_bumps_even_from_a_fresh_instance(two_documents):
    document = Document.objects.get(pk=two_documents[0].pk)
    document.status = Status.DRAFT
    assert_version_bumped(document.save)
    # Saved again as a draft: the instance now knows the row is no longer published.
    assert_version_kept(document.save)


def test_a_status_not_loaded_is_taken_as_public(draft):
    document = Document.objects.only("pk", "heading").get(pk=draft.pk)
    document.heading = "Renamed"
    assert_version_bumped(lambda: document.save(update_fields=["heading"]))


def test_deleting_a_published_document_bumps(two_documents):
    assert_version_bumped(two_documents[0].delete)


def test_a_footnote_on_a_published_document_bumps(two_documents):
    assert_version_bumped(
        lambda: two_documents[0].footnotes.create(marker="2", text="A published note.")
    )


def test_renaming_a_place_bumps_whatever_it_is_linked_to(db):
    place = make_place("Angora", slug="angora")
    place.name = "Ankara"
    assert_version_bumped(place.save)


def test_importer_suggestions_are_not_public(draft):
    from catalogue.models import AuthoritySuggestion

    field_names = {f.name for f in AuthoritySuggestion._meta.concrete_fields}
    assert "document" in field_names
    assert versioning.is_public_change(AuthoritySuggestion(document=draft)) is False
    assert (
        versioning.is_public_change(AuthoritySuggestion(document=Document.objects.first())) is False
    )


def test_a_draft_edited_keeps_the_public_list_fast_and_right(client, draft):
    """After edits to a draft the list is served from the cache, with the same counts."""
    first = client.get("/documents/")
    draft.heading = "Edited"
    draft.save()
    with CaptureQueriesContext(connection) as after_edit:
        second = client.get("/documents/")
    assert second.context["result_count"] == first.context["result_count"] == 2
    assert len(after_edit) <= 3


# One computation per key, and warming after a change -------------------------------------------


def test_a_request_waits_for_the_same_counts_being_computed(db):
    import threading

    key = caching.cache_key("test", ["x"])
    cache.add(f"{key}:computing", True, 30)  # as if another request were computing
    threading.Timer(0.2, lambda: cache.set(key, 42)).start()
    computed = []
    assert caching.remember("test", ["x"], lambda: computed.append(1) or 7) == 42
    assert computed == []


def test_a_request_computes_when_the_other_gives_up(db, monkeypatch):
    import threading

    key = caching.cache_key("test", ["y"])
    cache.add(f"{key}:computing", True, 30)
    threading.Timer(0.1, lambda: cache.delete(f"{key}:computing")).start()
    assert caching.remember("test", ["y"], lambda: 7) == 7
    assert cache.get(key) == 7


def test_warming_fills_the_caches_of_the_public_pages(client, two_documents, settings):
    from catalogue.warming import warm

    settings.CATALOGUE_INDEX = False  # the counts in SQL, which the warmed cache stands for
    from tests.factories import make_person

    enver = make_person("Enver Pasha", slug="enver-pasha")
    Mention.objects.create(document=two_documents[0], person=enver)
    results = warm()
    paths = [result.path for result in results]
    assert paths[:2] == ["/", "/documents/"]
    assert two_documents[0].collection.get_absolute_url() in paths
    assert enver.get_absolute_url() in paths  # at the top of the "person mentioned" facet
    assert all(not result.error for result in results)
    with CaptureQueriesContext(connection) as person_page:
        client.get(enver.get_absolute_url())
    assert len(person_page) <= 4  # the person and their names; the groups come from the cache
    with CaptureQueriesContext(connection) as warmed:
        response = client.get("/documents/")
    cache.clear()
    with CaptureQueriesContext(connection) as cold:
        client.get("/documents/")
    assert len(warmed) < len(cold) - 5
    assert facet_count(response, "theme", "turkey") == 2


def test_warming_reports_pages_it_cannot_warm(db, settings):
    from catalogue.warming import warm

    settings.CACHE_WARM_PATHS = ["/no-such-page/", "/persons/nobody/", "/documents/?type=letter"]
    errors = {result.path: result.error for result in warm()}
    assert errors["/no-such-page/"] == "no such page"
    assert errors["/persons/nobody/"] == "not found"
    assert errors["/documents/?type=letter"] == ""


def test_a_superseded_warming_task_does_nothing(db):
    from catalogue.warming import warm_if_current

    version = versioning.current_version()
    versioning.record_change("document")
    assert warm_if_current(version) is None
    assert warm_if_current(versioning.current_version())


def test_publishing_warms_the_list_with_exact_counts(
    client, two_documents, settings, django_capture_on_commit_callbacks
):
    settings.CACHE_WARMING = True  # the immediate task backend runs the task at once
    draft = make_document(two_documents[0].collection, status=Status.DRAFT)
    draft.themes.add(Theme.objects.get(slug="turkey"))
    with django_capture_on_commit_callbacks(execute=True):
        draft.status = Status.PUBLISHED
        draft.save()
    with CaptureQueriesContext(connection) as after_publishing:
        response = client.get("/documents/")
    assert len(after_publishing) <= 3  # served from the warmed cache
    assert response.context["result_count"] == 3
    assert facet_count(response, "theme", "turkey") == 3


def test_no_warming_unless_configured(client, two_documents, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        two_documents[0].heading = "Renamed"
        two_documents[0].save()
    with CaptureQueriesContext(connection) as after_edit:
        client.get("/documents/")
    assert len(after_edit) > 5


def test_warm_cache_command_reports_each_page(two_documents):
    from io import StringIO

    from django.core.management import call_command

    out, err = StringIO(), StringIO()
    call_command("warm_cache", stdout=out, stderr=err)
    assert "/documents/  warmed" in out.getvalue()
    assert err.getvalue() == ""
    call_command("warm_cache", "/documents/?theme=turkey", "/nowhere/", stdout=out, stderr=err)
    assert "/nowhere/  failed: no such page" in out.getvalue()
    assert "1 of 2 pages warmed" in out.getvalue()
    assert "1 pages could not be warmed." in err.getvalue()


# The shared cache of a deployment with several app servers ------------------------------------


def redis_url():
    import os
    import socket

    url = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
    host, port = url.split("//")[1].split("/")[0].split(":")
    try:
        socket.create_connection((host, int(port)), timeout=0.5).close()
    except OSError:
        return None
    return url


@pytest.mark.skipif(redis_url() is None, reason="no Redis server reachable")
def test_counts_and_versions_work_in_a_shared_redis_cache(client, two_documents, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": redis_url(),
            "KEY_PREFIX": "archive-tests",
        }
    }
    cache.clear()
    try:
        first = client.get("/documents/")
        with CaptureQueriesContext(connection) as cached:
            second = client.get("/documents/")
        assert len(cached) <= 3 and second.content == first.content
        version = versioning.current_version()
        two_documents[0].status = Status.DRAFT
        two_documents[0].save()
        assert versioning.current_version() > version
        assert client.get("/documents/").context["result_count"] == 1
    finally:
        cache.clear()


def test_data_migrations_neither_bump_nor_queue(db, settings, django_capture_on_commit_callbacks):
    from django.apps import apps
    from django.db.migrations.state import ProjectState

    settings.CACHE_WARMING = True
    historical_theme = ProjectState.from_apps(apps).apps.get_model("catalogue", "Theme")
    version = versioning.current_version()
    with django_capture_on_commit_callbacks() as callbacks:
        historical_theme.objects.create(slug="from-a-migration", name="From a migration")
    assert callbacks == [] and versioning.current_version() == version


def test_an_unreachable_task_queue_does_not_fail_the_save(
    two_documents, settings, monkeypatch, django_capture_on_commit_callbacks
):
    from types import SimpleNamespace

    from catalogue import tasks

    def refuse(*args, **kwargs):
        raise ConnectionError("queue down")

    settings.CACHE_WARMING = True
    monkeypatch.setattr(tasks, "warm_public_pages", SimpleNamespace(enqueue=refuse))
    version = versioning.current_version()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        two_documents[0].heading = "Edited while the queue is down"
        two_documents[0].save()
    assert versioning.enqueue_warming in callbacks
    assert versioning.current_version() > version
