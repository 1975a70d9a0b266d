from django.contrib import admin
from django.urls import include, path

from catalogue.api.api import api

admin.site.site_header = "Archive catalogue"
admin.site.site_title = "Archive catalogue"
admin.site.index_title = "Cataloguing"

# MEDIA_ROOT is never served as a folder, not even with DEBUG: page images go through
# permission-checked views (catalogue/views/scans.py), and pending imports are never served.
urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", api.urls),
    path("", include("catalogue.urls", namespace="catalogue")),
]

handler500 = "catalogue.middleware.server_error"
