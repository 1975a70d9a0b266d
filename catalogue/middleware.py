"""A database that cannot be reached answers 503 with Retry-After, never a 500 with a traceback.

The middleware catches the fault where Django reports view and template exceptions
(`process_exception`); `server_error` (the project's handler500) catches it when it happened in
another middleware, e.g. while a session was read. Neither needs the database: the page is a
template rendered without a request context, so no context processor touches the session or user.
"""

import logging
import sys

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, HttpResponseServerError
from django.template import TemplateDoesNotExist
from django.template.loader import render_to_string

logger = logging.getLogger(__name__)

UNAVAILABLE_ERRORS = (OperationalError, InterfaceError)


def is_database_unavailable(error) -> bool:
    """Connection refused, server gone, too many connections, a locked SQLite file …

    Looks along the chain of causes, since a template or library may wrap the database's error.
    """
    for _ in range(10):
        if error is None:
            return False
        if isinstance(error, UNAVAILABLE_ERRORS):
            return True
        error = error.__cause__ or error.__context__
    return False


FALLBACK_PAGE = (
    "<!doctype html><html lang='en'><title>Temporarily unavailable</title>"
    "<h1>The catalogue is temporarily unavailable</h1>"
    "<p>Its database cannot be reached at the moment. Please try again in a minute.</p></html>"
)


def database_unavailable_response() -> HttpResponse:
    try:
        page = render_to_string("503.html", {"retry_after": settings.DATABASE_RETRY_AFTER})
    except Exception:  # e.g. static files not collected: the page must still be a 503
        logger.exception("The 503 page could not be rendered")
        page = FALLBACK_PAGE
    response = HttpResponse(page, status=503)
    response["Retry-After"] = str(settings.DATABASE_RETRY_AFTER)
    response["Cache-Control"] = "no-store"
    return response


class DatabaseUnavailableMiddleware:
    """Turns a database that cannot be reached into a 503 maintenance page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not is_database_unavailable(exception):
            return None
        logger.error("Database unavailable: %s", exception)
        return database_unavailable_response()


def server_error(request, template_name="500.html"):
    """handler500: a 503 when the database is the cause, otherwise the usual error page."""
    error = sys.exc_info()[1]
    if is_database_unavailable(error):
        return database_unavailable_response()
    try:
        return HttpResponseServerError(render_to_string(template_name))
    except TemplateDoesNotExist:
        return HttpResponseServerError(
            b"<!doctype html><title>Server error</title><h1>Server error (500)</h1>",
            content_type="text/html",
        )
