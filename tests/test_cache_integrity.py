"""The cache never decides what the public sees (issue 11 C, findings 3 and 4; issue 14 finding 1).

- Several workers, each with its own memory cache, agree at once after a withdrawal.
- A cache server that cannot be reached costs speed, never a 500, and a withdrawal made while
  it is down is not undone by its entries when it comes back.
- No two pages share a cached value: every page renders the same as with no cache at all,
  whatever was visited before.
"""

import random
import re

import pytest
from django.core.cache import cache
from django.test import override_settings

from catalogue import caching
from catalogue.models import Document, Person, Place, Status

WORKER_A = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "worker-a",
    }
}
WORKER_B = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "worker-b",
    }
}
# A Redis server that is not there: port 9 (discard) on the loopback refuses connections.
UNREACHABLE = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:9/0",
        "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
    }
}
NO_CACHE = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}


def listed(response, document):
    return f'href="{document.get_absolute_url()}"' in response.content.decode()


@pytest.fixture
def chicherin(seed):
    return Document.objects.get(identifier="D000001")


def most_mentioned_person():
    return Person.objects.filter(mentions__document__identifier="D000001").first()


# Finding 3: per-process caches of several workers -------------------------------------------


def test_other_workers_stop_showing_a_withdrawn_document_at_once(client, chicherin):
    person = most_mentioned_person()
    pages = [
        "/documents/",
        "/documents/?q=Frunze",
        "/documents/?year=1921",
        person.get_absolute_url(),
    ]
    with override_settings(CACHES=WORKER_A):
        cache.clear()
        before = {page: client.get(page) for page in pages}
        assert all(listed(response, chicherin) for response in before.values())
        year_count = before["/documents/?year=1921"].context["result_count"]
    with override_settings(CACHES=WORKER_B):  # the editor's request reaches another worker
        chicherin.status = Status.REVIEW
        chicherin.save()
    with override_settings(CACHES=WORKER_A):
        for page in pages:
            assert not listed(client.get(page), chicherin), page
        after = client.get("/documents/?year=1921").context["result_count"]
        assert after == year_count - 1
        cache.clear()


# Finding 4: a cache server that cannot be reached -------------------------------------------


def test_every_public_page_answers_when_the_cache_is_down(client, chicherin, caplog):
    person = most_mentioned_person()
    pages = [
        "/",
        "/documents/",
        "/documents/?q=Frunze&type=letter",
        chicherin.get_absolute_url(),
        "/persons/",
        "/places/",
        person.get_absolute_url(),
        f"{chicherin.get_absolute_url()}cite.bib",
    ]
    with override_settings(CACHES=UNREACHABLE):
        for page in pages:
            assert client.get(page).status_code == 200, page
    assert "Cache unreachable" in caplog.text


def test_a_withdrawal_while_the_cache_is_down_is_not_undone_when_it_returns(client, chicherin):
    with override_settings(CACHES=WORKER_A):
        cache.clear()
        assert listed(client.get("/documents/"), chicherin)  # cached in the worker
    with override_settings(CACHES=UNREACHABLE):
        chicherin.status = Status.REVIEW
        chicherin.save()  # the save succeeds although the cache cannot be told
        assert not listed(client.get("/documents/"), chicherin)
    caching._unavailable_until = 0.0  # the cache is back
    with override_settings(CACHES=WORKER_A):
        assert not listed(client.get("/documents/"), chicherin)
        cache.clear()


# Issue 14 finding 1: no page reads another's cached value -------------------------------------

PAGES = [
    "/",
    "/documents/",
    "/documents/?yy=1",
    "/documents/?type=letter",
    "/documents/?sort=-date",
    "/documents/?year=1921&more=person",
    "/documents/?q=Frunze",
    "/persons/",
    "/persons/?yy=1",
    "/persons/?sort=count",
    "/places/",
    "/places/?yy=1",
    "/places/?sort=count",
    "/documents/D000001/",
]

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"')


def rendered(client, page):
    response = client.get(page)
    assert response.status_code == 200, page
    return CSRF.sub("", response.content.decode())


def authority_pages():
    persons = [p.get_absolute_url() for p in Person.objects.filter(mentions__isnull=False)[:3]]
    places = [p.get_absolute_url() for p in Place.objects.filter(mentions__isnull=False)[:3]]
    return persons + places


def test_every_page_renders_as_it_would_uncached_whatever_came_before(client, seed):
    pages = PAGES + authority_pages()
    with override_settings(CACHES=NO_CACHE):
        expected = {page: rendered(client, page) for page in pages}
    shuffled = random.Random(1921)
    with override_settings(CACHES=WORKER_A):
        cache.clear()
        for _ in range(3):
            order = pages[:]
            shuffled.shuffle(order)
            for page in order:
                assert rendered(client, page) == expected[page], f"{page} after {order}"
        cache.clear()


def test_the_indexes_count_their_own_entries_after_the_document_list(client, seed):
    with override_settings(CACHES=NO_CACHE):
        persons_total = client.get("/persons/").context["total"]
        places_total = client.get("/places/?yy=1").context["total"]
    assert persons_total > 11 and places_total > 11  # more than the seed's 11 documents
    client.get("/documents/")
    persons = client.get("/persons/")
    assert persons.context["total"] == len(persons.context["authorities"]) == persons_total
    places = client.get("/places/?yy=1")
    assert places.context["total"] == len(places.context["authorities"]) == places_total
    documents = client.get("/documents/?yy=1")
    assert documents.context["result_count"] == Document.objects.published().count()


def test_cache_keys_name_the_view_and_every_parameter(db):
    assert caching.cache_key("person-index:count", []) != caching.cache_key(
        "document-list:count", []
    )
    assert caching.cache_key("x", [("a", ["1"])]) != caching.cache_key("x", [("a", ["2"])])
