"""Handing a stored file to the client once a view has decided that the client may have it.

MEDIA_SERVER chooses how:

- "django" (default, and for development): the file is streamed from storage by Django, with an
  ETag so that browsers revalidate cheaply;
- "nginx": an empty response whose `X-Accel-Redirect` names the file under MEDIA_INTERNAL_URL, a
  location nginx marks `internal` (clients cannot request it themselves);
- "apache": an empty response whose `X-Sendfile` gives the file's path (mod_xsendfile).

The permission check happens in the view on every request; the file's own name and location are
never an access right. Responses say `Cache-Control: no-cache` so that a browser or proxy asks
again each time, and a withdrawn document's images stop at once.
"""

from urllib.parse import quote

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.http import FileResponse, Http404, HttpResponse
from django.utils.cache import get_conditional_response, patch_cache_control

MEDIA_SERVERS = ("django", "nginx", "apache")


def file_response(
    request, field_file, *, content_type, etag, public, filename=None, attachment=False
):
    """A response that delivers `field_file` (a FieldFile) to a client already authorised.

    `public` files (those anyone may fetch) are marked for cross-origin use, so that IIIF
    viewers on other sites can draw them; the others are private to the signed-in user.
    """
    if not field_file or not field_file.storage.exists(field_file.name):
        raise Http404("The file is missing.")
    mode = settings.MEDIA_SERVER
    if mode == "django":
        response = get_conditional_response(request, etag=etag)
        if response is None:
            response = streamed(field_file, content_type, filename, attachment)
        response.headers["ETag"] = etag
    else:
        response = handed_to_web_server(mode, field_file, content_type)
        if filename:
            disposition = "attachment" if attachment else "inline"
            response.headers["Content-Disposition"] = (
                f"{disposition}; filename*=UTF-8''{quote(filename)}"
            )
    if public:
        response.headers["Access-Control-Allow-Origin"] = "*"
        patch_cache_control(response, public=True, no_cache=True)
    else:
        patch_cache_control(response, private=True, no_cache=True)
    return response


def streamed(field_file, content_type, filename, attachment):
    try:
        stream = field_file.storage.open(field_file.name, "rb")
    except OSError as error:
        raise Http404("The file cannot be read.") from error
    return FileResponse(
        stream,
        content_type=content_type,
        as_attachment=attachment,
        filename=filename or "",
    )


def handed_to_web_server(mode, field_file, content_type):
    response = HttpResponse(content_type=content_type)
    if mode == "nginx":
        internal = settings.MEDIA_INTERNAL_URL.rstrip("/") + "/"
        response.headers["X-Accel-Redirect"] = quote(internal + field_file.name)
    elif mode == "apache":
        response.headers["X-Sendfile"] = field_file.path
    else:
        raise ImproperlyConfigured(f"MEDIA_SERVER must be one of {', '.join(MEDIA_SERVERS)}.")
    return response
