"""Citation downloads (issue 4)."""

from django.urls import re_path

from catalogue.views.citations import DocumentCitationView, ListExportView

EXTENSIONS = "bib|ris|json"

urlpatterns = [
    re_path(
        rf"^documents/export\.(?P<extension>{EXTENSIONS})$",
        ListExportView.as_view(),
        name="document-list-export",
    ),
    re_path(
        rf"^documents/(?P<identifier>[^/]+)/cite\.(?P<extension>{EXTENSIONS})$",
        DocumentCitationView.as_view(),
        name="document-cite",
    ),
]
