"""The site's URLs plus the uploaded media, for the live server of the browser tests (the
site serves media itself only with DEBUG; in production the web server does)."""

from django.conf import settings
from django.urls import re_path
from django.views.static import serve

from archive.urls import urlpatterns as site_urlpatterns


def media(request, path):
    return serve(request, path, document_root=settings.MEDIA_ROOT)


urlpatterns = [*site_urlpatterns, re_path(r"^media/(?P<path>.*)$", media)]
