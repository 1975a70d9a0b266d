"""Warm the cache after a public change, so that no visitor waits for the counts.

A change the public can see bumps the catalogue version (see catalogue.caching), and the next
request of each page recomputes its counts: a few hundred milliseconds at 100,000 documents,
several seconds at a million. With CACHE_WARMING on, a background task (django-tasks, as for the
scan derivatives) requests the most visited pages as soon as the change commits: the home page,
the unfiltered document list, each collection's page and any CACHE_WARM_PATHS. The counts it
leaves in the cache are the ones a visitor would have computed, for the version they belong to.
"""

import logging
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.http import Http404
from django.test import RequestFactory
from django.urls import Resolver404, resolve, reverse

from catalogue import caching
from catalogue.models import Collection

logger = logging.getLogger(__name__)


@dataclass
class Warmed:
    path: str
    milliseconds: float
    error: str = ""


def paths_to_warm() -> list[str]:
    collections = [collection.get_absolute_url() for collection in Collection.objects.all()]
    paths = [reverse("catalogue:home"), reverse("catalogue:document-list"), *collections]
    paths += [path for path in settings.CACHE_WARM_PATHS if path not in paths]
    return paths


def warm(paths=None) -> list[Warmed]:
    """Request each public page as an anonymous visitor would, through its view."""
    factory = RequestFactory()
    results = []
    for path in paths if paths is not None else paths_to_warm():
        started = time.perf_counter()
        error = _render(factory, path)
        results.append(Warmed(path, (time.perf_counter() - started) * 1000, error))
        if error:
            logger.warning("Could not warm %s: %s", path, error)
    return results


def _render(factory, path) -> str:
    try:
        match = resolve(urlsplit(path).path)
    except Resolver404:
        return "no such page"
    request = factory.get(path)
    request.user = AnonymousUser()
    try:
        response = match.func(request, *match.args, **match.kwargs)
        if hasattr(response, "render"):
            response.render()
    except Http404:
        return "not found"
    if response.status_code != 200:
        return f"status {response.status_code}"
    return ""


def warm_if_current(version: int) -> list[Warmed] | None:
    """Warm the cache unless the catalogue has changed again since `version` (then a later
    task will warm it, and this one would only compute counts nobody will ask for)."""
    if caching.catalogue_version() != version:
        return None
    return warm()
