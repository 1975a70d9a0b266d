from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path

from catalogue.api.api import api

admin.site.site_header = "Archive catalogue"
admin.site.site_title = "Archive catalogue"
admin.site.index_title = "Cataloguing"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", api.urls),
    path("", include("catalogue.urls", namespace="catalogue")),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
