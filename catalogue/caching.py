"""Caching that only ever speeds pages up: it never decides what they show.

Every key is built here, by `cache_key`, from the name of the view or function whose result it
is, every parameter that result depends on, and the catalogue version read from the database
(catalogue.versioning). A change the public can see moves the version in its own transaction,
so the next request looks under new keys; entries of older versions are never read again and
simply expire. Nothing here needs the cache to be shared, to keep its entries, or to answer:
- any number of workers with per-process memory caches agree, since they share the database;
- an evicted or restarted cache only means recomputation;
- a cache that cannot be reached (CACHE_URL pointing at a server that is down) means pages
  computed uncached and one logged warning per `RETRY_SECONDS`, never an error;
- inside a transaction that has just made a public change, nothing is read from or written to
  the cache, since that version number is not final until the commit.
"""

import hashlib
import json
import logging
import time

from django.core.cache import cache

from catalogue import versioning

logger = logging.getLogger(__name__)

TIMEOUT = 6 * 60 * 60
LOCK_SECONDS = 120  # longest a computation may hold its key before others compute it too
WAIT_SECONDS = 15  # longest a request waits for another's computation
RETRY_SECONDS = 10  # after a cache error, the cache is left alone this long (per process)

_unavailable_until = 0.0


def cache_key(namespace: str, parts) -> str:
    """The key of what `namespace` (a view or function) computes from `parts` (all of its
    parameters) at the current catalogue version."""
    digest = hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()
    return f"catalogue:{namespace}:{versioning.current_version()}:{digest}"


def remember(namespace: str, parts, compute):
    """compute(), cached under `namespace` and `parts` for the current catalogue version.

    One request computes, the others asking for the same key meanwhile (or the warming task,
    see catalogue.warming) wait for its result rather than run the same counts in parallel.
    """
    if not cache_usable():
        return compute()
    key = cache_key(namespace, parts)
    found, value = _call(cache.get, key)
    if not found:
        return compute()  # the cache cannot be reached
    if value is not None:
        return value
    lock = f"{key}:computing"
    _, locked = _call(cache.add, lock, True, LOCK_SECONDS)
    if not locked:
        value = _wait_for(key, lock)
        if value is not None:
            return value
    try:
        value = compute()
        _call(cache.set, key, value, TIMEOUT)
    finally:
        if locked:
            _call(cache.delete, lock)
    return value


def remember_by_content(key: str, compute, timeout: int = TIMEOUT):
    """compute(), cached under a key derived from everything the result depends on (e.g. a
    citation from its CSL item), so it needs no catalogue version."""
    if not cache_usable():
        return compute()
    found, value = _call(cache.get, key)
    if found and value is not None:
        return value
    value = compute()
    if found:
        _call(cache.set, key, value, timeout)
    return value


def cache_usable() -> bool:
    """False while the cache is known to be unreachable, or while the current transaction has
    an uncommitted public change."""
    return time.monotonic() >= _unavailable_until and not versioning.has_uncommitted_change()


def _call(operation, *args):
    """(True, result), or (False, None) when the cache cannot be reached: logged once, then
    the cache is skipped for RETRY_SECONDS so that pages do not wait for it on every call."""
    global _unavailable_until
    try:
        return True, operation(*args)
    except Exception as error:  # any backend: redis.ConnectionError, socket errors, timeouts
        _unavailable_until = time.monotonic() + RETRY_SECONDS
        logger.warning(
            "Cache unreachable (%s: %s); serving uncached pages for %s s.",
            type(error).__name__,
            error,
            RETRY_SECONDS,
        )
        return False, None


def _wait_for(key, lock):
    """The value another process is computing, or None if it gave up or takes too long."""
    deadline = time.monotonic() + WAIT_SECONDS
    pause = 0.02
    while time.monotonic() < deadline:
        time.sleep(pause)
        found, value = _call(cache.get, key)
        if not found:
            return None
        if value is not None:
            return value
        found, computing = _call(cache.get, lock)
        if not found or computing is None:
            return None
        pause = min(pause * 2, 0.25)
    return None


def query_parts(params, ignore=("page", "sort")) -> list:
    """A canonical form of a query string: the same parameters in any order give the same key.

    Values keep their order: where a parameter is repeated, the page uses the last one.
    """
    return sorted((name, params.getlist(name)) for name in params if name not in ignore)
