"""Warm the cache after a public change, so that no visitor waits for the counts.

A change the public can see moves the catalogue version (see catalogue.versioning), and the next
request of each page recomputes its counts: a few hundred milliseconds at 100,000 documents,
several seconds at a million. With CACHE_WARMING on, a background task (django-tasks, as for the
scan derivatives) requests the most visited pages as soon as the change commits: the home page,
the unfiltered document list, each collection's page, any CACHE_WARM_PATHS, and the pages of
the persons, bodies and places at the top of the list's facets. The counts it
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

from catalogue import versioning
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
    paths.append(reverse("catalogue:network"))  # in the main navigation (issue 15)
    paths += [path for path in settings.CACHE_WARM_PATHS if path not in paths]
    return paths


# Facets of the unfiltered list whose top values lead to an authority's page, and how.
AUTHORITY_FACETS = {
    "author": None,  # values are "person:<slug>" or "organisation:<slug>"
    "recipient": None,
    "person": "person",
    "organisation": "organisation",
    "place": "place",
}


def warm(paths=None) -> list[Warmed]:
    """Request each public page as an anonymous visitor would, through its view; after the
    unfiltered list (when warming the default pages), the pages of the persons, bodies and
    places at the top of its facets, whose counts are the costliest of any authority page."""
    factory = RequestFactory()
    queue = list(paths if paths is not None else paths_to_warm())
    list_path = reverse("catalogue:document-list")
    results = []
    while queue:
        path = queue.pop(0)
        started = time.perf_counter()
        response, error = _render(factory, path)
        results.append(Warmed(path, (time.perf_counter() - started) * 1000, error))
        if error:
            logger.warning("Could not warm %s: %s", path, error)
        elif paths is None and path == list_path:
            queue += [p for p in authority_paths(response) if p not in queue]
    return results


def authority_paths(list_response) -> list[str]:
    """The pages of the authorities shown in the facets of a rendered document list."""
    paths = []
    for facet in (list_response.context_data or {}).get("facets", []):
        if facet.name not in AUTHORITY_FACETS:
            continue
        for value in facet.values:
            kind, _, slug = value.value.rpartition(":")
            kind = AUTHORITY_FACETS[facet.name] or kind
            path = reverse(f"catalogue:{kind}-detail", kwargs={"slug": slug})
            if path not in paths:
                paths.append(path)
    return paths


def _render(factory, path):
    """(response, "") or (None, what went wrong)."""
    try:
        match = resolve(urlsplit(path).path)
    except Resolver404:
        return None, "no such page"
    request = factory.get(path)
    request.user = AnonymousUser()
    try:
        response = match.func(request, *match.args, **match.kwargs)
        if hasattr(response, "render"):
            response.render()
    except Http404:
        return None, "not found"
    if response.status_code != 200:
        return None, f"status {response.status_code}"
    return response, ""


def warm_if_current(version: int) -> list[Warmed] | None:
    """Warm the cache unless the catalogue has changed again since `version` (then a later
    task will warm it, and this one would only compute counts nobody will ask for)."""
    if versioning.current_version() != version:
        return None
    return warm()
