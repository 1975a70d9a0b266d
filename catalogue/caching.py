"""Cached counts that are never stale: every cache key carries the catalogue's version.

Counting facets over hundreds of thousands of documents is the costliest work of the public
pages, and its result only changes when the catalogue does. Any save or delete the public can
see (a document published, unpublished or edited while published, a mention added to a published
document, a person renamed: see `is_public_change`) bumps the version, so the next request
computes fresh counts; drafting and review leave the cache alone. With a shared cache
(CACHE_URL) every app server sees the bump at once. Bulk writes that bypass signals (loaddata,
the synthetic generator, the search index rebuild) call `bump_catalogue_version()` themselves.
"""

import hashlib
import json
import time

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

VERSION_KEY = "catalogue:version"
TIMEOUT = 6 * 60 * 60
LOCK_SECONDS = 120  # longest a computation may hold its key before others compute it too
WAIT_SECONDS = 15  # longest a request waits for another's computation


def catalogue_version() -> int:
    version = cache.get(VERSION_KEY)
    if version is None:
        # First use, a restarted cache, or the key evicted (a full local-memory cache, Redis
        # under maxmemory): start from the clock in milliseconds, above any version used
        # before (each bump adds 1), so that counts cached under an old version are never read.
        cache.add(VERSION_KEY, time.time_ns() // 1_000_000, None)
        version = cache.get(VERSION_KEY)
    return version


def bump_catalogue_version() -> None:
    try:
        cache.incr(VERSION_KEY)
    except ValueError:  # not set (evicted): a new start is a new version already
        catalogue_version()


def cache_key(namespace: str, parts) -> str:
    digest = hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()
    return f"catalogue:{namespace}:{catalogue_version()}:{digest}"


def remember(namespace: str, parts, compute):
    """compute(), cached under `namespace` and `parts` for the current catalogue version.

    One request computes, the others asking for the same key meanwhile (or the warming task,
    see catalogue.warming) wait for its result rather than run the same counts in parallel.
    """
    key = cache_key(namespace, parts)
    value = cache.get(key)
    if value is not None:
        return value
    lock = f"{key}:computing"
    locked = cache.add(lock, True, LOCK_SECONDS)
    if not locked:
        value = _wait_for(key, lock)
        if value is not None:
            return value
    try:
        value = compute()
        cache.set(key, value, TIMEOUT)
    finally:
        if locked:
            cache.delete(lock)
    return value


def _wait_for(key, lock):
    """The value another process is computing, or None if it gave up or takes too long."""
    deadline = time.monotonic() + WAIT_SECONDS
    pause = 0.02
    while time.monotonic() < deadline:
        time.sleep(pause)
        value = cache.get(key)
        if value is not None or cache.get(lock) is None:
            return value
        pause = min(pause * 2, 0.25)
    return None


def query_parts(params, ignore=("page", "sort")) -> list:
    """A canonical form of a query string: the same parameters in any order give the same key.

    Values keep their order: where a parameter is repeated, the page uses the last one.
    """
    return sorted((name, params.getlist(name)) for name in params if name not in ignore)


# Records the public never sees through a cached count: audit history, importer suggestions.
PRIVATE_MODELS = {"authoritysuggestion"}


def is_public_change(instance, created=False) -> bool:
    """Whether saving or deleting `instance` can change what a public page shows.

    Drafts and documents in review are invisible, and so are their mentions, correspondents,
    footnotes, scans and themes: editing them keeps every cached count. A document that is or
    was published, anything attached to one, and authorities, places, themes and collections
    (shown on public pages whatever they are linked to) do change public pages. When in doubt
    (an unknown model, a status not loaded) the answer is yes.
    """
    from catalogue.models import Document, Status

    meta = instance._meta
    if meta.model_name in PRIVATE_MODELS or meta.model_name.startswith("historical"):
        return False
    if isinstance(instance, Document):
        if instance.status == Status.PUBLISHED:
            return True
        return not created and instance.was_published is not False
    document_id = getattr(instance, "document_id", None)
    if document_id is not None:
        return Document.objects.filter(pk=document_id, status=Status.PUBLISHED).exists()
    return True


def _on_catalogue_change(sender, instance, created=False, action="post_", raw=False, **kwargs):
    if instance._meta.app_label != "catalogue" or not action.startswith("post_"):
        return
    if sender.__module__ == "__fake__":  # a data migration's model: no cache, no worker yet
        return
    if is_public_change(instance, created):
        bump_catalogue_version()
        # Again after the commit: a request between the save and the commit may have cached
        # counts of the data as it was before, under the version bumped above.
        transaction.on_commit(bump_catalogue_version)
        if settings.CACHE_WARMING and not raw:
            # robust: a queue that cannot be reached must not fail the archivist's save
            transaction.on_commit(enqueue_warming, robust=True)


def enqueue_warming():
    from catalogue.tasks import warm_public_pages

    warm_public_pages.enqueue(catalogue_version())


def connect_signals():
    for signal in (post_save, post_delete, m2m_changed):
        signal.connect(_on_catalogue_change, dispatch_uid=f"catalogue-version-{signal!r}")
